"""Identity root fields."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.identity.types import Estate, InterestTag, Viewer
from api.permissions import IsAuthenticated, logged_in
from domain.identity import queries


@strawberry.type
class IdentityQuery:
    @field(
        description="The active estates, for the registration and profile pickers: archived "
        "ones take no new members and are left out (admins read them in `allEstates`)."
    )
    async def estates(self) -> list[Estate]:
        return [Estate.from_model(e) for e in await queries.list_active_estates()]

    @field(description="Every interest tag members can choose now (retired tags are left out).")
    async def interest_tags(self) -> list[InterestTag]:
        return [InterestTag.from_model(t) for t in await queries.list_interest_tags()]

    @field(description="The signed-in member.", permission_classes=[IsAuthenticated])
    def viewer(self, info: Info[Context, Any]) -> Viewer:
        return Viewer(model=logged_in(info))
