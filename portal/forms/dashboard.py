"""The dashboard's filters: estate, group and a date range (with presets), read from the query
string (or the recompute form's hidden fields). Bad values are an ``InvalidInputError``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.errors import FieldError, InvalidInputError
from domain.kpis.metrics import Period, Scope

DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Preset:
    key: str
    first: date
    last: date


def presets(today: date) -> list[Preset]:
    """本月, 近30天, 近90天: all ending today."""
    return [
        Preset("month", today.replace(day=1), today),
        Preset("30d", today - timedelta(days=29), today),
        Preset("90d", today - timedelta(days=89), today),
    ]


@dataclass(frozen=True)
class Filters:
    scope: Scope
    period: Period

    def query(self, **changes: Any) -> dict[str, str]:
        """The query string of these filters (for preset links, the export and the form)."""
        values = {
            "estate": "" if self.scope.estate_id is None else str(self.scope.estate_id),
            "group": "" if self.scope.group_id is None else str(self.scope.group_id),
            "from": self.period.first.isoformat(),
            "to": self.period.last.isoformat(),
        }
        values.update({key: str(value) for key, value in changes.items()})
        return values


def chosen_id(params: Mapping[str, Any], name: str, default: int | None) -> int | None:
    """A select's id: ``default`` when the field is absent, None when "all" is chosen."""
    if name not in params:
        return default
    raw = str(params.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise InvalidInputError.single(name, "请从列表中选择")
    return int(raw)


def _date(params: Mapping[str, Any], name: str, default: date) -> date:
    raw = str(params.get(name) or "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInputError.single(name, "请输入有效日期，例如 2026-11-01") from None


def filters_from(
    params: Mapping[str, Any], today: date, default_estate: int | None = None
) -> Filters:
    """The scope and period asked for; the last 30 days up to today when no dates are given."""
    last = _date(params, "to", today)
    first = _date(params, "from", last - timedelta(days=DEFAULT_DAYS - 1))
    errors = []
    if first > last:
        errors.append(FieldError("from", "开始日期不能晚于结束日期"))
    elif last > today:
        errors.append(FieldError("to", "结束日期不能晚于今天"))
    elif Period(first, last).too_long:
        errors.append(FieldError("from", "时间范围最长一年"))
    if errors:
        raise InvalidInputError(errors, "日期范围有误，请重新选择")
    scope = Scope(chosen_id(params, "estate", default_estate), chosen_id(params, "group", None))
    return Filters(scope, Period(first, last))
