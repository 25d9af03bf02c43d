"""Connections whose page is the resolver's own domain read and whose nodes are built by the
strawberry type's own ``from_model`` with the page's extras (the rules that decide what a
viewer sees stay in those): shaped as values, without graphql-core's execution. The rewards,
the viewer's redemptions and the upcoming events are read this way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from api.compiled.connections import connection
from api.compiled.shape import (
    Builder,
    Getter,
    Page,
    Scope,
    Selected,
    Value,
    ValueScope,
)
from api.compiled.sql import Fallthrough, Run, Unsupported
from api.compiled.values import signed_in
from api.errors import ClientError
from api.events.queries import event_cursor, event_key
from api.events.types import Event, extras_for
from api.pagination import after_id, check_first, encode_cursor
from api.rewards.types import Redemption, Reward, redeemed_counts
from domain.events import queries as events
from domain.rewards import queries as rewards

# (run, the parent value or None at the root, the cursor's key, first) → first + 1 rows
RowsOf = Callable[[Run, Value | None, Any, int], Awaitable[Sequence[Any]]]
# (run, the parent value or None, the page's rows) → the nodes the resolver builds of them
NodesOf = Callable[[Run, Value | None, list[Any]], Awaitable[list[Any]]]


def _id_cursor(row: Any) -> str:
    return encode_cursor(row.id)


@dataclass(frozen=True)
class DomainPage:
    """A connection (``first`` 1–50, ``after``) read by ``rows`` and built by ``nodes``; ``key``
    reads the cursor (a refusal falls through) and ``cursor`` writes one from a row."""

    rows: RowsOf
    nodes: NodesOf
    key: Callable[[str | None], Any] = after_id
    cursor: Callable[[Any], str] = _id_cursor
    member: bool = False  # ``rows`` or ``nodes`` read the signed-in member's row

    def reader(
        self, builder: Builder, field: Selected
    ) -> tuple[Callable[[Run, Value | None], Awaitable[Page]], Callable[[Page], Any]]:
        node_scope = ValueScope([])
        cursor = self.cursor
        shape = connection(builder, field, node_scope, lambda value: cursor(value.obj.model))
        arguments = field.arguments()
        if set(field.definition.args) != {"first", "after"}:
            raise Unsupported(f"{field.parent.name}.{field.name} takes other arguments")
        builder.domain_reads = True
        builder.member_read |= self.member

        async def read(run: Run, parent: Value | None) -> Page:
            values = arguments(run)
            try:
                first = check_first(values["first"])
                key = self.key(values["after"])
            except ClientError as error:
                raise Fallthrough(str(error)) from error
            rows = await self.rows(run, parent, key, first)
            nodes = await self.nodes(run, parent, list(rows[:first]))
            shown = [Value(node, run.viewer_id, {}) for node in nodes]
            await node_scope.fill_all(run, shown)
            return Page(shown, len(rows) > first, values["after"] is not None)

        return read, shape

    def compile(self, builder: Builder, scope: Scope, field: Selected) -> Getter:
        """As a field of a value (``Viewer.redemptions``): read when the value is filled."""
        if not isinstance(scope, ValueScope):
            raise Unsupported(f"{field.parent.name}.{field.name} outside a value")
        read, shape = self.reader(builder, field)
        key = field.key

        async def fill(run: Run, value: Value) -> None:
            value.found[key] = await read(run, value)

        scope.reads.append(fill)
        return lambda value: shape(value.found[key])


@dataclass(frozen=True)
class PageRoot:
    """A root field that is a ``DomainPage``."""

    page: DomainPage

    def compile(self, builder: Builder, field: Selected) -> tuple[Any, Getter]:
        read, shape = self.page.reader(builder, field)

        async def fetch(run: Run) -> Page:
            return await read(run, None)

        return fetch, shape


def _now(run: Run) -> Any:
    return run.context.collaborators.clock.now()


def _owner(parent: Value | None) -> int:
    if parent is None:
        raise Fallthrough("not under a member")
    return signed_in(parent)


async def _open_rewards(run: Run, parent: Value | None, key: Any, first: int) -> Sequence[Any]:
    return await rewards.available_rewards_page(_now(run), key, first)


async def _rewards(run: Run, parent: Value | None, rows: list[Any]) -> list[Any]:
    counts = redeemed_counts(run.viewer_id)
    return [Reward.from_model(row, counts) for row in rows]


async def _own_redemptions(run: Run, parent: Value | None, key: Any, first: int) -> Sequence[Any]:
    return await rewards.redemptions_page(_owner(parent), key, first)


async def _redemptions(run: Run, parent: Value | None, rows: list[Any]) -> list[Any]:
    counts = redeemed_counts(_owner(parent))
    return [Redemption.from_model(row, counts) for row in rows]


async def _upcoming_events(run: Run, parent: Value | None, key: Any, first: int) -> Sequence[Any]:
    return await events.upcoming_events_page(_now(run), key, first)


async def _events(run: Run, parent: Value | None, rows: list[Any]) -> list[Any]:
    extras = await extras_for(rows, run.viewer_id)
    return [Event.from_model(row, extras) for row in rows]


REWARDS = DomainPage(_open_rewards, _rewards)
REDEMPTIONS = DomainPage(_own_redemptions, _redemptions)
EVENTS = DomainPage(_upcoming_events, _events, key=event_key, cursor=event_cursor)
