"""``campaign(id)`` on the compiled path: the campaign, its page of entries and its winner as
the strawberry types build them (``campaign_seen_by``, ``Campaign.entry_rows``,
``entries_seen_by``, ``Campaign.winner_for``), with the counts the entry rows hold (what the
resolver reads), shaped as values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from strawberry import relay

from api.campaigns.types import campaign_seen_by, entries_seen_by
from api.compiled.pages import DomainPage
from api.compiled.shape import Builder, Getter, Selected, Value, ValueScope
from api.compiled.sql import Fallthrough, Run

_LARGEST_ID = 2**31 - 1


def _campaign(parent: Value | None) -> Any:
    if parent is None:
        raise Fallthrough("not under a campaign")
    return parent.obj


async def _entry_rows(run: Run, parent: Value | None, key: Any, first: int) -> Sequence[Any]:
    rows: Sequence[Any] = await _campaign(parent).entry_rows(run.member, key, first)
    return rows


async def _entries(run: Run, parent: Value | None, rows: list[Any]) -> list[Any]:
    visible = _campaign(parent).results_visible
    return list(await entries_seen_by(run.member, rows, visible))


ENTRIES = DomainPage(_entry_rows, _entries, member=True)


@dataclass(frozen=True)
class CampaignById:
    """``campaign(id)``; an id of another type or out of range falls through (the resolver
    answers it)."""

    def compile(self, builder: Builder, field: Selected) -> tuple[Any, Getter]:
        scope = ValueScope([])
        shape = builder.object(field.object_type(), field.nodes, scope)
        arguments = field.arguments()
        builder.domain_reads = True

        async def fetch(run: Run) -> Value | None:
            try:  # what strawberry does with the argument before the resolver sees it
                wanted = relay.GlobalID.from_id(arguments(run)["id"])
            except Exception as error:
                raise Fallthrough("not a global id") from error
            if wanted.type_name != "Campaign":
                raise Fallthrough("not a campaign's id")
            node_id = wanted.node_id
            if not (node_id.isascii() and node_id.isdigit()) or int(node_id) > _LARGEST_ID:
                raise Fallthrough("not a campaign's id")
            now = run.context.collaborators.clock.now()
            found = await campaign_seen_by(run.viewer_id, now, int(node_id))
            if found is None:
                return None
            value = Value(found, run.viewer_id, {})
            await scope.fill(run, value)
            return value

        def get(value: Value | None) -> Any:
            return None if value is None else shape(value)

        return fetch, get
