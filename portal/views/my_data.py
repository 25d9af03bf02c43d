"""我的数据 and 注销账户: a copy of the member's data (ask, watch it being built, download it for
24 hours) and deleting the account after a 7-day grace period. The rules are domain/privacy's."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError, InvalidInputError, NotFoundError
from domain.identity.models import Member
from domain.privacy import access_log, consent, deletion, export
from domain.privacy.request_models import DataExport, ExportStatus
from portal.auth import collaborators, log_out, redirect
from portal.outcomes import error_status, error_text, logged_in, page
from web.auth import request_member
from web.ids import MAX_PK

POLL_SECONDS = 2


def _state(latest: DataExport | None, request: Request) -> str:
    """none / PENDING / READY / EXPIRED / FAILED: what the status block shows."""
    if latest is None:
        return "none"
    if latest.status == ExportStatus.READY and export.is_expired(
        latest, collaborators(request).clock.now()
    ):
        return "EXPIRED"
    return latest.status.value


async def _export_context(request: Request, member: Member) -> dict[str, Any]:
    latest = await export.latest_export(member.id)
    return {"export": latest, "state": _state(latest, request), "poll": POLL_SECONDS}


def block_of(request: Request) -> str | None:
    return "export_status" if request.method == "POST" else None


async def _records_context(member: Member) -> dict[str, Any]:
    """Who read the member's data (by role) and the policy versions they accepted."""
    return {
        "reads": await access_log.reads_of(member.id),
        "consents": await consent.consent_history(member.id),
        "member_consent": member.consent_version,
    }


async def data_page(request: Request) -> Response:
    """GET: the page; POST: ask for a new copy (htmx swaps the status block, which then polls
    ``/me/data/status`` until the copy is ready)."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    status, headers, message = 200, dict[str, str](), None
    if request.method == "POST":
        try:
            await export.request_data_export(collaborators(request), member)
        except DomainError as error:
            (status, headers), message = error_status(error), error_text(error)
    context = {
        **await _export_context(request, member),
        "message": message,
        **(await _records_context(member) if block_of(request) is None else {}),
    }
    block = block_of(request)
    return page(request, "me/data.html", context, block=block, status_code=status, headers=headers)


async def data_status(request: Request) -> Response:
    """The status block alone, for htmx's polling."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    context = {**await _export_context(request, member), "message": None}
    return page(request, "me/data.html", context, block="export_status")


async def download(request: Request) -> Response:
    """The ZIP, to its member only (a portal session or the mini-program's bearer token);
    anyone else, and an expired copy, get 404."""
    member = await request_member(request)
    if member is None:
        return Response("请先登录", status_code=401, media_type="text/plain; charset=utf-8")
    export_id = request.path_params["export_id"]
    try:
        if export_id > MAX_PK:
            raise NotFoundError()
        name, archive = await export.export_archive(
            member, export_id, collaborators(request).clock.now()
        )
    except NotFoundError:
        return Response("没有找到", status_code=404, media_type="text/plain; charset=utf-8")
    return Response(
        archive,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


async def delete_page(request: Request) -> Response:
    """GET: what deleting means and the choice for the posts; POST: ask (the session ends at
    once, like every other token of the member) or re-render with the reason at 422."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    context: dict[str, Any] = {"message": None, "posts": "keep", "grace_days": deletion.GRACE.days}
    if request.method == "GET":
        return page(request, "me/delete.html", context)
    form = await request.form()
    posts = str(form.get("posts") or "")
    context["posts"] = posts
    try:
        if posts not in ("keep", "delete"):
            raise InvalidInputError.single("posts", "请选择如何处理你发布的内容")
        if form.get("confirm") != "on":
            raise InvalidInputError.single("confirm", "请勾选确认注销")
        asked = await deletion.request_account_deletion(
            collaborators(request), member, keep_posts=posts == "keep"
        )
    except DomainError as error:
        (status, headers), context["message"] = error_status(error), error_text(error)
        return page(
            request, "me/delete.html", context, block="delete_form", status_code=status,
            headers=headers,
        )  # fmt: skip
    await log_out(request)
    return page(request, "me/delete.html", {**context, "asked": asked}, block="delete_form")
