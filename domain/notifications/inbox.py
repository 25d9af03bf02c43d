"""What a member changes in their own inbox: marking notifications read, and their choice of
channels per kind. Ids of other members' notifications are ignored, never an error: "not yours"
and "not there" look the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from domain.collaborators import Collaborators
from domain.errors import FieldError, InvalidInputError
from domain.notifications.models import Notification, NotificationKind, NotificationPreference
from domain.notifications.queries import Preference, preferences

MAX_IDS = 100


async def mark_read(
    c: Collaborators, member_id: int, ids: Sequence[int] | None = None, everything: bool = False
) -> int:
    """Mark ``ids`` (the member's own; others are ignored) or ``everything`` read; returns how
    many were unread."""
    if everything == (ids is not None):
        raise InvalidInputError.single("ids", "请指定要标记的通知，或选择全部已读")
    query = Notification.filter(recipient_id=member_id, read_at__isnull=True)
    if ids is not None:
        if len(ids) > MAX_IDS:
            raise InvalidInputError.single("ids", f"一次最多标记 {MAX_IDS} 条")
        if not ids:
            return 0
        query = query.filter(id__in=list(set(ids)))
    return await query.update(read_at=c.clock.now())


@dataclass(frozen=True)
class PreferenceChange:
    """A requested choice for one kind, as sent (the kind still a name to check)."""

    kind: str
    in_app: bool
    wechat: bool


def _checked(changes: Sequence[PreferenceChange]) -> list[Preference]:
    errors: list[FieldError] = []
    seen: set[NotificationKind] = set()
    checked: list[Preference] = []
    for n, change in enumerate(changes):
        try:
            kind = NotificationKind(change.kind)
        except ValueError:
            errors.append(FieldError(f"preferences.{n}.kind", "没有这种通知"))
            continue
        if kind in seen:
            errors.append(FieldError(f"preferences.{n}.kind", "同一种通知只能设置一次"))
        seen.add(kind)
        checked.append(Preference(kind, change.in_app, change.wechat))
    if errors:
        raise InvalidInputError(errors)
    return checked


async def update_preferences(
    c: Collaborators, member_id: int, changes: Sequence[PreferenceChange]
) -> list[Preference]:
    """Save the member's choices for the kinds named (others stay). Every change is checked
    before any is saved; returns every kind's choice as now saved."""
    for preference in _checked(changes):
        await _save(member_id, preference)
    return await preferences(member_id)


async def _save(member_id: int, preference: Preference) -> None:
    in_app, wechat = preference.in_app, preference.wechat
    query = NotificationPreference.filter(member_id=member_id, kind=preference.kind)
    if await query.update(in_app=in_app, wechat=wechat):
        return
    try:
        await NotificationPreference.create(
            member_id=member_id, kind=preference.kind, in_app=in_app, wechat=wechat
        )
    except IntegrityError:  # a concurrent save created the row first: this one wins after it
        await query.update(in_app=in_app, wechat=wechat)
