"""Products in the portal: the back office's product page (create with the form, a refused form
re-rendered at 422 with what was typed, edit, deactivate, refused roles), the share form's
product picker and chips, a share tagged with products, and the post page's product cards."""

from __future__ import annotations

import httpx
import pytest

from domain.collaborators import Collaborators
from domain.identity.models import Role
from domain.posts.models import AuditLogEntry, Post
from domain.products import services as products
from domain.products.models import PostProduct, Product
from tests.domain.products_helpers import make_admin, make_product
from tests.domain.test_posts import veteran
from tests.factories import make_image, make_member
from tests.portal.test_points_pages import HTMX, htmx, log_in
from tests.portal.test_posts_pages import published, recipe_form
from web.ids import encode_id

REFUSED = [Role.RESIDENT, Role.HOST, Role.MODERATOR]


async def test_an_admin_creates_a_product_with_a_photo_from_the_products_page(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    admin = await make_admin()
    image = await make_image(admin)
    csrf = await log_in(client, admin)
    listing = await client.get("/admin/products")
    assert listing.status_code == 200 and 'id="create-product-form"' in listing.text
    assert 'href="/admin/products"' in listing.text  # in the staff navigation

    created = await client.post(
        "/admin/products",
        data={
            "csrf_token": csrf,
            "sku": "cof-001",
            "name": "云南小粒咖啡豆",
            "price": "59.9",
            "imageId": encode_id("Image", image.id),
        },
    )

    assert created.status_code == 303
    stored = await Product.get(sku="COF-001")
    assert (stored.name, stored.price_fen, stored.image_id) == ("云南小粒咖啡豆", 5990, image.id)
    listing = await client.get("/admin/products")
    assert "云南小粒咖啡豆" in listing.text and "¥59.90" in listing.text
    assert await AuditLogEntry.filter(action="PRODUCT_CREATED").count() == 1


async def test_a_refused_product_form_comes_back_at_422_with_what_was_typed(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    await make_product(collaborators, "COF-002")
    csrf = await log_in(client, await make_admin())
    bad_price = await client.post(
        "/admin/products",
        data={"sku": "SEED-01", "name": "番茄种子", "price": "九块九"},
        headers=htmx(csrf),
    )
    assert bad_price.status_code == 422 and "价格应在 0 到 100000 元之间" in bad_price.text
    assert 'value="番茄种子"' in bad_price.text and "<html" not in bad_price.text
    duplicate = await client.post(
        "/admin/products",
        data={"sku": "cof-002", "name": "另一种咖啡", "price": "10"},
        headers=htmx(csrf),
    )
    assert duplicate.status_code == 422 and "该商品编码已存在" in duplicate.text
    assert await Product.all().count() == 1


async def test_an_admin_edits_and_deactivates_a_product(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    product = await make_product(collaborators, "FLR-001", "有机面粉", 2990)
    csrf = await log_in(client, await make_admin())
    form = await client.get(f"/admin/products/{product.id}")
    assert 'value="29.90"' in form.text and 'href="/mall?sku=FLR-001"' in form.text
    saved = await client.post(
        f"/admin/products/{product.id}",
        data={"name": "有机高筋面粉", "price": "32"},
        headers=htmx(csrf),
    )
    assert saved.status_code == 200 and "已保存" in saved.text
    refused = await client.post(
        f"/admin/products/{product.id}", data={"name": "", "price": "32"}, headers=htmx(csrf)
    )
    assert refused.status_code == 422
    off = await client.post(
        f"/admin/products/{product.id}", data={"active": "off"}, headers=htmx(csrf)
    )
    assert off.status_code == 200 and "该商品已下架" in off.text
    stored = await Product.get(id=product.id)
    assert (stored.name, stored.price_fen, stored.active) == ("有机高筋面粉", 3200, False)


@pytest.mark.parametrize("role", REFUSED)
async def test_other_roles_are_refused_the_products_pages(
    client: httpx.AsyncClient, collaborators: Collaborators, role: Role
) -> None:
    product = await make_product(collaborators, "COF-003")
    csrf = await log_in(client, await make_member(roles=(Role.RESIDENT, role)))
    assert (await client.get("/admin/products")).status_code == 403
    response = await client.post(
        f"/admin/products/{product.id}", data={"active": "off"}, headers=htmx(csrf)
    )
    assert response.status_code == 403
    assert (await Product.get(id=product.id)).active is True


async def test_the_share_form_finds_products_and_a_tagged_share_keeps_their_order(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    await make_product(collaborators, "COF-010", "云南小粒咖啡豆")
    await make_product(collaborators, "SEED-10", "番茄种子", 990)
    author = await veteran(collaborators)
    csrf = await log_in(client, author)
    form = await client.get("/share")
    assert 'hx-get="/share/products"' in form.text
    found = await client.get("/share/products?q=番茄", headers=HTMX)
    assert "番茄种子" in found.text and "咖啡" not in found.text
    chip = await client.get("/share/products/chip?sku=SEED-10", headers=HTMX)
    assert 'name="sku" value="SEED-10"' in chip.text

    response = await client.post("/share", data=recipe_form(csrf, sku=["SEED-10", "COF-010"]))

    assert response.status_code == 303
    post = await Post.get(author_id=author.id)
    tags = await PostProduct.filter(post_id=post.id).order_by("position")
    skus = [(await Product.get(id=t.product_id)).sku for t in tags]
    assert skus == ["SEED-10", "COF-010"]


async def test_a_share_with_an_unknown_product_comes_back_with_its_chips_and_writes_nothing(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    await make_product(collaborators, "COF-011", "云南小粒咖啡豆")
    csrf = await log_in(client, await veteran(collaborators))
    response = await client.post("/share", data=recipe_form(csrf, sku=["COF-011", "NOPE"]))
    assert response.status_code == 422 and "NOPE" in response.text
    assert 'name="sku" value="COF-011"' in response.text  # the chosen chip comes back
    assert await Post.all().count() == 0 and await PostProduct.all().count() == 0


async def test_the_post_page_shows_its_products_as_cards_linking_to_the_mall(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    admin = await make_admin()
    image = await make_image(admin)
    await products.create_product(
        collaborators, admin, products.NewProduct("COF-012", "云南小粒咖啡豆", 5900, image.id)
    )
    author = await veteran(collaborators)
    post = await published(collaborators, author)
    await products.tag_post_products(collaborators, author, post.id, ["COF-012"])
    page = await client.get(f"/posts/{post.id}")
    assert page.status_code == 200
    assert 'href="/mall?sku=COF-012"' in page.text and "¥59.00" in page.text
    assert image.storage_key in page.text and "分享中的商品" in page.text
    untagged = await published(collaborators, author, title="阳台种菜心得")
    assert "分享中的商品" not in (await client.get(f"/posts/{untagged.id}")).text


async def test_an_admin_imports_the_product_list_and_a_bad_line_writes_nothing(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    csrf = await log_in(client, await make_admin())
    bad = "sku,name,price\nSEED-01,番茄种子,9.9\nFLR-001,有机面粉,abc\n".encode()
    refused = await client.post(
        "/admin/products/import",
        files={"file": ("products.csv", bad, "text/csv")},
        headers=htmx(csrf),
    )
    assert refused.status_code == 422 and "第 3 行 price" in refused.text
    assert await Product.all().count() == 0
    good = "sku,name,price\nSEED-01,番茄种子,9.9\nFLR-001,有机面粉,29.9\n".encode("gb18030")
    done = await client.post(
        "/admin/products/import",
        files={"file": ("products.csv", good, "text/csv")},
        headers=htmx(csrf),
    )
    assert done.status_code == 200 and "新增 2 件" in done.text
    assert {p.name for p in await Product.all()} == {"番茄种子", "有机面粉"}


async def test_the_author_changes_a_posts_products_on_its_page_and_no_one_else_can(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    await make_product(collaborators, "COF-020", "云南小粒咖啡豆")
    await make_product(collaborators, "SEED-20", "番茄种子")
    author = await veteran(collaborators)
    post = await published(collaborators, author)
    csrf = await log_in(client, author)
    page = await client.get(f"/posts/{post.id}")
    assert f'action="/posts/{post.id}/products"' in page.text

    saved = await client.post(
        f"/posts/{post.id}/products", data={"sku": ["SEED-20", "COF-020"]}, headers=htmx(csrf)
    )
    assert saved.status_code == 200 and "<html" not in saved.text
    assert saved.text.index("番茄种子") < saved.text.index("云南小粒咖啡豆")
    refused = await client.post(
        f"/posts/{post.id}/products", data={"sku": ["COF-020", "NOPE"]}, headers=htmx(csrf)
    )
    assert refused.status_code == 422 and "NOPE" in refused.text
    assert 'name="sku" value="COF-020"' in refused.text
    assert await PostProduct.filter(post_id=post.id).count() == 2

    stranger_csrf = await log_in(client, await make_member())
    assert f'action="/posts/{post.id}/products"' not in (await client.get(f"/posts/{post.id}")).text
    stranger = await client.post(
        f"/posts/{post.id}/products", data={"sku": ["COF-020"]}, headers=htmx(stranger_csrf)
    )
    assert stranger.status_code == 404
    assert await PostProduct.filter(post_id=post.id).count() == 2
