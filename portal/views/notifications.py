"""消息通知: the inbox page (newest first, more on scroll), mark all read, opening one (read, then
its subject's page), the bell's live count (server-sent events) and the choices per kind."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from domain.errors import DomainError
from domain.identity.models import Member
from domain.notifications import inbox, live, queries
from portal.auth import collaborators, redirect
from portal.forms.rewards import after_id
from portal.outcomes import error_status, logged_in, page
from web.ids import MAX_PK

PAGE_SIZE = 20


async def _inbox_context(member: Member, after: int | None) -> dict[str, Any]:
    rows = await queries.inbox_page(member.id, after, PAGE_SIZE)
    items = rows[:PAGE_SIZE]
    return {
        "items": items,
        "first_page": after is None,
        "next_after": items[-1].id if len(rows) > PAGE_SIZE else None,
        "unread_count": await queries.unread_count(member.id),
    }


async def notifications_page(request: Request) -> Response:
    """The whole page; ``/notifications/more?after=`` answers htmx with the next items only."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    context = await _inbox_context(member, after_id(request.query_params.get("after")))
    block = "inbox_page" if request.url.path.endswith("/more") else None
    return page(request, "notifications/inbox.html", context, block=block)


async def mark_all_read(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    await inbox.mark_read(collaborators(request), member.id, everything=True)
    context = await _inbox_context(member, None)
    return page(request, "notifications/inbox.html", context, block="marked_read")


async def open_notification(request: Request) -> Response:
    """Mark one of the member's notifications read and go to its page (someone else's id, or
    none, leads back to the inbox)."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    notification_id = request.path_params["notification_id"]
    found = (
        await queries.own_items(member.id, [notification_id]) if notification_id <= MAX_PK else []
    )
    if not found:
        return RedirectResponse("/notifications", status_code=303)
    await inbox.mark_read(collaborators(request), member.id, ids=[notification_id])
    return RedirectResponse(found[0].link.path, status_code=303)


async def unread_stream(request: Request) -> Response:
    """Server-sent events: the unread count now, then after each new notification (a burst
    once a second). Signed out: 204, which tells EventSource not to reconnect."""
    member = await logged_in(request)
    if member is None:
        return Response(status_code=204)
    redis = collaborators(request).redis

    async def events() -> AsyncIterator[bytes]:
        yield b"retry: 5000\n\n"
        async for _ in live.follow(redis, member.id):
            count = await queries.unread_count(member.id)
            yield f"event: unread\ndata: {count}\n\n".encode()

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def preferences_page(request: Request) -> Response:
    """Every kind with its two channels; each kind is its own small form (htmx swaps the row)."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    status, headers, message, saved = 200, dict[str, str](), None, None
    if request.method == "POST":
        form = await request.form()
        change = inbox.PreferenceChange(
            str(form.get("kind") or ""),
            in_app=form.get("in_app") == "on",
            wechat=form.get("wechat") == "on",
        )
        try:
            await inbox.update_preferences(collaborators(request), member.id, [change])
            saved = change.kind
        except DomainError as error:
            (status, headers), message = error_status(error), error.message
    context = {
        "preferences": await queries.preferences(member.id),
        "saved": saved,
        "message": message,
    }
    block = "preference_row" if saved else ("preference_error" if message else None)
    return page(
        request,
        "notifications/preferences.html",
        context,
        block=block,
        status_code=status,
        headers=headers,
    )
