"""Event root fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.errors import ClientError
from api.events.types import Event, EventConnection, extras_for
from api.fields import field
from api.pagination import check_first, decode_cursor, encode_cursor
from domain.events import models, queries


def event_key(after: str | None) -> queries.EventKey | None:
    """The (starts_at, id) inside a cursor; anything else is the client's bug."""
    key = decode_cursor(after, 2)
    if key is None:
        return None
    starts_at, event_id = key
    try:
        if not isinstance(starts_at, str):
            raise ValueError(key)
        if not isinstance(event_id, int) or isinstance(event_id, bool):
            raise ValueError(key)
        when = datetime.fromisoformat(starts_at)
        if when.tzinfo is None:
            raise ValueError(starts_at)
    except ValueError as error:
        raise ClientError("分页游标无效") from error
    return when, event_id


def event_cursor(event: models.Event) -> str:
    return encode_cursor(event.starts_at.isoformat(), event.id)


@strawberry.type
class EventsQuery:
    @field(
        description="Events that have not ended yet, soonest first; `first` is 1–50. Open to "
        "everyone; `viewerRegistration` is null when signed out."
    )
    async def events(
        self, info: Info[Context, Any], first: int, after: str | None = None
    ) -> EventConnection:
        check_first(first)
        now = info.context.collaborators.clock.now()
        rows = await queries.upcoming_events_page(now, event_key(after), first)
        page = rows[:first]
        viewer = info.context.member
        extras = await extras_for(page, viewer.id if viewer else None)
        edges = [
            relay.Edge(cursor=event_cursor(row), node=Event.from_model(row, extras)) for row in page
        ]
        return EventConnection(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=len(rows) > first,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
