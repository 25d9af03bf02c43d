"""运营看板: KPI cards against the previous period, four server-drawn charts each with its table,
filters by estate, group and dates; the member CSV export; the admin's tier recompute button.

Admins see any scope; a host sees their own estate (the default) or one of their own groups, as
``require_dashboard_scope`` decides. Another scope is a 403 page with the message."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from time import perf_counter
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from domain.clock import SHANGHAI
from domain.errors import DomainError, InvalidInputError, PermissionDeniedError
from domain.identity.models import Member, Role
from domain.kpis.choices import scope_choices
from domain.kpis.dashboard import Dashboard, Kpis, dashboard
from domain.kpis.metrics import Scope
from domain.kpis.policies import default_estate, require_dashboard_scope
from domain.segments.errors import RecomputeRunningError
from domain.segments.export import member_csv, parse_tier
from domain.segments.recompute import recompute_tiers
from domain.segments.rfm import Tier
from domain.segments.tiers import last_tier_run
from portal import charts
from portal.auth import collaborators, redirect
from portal.forms import dashboard as forms
from portal.outcomes import field_errors, logged_in, page, refusal

log = logging.getLogger("linli.dashboard")

TIER_LABELS = {
    Tier.KOC: "KOC 达人",
    Tier.HIGH_VALUE: "高价值",
    Tier.POTENTIAL: "潜力",
    Tier.DORMANT: "沉睡",
    Tier.NEWCOMER: "新人",
}
GROUP_CHOICES = 200
FORBIDDEN_MESSAGE = "只能查看自己所在小区或自己主持的小组的数据"


@dataclass(frozen=True)
class Card:
    """One KPI: its value and the change against the previous period, ready to show."""

    value: str
    delta: str  # the size of the change, without a sign ("" when there is nothing to compare)
    direction: str  # up, down, same or none
    tone: str  # good, bad or flat
    points: bool = False  # the change is in percentage points


def _card(
    now: float | None, before: float | None, shown: str, delta: str, *, lower_is_better: bool
) -> Card:
    if now is None or before is None:
        return Card(shown, "", "none", "flat")
    if abs(now - before) < 1e-9:
        return Card(shown, delta, "same", "flat")
    up = now > before
    good = up != lower_is_better
    return Card(shown, delta, "up" if up else "down", "good" if good else "bad")


def _yuan(cents: float) -> str:
    return f"¥{cents / 100:,.2f}"


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def cards(current: Kpis, previous: Kpis) -> dict[str, Card]:
    def count(name: str) -> Card:
        now, before = getattr(current, name), getattr(previous, name)
        return _card(now, before, f"{now:,}", f"{abs(now - before):,}", lower_is_better=False)

    def share(name: str) -> Card:
        now, before = getattr(current, name), getattr(previous, name)
        found = _card(
            now, before, _percent(now), f"{abs(now - before) * 100:.1f}", lower_is_better=False
        )
        return Card(found.value, found.delta, found.direction, found.tone, points=True)

    ltv, ltv_before = current.average_ltv_cents, previous.average_ltv_cents
    cac, cac_before = current.cac_cents, previous.cac_cents
    nps, nps_before = current.nps, previous.nps
    return {
        "members": count("members"),
        "active": count("monthly_active_members"),
        "repurchase": share("repurchase_rate"),
        "ltv": _card(
            ltv, ltv_before, _yuan(ltv), _yuan(abs(ltv - ltv_before)), lower_is_better=False
        ),
        "cac": _card(
            cac,
            cac_before,
            "—" if cac is None else _yuan(cac),
            "" if cac is None or cac_before is None else _yuan(abs(cac - cac_before)),
            lower_is_better=True,
        ),
        "nps": _card(
            nps,
            nps_before,
            "—" if nps is None else f"{nps:.1f}",
            "" if nps is None or nps_before is None else f"{abs(nps - nps_before):.1f}",
            lower_is_better=False,
        ),
        "referral": share("referral_share"),
        "posts": count("posts_published"),
        "new": count("new_members"),
    }


def _month(first: Any) -> str:
    return f"{first.month}月"


def chart_context(board: Dashboard) -> dict[str, Any]:
    """The four charts and the rows of their tables (the same numbers)."""
    months = [
        (f"{p.month.year}年{p.month.month}月", p.active_members, p.repurchase_rate, p.buyers)
        for p in board.months
    ]
    total = sum(board.tiers.values())
    tiers = [(TIER_LABELS[tier], n, n / total if total else 0.0) for tier, n in board.tiers.items()]
    posts = board.posts_per_group
    return {
        "months": months,
        "tier_rows": tiers,
        "post_rows": posts,
        "charts": {
            "active": charts.line_chart(
                "月活跃会员", [(_month(p.month), p.active_members) for p in board.months]
            ),
            "repurchase": charts.line_chart(
                "月复购率",
                [(_month(p.month), p.repurchase_rate) for p in board.months],
                percent=True,
            ),
            "tiers": charts.bar_chart("会员分层", [(label, n) for label, n, _ in tiers]),
            "posts": charts.bar_chart("各小组发帖数", posts),
        },
    }


async def _choices(viewer: Member) -> dict[str, Any]:
    choices = await scope_choices(viewer, GROUP_CHOICES)
    return {
        "estates": choices.estates,
        "groups": choices.groups,
        "is_admin": viewer.has_role(Role.ADMIN),
    }


async def _render(
    request: Request,
    viewer: Member,
    params: Mapping[str, Any],
    status_code: int = 200,
    **extra: Any,
) -> Response:
    today = collaborators(request).clock.now().astimezone(SHANGHAI).date()
    context: dict[str, Any] = {
        **await _choices(viewer),
        "presets": forms.presets(today),
        "last_run": await last_tier_run(),
        "tier_options": [(tier.value, TIER_LABELS[tier]) for tier in Tier],
        **extra,
    }
    try:
        filters = forms.filters_from(params, today, default_estate(viewer))
    except InvalidInputError as error:
        values = {name: str(params.get(name) or "") for name in ("estate", "group", "from", "to")}
        context |= {"message": error.message, "errors": field_errors(error), "values": values}
        return page(request, "dashboard/dashboard.html", context, status_code=422)
    try:
        await require_dashboard_scope(viewer, filters.scope)
    except PermissionDeniedError:
        return page(
            request, "dashboard/forbidden.html", {"message": FORBIDDEN_MESSAGE}, status_code=403
        )
    started = perf_counter()
    board = await dashboard(filters.scope, filters.period)
    elapsed_ms = round((perf_counter() - started) * 1000)
    log.info(
        "dashboard computed estate=%s group=%s from=%s to=%s",
        filters.scope.estate_id,
        filters.scope.group_id,
        filters.period.first,
        filters.period.last,
        extra={"duration_ms": elapsed_ms},
    )
    context |= {
        "filters": filters,
        "values": filters.query(),
        "errors": {},
        "board": board,
        "previous": filters.period.previous(),
        "cards": cards(board.current, board.previous),
        "elapsed_ms": elapsed_ms,
        "preset_links": {
            p.key: "?" + urlencode(filters.query(**{"from": p.first, "to": p.last}))
            for p in context["presets"]
        },
        "export_estate": filters.query()["estate"],
        **chart_context(board),
    }
    return page(request, "dashboard/dashboard.html", context, status_code=status_code)


async def dashboard_page(request: Request) -> Response:
    viewer = await logged_in(request)
    if viewer is None:
        return redirect(request, "log_in")
    if refused := refusal(request, viewer, Role.ADMIN, Role.HOST):
        return refused
    return await _render(request, viewer, request.query_params)


async def recompute(request: Request) -> Response:
    """The admin's button: every member's tier now, then the dashboard with the run's result."""
    admin = await logged_in(request)
    if admin is None:
        return redirect(request, "log_in")
    if refused := refusal(request, admin, Role.ADMIN):
        return refused
    form = await request.form()
    params = {name: form.get(name) or "" for name in ("estate", "group", "from", "to")}
    # A second click, a second admin, the nightly job or the command: one run at a time.
    try:
        run = await recompute_tiers(collaborators(request), trigger="ADMIN")
    except RecomputeRunningError as error:
        return await _render(request, admin, params, message=error.message, status_code=409)
    recorded = await last_tier_run()
    shares = [
        (TIER_LABELS[tier], run.shares.get(tier.value, 0), run.share_of(tier)) for tier in Tier
    ]
    return await _render(request, admin, params, run=run, run_record=recorded, run_shares=shares)


async def members_csv(request: Request) -> Response:
    """The member list with tiers as a CSV download, streamed batch by batch."""
    viewer = await logged_in(request)
    if viewer is None:
        return redirect(request, "log_in")
    if refused := refusal(request, viewer, Role.ADMIN, Role.HOST):
        return refused
    params = request.query_params
    try:
        tier = parse_tier(params.get("tier"))
        estate_id = forms.chosen_id(params, "estate", default_estate(viewer))
        await require_dashboard_scope(viewer, Scope(estate_id=estate_id))
    except PermissionDeniedError:
        return page(
            request, "dashboard/forbidden.html", {"message": FORBIDDEN_MESSAGE}, status_code=403
        )
    except DomainError as error:
        return PlainTextResponse(" ".join([error.message, *field_errors(error).values()]), 422)
    now = collaborators(request).clock.now()
    stamp = now.astimezone(SHANGHAI).strftime("%Y%m%d")
    name = f"members-{stamp}.csv"
    return StreamingResponse(
        member_csv(now, estate_id=estate_id, tier=tier, reader=viewer),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
