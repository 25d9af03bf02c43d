"""Interest-group root fields."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.groups.types import InterestGroup, InterestGroupConnection
from api.pagination import after_id, check_first, connection_of
from domain.groups import queries


@strawberry.type
class GroupsQuery:
    @field(
        description="Interest groups, oldest first; `first` is 1–50. Archived groups only with "
        "`includeArchived` (the back office's list): pickers and feed filters leave them out."
    )
    async def interest_groups(
        self,
        info: Info[Context, Any],
        first: int,
        after: str | None = None,
        include_archived: bool = False,
    ) -> InterestGroupConnection:
        check_first(first)
        rows = await queries.groups_page(after_id(after), first, include_archived)
        viewer = info.context.member
        joined = (
            await queries.group_ids_joined(viewer.id, [g.id for g in rows]) if viewer else set()
        )
        return connection_of(
            InterestGroupConnection,
            rows,
            first,
            after,
            lambda group: InterestGroup.from_model(group, group.id in joined),
        )
