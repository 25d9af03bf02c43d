"""积分商城, 我的兑换 and the admin's rewards (the pickup desk is the host's, ``views/host.py``):
the same rewards services as GraphQL. Expected outcomes (``DomainError``) re-render the fragment
with the message at 422."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import segno
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError, NotFoundError
from domain.identity import queries as identity_queries
from domain.identity.models import Member, Role
from domain.media.models import Image
from domain.media.services import images_at
from domain.rewards import queries, services
from domain.rewards.models import Redemption, RedemptionStatus, Reward
from portal.auth import collaborators, redirect
from portal.forms import rewards as forms
from portal.outcomes import error_status, error_text, field_errors, logged_in, page, refusal
from portal.pictures import MediaUrls, Picture
from portal.views.points import balance_of

REDEMPTIONS_PAGE_SIZE = 20


@dataclass(frozen=True)
class RewardCard:
    reward: Reward
    mine: int  # live (not cancelled) redemptions of this reward by the viewer
    picture: Picture | None = None  # its photo, when it has one


MALL_SIZE = 100  # the mall lists every open reward; a brand runs tens, not thousands


async def _available_cards(request: Request, member: Member) -> list[RewardCard]:
    now = collaborators(request).clock.now()
    rewards = (await queries.available_rewards_page(now, None, MALL_SIZE))[:MALL_SIZE]
    mine = await queries.live_quantities(member.id, [reward.id for reward in rewards])
    storage = collaborators(request).images
    uploads = await images_at(storage, [r.image_url for r in rewards if r.image_url])
    media = MediaUrls(storage)
    return [
        RewardCard(
            reward,
            mine.get(reward.id, 0),
            _picture_of(media, uploads, reward.image_url),
        )
        for reward in rewards
    ]


def _picture_of(media: MediaUrls, uploads: dict[str, Image], url: str | None) -> Picture | None:
    if not url:
        return None
    upload = uploads.get(url)
    return media.picture(upload) if upload else Picture(url, 4, 3, "", "", None)


async def _mall_context(
    request: Request, member: Member, reward_id: int | None = None, **extra: Any
) -> dict[str, Any]:
    cards = await _available_cards(request, member)
    return {
        "cards": cards,
        "card": next((card for card in cards if card.reward.id == reward_id), None),
        "nav_balance": await balance_of(member.id),
        **extra,
    }


def _qr_svg(code: str) -> Markup:
    """The pickup code as a regular (not Micro) QR code, inline SVG sized by CSS."""
    svg = segno.make_qr(code, error="m").svg_inline(
        omitsize=True, dark="#23261f", svgclass="qr", title=code
    )
    return Markup(svg)  # noqa: S704 - segno's own markup for a code from our alphabet


async def _redemptions_context(member: Member, after_id: int | None) -> dict[str, Any]:
    rows = await queries.redemptions_page(member.id, after_id, REDEMPTIONS_PAGE_SIZE)
    shown = rows[:REDEMPTIONS_PAGE_SIZE]
    return {
        "redemptions": shown,
        "next_after": shown[-1].id if len(rows) > REDEMPTIONS_PAGE_SIZE else None,
        "qr": {
            r.id: _qr_svg(r.pickup_code) for r in shown if r.status == RedemptionStatus.RESERVED
        },
        "nav_balance": await balance_of(member.id),
        # Where to show the pickup code: the member's estate's pickup points and their hours.
        "pickup_points": await identity_queries.active_pickup_points(member.estate_id),
    }


# 积分商城 ------------------------------------------------------------------------------------


async def mall(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    return page(request, "rewards/mall.html", await _mall_context(request, member))


async def reward_card(request: Request) -> Response:
    """One card as the mall shows it (htmx: back from the confirm step)."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    context = await _mall_context(request, member, request.path_params["reward_id"])
    return page(request, "rewards/mall.html", context, block="card")


async def confirm(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    reward_id = request.path_params["reward_id"]
    context = await _mall_context(
        request, member, reward_id, confirming=reward_id, key=forms.new_key()
    )
    status = 200
    if context["card"] is None:
        status, context["message"] = 422, NotFoundError.message
    return page(request, "rewards/mall.html", context, block="confirm", status_code=status)


async def redeem(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    reward_id = request.path_params["reward_id"]
    form = await request.form()
    key = str(form.get("idempotencyKey", ""))
    try:
        redemption = await services.redeem_reward(
            collaborators(request), member, reward_id, forms.integer(form.get("quantity") or 1), key
        )
    except DomainError as error:
        status, headers = error_status(error)
        # Keep the key, so retrying after a refusal is still one request; replace a broken one.
        if not key or "idempotencyKey" in field_errors(error):
            key = forms.new_key()
        context = await _mall_context(
            request, member, reward_id, confirming=reward_id, message=error_text(error), key=key
        )
        return page(
            request,
            "rewards/mall.html",
            context,
            block="confirm",
            status_code=status,
            headers=headers,
        )
    context = await _mall_context(request, member, reward_id, result=redemption)
    return page(request, "rewards/mall.html", context, block="redeemed")


# 我的兑换 ------------------------------------------------------------------------------------


async def redemptions(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    after_id = forms.after_id(request.query_params.get("after"))
    context = await _redemptions_context(member, after_id)
    block = "redemptions_page" if after_id is not None else None
    return page(request, "rewards/redemptions.html", context, block=block)


async def cancel(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    redemption_id = request.path_params["redemption_id"]
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    redemption: Redemption | None
    try:
        redemption = await services.cancel_redemption(collaborators(request), member, redemption_id)
        extra["cancelled"] = True
    except DomainError as error:
        status, headers = error_status(error)
        extra["message"] = error.message
        redemption = await queries.get_own_redemption(redemption_id, member.id)
    context = await _redemptions_context(member, None)
    context.update(extra, redemption=redemption, focus=redemption_id)
    block = "cancelled" if status == 200 else "redemption"
    return page(
        request,
        "rewards/redemptions.html",
        context,
        block=block,
        status_code=status,
        headers=headers,
    )


# Admin: rewards, create and restock ----------------------------------------------------------


async def admin_rewards(request: Request) -> Response:
    admin = await logged_in(request)
    if admin is None:
        return redirect(request, "log_in")
    if refused := refusal(request, admin, Role.ADMIN):
        return refused
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    if request.method == "POST":
        form = await request.form()
        try:
            await services.create_reward(collaborators(request), admin, forms.new_reward(form))
            return redirect(request, "admin_rewards")
        except DomainError as error:
            status, headers = error_status(error)
            extra = {
                "message": error.message,
                "errors": field_errors(error),
                "values": forms.form_values(form),
            }
    context = {"rewards": await queries.list_rewards(), "values": {}, "errors": {}, **extra}
    return page(
        request, "rewards/admin.html", context, block="create", status_code=status, headers=headers
    )


async def restock(request: Request) -> Response:
    admin = await logged_in(request)
    if admin is None:
        return redirect(request, "log_in")
    if refused := refusal(request, admin, Role.ADMIN):
        return refused
    reward_id = request.path_params["reward_id"]
    form = await request.form()
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    reward: Reward | None
    try:
        reward = await services.restock_reward(
            collaborators(request), admin, reward_id, forms.integer(form.get("quantity"))
        )
        extra["restocked"] = True
    except DomainError as error:
        status, headers = error_status(error)
        extra["row_message"] = error_text(error)
        reward = await queries.get_reward(reward_id)
    context = {
        "rewards": await queries.list_rewards(),
        "reward": reward,
        "focus": reward_id,
        "values": {},
        "errors": {},
        **extra,
    }
    return page(
        request,
        "rewards/admin.html",
        context,
        block="admin_row",
        status_code=status,
        headers=headers,
    )
