"""/admin/attribution: which posts, groups, hosts and products sold (种草带货), by purchases of
tagged products after a member saw the post, with a CSV of every row."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.attribution.export import attribution_csv
from domain.attribution.report import Dimension, attribution_by_post, attribution_report
from domain.clock import SHANGHAI
from domain.errors import InvalidInputError
from domain.identity.models import Member, Role
from domain.posts.models import PostKind
from portal import charts
from portal.auth import collaborators, redirect
from portal.forms.attribution import report_query
from portal.forms.dashboard import filters_from
from portal.outcomes import field_errors, logged_in, page, refusal

ROWS_SHOWN = 50
CHART_ROWS = 10
TOP_RECIPES = 10


async def _admin(request: Request) -> Member | Response:
    actor = await logged_in(request)
    if actor is None:
        return redirect(request, "log_in")
    return refusal(request, actor, Role.ADMIN) or actor


def _values(request: Request) -> dict[str, str]:
    names = ("from", "to", "by", "kind")
    return {name: str(request.query_params.get(name) or "") for name in names}


async def attribution_page(request: Request) -> Response:
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    today = collaborators(request).clock.now().astimezone(SHANGHAI).date()
    context: dict[str, Any] = {"dimensions": list(Dimension), "errors": {}}
    try:
        query = report_query(request.query_params, today)
    except InvalidInputError as error:
        context |= {
            "message": error.message,
            "errors": field_errors(error),
            "values": _values(request),
        }
        return page(request, "admin/attribution.html", context, status_code=422)
    period, by = query.period, query.by
    rows = await attribution_report(period.first, period.last, by, ROWS_SHOWN, query.kind)
    context |= {
        "values": query.values(),
        "by": by,
        "rows": rows,
        "chart": charts.bar_chart(
            "GMV",
            [
                (f"{n}. {row.label or row.key}", row.gmv_last_touch_fen / 100)
                for n, row in enumerate(rows[:CHART_ROWS], 1)
            ],
        ),
    }
    return page(request, "admin/attribution.html", context)


async def attribution_csv_download(request: Request) -> Response:
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    today = collaborators(request).clock.now().astimezone(SHANGHAI).date()
    try:
        query = report_query(request.query_params, today)
    except InvalidInputError as error:
        message = " ".join([error.message, *field_errors(error).values()])
        return Response(message, status_code=422, media_type="text/plain; charset=utf-8")
    period, by = query.period, query.by
    rows = await attribution_report(period.first, period.last, by, None, query.kind)
    name = f"attribution-{by.value.lower()}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"
    return Response(
        attribution_csv(by, rows).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def top_recipes(request: Request) -> Response:
    """The dashboard's 带货食谱榜, loaded after the page (brand-wide, so admins only)."""
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    today = collaborators(request).clock.now().astimezone(SHANGHAI).date()
    try:
        period = filters_from(request.query_params, today).period
    except InvalidInputError as error:
        return Response(error.message, status_code=422, media_type="text/plain; charset=utf-8")
    rows = await attribution_by_post(period.first, period.last, TOP_RECIPES, PostKind.RECIPE)
    values = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    return page(request, "dashboard/_top_recipes.html", {"rows": rows, "values": values})
