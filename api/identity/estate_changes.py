"""Estate change requests: the member's own pending one, and the staff list of those waiting."""

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
from api.identity.types import Estate, Member, estate_by_id
from api.pagination import after_id, check_first, connection_of
from api.permissions import require_role
from domain.identity import estate_changes, models, policies
from domain.identity.models import Role


@strawberry.enum(description="Where an estate change request stands.")
class EstateChangeStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Waiting: the old estate still holds.")
    APPROVED = strawberry.enum_value("APPROVED", description="The member moved.")
    DECLINED = strawberry.enum_value("DECLINED", description="The member stayed.")
    CANCELLED = strawberry.enum_value(
        "CANCELLED", description="Replaced by another request, withdrawn, or an admin's setting."
    )


@strawberry.type(
    description="A member asking to move to another estate. Until a host or admin of the target "
    "estate approves, the member keeps the old estate and its rights."
)
class EstateChangeRequest(relay.Node):
    id: relay.NodeID[int]
    model: strawberry.Private[models.EstateChangeRequest]

    @classmethod
    def from_model(cls, request: models.EstateChangeRequest) -> EstateChangeRequest:
        return cls(id=request.id, model=request)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[EstateChangeRequest | None]:
        """The viewer's own requests and those they may decide; others look like none at all."""
        ids = [int(i) for i in node_ids]
        viewer = info.context.member
        rows = await models.EstateChangeRequest.filter(id__in=ids) if viewer else []
        found = {
            r.id: r
            for r in rows
            if viewer and (r.member_id == viewer.id or policies.may_decide_estate_change(viewer, r))
        }
        return [cls.from_model(found[i]) if i in found else None for i in ids]

    @field(description="Where the request stands.")
    def status(self) -> EstateChangeStatus:
        return EstateChangeStatus(self.model.status.value)

    @field(description="The member who asked.")
    async def member(self) -> Member:
        # Joined by the staff list; read on demand elsewhere (the viewer's own request).
        member = await self.model.member
        return Member.from_model(member)

    @field(description="The estate the member has now; null if they had none.")
    async def from_estate(self, info: Info[Context, Any]) -> Estate | None:
        return await estate_by_id(info, self.model.from_estate_id)

    @field(description="The estate the member asked to join.")
    async def to_estate(self, info: Info[Context, Any]) -> Estate:
        estate = await estate_by_id(info, self.model.to_estate_id)
        assert estate is not None  # a foreign key with RESTRICT: the estate exists
        return estate

    @field(description="When the member asked.")
    def requested_at(self) -> datetime:
        return self.model.created_at

    @field(description="When it was decided; null while pending.")
    def decided_at(self) -> datetime | None:
        return self.model.decided_at


@strawberry.type(description="Estate change requests, oldest first.")
class EstateChangeRequestConnection(relay.Connection[EstateChangeRequest]):
    pass


@strawberry.type
class EstateChangesQuery:
    @field(
        description="Hosts and admins: the estate change requests waiting for them, oldest "
        "first (admins every estate, hosts those into their own estate); `first` is 1–50. "
        "Anyone else gets a top-level FORBIDDEN error."
    )
    async def estate_change_requests(
        self, info: Info[Context, Any], first: int, after: str | None = None
    ) -> EstateChangeRequestConnection:
        actor = require_role(info, Role.HOST, Role.ADMIN)
        check_first(first)
        rows = await estate_changes.list_pending_estate_changes(actor, after_id(after), first)
        return connection_of(
            EstateChangeRequestConnection, rows, first, after, EstateChangeRequest.from_model
        )


async def pending_of(member_id: int) -> EstateChangeRequest | None:
    request = await estate_changes.pending_estate_change(member_id)
    return EstateChangeRequest.from_model(request) if request else None
