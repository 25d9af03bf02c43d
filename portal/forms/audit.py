"""The audit page's filters, read from the query string: a value that does not parse is dropped
(the page shows everything it would otherwise) and named, so the form can say so."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from domain.posts.queries import AuditFilters

_KEYS = ("actor", "action", "since", "until")


@dataclass(frozen=True)
class AuditQuery:
    filters: AuditFilters
    values: dict[str, str]  # what the form shows again
    invalid: list[str] = field(default_factory=list)

    def page_url(self, after: int) -> str:
        """The next page's address, keeping the filters."""
        kept = {k: v for k, v in self.values.items() if v and k not in self.invalid}
        return "/moderation/audit?" + urlencode({**kept, "after": after})


def _id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) <= 9 else None


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        return None


def audit_query(params: QueryParams) -> AuditQuery:
    values = {key: str(params.get(key, "")).strip()[:40] for key in _KEYS}
    actor, since, until = _id(values["actor"]), _day(values["since"]), _day(values["until"])
    invalid = [
        key
        for key, parsed in (("actor", actor), ("since", since), ("until", until))
        if values[key] and parsed is None
    ]
    filters = AuditFilters(
        actor_id=actor, action=values["action"] or None, since=since, until=until
    )
    return AuditQuery(filters=filters, values=values, invalid=invalid)
