"""The attribution report's query: a date range (as the dashboard's), what to group by and,
for post rows, which kind of post."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.attribution.report import Dimension
from domain.errors import InvalidInputError
from domain.kpis.metrics import Period
from domain.posts.models import PostKind
from portal.forms.dashboard import filters_from


@dataclass(frozen=True)
class ReportQuery:
    period: Period
    by: Dimension
    kind: PostKind | None

    def values(self) -> dict[str, str]:
        return {
            "from": self.period.first.isoformat(),
            "to": self.period.last.isoformat(),
            "by": self.by.value,
            "kind": self.kind.value if self.kind else "",
        }


def _choice(params: Mapping[str, Any], name: str, default: str, allowed: Iterable[str]) -> str:
    raw = str(params.get(name) or default).strip().upper()
    if raw not in allowed:
        raise InvalidInputError.single(name, "请从列表中选择")
    return raw


def report_query(params: Mapping[str, Any], today: date) -> ReportQuery:
    """The period (the last 30 days by default), the dimension (posts by default) and the
    kind (any by default)."""
    period = filters_from({name: params.get(name) for name in ("from", "to")}, today).period
    by = Dimension(_choice(params, "by", Dimension.POST.value, Dimension.__members__))
    kind = _choice(params, "kind", "", ["", *PostKind.__members__])
    return ReportQuery(period, by, PostKind(kind) if kind else None)
