"""Catalogue root fields."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import Forbidden
from api.fields import field
from api.pagination import after_id, check_first, connection_of
from api.permissions import logged_in
from api.products.types import Product, ProductConnection
from domain.products import queries
from domain.products.policies import may_see_inactive_products


@strawberry.type
class ProductsQuery:
    @field(
        description="Products whose name or SKU contains `search`, oldest first; `first` is "
        "1–50. Signed-in members see the active ones (to tag a post with); admins may ask for "
        "deactivated ones too with `includeInactive`."
    )
    async def products(
        self,
        info: Info[Context, Any],
        first: int,
        after: str | None = None,
        search: str = "",
        include_inactive: bool = False,
    ) -> ProductConnection:
        member = logged_in(info)
        check_first(first)
        if include_inactive and not may_see_inactive_products(member):
            raise Forbidden("没有权限")
        rows = await queries.products_page(
            search[:60], after_id(after), first, active_only=not include_inactive
        )
        return connection_of(ProductConnection, rows, first, after, Product.from_model)
