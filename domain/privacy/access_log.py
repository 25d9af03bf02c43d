"""Staff reads of members' personal data, recorded where they happen (the members list, a
member's page, the members CSV, and their GraphQL counterparts): one statement for a whole
page or file chunk, whatever its length. The member sees when and by which role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.identity.models import Member, Role
from domain.privacy.record_models import AccessKind, PersonalDataAccess

# Kept a year, then purged by the due jobs.
ACCESS_RETENTION = timedelta(days=365)
SHOWN = 50  # the newest entries a member sees

# The role a read is recorded under: the highest the staff member holds.
_RANKED = (Role.ADMIN, Role.HOST, Role.MODERATOR)


def staff_role(staff: Member) -> str:
    return next((role.value for role in _RANKED if staff.has_role(role)), Role.RESIDENT.value)


async def record_reads(
    staff: Member, member_ids: list[int], kind: AccessKind, now: datetime
) -> int:
    """One row per member read (a member read twice in one page counts once), in one
    statement; a staff member reading their own record is not recorded. Returns how many."""
    ids = sorted({i for i in member_ids if i != staff.id})
    if not ids:
        return 0
    role = staff_role(staff)
    await PersonalDataAccess.bulk_create(
        [
            PersonalDataAccess(member_id=i, staff_id=staff.id, staff_role=role, kind=kind, at=now)
            for i in ids
        ]
    )
    return len(ids)


@dataclass(frozen=True)
class AccessSeen:
    """What the member is shown of one read: when, which role, what."""

    at: datetime
    role: str
    kind: AccessKind


async def reads_of(member_id: int, limit: int = SHOWN) -> list[AccessSeen]:
    rows = (
        await PersonalDataAccess.filter(member_id=member_id)
        .order_by("-at", "-id")
        .limit(limit)
        .values_list("at", "staff_role", "kind")
    )
    return [AccessSeen(at, role, AccessKind(kind)) for at, role, kind in rows]


async def purge_old_reads(now: datetime) -> int:
    """Drop reads older than ``ACCESS_RETENTION``; returns how many."""
    return await PersonalDataAccess.filter(at__lt=now - ACCESS_RETENTION).delete()
