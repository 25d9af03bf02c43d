"""Estates in the back office: the admins' list of every estate (archived ones too) with their
pickup points, and the inputs and success types the estate mutations share."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.identity.types import Estate, PickupPoint
from api.permissions import require_role
from domain.identity import estates, queries
from domain.identity.models import Role


@strawberry.input(description="A pickup point's details (自提点).")
class PickupPointDetailsInput:
    name: str = strawberry.field(description="1–40 characters, e.g. 「南门快递柜旁」.")
    address: str = strawberry.field(description="1–120 characters, e.g. 「3号楼架空层」.")
    opening_hours: str = strawberry.field(description="1–80 characters, e.g. 「每天 9:00–21:00」.")

    def to_domain(self) -> estates.PickupPointInput:
        return estates.PickupPointInput(self.name, self.address, self.opening_hours)


@strawberry.type(description="The estate was created, with the pickup points given.")
class CreateEstateSuccess:
    estate: Estate = strawberry.field(description="The new estate, active.")


@strawberry.type(description="The estate's details were saved (unchanged ones are not recorded).")
class UpdateEstateSuccess:
    estate: Estate = strawberry.field(description="The estate as now saved.")


@strawberry.type(
    description="The estate is archived: its members keep it, no one new joins (archiving an "
    "archived estate changes nothing)."
)
class ArchiveEstateSuccess:
    estate: Estate = strawberry.field(description="The estate, now archived.")


@strawberry.type(
    description="The estate is active again and offered at registration (restoring an active "
    "estate changes nothing)."
)
class RestoreEstateSuccess:
    estate: Estate = strawberry.field(description="The estate, now active.")


@strawberry.type(description="The pickup point was added to the estate.")
class AddPickupPointSuccess:
    pickup_point: PickupPoint = strawberry.field(description="The new pickup point.")
    estate: Estate = strawberry.field(description="Its estate, with every pickup point.")


@strawberry.type(description="The pickup point's details were saved.")
class UpdatePickupPointSuccess:
    pickup_point: PickupPoint = strawberry.field(description="The pickup point as now saved.")


@strawberry.type(
    description="The pickup point is archived: residents no longer see it (archiving twice "
    "changes nothing)."
)
class ArchivePickupPointSuccess:
    pickup_point: PickupPoint = strawberry.field(description="The pickup point, now archived.")


@strawberry.type
class EstatesAdminQuery:
    @field(
        description="Admins: every estate, archived ones included (`archived`), oldest first; "
        "read `pickupPoints(includeArchived: true)` for all their pickup points. Estates are "
        "few, so this is a plain list. Anyone else gets a top-level FORBIDDEN error."
    )
    async def all_estates(self, info: Info[Context, Any]) -> list[Estate]:
        require_role(info, Role.ADMIN)
        return [Estate.from_model(e) for e in await queries.list_estates()]
