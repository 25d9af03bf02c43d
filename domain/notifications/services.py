"""The one way notifications are written: ``notify``. Called by the listeners of facts
(``domain/notifications/triggers.py``) after the fact's write committed, never inside it.

- The actor is never told of their own action.
- A member who turned the kind off in the inbox (``NotificationPreference.in_app``) gets nothing.
- With a ``group_key``, an unread row with the same key folds the new one in: the latest actor,
  ``actor_count`` + 1, the new parameters, moved to the top (a new id). Folds for one member
  take turns on the member's row; a unique partial index keeps one unread row per member and key.
- With ``rising`` (a parameter's name), the notice is written only above every value of that
  parameter the member was told of the same subject, read or not: decided in the member's turn,
  so of notices racing out of order (a burst's milestones) a lower one never replaces a higher.
- Without one (fan-out: a campaign opening in a 20,000-member estate), rows are written in
  batches of ``BATCH``, one statement each (preferences read in it)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from domain.collaborators import Collaborators
from domain.columns import column
from domain.identity.models import Member
from domain.notifications import live, push
from domain.notifications.models import Notification, NotificationKind, NotificationPreference

BATCH = 1000
FAN_OUT_PAUSE = 0.05  # seconds between the batches of a fan-out
log = logging.getLogger("linli.notifications")


@dataclass(frozen=True)
class Subject:
    """What a notification is about, named as the API names it ("Post", 12)."""

    type: str
    id: int


@dataclass(frozen=True)
class Notice:
    kind: NotificationKind
    subject: Subject | None = None
    actor_id: int | None = None
    params: Mapping[str, Any] | None = None
    group_key: str | None = None
    rising: str | None = None  # a parameter each notice of the subject must raise (group_key)

    def __post_init__(self) -> None:
        if self.rising is not None and self.group_key is None:
            raise ValueError("a rising notice is decided in its fold: it needs a group key")


def notices_about(kind: NotificationKind, subject: Subject | None) -> QuerySet[Notification]:
    """Every ``kind`` notice about ``subject``, read or not."""
    return Notification.filter(
        kind=kind,
        subject_type=subject.type if subject else None,
        subject_id=subject.id if subject else None,
    )


async def notify(c: Collaborators, recipients: Iterable[int], notice: Notice) -> list[int]:
    """Write ``notice`` for each recipient (not the actor, not those who muted the kind);
    returns the members told."""
    members = sorted(set(recipients) - {notice.actor_id})
    told: list[int] = []
    now = c.clock.now()
    for start in range(0, len(members), BATCH):
        batch = members[start : start + BATCH]
        if notice.group_key is None:
            if start:  # a breath between batches: the feed's requests share the database
                await asyncio.sleep(FAN_OUT_PAUSE)
            told.extend(await _insert_batch(batch, notice, now))
            continue
        for member_id in await _listening(batch, notice.kind):
            if await _fold(member_id, notice, now):
                told.append(member_id)
    if told:
        try:
            await live.ping(c.redis, told)
        except Exception as error:  # the rows are written; only the live bell waits
            log.warning("notification ping failed: %s", error)
    await push.offer(c, notice.kind, told, now)
    return told


_INSERT_BATCH = {
    "postgres": """INSERT INTO notification (recipient_id, kind, subject_type, subject_id,
        actor_id, actor_count, params, group_key, created_at, updated_at)
    SELECT m.id, $1::varchar, $2::varchar, $3::int, $4::int, 1, $5::jsonb, NULL, $6, $6
    FROM unnest($7::int[]) AS m(id)
    WHERE NOT EXISTS (SELECT 1 FROM notification_preference p
                      WHERE p.member_id = m.id AND p.kind = $1::varchar AND NOT p.in_app)
    RETURNING recipient_id""",
    "sqlite": """INSERT INTO notification (recipient_id, kind, subject_type, subject_id,
        actor_id, actor_count, params, group_key, created_at, updated_at)
    SELECT m.value, ?1, ?2, ?3, ?4, 1, ?5, NULL, ?6, ?6 FROM json_each(?7) AS m
    WHERE NOT EXISTS (SELECT 1 FROM notification_preference p
                      WHERE p.member_id = m.value AND p.kind = ?1 AND NOT p.in_app)
    RETURNING recipient_id""",
}


async def _insert_batch(members: list[int], notice: Notice, now: datetime) -> list[int]:
    """One statement for a batch of a fan-out: the rows of the members who did not mute the
    kind, read from the preferences in the same statement."""
    client = Notification._meta.db
    dialect = client.capabilities.dialect
    ids: Any = members if dialect == "postgres" else orjson.dumps(members).decode()
    subject = notice.subject
    rows = await client.execute_query_dict(
        _INSERT_BATCH[dialect],
        [
            notice.kind.value,
            subject.type if subject else None,
            subject.id if subject else None,
            notice.actor_id,
            orjson.dumps(dict(notice.params or {})).decode(),
            now,
            ids,
        ],
    )
    return sorted(int(row["recipient_id"]) for row in rows)


async def _listening(members: list[int], kind: NotificationKind) -> list[int]:
    muted = set(
        await column(
            NotificationPreference.filter(member_id__in=members, kind=kind, in_app=False),
            "member_id",
        )
    )
    return [m for m in members if m not in muted]


def _row(member_id: int, notice: Notice, now: datetime, count: int = 1) -> Notification:
    return Notification(
        recipient_id=member_id,
        kind=notice.kind,
        subject_type=notice.subject.type if notice.subject else None,
        subject_id=notice.subject.id if notice.subject else None,
        actor_id=notice.actor_id,
        actor_count=count,
        params=dict(notice.params or {}),
        group_key=notice.group_key,
        created_at=now,
        updated_at=now,
    )


async def _fold(member_id: int, notice: Notice, now: datetime) -> bool:
    """Folds for one member take turns on the member's row: a burst of comments on a popular
    post waits briefly instead of failing; the unique index stays the last word. False: a
    ``rising`` notice that was outdone before its turn (nothing written)."""
    async with in_transaction():
        await Member.filter(id=member_id).select_for_update().only("id").first()
        if notice.rising is not None and await _outdone(member_id, notice, notice.rising):
            return False
        earlier = (
            await Notification.filter(
                recipient_id=member_id, group_key=notice.group_key, read_at__isnull=True
            )
            .only("id", "actor_count")
            .first()
        )
        count = 1
        if earlier is not None:
            count = earlier.actor_count + 1
            await Notification.filter(id=earlier.id).delete()
        await _row(member_id, notice, now, count).save()
    return True


async def _outdone(member_id: int, notice: Notice, rising: str) -> bool:
    """Whether the member was told of the subject with ``rising`` at least as high already."""
    told = await column(
        notices_about(notice.kind, notice.subject).filter(recipient_id=member_id), "params"
    )
    value = (notice.params or {})[rising]
    return any(int(params.get(rising, 0)) >= value for params in told)
