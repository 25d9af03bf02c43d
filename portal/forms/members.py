"""Portal forms of the staff member page: posted fields into the services' inputs. A date that
does not parse becomes one the service refuses ("end before start"), so the rule stays there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from domain.clock import SHANGHAI

NEVER = datetime(2000, 1, 1, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class SuspensionForm:
    reason: str
    until: datetime


def suspension_values(form: dict[str, str]) -> SuspensionForm:
    """``until`` is a date (the suspension ends at the start of that day, Shanghai time) or a
    ``datetime-local`` value."""
    raw = str(form.get("until") or "").strip()[:20]
    until = NEVER
    try:
        until = datetime.combine(date.fromisoformat(raw), time(0), tzinfo=SHANGHAI)
    except ValueError:
        try:
            until = datetime.fromisoformat(raw).replace(tzinfo=SHANGHAI)
        except ValueError:
            pass
    return SuspensionForm(reason=str(form.get("reason") or ""), until=until)


def integer_or_zero(raw: object) -> int:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else 0
