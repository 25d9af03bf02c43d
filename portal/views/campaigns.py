"""共创活动: the campaign list, a campaign's page with proposals, votes and live tally bars (SSE),
and the admin pages to create campaigns and moderate proposed names. The same campaign services
as GraphQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from domain.campaigns import live, queries, rules, services
from domain.campaigns.models import Campaign, CampaignKind
from domain.errors import DomainError, InvalidInputError
from domain.identity.models import Member, Role
from domain.identity.policies import is_staff
from domain.identity.queries import list_estates
from portal import sharing
from portal.auth import collaborators, redirect
from portal.outcomes import error_status, field_errors, logged_in, page, refusal

LIST_SIZE = 50
ENTRIES_SIZE = 50


def _status(campaign: Campaign, now: datetime) -> str:
    return rules.status_at(services.windows(campaign), now).value


async def campaigns_page(request: Request) -> Response:
    viewer = await logged_in(request)
    now = collaborators(request).clock.now()
    rows = await queries.campaigns_page(now, None, None, LIST_SIZE)
    sections: dict[str, list[Campaign]] = {"open": [], "voting": [], "closed": []}
    for campaign in rows[:LIST_SIZE]:
        status = _status(campaign, now)
        key = {"VOTING": "voting", "CLOSED": "closed"}.get(status, "open")
        sections[key].append(campaign)
    left = await queries.votes_left_by_campaign(viewer.id if viewer else None, rows)
    return page(request, "campaigns/list.html", {"sections": sections, "left": left})


async def _campaign_context(
    request: Request, viewer: Member | None, campaign: Campaign
) -> dict[str, Any]:
    now = collaborators(request).clock.now()
    viewer_id = viewer.id if viewer else None
    rows = await queries.entries_page(campaign.id, viewer_id, is_staff(viewer), None, ENTRIES_SIZE)
    entries = rows[:ENTRIES_SIZE]
    voted = await queries.entry_ids_voted(viewer_id, [e.id for e in entries])
    left = await queries.votes_left_by_campaign(viewer_id, [campaign])
    visible = rules.results_visible(campaign.hide_results, campaign.closed_at is not None)
    winner = next((e for e in entries if e.id == campaign.winner_entry_id), None)
    return {
        "campaign": campaign,
        "status": _status(campaign, now),
        "entries": entries,
        "voted": voted,
        "votes_left": left[campaign.id],
        "visible": visible,
        "most": max([e.vote_count for e in entries] + [1]),
        "winner": winner,
        "proposal_open": rules.is_proposal_open(services.windows(campaign), now),
        "voting_open": rules.is_voting_open(services.windows(campaign), now),
        "errors": {},
        "message": None,
        "values": {},
    }


async def campaign_page(request: Request) -> Response:
    viewer = await logged_in(request)
    campaign = await queries.get_campaign(request.path_params["campaign_id"])
    if campaign is None:
        return page(request, "errors/missing.html", {}, status_code=404)
    context = await _campaign_context(request, viewer, campaign)
    context["share"] = sharing.for_campaign(request, campaign)
    return page(request, "campaigns/campaign.html", context)


async def vote(request: Request) -> Response:
    """Vote from an entry's button; answers the entries block with the votes left."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    campaign = await queries.get_campaign(request.path_params["campaign_id"])
    if campaign is None:
        return page(request, "errors/missing.html", {}, status_code=404)
    status, headers, message = 200, dict[str, str](), None
    try:
        entry_id = int((await request.form()).get("entry_id") or 0)  # type: ignore[arg-type]
        await services.cast_vote(collaborators(request), member, entry_id)
    except (DomainError, ValueError) as error:
        status, headers = error_status(error) if isinstance(error, DomainError) else (422, {})
        message = error.message if isinstance(error, DomainError) else "编号无效"
    campaign = await queries.get_campaign(campaign.id) or campaign  # its counts after the vote
    context = await _campaign_context(request, member, campaign)
    context["message"] = message
    return page(
        request,
        "campaigns/campaign.html",
        context,
        block="entries",
        status_code=status,
        headers=headers,
    )


async def propose(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    campaign = await queries.get_campaign(request.path_params["campaign_id"])
    if campaign is None:
        return page(request, "errors/missing.html", {}, status_code=404)
    form = await request.form()
    values = {k: str(form.get(k) or "") for k in ("title", "description", "post_id")}
    status, headers, errors, message = 200, dict[str, str](), dict[str, str](), None
    try:
        post_id = int(values["post_id"]) if values["post_id"].isdigit() else None
        await services.propose_entry(
            collaborators(request),
            member,
            campaign.id,
            values["title"],
            values["description"] or None,
            post_id,
        )
        values, message = {}, "已提交，审核通过后会出现在候选里"
    except DomainError as error:
        (status, headers), errors, message = error_status(error), field_errors(error), error.message
    context = await _campaign_context(request, member, campaign)
    context.update(
        errors=errors, propose_message=message, propose_failed=status != 200, values=values
    )
    return page(
        request,
        "campaigns/campaign.html",
        context,
        block="propose",
        status_code=status,
        headers=headers,
    )


async def tally_stream(request: Request) -> Response:
    """Server-sent events: the tally now, then each change, at most once a second. Hidden
    results send no counts."""
    campaign_id = request.path_params["campaign_id"]
    if not await queries.campaign_exists(campaign_id):
        return Response(status_code=404)
    redis = collaborators(request).redis

    async def events() -> AsyncIterator[bytes]:
        yield b"retry: 2000\n\n"
        async for tally in live.follow(redis, campaign_id):
            yield b"event: tally\ndata: " + tally.shown().to_json() + b"\n\n"

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def admin_campaigns(request: Request) -> Response:
    """Create a campaign, see the pending proposed names and decide on them."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    refused = refusal(request, member, Role.ADMIN, Role.MODERATOR)
    if refused is not None:
        return refused
    status, headers, errors, message = 200, dict[str, str](), dict[str, str](), None
    values: dict[str, str] = {}
    if request.method == "POST":
        refused = refusal(request, member, Role.ADMIN)
        if refused is not None:
            return refused
        form = await request.form()
        values = {k: str(form.get(k) or "") for k in _CREATE_FIELDS}
        try:
            campaign = await services.create_campaign(
                collaborators(request), member, _new_campaign(values)
            )
            values, message = {}, f"已创建「{campaign.title}」"
        except DomainError as error:
            (status, headers), errors = error_status(error), field_errors(error)
            message = error.message
    now = collaborators(request).clock.now()
    voting = await queries.campaigns_page(now, rules.CampaignStatus.VOTING, None, LIST_SIZE)
    context = {
        "voting": voting[:LIST_SIZE],
        "upcoming": await queries.campaigns_before_voting(now, LIST_SIZE),
        "pending": await queries.pending_entries(LIST_SIZE),
        "estates": await list_estates(),
        "errors": errors,
        "message": message,
        "values": values,
    }
    return page(request, "campaigns/admin.html", context, status_code=status, headers=headers)


_CREATE_FIELDS = (
    "kind",
    "title",
    "description",
    "estate_id",
    "proposal_ends_at",
    "voting_starts_at",
    "voting_ends_at",
    "votes_per_member",
    "hide_results",
)


def _when(raw: str, field: str) -> datetime | None:
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError as error:
        raise InvalidInputError.single(field, "时间格式不对") from error
    from domain.clock import SHANGHAI

    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)


def _new_campaign(v: dict[str, str]) -> services.NewCampaign:
    starts = _when(v["voting_starts_at"], "votingStartsAt")
    ends = _when(v["voting_ends_at"], "votingEndsAt")
    if starts is None or ends is None:
        raise InvalidInputError.single("votingEndsAt", "请填写投票开始和结束时间")
    return services.NewCampaign(
        kind=CampaignKind.PHOTO if v["kind"] == "PHOTO" else CampaignKind.NAMING,
        title=v["title"],
        description=v["description"],
        voting_starts_at=starts,
        voting_ends_at=ends,
        estate_id=int(v["estate_id"]) if v["estate_id"].isdigit() else None,
        proposal_ends_at=_when(v["proposal_ends_at"], "proposalEndsAt"),
        votes_per_member=int(v["votes_per_member"]) if v["votes_per_member"].isdigit() else 3,
        hide_results=v["hide_results"] == "on",
    )


async def moderate(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    refused = refusal(request, member, Role.ADMIN, Role.MODERATOR)
    if refused is not None:
        return refused
    form = await request.form()
    action = request.path_params["action"].upper()
    status, headers, message = 200, dict[str, str](), None
    try:
        await services.moderate_entry(
            collaborators(request),
            member,
            request.path_params["entry_id"],
            action,
            str(form.get("reason") or "") or None,
        )
        message = "已通过" if action == "APPROVE" else "已不通过"
    except DomainError as error:
        (status, headers), message = error_status(error), error.message
    context = {"message": message, "entry_id": request.path_params["entry_id"]}
    return page(request, "campaigns/_decided.html", context, status_code=status, headers=headers)


CampaignAction = Callable[[Member, int], Awaitable[Campaign]]


async def _admin_action(request: Request, act: CampaignAction, said: str, block: str) -> Response:
    """An admin's action on one campaign: the decided block with ``said`` (the title filled in),
    or the refusal's message with its status."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    refused = refusal(request, member, Role.ADMIN)
    if refused is not None:
        return refused
    campaign_id = request.path_params["campaign_id"]
    status, headers, message = 200, dict[str, str](), None
    try:
        campaign = await act(member, campaign_id)
        message = said.format(title=campaign.title)
    except DomainError as error:
        (status, headers), message = error_status(error), error.message
    context = {"message": message, "entry_id": f"{block}-{campaign_id}"}
    return page(request, "campaigns/_decided.html", context, status_code=status, headers=headers)


async def open_voting(request: Request) -> Response:
    """An admin opens a campaign's voting now; the estate's members are told."""
    c = collaborators(request)

    async def act(member: Member, campaign_id: int) -> Campaign:
        return await services.open_voting(c, member, campaign_id)

    return await _admin_action(request, act, "「{title}」已开始投票", "upcoming-campaign")


async def close(request: Request) -> Response:
    """An admin closes a campaign now: the winner is named and paid once."""
    c = collaborators(request)

    async def act(member: Member, campaign_id: int) -> Campaign:
        return await services.close_campaign(c, campaign_id, member)

    return await _admin_action(request, act, "「{title}」已结束", "campaign")
