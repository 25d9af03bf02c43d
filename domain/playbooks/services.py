"""Admins' actions on tier playbooks: making one and switching it on or off, each audited."""

from __future__ import annotations

from dataclasses import dataclass

from domain.aftercommit import atomic
from domain.audit import record_change
from domain.collaborators import Collaborators
from domain.errors import FieldError, InvalidInputError, NotFoundError
from domain.identity.models import Member
from domain.playbooks.models import Playbook
from domain.playbooks.policies import require_playbook_admin
from domain.playbooks.rules import MAX_HOLDOUT_PERCENT
from domain.segments.rfm import Tier

MAX_BONUS_POINTS = 10_000
MAX_EXPIRY_DAYS = 365


@dataclass(frozen=True)
class PlaybookDraft:
    """What an admin fills in for a new playbook."""

    name: str
    to_tier: str
    from_tier: str | None = None
    message: str = ""
    bonus_points: int = 0
    bonus_expiry_days: int = 14
    add_to_winback: bool = False
    holdout_percent: int = 10


def _errors(draft: PlaybookDraft) -> list[FieldError]:
    tiers = {t.value for t in Tier}
    errors = []
    if not 2 <= len(draft.name.strip()) <= 60:
        errors.append(FieldError("name", "请填写 2–60 字的名称"))
    if draft.to_tier not in tiers:
        errors.append(FieldError("toTier", "请选择变动后的等级"))
    if draft.from_tier is not None and draft.from_tier not in tiers - {draft.to_tier}:
        errors.append(FieldError("fromTier", "原等级应为另一个等级，或留空表示任意等级"))
    if len(draft.message.strip()) > 200:
        errors.append(FieldError("message", "消息不能超过 200 字"))
    if not 0 <= draft.bonus_points <= MAX_BONUS_POINTS:
        errors.append(FieldError("bonusPoints", f"奖励积分应在 0–{MAX_BONUS_POINTS} 之间"))
    if not 1 <= draft.bonus_expiry_days <= MAX_EXPIRY_DAYS:
        errors.append(FieldError("bonusExpiryDays", f"有效期应在 1–{MAX_EXPIRY_DAYS} 天之间"))
    if not 0 <= draft.holdout_percent <= MAX_HOLDOUT_PERCENT:
        errors.append(FieldError("holdoutPercent", f"对照组比例应在 0–{MAX_HOLDOUT_PERCENT}% 之间"))
    if not (draft.message.strip() or draft.bonus_points or draft.add_to_winback):
        errors.append(FieldError("message", "请至少设置消息、奖励积分或挽回名单中的一项"))
    return errors


def _values(playbook: Playbook) -> dict[str, object]:
    return {
        "name": playbook.name,
        "from_tier": playbook.from_tier,
        "to_tier": playbook.to_tier,
        "bonus_points": playbook.bonus_points,
        "bonus_expiry_days": playbook.bonus_expiry_days,
        "add_to_winback": playbook.add_to_winback,
        "holdout_percent": playbook.holdout_percent,
        "active": playbook.active,
    }


async def create_playbook(c: Collaborators, admin: Member, draft: PlaybookDraft) -> Playbook:
    """A new active playbook; it runs on tier changes from now on, never on earlier ones."""
    require_playbook_admin(admin)
    errors = _errors(draft)
    if errors:
        raise InvalidInputError(errors)
    now = c.clock.now()
    async with atomic():
        playbook = await Playbook.create(
            name=draft.name.strip(),
            from_tier=draft.from_tier,
            to_tier=draft.to_tier,
            message=draft.message.strip(),
            bonus_points=draft.bonus_points,
            bonus_expiry_days=draft.bonus_expiry_days,
            add_to_winback=draft.add_to_winback,
            holdout_percent=draft.holdout_percent,
            created_by_id=admin.id,
            active_since=now,
            created_at=now,
            updated_at=now,
        )
        await record_change(
            actor_id=admin.id,
            action="PLAYBOOK_CREATED",
            target_type="PLAYBOOK",
            target_id=playbook.id,
            now=now,
            after=_values(playbook),
        )
    return playbook


async def set_playbook_active(
    c: Collaborators, admin: Member, playbook_id: int, active: bool
) -> Playbook:
    """Switch a playbook on or off (an inactive one runs on nothing, its record stays). Switched
    on again, it runs on tier changes from then: the ones made while it was off are left alone,
    the nightly catch-up included."""
    require_playbook_admin(admin)
    now = c.clock.now()
    async with atomic():
        playbook = await Playbook.filter(id=playbook_id).select_for_update().first()
        if playbook is None:
            raise NotFoundError()
        if playbook.active == active:
            return playbook
        before = _values(playbook)
        playbook.active, playbook.updated_at = active, now
        if active:
            playbook.active_since = now
        await playbook.save(update_fields=["active", "active_since", "updated_at"])
        await record_change(
            actor_id=admin.id,
            action="PLAYBOOK_ACTIVATED" if active else "PLAYBOOK_DEACTIVATED",
            target_type="PLAYBOOK",
            target_id=playbook.id,
            now=now,
            before=before,
            after=_values(playbook),
        )
    return playbook
