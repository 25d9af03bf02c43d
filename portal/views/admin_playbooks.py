"""/admin/playbooks: the tier playbooks with each arm's report, the form to make one (again
with the reasons when refused, nothing written) and the switch to turn one off or on."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from domain.identity.models import Member, Role
from domain.playbooks import services
from domain.playbooks.export import playbooks_csv
from domain.playbooks.queries import PlaybookWithReport, list_playbooks
from domain.segments.rfm import Tier
from portal import charts
from portal.auth import collaborators, redirect
from portal.forms.playbooks import playbook_draft, posted_values
from portal.outcomes import error_status, field_errors, logged_in, page, refusal

DEFAULTS = {"bonusPoints": "0", "bonusExpiryDays": "14", "holdoutPercent": "10"}


async def _admin(request: Request) -> Member | Response:
    actor = await logged_in(request)
    if actor is None:
        return redirect(request, "log_in")
    return refusal(request, actor, Role.ADMIN) or actor


def _chart(item: PlaybookWithReport) -> Markup:
    """Each arm's reactivation rate in percent, side by side."""
    report = item.report
    return charts.bar_chart(
        "30天回购率（%）",
        [
            ("实验组", round(report.treatment.reactivation_rate * 100, 1)),
            ("对照组", round(report.holdout.reactivation_rate * 100, 1)),
        ],
    )


async def _render(request: Request, status: int = 200, **extra: Any) -> Response:
    playbooks = await list_playbooks()
    context = {
        "playbooks": playbooks,
        "charts": {item.playbook.id: _chart(item) for item in playbooks},
        "tiers": [t.value for t in Tier],
        "errors": {},
        "values": DEFAULTS,
        **extra,
    }
    return page(request, "admin/playbooks.html", context, status_code=status)


async def playbooks_page(request: Request) -> Response:
    """GET: the playbooks and the form; POST: make one."""
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    if request.method == "GET":
        return await _render(request)
    form = await request.form()
    try:
        await services.create_playbook(collaborators(request), actor, playbook_draft(form))
    except DomainError as error:
        status, _ = error_status(error)
        return await _render(
            request,
            status,
            message=error.message,
            errors=field_errors(error),
            values=posted_values(form),
        )
    return redirect(request, "admin_playbooks")


async def switch(request: Request) -> Response:
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    action = request.path_params["action"]
    if action not in ("activate", "deactivate"):
        return await _render(request, 404)
    try:
        await services.set_playbook_active(
            collaborators(request), actor, request.path_params["playbook_id"], action == "activate"
        )
    except DomainError as error:
        return await _render(request, 404, message=error.message)
    return redirect(request, "admin_playbooks")


async def report_csv(request: Request) -> Response:
    """Every playbook's two arms as a CSV download."""
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    return Response(
        playbooks_csv(await list_playbooks()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="playbooks.csv"'},
    )
