"""The community-lift page's question: a period (the previous full month unless given) and what
counts as taking part, read from the query string. Bad values are an ``InvalidInputError``; the
period's own rules are the report's (``domain/lift/report.check_period``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.errors import FieldError, InvalidInputError
from domain.lift.report import LiftAction

FIELDS = ("from", "to", "action")


@dataclass(frozen=True)
class LiftQuestion:
    first: date
    last: date
    action: LiftAction

    def query(self) -> dict[str, str]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "action": self.action}


def previous_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def _date(params: Mapping[str, Any], name: str, default: date, errors: list[FieldError]) -> date:
    raw = str(params.get(name) or "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(FieldError(name, "请输入有效日期，例如 2026-11-01"))
        return default


def lift_question(params: Mapping[str, Any], today: date) -> LiftQuestion:
    errors: list[FieldError] = []
    first, last = previous_month(today)
    first, last = _date(params, "from", first, errors), _date(params, "to", last, errors)
    raw = str(params.get("action") or LiftAction.JOINED_GROUP.value)
    if raw not in LiftAction.__members__:
        errors.append(FieldError("action", "请从列表中选择"))
        raw = LiftAction.JOINED_GROUP.value
    if errors:
        raise InvalidInputError(errors, "请检查时段和参与行为")
    return LiftQuestion(first, last, LiftAction(raw))


def posted_values(params: Mapping[str, Any]) -> dict[str, str]:
    """What was asked, as typed, for the form shown again."""
    return {name: str(params.get(name) or "")[:40] for name in FIELDS}
