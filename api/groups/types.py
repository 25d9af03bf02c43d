"""GraphQL types of interest groups."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.identity.types import Member
from domain.groups import models
from domain.groups.queries import group_ids_joined


@strawberry.type(description="An interest group (兴趣小组): balcony gardening, kids' baking, …")
class InterestGroup(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="The group's name.")
    slug: str = strawberry.field(description="URL name, e.g. `balcony-garden`.")
    description: str = strawberry.field(description="What the group is about.")
    member_count: int = strawberry.field(description="How many members the group has.")
    viewer_is_member: bool = strawberry.field(
        description="Whether the signed-in member belongs to the group (false when signed out)."
    )
    model: strawberry.Private[models.InterestGroup]

    @classmethod
    def from_model(cls, group: models.InterestGroup, is_member: bool) -> InterestGroup:
        return cls(
            id=group.id,
            name=group.name,
            slug=group.slug,
            description=group.description,
            member_count=group.member_count,
            viewer_is_member=is_member,
            model=group,
        )

    @strawberry.field(description="The group's host (主理人).")
    def host(self) -> Member:
        return Member.from_model(self.model.host)  # loaded with the group (select_related)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[InterestGroup | None]:
        ids = [int(i) for i in node_ids]
        rows = await models.InterestGroup.filter(id__in=ids).select_related("host")
        found = {group.id: group for group in rows}
        viewer = info.context.member
        joined = await group_ids_joined(viewer.id, list(found)) if viewer else set()
        return [cls.from_model(found[i], i in joined) if i in found else None for i in ids]


@strawberry.type(description="A page of interest groups.")
class InterestGroupConnection(relay.Connection[InterestGroup]):
    pass


@strawberry.type(description="The viewer joined the group (or was already in it).")
class JoinGroupSuccess:
    group: InterestGroup = strawberry.field(description="The group as it is now.")


@strawberry.type(description="The viewer left the group.")
class LeaveGroupSuccess:
    group: InterestGroup = strawberry.field(description="The group as it is now.")
