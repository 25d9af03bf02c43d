"""The product catalogue on a real database: creating, editing and deactivating products (admins
only, audited), the typed refusals that change nothing, the list with search, and tagging a post
with products by its author."""

from __future__ import annotations

import pytest

from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from domain.posts.models import AuditLogEntry, PostStatus
from domain.products import queries, rules
from domain.products import services as products
from domain.products.errors import DuplicateSkuError, TooManyProductsError, UnknownProductError
from domain.products.models import PostProduct, Product
from portal.templating import templates
from tests.api.test_posts_api import make_post
from tests.domain.products_helpers import make_admin, make_product
from tests.factories import make_image, make_member

New = products.NewProduct
Changes = products.ProductChanges


async def test_an_admin_creates_a_product_with_a_picture_and_the_audit_records_it(
    collaborators: Collaborators,
) -> None:
    admin = await make_admin()
    image = await make_image(admin)
    product = await products.create_product(
        collaborators, admin, New(" cof-001 ", " 云南小粒咖啡豆 ", 5900, image.id)
    )
    stored = await Product.get(id=product.id)
    assert (stored.sku, stored.name, stored.price_fen, stored.image_id, stored.active) == (
        "COF-001",
        "云南小粒咖啡豆",
        5900,
        image.id,
        True,
    )
    entry = await AuditLogEntry.get(action="PRODUCT_CREATED", target_id=product.id)
    assert entry.actor_id == admin.id
    assert entry.after == {
        "sku": "COF-001",
        "name": "云南小粒咖啡豆",
        "price_fen": 5900,
        "image_id": image.id,
        "active": True,
    }


async def test_a_second_product_with_the_same_sku_is_refused_whatever_its_case(
    collaborators: Collaborators,
) -> None:
    await make_product(collaborators, "COF-001")
    admin = await make_admin()
    with pytest.raises(DuplicateSkuError):
        await products.create_product(collaborators, admin, New("cof-001", "另一种咖啡", 100))
    assert await Product.filter(sku="COF-001").count() == 1
    assert await AuditLogEntry.filter(action="PRODUCT_CREATED").count() == 1


@pytest.mark.parametrize(
    ("sku", "name", "price_fen", "field"),
    [
        ("COF-002", "咖啡豆", -1, "priceFen"),
        ("COF-002", "咖啡豆", rules.MAX_PRICE_FEN + 1, "priceFen"),
        ("咖啡 豆", "咖啡豆", 100, "sku"),
        ("COF-002", "   ", 100, "name"),
    ],
)
async def test_a_bad_sku_name_or_price_is_refused_and_nothing_is_written(
    collaborators: Collaborators, sku: str, name: str, price_fen: int, field: str
) -> None:
    admin = await make_admin()
    with pytest.raises(InvalidInputError) as refused:
        await products.create_product(collaborators, admin, New(sku, name, price_fen))
    assert [e.field for e in refused.value.field_errors] == [field]
    assert await Product.all().count() == 0
    assert await AuditLogEntry.all().count() == 0


async def test_someone_elses_image_is_refused_like_a_missing_one(
    collaborators: Collaborators,
) -> None:
    admin = await make_admin()
    stranger_image = await make_image(await make_member())
    with pytest.raises(InvalidInputError) as refused:
        await products.create_product(
            collaborators, admin, New("COF-003", "咖啡豆", 100, stranger_image.id)
        )
    assert [e.field for e in refused.value.field_errors] == ["imageId"]
    assert await Product.all().count() == 0


async def test_only_admins_run_the_catalogue(collaborators: Collaborators) -> None:
    resident = await make_member()
    with pytest.raises(PermissionDeniedError):
        await products.create_product(collaborators, resident, New("COF-004", "咖啡豆", 100))
    product = await make_product(collaborators, "COF-005")
    with pytest.raises(PermissionDeniedError):
        await products.deactivate_product(collaborators, resident, product.id)
    assert (await Product.get(id=product.id)).active is True


async def test_an_edit_audits_only_what_changed_and_a_bad_price_changes_nothing(
    collaborators: Collaborators,
) -> None:
    product = await make_product(collaborators, "FLR-001", "有机面粉", 2990)
    admin = await make_admin()
    await products.update_product(
        collaborators, admin, product.id, Changes(name="有机高筋面粉", price_fen=2990)
    )
    entry = await AuditLogEntry.get(action="PRODUCT_UPDATED", target_id=product.id)
    assert (entry.before, entry.after) == ({"name": "有机面粉"}, {"name": "有机高筋面粉"})
    with pytest.raises(InvalidInputError):
        await products.update_product(collaborators, admin, product.id, Changes(price_fen=-5))
    stored = await Product.get(id=product.id)
    assert (stored.name, stored.price_fen) == ("有机高筋面粉", 2990)
    assert await AuditLogEntry.filter(action="PRODUCT_UPDATED").count() == 1
    with pytest.raises(NotFoundError):
        await products.update_product(collaborators, admin, 999_999, Changes(name="x"))


async def test_a_deactivated_product_leaves_the_list_and_deactivating_twice_changes_nothing(
    collaborators: Collaborators,
) -> None:
    beans = await make_product(collaborators, "COF-010", "云南小粒咖啡豆")
    await make_product(collaborators, "SEED-01", "番茄种子")
    admin = await make_admin()
    await products.deactivate_product(collaborators, admin, beans.id)
    await products.deactivate_product(collaborators, admin, beans.id)
    assert await AuditLogEntry.filter(action="PRODUCT_UPDATED").count() == 1
    assert [p.sku for p in await queries.products_page("", None, 10)] == ["SEED-01"]
    every = await queries.products_page("", None, 10, active_only=False)
    assert [p.sku for p in every] == ["COF-010", "SEED-01"]


async def test_the_list_searches_names_and_skus(collaborators: Collaborators) -> None:
    await make_product(collaborators, "COF-020", "云南小粒咖啡豆")
    await make_product(collaborators, "SEED-20", "番茄种子")
    await make_product(collaborators, "FLR-020", "有机面粉")
    assert [p.sku for p in await queries.products_page("番茄", None, 10)] == ["SEED-20"]
    assert [p.sku for p in await queries.products_page("flr", None, 10)] == ["FLR-020"]
    first = await queries.products_page("", None, 1)
    assert len(first) == 2  # one more than asked: there is a next page


async def test_the_author_tags_a_post_in_order_and_can_change_the_tags(
    collaborators: Collaborators,
) -> None:
    for sku, name in [("COF-030", "咖啡豆"), ("SEED-30", "番茄种子"), ("FLR-030", "面粉")]:
        await make_product(collaborators, sku, name)
    author = await make_member()
    post = await make_post(collaborators, author)
    await products.tag_post_products(collaborators, author, post.id, ["seed-30", "COF-030"])
    await products.tag_post_products(
        collaborators, author, post.id, ["FLR-030", "SEED-30", "FLR-030"]
    )
    tagged = await queries.products_by_post([post.id])
    assert [p.sku for p in tagged[post.id]] == ["FLR-030", "SEED-30"]


async def test_tagging_refuses_unknown_inactive_or_too_many_products_and_keeps_the_tags(
    collaborators: Collaborators,
) -> None:
    skus = [f"SKU-{n}" for n in range(6)]
    for sku in skus:
        await make_product(collaborators, sku)
    author = await make_member()
    post = await make_post(collaborators, author)
    await products.tag_post_products(collaborators, author, post.id, ["SKU-0"])
    admin = await make_admin()
    retired = await Product.get(sku="SKU-5")
    await products.deactivate_product(collaborators, admin, retired.id)
    with pytest.raises(UnknownProductError) as unknown:
        await products.tag_post_products(collaborators, author, post.id, ["SKU-1", "NOPE", "SKU-5"])
    assert unknown.value.skus == ["NOPE", "SKU-5"]
    with pytest.raises(TooManyProductsError):
        await products.tag_post_products(collaborators, author, post.id, skus)
    assert [t.product_id for t in await PostProduct.filter(post_id=post.id)] == [
        (await Product.get(sku="SKU-0")).id
    ]


async def test_a_product_deactivated_after_tagging_stays_on_the_post(
    collaborators: Collaborators,
) -> None:
    beans = await make_product(collaborators, "COF-040")
    await make_product(collaborators, "SEED-40", "番茄种子")
    author = await make_member()
    post = await make_post(collaborators, author)
    await products.tag_post_products(collaborators, author, post.id, ["COF-040"])
    await products.deactivate_product(collaborators, await make_admin(), beans.id)
    await products.tag_post_products(collaborators, author, post.id, ["COF-040", "SEED-40"])
    assert await PostProduct.filter(post_id=post.id).count() == 2


async def test_only_the_author_of_a_post_still_open_to_them_tags_it(
    collaborators: Collaborators,
) -> None:
    await make_product(collaborators, "COF-050")
    author = await make_member()
    post = await make_post(collaborators, author)
    with pytest.raises(NotFoundError):
        await products.tag_post_products(collaborators, await make_member(), post.id, ["COF-050"])
    hidden = await make_post(collaborators, author, status=PostStatus.HIDDEN)
    with pytest.raises(NotFoundError):
        await products.tag_post_products(collaborators, author, hidden.id, ["COF-050"])
    assert await PostProduct.all().count() == 0


def test_prices_read_in_yuan_and_parse_back() -> None:
    assert rules.yuan(5900) == "59.00"
    assert rules.yuan(5) == "0.05"
    assert rules.parse_yuan("19.9") == 1990
    assert rules.parse_yuan("abc") is None
    assert rules.product_url("/mall?sku={sku}", "COF-001") == "/mall?sku=COF-001"


def test_the_audit_page_names_the_product_kinds_and_fields_in_chinese() -> None:
    labels = templates.env.get_template("moderation/_audit_labels.html").module
    shown = [
        labels.kind_label("PRODUCT_CREATED"),  # type: ignore[attr-defined]
        labels.kind_label("PRODUCT_UPDATED"),  # type: ignore[attr-defined]
        labels.target_label("PRODUCT"),  # type: ignore[attr-defined]
        *(labels.field_label(n) for n in products.EDITABLE),  # type: ignore[attr-defined]
    ]
    assert all(not label.isascii() for label in shown), shown


async def test_a_sku_longer_than_any_is_refused_as_unknown_and_shown_cut_short(
    collaborators: Collaborators,
) -> None:
    await make_product(collaborators, "COF-060")
    author = await make_member()
    post = await make_post(collaborators, author)
    with pytest.raises(UnknownProductError) as unknown:
        await products.tag_post_products(collaborators, author, post.id, ["COF-060", "邻" * 5000])
    assert unknown.value.skus == ["邻" * 40 + "…"]
    assert await queries.products_by_sku(["x" * 41, "cof-060"]) != {}
    assert list(await queries.products_by_sku(["x" * 41])) == []
    assert await PostProduct.all().count() == 0
