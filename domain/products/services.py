"""Catalogue actions: create, edit and deactivate a product (admins, audited), and tag a post
with products (its author). A SKU is unique: the database's unique key refuses a concurrent
duplicate the check before it let through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from domain.aftercommit import atomic
from domain.audit import changed, record_change, snapshot
from domain.collaborators import Collaborators
from domain.edits import KEEP, Keep, pick, state
from domain.errors import InvalidInputError, NotFoundError
from domain.identity.models import Member
from domain.identity.suspensions import refuse_if_suspended
from domain.media.models import Image
from domain.posts.models import Post
from domain.products import rules
from domain.products.errors import DuplicateSkuError, TooManyProductsError, UnknownProductError
from domain.products.models import PostProduct, Product
from domain.products.policies import may_tag_post, require_catalogue_admin

EDITABLE = ("name", "price_fen", "image_id", "active")
CREATED = ("sku", "name", "price_fen", "image_id", "active")


@dataclass(frozen=True)
class NewProduct:
    sku: str
    name: str
    price_fen: int
    image_id: int | None = None  # an image the admin uploaded


@dataclass(frozen=True)
class ProductChanges:
    """What an edit changes; ``KEEP`` leaves a field as it is, ``image_id=None`` removes the
    picture. The SKU never changes: orders and posts refer to it."""

    name: str | Keep = KEEP
    price_fen: int | Keep = KEEP
    image_id: int | Keep | None = KEEP
    active: bool | Keep = KEEP


async def create_product(c: Collaborators, admin: Member, new: NewProduct) -> Product:
    require_catalogue_admin(admin)
    sku = rules.clean_sku(new.sku)
    errors = rules.product_field_errors(sku, new.name, new.price_fen)
    if errors:
        raise InvalidInputError(errors)
    await _require_own_image(admin, new.image_id)
    if await Product.exists(sku=sku):
        raise DuplicateSkuError()
    now = c.clock.now()
    try:
        async with atomic():
            product = await Product.create(
                sku=sku,
                name=new.name.strip(),
                price_fen=new.price_fen,
                image_id=new.image_id,
                created_at=now,
                updated_at=now,
            )
            await _audit(admin, "PRODUCT_CREATED", product, now, None, snapshot(product, CREATED))
    except IntegrityError as exc:
        raise DuplicateSkuError() from exc
    return product


async def update_product(
    c: Collaborators, admin: Member, product_id: int, changes: ProductChanges
) -> Product:
    require_catalogue_admin(admin)
    if not isinstance(changes.image_id, Keep):
        await _require_own_image(admin, changes.image_id)
    async with atomic():
        product = await _locked(product_id)
        before = state(product, EDITABLE)
        product.name = pick(changes.name, product.name).strip()
        product.price_fen = pick(changes.price_fen, product.price_fen)
        product.image_id = pick(changes.image_id, product.image_id)
        product.active = pick(changes.active, product.active)
        errors = rules.product_field_errors(product.sku, product.name, product.price_fen)
        if errors:
            raise InvalidInputError(errors)
        before, after = changed(before, state(product, EDITABLE))
        if not after:
            return product
        product.updated_at = c.clock.now()
        await product.save(update_fields=[*EDITABLE, "updated_at"])
        await _audit(admin, "PRODUCT_UPDATED", product, product.updated_at, before, after)
    return product


async def deactivate_product(c: Collaborators, admin: Member, product_id: int) -> Product:
    """No longer offered for tagging; posts tagged before keep it. Twice changes nothing."""
    return await update_product(c, admin, product_id, ProductChanges(active=False))


async def tag_post_products(
    c: Collaborators, author: Member, post_id: int, skus: list[str]
) -> list[Product]:
    """Replace the post's products with ``skus`` in that order (duplicates once). Only active
    products can be added; one the post already carries stays even if deactivated since."""
    refuse_if_suspended(author, c.clock.now())
    if len(chosen_skus(skus)) > rules.MAX_TAGS_PER_POST:
        raise TooManyProductsError()
    async with atomic():
        post = await Post.filter(id=post_id).select_for_update().first()
        if post is None or not may_tag_post(author, post):
            raise NotFoundError("分享不存在")
        kept = {tag.product_id for tag in await PostProduct.filter(post_id=post_id)}
        chosen = await taggable_products(skus, kept)
        await PostProduct.filter(post_id=post_id).delete()
        await save_post_products(post_id, chosen)
    return chosen


def chosen_skus(skus: list[str]) -> list[str]:
    """The SKUs as compared, in the order given, each once."""
    return list(dict.fromkeys(rules.clean_sku(s) for s in skus if s.strip()))


async def taggable_products(skus: list[str], kept: set[int] | None = None) -> list[Product]:
    """The products of ``skus`` in that order: at most ``MAX_TAGS_PER_POST``, each in the
    catalogue and active (or among ``kept``, the post's products already)."""
    wanted = chosen_skus(skus)
    if len(wanted) > rules.MAX_TAGS_PER_POST:
        raise TooManyProductsError()
    well_formed = [s for s in wanted if rules.looks_like_sku(s)]  # others are no SKU at all
    found = {p.sku: p for p in await Product.filter(sku__in=well_formed)} if well_formed else {}
    kept = kept or set()
    unknown = [s for s in wanted if s not in found or not (found[s].active or found[s].id in kept)]
    if unknown:
        raise UnknownProductError([rules.shown_sku(s) for s in unknown])
    return [found[s] for s in wanted]


async def save_post_products(post_id: int, chosen: list[Product]) -> None:
    """Inside the caller's transaction: the post's products, in order."""
    await PostProduct.bulk_create(
        [PostProduct(post_id=post_id, product=p, position=n) for n, p in enumerate(chosen)]
    )


async def _require_own_image(admin: Member, image_id: int | None) -> None:
    """An image the admin uploaded (re-encoded, metadata stripped); someone else's looks like a
    missing one."""
    if image_id is not None and not await Image.exists(id=image_id, owner_id=admin.id):
        raise InvalidInputError.single("imageId", "图片不存在")


async def _locked(product_id: int) -> Product:
    product = await Product.filter(id=product_id).select_for_update().first()
    if product is None:
        raise NotFoundError("商品不存在")
    return product


async def _audit(
    admin: Member,
    action: str,
    product: Product,
    now: datetime,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    await record_change(
        actor_id=admin.id,
        action=action,
        target_type="PRODUCT",
        target_id=product.id,
        now=now,
        before=before,
        after=after,
    )
