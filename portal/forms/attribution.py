"""The attribution report's query: a date range (as the dashboard's) and what to group by."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.attribution.report import Dimension
from domain.errors import InvalidInputError
from domain.kpis.metrics import Period
from portal.forms.dashboard import filters_from


def report_query(params: Mapping[str, Any], today: Any) -> tuple[Period, Dimension]:
    """The period (the last 30 days by default) and the dimension (posts by default)."""
    period = filters_from({name: params.get(name) for name in ("from", "to")}, today).period
    raw = str(params.get("by") or Dimension.POST.value).strip().upper()
    if raw not in Dimension.__members__:
        raise InvalidInputError.single("by", "请从列表中选择")
    return period, Dimension(raw)
