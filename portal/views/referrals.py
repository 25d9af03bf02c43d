"""邀请邻居: the member's invite link and code, a printable poster with its QR code, and the
neighbours who joined with it. The reward is for the invitee's first purchase, never for sharing."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from domain.identity.models import Member
from domain.identity.rules import mask_phone
from domain.referrals import queries
from portal import sharing
from portal.auth import redirect
from portal.forms import rewards as forms
from portal.outcomes import logged_in, page

PAGE_SIZE = 20


def invite_link(request: Request, member: Member) -> str:
    return f"{request.url_for('register')}?{urlencode({'invite': member.invite_code})}"


def _qr_svg(link: str, title: str) -> Markup:
    """The invite link as a QR code, inline SVG sized by CSS."""
    svg = segno.make_qr(link, error="m").svg_inline(
        omitsize=True, dark="#23261f", svgclass="qr", title=title
    )
    return Markup(svg)  # noqa: S704 - segno's own markup for our own URL


async def invite_page(request: Request) -> Response:
    """The whole page; ``?after=`` answers htmx with the next invitees only."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    after_id = forms.after_id(request.query_params.get("after"))
    rows = await queries.referrals_page(member.id, after_id, PAGE_SIZE)
    shown = rows[:PAGE_SIZE]
    invited, rewarded = await queries.referral_counts(member.id)
    link = invite_link(request, member)
    context: dict[str, Any] = {
        "member": member,
        "link": link,
        "qr": _qr_svg(link, member.invite_code),
        "referrals": shown,
        "masked": {r.id: mask_phone(r.invitee.phone) for r in shown},
        "invited": invited,
        "rewarded": rewarded,
        "next_after": shown[-1].id if len(rows) > PAGE_SIZE else None,
        "share": sharing.for_invite(request, sharing.invite_url(request, member.invite_code)),
    }
    block = "invitees_page" if after_id is not None and request.headers.get("HX-Request") else None
    return page(request, "referrals/invite.html", context, block=block)


async def poster(request: Request) -> Response:
    """A page styled for print: the QR code, the code and a line of why to join."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    link = invite_link(request, member)
    context = {"member": member, "link": link, "qr": _qr_svg(link, member.invite_code)}
    return page(request, "referrals/poster.html", context)
