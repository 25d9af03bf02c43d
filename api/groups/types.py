"""GraphQL types of interest groups."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.groups.private_types import GroupJoinRequest
from api.identity.types import Estate, Member, estate_by_id
from domain.groups import models
from domain.groups.policies import runs_group
from domain.groups.private import pending_requests
from domain.groups.queries import group_ids_joined


@strawberry.enum(description="Who may join a group and read its posts.")
class GroupVisibility(Enum):
    PUBLIC = strawberry.enum_value("PUBLIC", description="Anyone joins; anyone reads the posts.")
    ESTATE = strawberry.enum_value(
        "ESTATE", description="Only one estate's residents join; anyone reads the posts."
    )
    PRIVATE = strawberry.enum_value(
        "PRIVATE",
        description="Joining is a request the hosts decide; only members read the posts.",
    )


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
    archived: bool = strawberry.field(
        description="Archived groups stay readable but take no joins, posts, comments, likes or "
        "events (`GroupArchived`), and leave the group pickers and feed filters."
    )
    cover_url: str | None = strawberry.field(description="The cover image's URL; null for none.")
    model: strawberry.Private[models.InterestGroup]

    @field(
        description="Who may join and read the posts: PUBLIC, ESTATE (one estate's residents) or "
        "PRIVATE (name and description for everyone, posts for members; joining is a request)."
    )
    def visibility(self) -> GroupVisibility:
        if self.model.private:
            return GroupVisibility.PRIVATE
        return (
            GroupVisibility.ESTATE if self.model.estate_id is not None else GroupVisibility.PUBLIC
        )

    @classmethod
    def from_model(cls, group: models.InterestGroup, is_member: bool) -> InterestGroup:
        return cls(
            id=group.id,
            name=group.name,
            slug=group.slug,
            description=group.description,
            member_count=group.member_count,
            viewer_is_member=is_member,
            archived=group.archived_at is not None,
            cover_url=group.cover_url,
            model=group,
        )

    @field(description="The group's lead host (主理人), first of `hosts`' seats.")
    def host(self) -> Member:
        return Member.from_model(self.model.host)  # loaded with the group (select_related)

    @field(
        description="Every host of the group (the lead host and co-hosts), longest-serving first; "
        "phone numbers masked as everywhere."
    )
    async def hosts(self, info: Info[Context, Any]) -> list[Member]:
        found = await info.context.loaders.group_hosts.load(self.id)
        return [Member.from_model(member) for member in found or []]

    @field(
        description="Hosts and admins: the pending join requests of a private group, oldest "
        "first; empty for anyone else."
    )
    async def pending_join_requests(self, info: Info[Context, Any]) -> list[GroupJoinRequest]:
        viewer = info.context.member
        if not self.model.private or viewer is None or not await runs_group(viewer, self.id):
            return []
        return [GroupJoinRequest.from_model(r) for r in await pending_requests(self.id)]

    @field(description="Null: open to every estate; else only this estate's residents.")
    async def estate(self, info: Info[Context, Any]) -> Estate | None:
        return await estate_by_id(info, self.model.estate_id)

    @field(description="When it was archived; null while open.")
    def archived_at(self) -> datetime | None:
        return self.model.archived_at

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


@strawberry.type(description="The group was created with its hosts (audited).")
class CreateGroupSuccess:
    group: InterestGroup = strawberry.field(description="The new group.")


@strawberry.type(description="The group's values were changed (audited).")
class UpdateGroupSuccess:
    group: InterestGroup = strawberry.field(description="The group as it is now.")


@strawberry.type(description="The group is archived: read-only (archiving twice changes nothing).")
class ArchiveGroupSuccess:
    group: InterestGroup = strawberry.field(description="The group as it is now.")


@strawberry.type(description="The group is open again (restoring an open group changes nothing).")
class RestoreGroupSuccess:
    group: InterestGroup = strawberry.field(description="The group as it is now.")


@strawberry.type(
    description="The member hosts the group (appointing twice changes nothing); they joined it "
    "and hold the HOST role, and their host console shows it at once."
)
class AppointHostSuccess:
    group: InterestGroup = strawberry.field(description="The group with its hosts.")


@strawberry.type(
    description="The member no longer hosts the group (their roles are unchanged); a removed "
    "lead host's place goes to the longest-serving co-host."
)
class RemoveHostSuccess:
    group: InterestGroup = strawberry.field(description="The group with its hosts.")


@strawberry.type(
    description="The host leads the group now: theirs is the name shown as the group's host "
    "(setting the lead twice changes nothing)."
)
class SetLeadHostSuccess:
    group: InterestGroup = strawberry.field(description="The group with its hosts.")
