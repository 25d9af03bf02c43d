"""审核: the moderation queue with report counts, one action per form swapping its card, and the
audit log. Moderators and admins see every group, a host only the groups they host."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.audit_display import changes_of
from domain.errors import DomainError
from domain.identity.models import Member
from domain.posts import comment_review, queries, services
from domain.posts.errors import InvalidTransitionError
from domain.posts.policies import STAFF_ROLES, may_moderate
from portal.auth import collaborators, redirect
from portal.forms import audit as audit_forms
from portal.forms import posts as forms
from portal.outcomes import error_status, error_text, logged_in, page, refusal
from portal.views.posts import media_url

QUEUE_SIZE = 20
AUDIT_SIZE = 50
ACTIONS = {"approve", "reject", "feature", "unfeature", "hide", "restore"}


async def _staff(request: Request) -> tuple[Member | None, Response | None]:
    member = await logged_in(request)
    if member is None:
        return None, redirect(request, "log_in")
    return member, refusal(request, member, *STAFF_ROLES)


async def queue(request: Request) -> Response:
    member, refused = await _staff(request)
    if refused or member is None:
        return refused or redirect(request, "log_in")
    after = forms.after_id(request.query_params.get("after"))
    group = forms.after_id(request.query_params.get("group"))
    cards = await queries.moderation_queue_page(member, group, after, QUEUE_SIZE)
    shown = cards[:QUEUE_SIZE]
    context: dict[str, Any] = {
        "cards": shown,
        "next_after": shown[-1].id if len(cards) > QUEUE_SIZE else None,
        "media_url": media_url(request),
        "values": {},
        "comments": []
        if after
        else await comment_review.comments_awaiting_review(member, None, QUEUE_SIZE),
    }
    return page(request, "moderation/queue.html", context)


async def moderate(request: Request) -> Response:
    member, refused = await _staff(request)
    if refused or member is None:
        return refused or redirect(request, "log_in")
    post_id = request.path_params["post_id"]
    action = request.path_params["action"]
    form = await request.form()
    reason = str(form.get("reason", ""))
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        if action not in ACTIONS:
            raise InvalidTransitionError()
        await services.moderate_post(
            collaborators(request), member, post_id, action.upper(), reason or None
        )
        extra["done"] = action
    except DomainError as error:
        status, headers = error_status(error)
        extra.update(message=error_text(error), values={"reason": reason}, failed=action)
    card = (await queries.post_cards_by_id(member.id, [post_id])).get(post_id)
    if card is not None and not may_moderate(member, card.post):
        card = None  # not theirs looks like not found
    context = {"card": card, "media_url": media_url(request), **extra}
    return page(
        request,
        "moderation/_card.html",
        context,
        block="mod_card",
        status_code=status,
        headers=headers,
    )


async def review_comment(request: Request) -> Response:
    """Approve (show) or reject (keep hidden) a comment the safety checks held; swaps its card."""
    member, refused = await _staff(request)
    if refused or member is None:
        return refused or redirect(request, "log_in")
    comment_id = request.path_params["comment_id"]
    action = str(request.path_params["action"]).upper()
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        comment = await comment_review.review_comment(
            collaborators(request), member, comment_id, action
        )
        extra.update(comment=comment, done=action.lower())
    except DomainError as error:
        status, headers = error_status(error)
        extra.update(message=error_text(error), comment=None)
    return page(
        request,
        "moderation/_comment_card.html",
        extra,
        block="comment_card",
        status_code=status,
        headers=headers,
    )


async def audit(request: Request) -> Response:
    """The audit log the viewer may read, narrowed by actor, kind and Shanghai days, newest
    first; four statements after sign-in whatever the page size (the page, its actors' names in
    the same join, and the two lists the filters offer)."""
    member, refused = await _staff(request)
    if refused or member is None:
        return refused or redirect(request, "log_in")
    after = forms.after_id(request.query_params.get("after"))
    query = audit_forms.audit_query(request.query_params)
    entries = await queries.audit_log_page(member, after, AUDIT_SIZE, query.filters)
    shown = entries[:AUDIT_SIZE]
    context: dict[str, Any] = {
        "entries": [(entry, changes_of(entry.before, entry.after)) for entry in shown],
        "choices": await queries.audit_filter_choices(member),
        "values": query.values,
        "invalid": query.invalid,
        "filtered": any(query.values.values()),
        "next_url": query.page_url(shown[-1].id) if len(entries) > AUDIT_SIZE else None,
    }
    return page(request, "moderation/audit.html", context, block="audit_entries")
