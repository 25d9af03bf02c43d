"""Admins: interest tags (兴趣标签) — the list with member counts, create, rename, merge into
another tag after a confirmation, retire and restore; the same services as GraphQL's tag
mutations. Every action answers with the whole list (a merge changes two rows), its message by
the row acted on."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from domain.identity import tags
from domain.identity.models import Member, Role
from domain.identity.queries import get_interest_tag
from portal.auth import collaborators, redirect
from portal.forms.rewards import after_id
from portal.outcomes import error_status, error_text, field_errors, logged_in, page, refusal

TEMPLATE = "admin/tags.html"
ACTIONS = ("rename", "merge", "retire", "restore")


async def _admin(request: Request) -> tuple[Member | None, Response | None]:
    actor = await logged_in(request)
    if actor is None:
        return None, redirect(request, "log_in")
    return actor, refusal(request, actor, Role.ADMIN)


async def _context(**extra: Any) -> dict[str, Any]:
    rows = await tags.list_tags_with_counts()
    offered = [tag for tag, _ in rows if tag.retired_at is None]
    return {"rows": rows, "offered": offered, "values": {}, "errors": {}, **extra}


async def tags_page(request: Request) -> Response:
    """GET: the list; POST: create a tag (the form comes back with the message on a refusal)."""
    actor, refused = await _admin(request)
    if refused or actor is None:
        return refused or redirect(request, "log_in")
    if request.method != "POST":
        return page(request, TEMPLATE, await _context())
    form = await request.form()
    name = str(form.get("name", ""))
    try:
        tag = await tags.create_tag(collaborators(request), actor, name)
    except DomainError as error:
        status, headers = error_status(error)
        extra = {"message": error.message, "errors": field_errors(error), "values": {"name": name}}
        context = await _context(**extra)
        return page(request, TEMPLATE, context, block="create", status_code=status, headers=headers)
    # A fresh form, and the list (swapped out of band) with the new tag.
    return page(request, TEMPLATE, await _context(focus=tag.id, done="created"), block="created")


async def _act(request: Request, actor: Member, tag_id: int, action: str) -> dict[str, Any]:
    """Runs one row action; the context says what happened (or why not) next to the row."""
    c = collaborators(request)
    form = await request.form()
    if action == "rename":
        name = str(form.get("name", ""))
        await tags.rename_tag(c, actor, tag_id, name)
        return {"done": "renamed"}
    if action == "merge":
        target_id = after_id(str(form.get("targetId", ""))) or 0
        if form.get("confirm") != "yes":
            source = await get_interest_tag(tag_id)
            target = await get_interest_tag(target_id)
            if source is None or target is None or source.id == target.id:
                await tags.merge_tags(c, actor, tag_id, target_id)  # refused with its error
            return {"confirm_merge": (source, target)}
        target, moved = await tags.merge_tags(c, actor, tag_id, target_id)
        return {"done": "merged", "merged_into": target, "moved": moved}
    if action == "retire":
        await tags.retire_tag(c, actor, tag_id)
        return {"done": "retired"}
    await tags.restore_tag(c, actor, tag_id)
    return {"done": "restored"}


async def tag_action(request: Request) -> Response:
    actor, refused = await _admin(request)
    if refused or actor is None:
        return refused or redirect(request, "log_in")
    tag_id, action = request.path_params["tag_id"], request.path_params["action"]
    if action not in ACTIONS:
        return page(request, "errors/missing.html", {}, status_code=404)
    status, headers = 200, dict[str, str]()
    try:
        extra = await _act(request, actor, tag_id, action)
    except DomainError as error:
        status, headers = error_status(error)
        extra = {"row_message": error_text(error)}
    extra["focus"] = tag_id
    return page(
        request,
        TEMPLATE,
        await _context(**extra),
        block="tag_list",
        status_code=status,
        headers=headers,
    )
