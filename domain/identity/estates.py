"""Estates (小区) and their pickup points (自提点), set up by admins in the back office.

Every change is one transaction with its audit entry (before and after values). An estate's name
is unique: the unique index decides between two admins creating or renaming at once, never a
check before the write. Archived estates keep their members and history, but no member newly
joins one (registration, a first choice, an estate change: see ``refuse_archived_estate``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.audit import changed, record_change, snapshot
from domain.collaborators import Collaborators
from domain.errors import FieldError, InvalidInputError, NotFoundError
from domain.identity import estate_rules as rules
from domain.identity.errors import EstateArchivedError, EstateNameTakenError
from domain.identity.models import Estate, Member, PickupPoint, Role
from domain.identity.policies import require_role

ESTATE_FIELDS = ("name", "city", "district", "address", "archived_at")
POINT_FIELDS = ("estate_id", "name", "address", "opening_hours", "archived_at")


@dataclass(frozen=True)
class EstateInput:
    name: str
    city: str
    district: str
    address: str


@dataclass(frozen=True)
class PickupPointInput:
    name: str
    address: str
    opening_hours: str


def _clean_estate(data: EstateInput) -> EstateInput:
    return EstateInput(
        *(rules.clean_text(v) for v in (data.name, data.city, data.district, data.address))
    )


def _clean_point(data: PickupPointInput) -> PickupPointInput:
    return PickupPointInput(
        *(rules.clean_text(v) for v in (data.name, data.address, data.opening_hours))
    )


def _estate_errors(data: EstateInput) -> list[FieldError]:
    return rules.estate_field_errors(data.name, data.city, data.district, data.address)


def _point_errors(data: PickupPointInput, prefix: str = "") -> list[FieldError]:
    return rules.pickup_point_field_errors(data.name, data.address, data.opening_hours, prefix)


def _raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise InvalidInputError(errors)


async def refuse_archived_estate(estate_id: int) -> None:
    """``EstateArchivedError`` when a member would newly join this archived estate."""
    if await Estate.filter(id=estate_id, archived_at__isnull=False).exists():
        raise EstateArchivedError()


async def _audit(
    actor: Member, action: str, row: Estate | PickupPoint, now: datetime, **values: Any
) -> None:
    target = "ESTATE" if isinstance(row, Estate) else "PICKUP_POINT"
    await record_change(
        actor_id=actor.id, action=action, target_type=target, target_id=row.id, now=now, **values
    )


async def _save_estate(estate: Estate, fields: list[str] | None = None) -> None:
    """Insert or update in a savepoint: the unique name index refuses a taken name."""
    try:
        async with in_transaction():
            await estate.save(update_fields=fields)
    except IntegrityError as error:
        raise EstateNameTakenError() from error


async def create_estate(
    c: Collaborators,
    actor: Member,
    data: EstateInput,
    pickup_points: Sequence[PickupPointInput] = (),
) -> Estate:
    """A new active estate, with its first pickup points if given; audited."""
    require_role(actor, Role.ADMIN)
    data = _clean_estate(data)
    points = [_clean_point(point) for point in pickup_points]
    errors = _estate_errors(data)
    if len(points) > rules.NEW_ESTATE_POINTS_MAX:
        errors.append(
            FieldError("pickupPoints", f"新建时最多添加{rules.NEW_ESTATE_POINTS_MAX}个自提点")
        )
    for n, point in enumerate(points[: rules.NEW_ESTATE_POINTS_MAX]):
        errors += _point_errors(point, f"pickupPoints.{n}.")
    _raise_if(errors)
    now = c.clock.now()
    async with in_transaction():
        estate = Estate(
            name=data.name,
            city=data.city,
            district=data.district,
            address=data.address,
            created_at=now,
        )
        await _save_estate(estate)
        await _audit(actor, "ESTATE_CREATED", estate, now, after=snapshot(estate, ESTATE_FIELDS))
        for point in points:
            await _insert_point(actor, estate, point, now)
    return estate


async def _locked_estate(estate_id: int) -> Estate:
    """The estate, its row locked until the transaction ends (PostgreSQL), or NOT_FOUND."""
    estate = await Estate.filter(id=estate_id).select_for_update().first()
    if estate is None:
        raise NotFoundError()
    return estate


async def update_estate(
    c: Collaborators, actor: Member, estate_id: int, data: EstateInput
) -> Estate:
    """Name, city, district and address; archived estates too (their names still show).
    Nothing changed, nothing written."""
    require_role(actor, Role.ADMIN)
    data = _clean_estate(data)
    _raise_if(_estate_errors(data))
    async with in_transaction():
        estate = await _locked_estate(estate_id)
        before = snapshot(estate, ESTATE_FIELDS)
        estate.update_from_dict(
            {
                "name": data.name,
                "city": data.city,
                "district": data.district,
                "address": data.address,
            }
        )
        old, new = changed(before, snapshot(estate, ESTATE_FIELDS))
        if new:
            await _save_estate(estate, [field for field in new])
            await _audit(actor, "ESTATE_UPDATED", estate, c.clock.now(), before=old, after=new)
    return estate


async def archive_estate(c: Collaborators, actor: Member, estate_id: int) -> Estate:
    """No new members from now on; those in it keep it. Archiving twice changes nothing."""
    return await _set_archived(c, actor, estate_id, archived=True)


async def restore_estate(c: Collaborators, actor: Member, estate_id: int) -> Estate:
    """Open again for registrations. Restoring an active estate changes nothing."""
    return await _set_archived(c, actor, estate_id, archived=False)


async def _set_archived(c: Collaborators, actor: Member, estate_id: int, archived: bool) -> Estate:
    require_role(actor, Role.ADMIN)
    now = c.clock.now()
    async with in_transaction():
        # Locked: of two admins archiving at once, the second finds it archived and writes nothing.
        estate = await _locked_estate(estate_id)
        if estate.archived == archived:
            return estate
        before = snapshot(estate, ["archived_at"])
        estate.archived_at = now if archived else None
        await estate.save(update_fields=["archived_at"])
        action = "ESTATE_ARCHIVED" if archived else "ESTATE_RESTORED"
        await _audit(
            actor, action, estate, now, before=before, after=snapshot(estate, ["archived_at"])
        )
    return estate


async def _insert_point(
    actor: Member, estate: Estate, data: PickupPointInput, now: datetime
) -> PickupPoint:
    point = await PickupPoint.create(
        estate_id=estate.id,
        name=data.name,
        address=data.address,
        opening_hours=data.opening_hours,
        created_at=now,
    )
    await _audit(actor, "PICKUP_POINT_ADDED", point, now, after=snapshot(point, POINT_FIELDS))
    return point


async def add_pickup_point(
    c: Collaborators, actor: Member, estate_id: int, data: PickupPointInput
) -> PickupPoint:
    """A new pickup point of an active estate (an archived one takes none: ESTATE_ARCHIVED)."""
    require_role(actor, Role.ADMIN)
    data = _clean_point(data)
    _raise_if(_point_errors(data))
    async with in_transaction():
        estate = await _locked_estate(estate_id)  # an archive waits for this addition, or wins
        if estate.archived:
            raise EstateArchivedError()
        return await _insert_point(actor, estate, data, c.clock.now())


async def _locked_point(point_id: int) -> PickupPoint:
    point = await PickupPoint.filter(id=point_id).select_for_update().first()
    if point is None:
        raise NotFoundError()
    return point


async def update_pickup_point(
    c: Collaborators, actor: Member, point_id: int, data: PickupPointInput
) -> PickupPoint:
    """Name, address and opening hours. Nothing changed, nothing written."""
    require_role(actor, Role.ADMIN)
    data = _clean_point(data)
    _raise_if(_point_errors(data))
    async with in_transaction():
        point = await _locked_point(point_id)
        before = snapshot(point, POINT_FIELDS)
        point.update_from_dict(
            {"name": data.name, "address": data.address, "opening_hours": data.opening_hours}
        )
        old, new = changed(before, snapshot(point, POINT_FIELDS))
        if new:
            await point.save(update_fields=list(new))
            await _audit(actor, "PICKUP_POINT_UPDATED", point, c.clock.now(), before=old, after=new)
    return point


async def archive_pickup_point(c: Collaborators, actor: Member, point_id: int) -> PickupPoint:
    """Residents no longer see it; its row stays. Archiving twice changes nothing."""
    require_role(actor, Role.ADMIN)
    now = c.clock.now()
    async with in_transaction():
        point = await _locked_point(point_id)
        if point.archived_at is not None:
            return point
        point.archived_at = now
        await point.save(update_fields=["archived_at"])
        await _audit(
            actor,
            "PICKUP_POINT_ARCHIVED",
            point,
            now,
            before={"archived_at": None},
            after=snapshot(point, ["archived_at"]),
        )
    return point
