"""A member's inbox as both entrypoints read it: pages newest first (one joined statement, the
actor's name included), the unread count, and the member's choices for every kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.notifications import text as wording
from domain.notifications.models import Notification, NotificationKind, NotificationPreference

_COLUMNS = (
    "id",
    "kind",
    "subject_type",
    "subject_id",
    "actor_count",
    "params",
    "created_at",
    "updated_at",
    "read_at",
    "actor__display_name",
)


@dataclass
class InboxItem:
    """One notification as shown: its sentence and the page it leads to."""

    id: int
    kind: NotificationKind
    subject_type: str | None
    subject_id: int | None
    actor_name: str | None
    actor_count: int
    params: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None

    @property
    def text(self) -> str:
        return wording.sentence(self.kind, self.params, self.actor_name, self.actor_count)

    @property
    def link(self) -> wording.Link:
        return wording.link(self.kind, self.subject_type, self.subject_id)


def _item(row: dict[str, Any]) -> InboxItem:
    return InboxItem(
        id=row["id"],
        kind=NotificationKind(row["kind"]),
        subject_type=row["subject_type"],
        subject_id=row["subject_id"],
        actor_name=row["actor__display_name"],
        actor_count=row["actor_count"],
        params=row["params"] or {},
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        read_at=row["read_at"],
    )


async def inbox_page(
    member_id: int, after_id: int | None, first: int, unread_only: bool = False
) -> list[InboxItem]:
    """Newest first (a fold gets a new id, so id order is recency); ``first + 1`` rows so the
    caller knows whether there is a next page. One statement whatever ``first`` is."""
    query = Notification.filter(recipient_id=member_id)
    if after_id is not None:
        query = query.filter(id__lt=after_id)
    if unread_only:
        query = query.filter(read_at__isnull=True)
    rows = await query.order_by("-id").limit(first + 1).values(*_COLUMNS)
    return [_item(row) for row in rows]


async def own_items(member_id: int, ids: list[int]) -> list[InboxItem]:
    """The member's notifications among ``ids`` (others' are left out, as missing ones are)."""
    rows = await Notification.filter(recipient_id=member_id, id__in=ids).values(*_COLUMNS)
    return [_item(row) for row in rows]


async def latest(member_id: int) -> InboxItem | None:
    page = await inbox_page(member_id, None, 1)
    return page[0] if page else None


async def unread_count(member_id: int) -> int:
    return await Notification.filter(recipient_id=member_id, read_at__isnull=True).count()


@dataclass(frozen=True)
class Preference:
    """A member's channels for one kind (both on unless the member turned one off)."""

    kind: NotificationKind
    in_app: bool = True
    wechat: bool = True


async def preferences(member_id: int) -> list[Preference]:
    """Every kind, in the order of ``NotificationKind``, with the member's choice or the default."""
    rows = await NotificationPreference.filter(member_id=member_id).values(
        "kind", "in_app", "wechat"
    )
    chosen = {}
    for row in rows:
        kind = NotificationKind(row["kind"])
        chosen[kind] = Preference(kind, row["in_app"], row["wechat"])
    return [chosen.get(kind, Preference(kind)) for kind in NotificationKind]
