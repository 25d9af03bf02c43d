"""Members about to change tier, and playbooks, for the tier playbooks' tests."""

from __future__ import annotations

from datetime import timedelta

from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.playbooks.models import Playbook
from domain.playbooks.services import PlaybookDraft, create_playbook
from tests.factories import make_member


async def make_admin() -> Member:
    return await make_member(display_name="运营", roles=(Role.RESIDENT, Role.ADMIN))


async def lapsing(c: Collaborators, n: int) -> list[Member]:
    """``n`` members who joined 100 days ago and never bought: the tier job makes them DORMANT."""
    members = [await make_member(display_name=f"邻居{i}") for i in range(n)]
    ids = [m.id for m in members]
    await Member.filter(id__in=ids).update(created_at=c.clock.now() - timedelta(days=100))
    return members


async def win_back_playbook(
    c: Collaborators, admin: Member, holdout: int = 50, points: int = 30
) -> Playbook:
    draft = PlaybookDraft(
        name="沉睡唤醒",
        to_tier="DORMANT",
        message="好久不见，送你一份回归积分",
        bonus_points=points,
        bonus_expiry_days=14,
        add_to_winback=True,
        holdout_percent=holdout,
    )
    return await create_playbook(c, admin, draft)
