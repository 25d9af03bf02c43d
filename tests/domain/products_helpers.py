"""Products for tests, made through the catalogue's own service."""

from __future__ import annotations

from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.products import services as products
from domain.products.models import Product
from tests.factories import make_member


async def make_admin() -> Member:
    return await make_member(roles=(Role.RESIDENT, Role.ADMIN))


async def make_product(
    c: Collaborators, sku: str, name: str = "云南小粒咖啡豆", price_fen: int = 5900
) -> Product:
    admin = await make_admin()
    return await products.create_product(c, admin, products.NewProduct(sku, name, price_fen))
