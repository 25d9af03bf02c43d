"""The programme's public root fields."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.programme.types import Brand
from domain.programme.brand import current_brand


@strawberry.type
class BrandQuery:
    @strawberry.field(description="The brand, for everyone (signed in or not).")
    async def brand(self, info: Info[Context, Any]) -> Brand:
        return Brand.from_view(await current_brand(info.context.collaborators))
