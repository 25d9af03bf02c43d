"""The operations of `products.graphql`: the catalogue for admins (created, edited, refused for
every other role, each typed error), the product picker's list, tagging a post by its author, and
a feed page's products read in a fixed number of statements."""

from __future__ import annotations

from typing import Any

import pytest

from domain.collaborators import Collaborators
from domain.identity.models import Role
from domain.posts.models import AuditLogEntry
from domain.products import services as products
from domain.products.models import PostProduct, Product
from tests.api.test_identity_api import op
from tests.api.test_points_api import error_code, token_for
from tests.api.test_posts_api import make_post
from tests.conftest import GraphQLClient
from tests.domain.products_helpers import make_product
from tests.factories import make_image, make_member
from tests.sqlcount import count_sql
from web.ids import encode_id

REFUSED = [Role.RESIDENT, Role.HOST, Role.MODERATOR]


async def token_of(c: Collaborators, *roles: Role) -> str:
    return await token_for(c, await make_member(roles=(Role.RESIDENT, *roles)))


async def create(gql: GraphQLClient, token: str | None, **input: Any) -> dict[str, Any]:
    body = await gql(op("CreateProduct"), {"input": input}, token)
    return body


async def test_an_admin_creates_a_product_with_its_picture_price_and_link(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    image = await make_image(admin)
    token = await token_for(collaborators, admin)
    body = await create(
        gql,
        token,
        sku="cof-001",
        name="云南小粒咖啡豆",
        priceFen=5900,
        imageId=encode_id("Image", image.id),
    )
    result = body["data"]["createProduct"]
    assert result["__typename"] == "CreateProductSuccess", result
    product = result["product"]
    assert (product["sku"], product["price"], product["url"]) == (
        "COF-001",
        "59.00",
        "/mall?sku=COF-001",
    )
    assert product["image"]["url"].endswith(image.storage_key)
    assert await AuditLogEntry.filter(action="PRODUCT_CREATED").count() == 1


async def test_a_duplicate_sku_and_a_bad_price_are_typed_and_change_nothing(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    await make_product(collaborators, "COF-002")
    token = await token_of(collaborators, Role.ADMIN)
    duplicate = (await create(gql, token, sku="COF-002", name="咖啡", priceFen=1))["data"]
    assert duplicate["createProduct"]["__typename"] == "DuplicateSku"
    assert duplicate["createProduct"]["code"] == "DUPLICATE_SKU"
    bad = (await create(gql, token, sku="COF-003", name="咖啡", priceFen=-1))["data"]
    assert bad["createProduct"]["__typename"] == "InvalidInput"
    assert [e["field"] for e in bad["createProduct"]["fieldErrors"]] == ["priceFen"]
    bad_image = (
        await create(gql, token, sku="COF-004", name="咖啡", priceFen=1, imageId="nonsense")
    )["data"]
    assert [e["field"] for e in bad_image["createProduct"]["fieldErrors"]] == ["imageId"]
    assert await Product.all().count() == 1


@pytest.mark.parametrize("role", REFUSED)
async def test_every_other_role_is_refused_the_catalogue_and_nothing_changes(
    gql: GraphQLClient, collaborators: Collaborators, role: Role
) -> None:
    product = await make_product(collaborators, "COF-005")
    token = await token_of(collaborators, role)
    body = await create(gql, token, sku="COF-006", name="咖啡", priceFen=1)
    assert error_code(body) == "FORBIDDEN"
    body = await gql(
        op("UpdateProduct"),
        {"input": {"productId": encode_id("Product", product.id), "active": False}},
        token,
    )
    assert error_code(body) == "FORBIDDEN"
    body = await gql(op("Products"), {"first": 5, "includeInactive": True}, token)
    assert error_code(body) == "FORBIDDEN"
    assert [(p.sku, p.active) for p in await Product.all()] == [("COF-005", True)]


async def test_an_admin_deactivates_a_product_and_it_leaves_the_picker(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    beans = await make_product(collaborators, "COF-007", "云南小粒咖啡豆")
    await make_product(collaborators, "SEED-07", "番茄种子")
    admin_token = await token_of(collaborators, Role.ADMIN)
    body = await gql(
        op("UpdateProduct"),
        {"input": {"productId": encode_id("Product", beans.id), "active": False, "name": None}},
        admin_token,
    )
    assert body["data"]["updateProduct"]["product"]["active"] is False
    resident = await token_of(collaborators)
    body = await gql(op("Products"), {"first": 5}, resident)
    assert [e["node"]["sku"] for e in body["data"]["products"]["edges"]] == ["SEED-07"]
    body = await gql(op("Products"), {"first": 5, "search": "咖啡"}, resident)
    assert body["data"]["products"]["edges"] == []
    body = await gql(op("Products"), {"first": 5, "includeInactive": True}, admin_token)
    assert len(body["data"]["products"]["edges"]) == 2
    missing = await gql(
        op("UpdateProduct"),
        {"input": {"productId": encode_id("Product", 999_999), "name": "x"}},
        admin_token,
    )
    assert missing["data"]["updateProduct"]["__typename"] == "NotFound"


async def test_the_picker_needs_a_signed_in_member(gql: GraphQLClient) -> None:
    body = await gql(op("Products"), {"first": 5}, None)
    assert error_code(body) == "UNAUTHENTICATED"


async def test_the_author_tags_a_post_and_each_refusal_is_typed(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    for n in range(6):
        await make_product(collaborators, f"SKU-{n}", f"商品{n}")
    author = await make_member()
    post = await make_post(collaborators, author)
    token = await token_for(collaborators, author)
    pid = encode_id("Post", post.id)

    async def tag(skus: list[str], who: str = token, post_id: str = pid) -> dict[str, Any]:
        body = await gql(op("TagPostProducts"), {"postId": post_id, "skus": skus}, who)
        result: dict[str, Any] = body["data"]["tagPostProducts"]
        return result

    done = await tag(["sku-1", "SKU-0"])
    assert [p["sku"] for p in done["products"]] == ["SKU-1", "SKU-0"]
    unknown = await tag(["SKU-2", "NOPE"])
    assert (unknown["__typename"], unknown["skus"]) == ("UnknownProducts", ["NOPE"])
    too_many = await tag([f"SKU-{n}" for n in range(6)])
    assert too_many["__typename"] == "TooManyProducts"
    stranger = await token_of(collaborators)
    assert (await tag(["SKU-3"], stranger))["__typename"] == "NotFound"
    assert (await tag(["SKU-3"], token, "bad-id"))["__typename"] == "InvalidInput"
    tags = await PostProduct.filter(post_id=post.id).order_by("position")
    assert [t.product_id for t in tags] == [
        (await Product.get(sku="SKU-1")).id,
        (await Product.get(sku="SKU-0")).id,
    ]


async def test_a_feed_page_reads_its_products_in_the_same_statements_whether_tagged_or_not(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    skus = [f"SKU-{n}" for n in range(3)]
    for sku in skus:
        await make_product(collaborators, sku)
    author = await make_member()
    posts = [await make_post(collaborators, author, f"阳台番茄 {n}") for n in range(20)]
    token = await token_of(collaborators)
    counts = []
    for tagged in (False, True):
        if tagged:
            for post in posts:
                await products.tag_post_products(collaborators, author, post.id, skus)
        for first in (1, 20):
            with count_sql() as statements:
                body = await gql(op("FeedWithProducts"), {"first": first}, token)
            edges = body["data"]["feed"]["edges"]
            assert len(edges) == first
            assert all(len(e["node"]["products"]) == (3 if tagged else 0) for e in edges)
            counts.append(len(statements))
    # The feed's own statements (token, page, covers) and one for the page's products.
    assert counts == [4, 4, 4, 4]


async def test_the_product_list_reads_a_page_with_its_pictures_in_fixed_statements(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    for n in range(21):
        image = await make_image(admin)
        await products.create_product(
            collaborators, admin, products.NewProduct(f"SKU-{n}", f"商品{n}", 100, image.id)
        )
    token = await token_of(collaborators)
    counts = []
    for first in (1, 20):
        with count_sql() as statements:
            body = await gql(op("Products"), {"first": first}, token)
        edges = body["data"]["products"]["edges"]
        assert len(edges) == first and all(e["node"]["image"]["url"] for e in edges)
        counts.append(len(statements))
    # The viewer's token with its member, and the page joined to its pictures.
    assert counts == [2, 2]
