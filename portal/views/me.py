"""我的: one page gathering what is the member's own — points and the day's check-in, rewards
waiting at the pickup point with their codes, seats at events to come with their check-in codes,
posts, invites, profile and settings — and, for staff, the pages their roles open."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.events import queries as events
from domain.identity import verification
from domain.points import queries as points
from domain.programme.queries import current_programme_rules
from domain.rewards import queries as rewards
from portal.auth import collaborators, redirect
from portal.outcomes import logged_in, page

SHOWN = 3  # waiting redemptions and coming events shown here; their pages list every one


async def me_page(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    c = collaborators(request)
    summary = await points.points_summary(member.id)
    streak, done_today = await points.check_in_state(member.id, c.clock.today())
    rules = await current_programme_rules()
    verified = (
        await verification.is_verified(member.id, member.estate_id) if member.estate_id else False
    )
    context = {
        "member": member,
        "summary": summary,
        "nav_balance": summary.balance,
        "streak": streak,
        "done_today": done_today,
        "next_points": rules.check_in_points(streak + 1),
        "waiting": await rewards.waiting_redemptions(member.id, SHOWN),
        "coming": await events.upcoming_registrations(member.id, c.clock.now(), SHOWN),
        "verified": verified,
    }
    return page(request, "me.html", context)
