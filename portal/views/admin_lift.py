"""/admin/lift (社群增益): members who joined a group, posted or attended an event in a period
against matched members who did not, over the 90 days after it; with the counts, a warning when
the cohorts are small, a chart per metric with its table, and the CSV export. Admins only."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from domain.clock import SHANGHAI
from domain.errors import InvalidInputError
from domain.identity.models import Member, Role
from domain.lift.export import lift_csv
from domain.lift.report import LiftAction, LiftReport, community_lift
from domain.lift.rules import Comparison
from portal import charts
from portal.auth import collaborators, redirect
from portal.forms.lift import lift_question, posted_values
from portal.outcomes import error_text, field_errors, logged_in, page, refusal

log = logging.getLogger("linli.lift")

ACTIONS = [action.value for action in LiftAction]
PARTICIPANTS, NON_PARTICIPANTS = "参与会员", "未参与会员"
# Each chart's name for screen readers (the card's heading names it for everyone else).
CHART_NAMES = {"repurchase": "90天复购率", "orders": "90天人均订单数", "ltv": "90天人均消费"}


@dataclass(frozen=True)
class MetricRow:
    """One metric ready to show: each value written as the page writes it."""

    key: str  # the template names the metric by it
    participants: str
    non_participants: str
    difference: str
    low: str
    high: str
    chart: Any


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def _points(share: float) -> str:
    return f"{share * 100:+.1f}"


def _number(value: float) -> str:
    return f"{value:.2f}"


def _signed(value: float) -> str:
    return f"{value:+.2f}"


def _yuan(fen: float) -> str:
    return f"¥{fen / 100:,.2f}"


def _signed_yuan(fen: float) -> str:
    return f"{'-' if fen < 0 else '+'}¥{abs(fen) / 100:,.2f}"


def _row(
    key: str,
    found: Comparison,
    scale: float,
    shown: Callable[[float], str],
    signed: Callable[[float], str],
) -> MetricRow:
    """``scale`` turns the figure into the chart's unit (percent, orders, yuan)."""
    chart = charts.bar_chart(
        CHART_NAMES[key],
        [(PARTICIPANTS, found.treated * scale), (NON_PARTICIPANTS, found.control * scale)],
    )
    return MetricRow(
        key,
        shown(found.treated),
        shown(found.control),
        signed(found.difference),
        signed(found.interval.low),
        signed(found.interval.high),
        chart,
    )


def metric_rows(report: LiftReport) -> list[MetricRow]:
    """The three metrics, or none when nobody could be matched."""
    lift = report.lift
    if lift.repurchase is None or lift.orders is None or lift.gmv_fen is None:
        return []
    return [
        _row("repurchase", lift.repurchase, 100, _percent, _points),
        _row("orders", lift.orders, 1, _number, _signed),
        _row("ltv", lift.gmv_fen, 0.01, _yuan, _signed_yuan),
    ]


async def _admin(request: Request) -> Member | Response:
    actor = await logged_in(request)
    if actor is None:
        return redirect(request, "log_in")
    return refusal(request, actor, Role.ADMIN) or actor


def _today(request: Request) -> Any:
    return collaborators(request).clock.now().astimezone(SHANGHAI).date()


async def _report(request: Request) -> LiftReport:
    today = _today(request)
    asked = lift_question(request.query_params, today)
    started = perf_counter()
    report = await community_lift(asked.first, asked.last, asked.action, today)
    log.info(
        "community lift computed action=%s from=%s to=%s",
        asked.action,
        asked.first,
        asked.last,
        extra={"duration_ms": round((perf_counter() - started) * 1000)},
    )
    return report


async def lift_page(request: Request) -> Response:
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    context: dict[str, Any] = {"actions": ACTIONS, "errors": {}, "report": None}
    try:
        report = await _report(request)
    except InvalidInputError as error:
        context |= {
            "message": error.message,
            "errors": field_errors(error),
            "values": posted_values(request.query_params),
        }
        return page(request, "admin/lift.html", context, status_code=422)
    values = {
        "from": report.first.isoformat(),
        "to": report.last.isoformat(),
        "action": report.action.value,
    }
    context |= {
        "report": report,
        "counts": report.lift.counts,
        "values": values,
        "rows": metric_rows(report),
        "csv_link": "/admin/lift.csv?" + urlencode(values),
    }
    return page(request, "admin/lift.html", context)


async def lift_csv_download(request: Request) -> Response:
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    try:
        report = await _report(request)
    except InvalidInputError as error:
        return PlainTextResponse(error_text(error), 422)
    name = f"lift-{report.action.value.lower()}-{report.first:%Y%m%d}-{report.last:%Y%m%d}.csv"
    return Response(
        lift_csv(report).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
