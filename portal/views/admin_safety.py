"""Admins: the sensitive-word list (敏感词库) — add a word with its category, remove one; the same
services as GraphQL's ``addSensitiveWord`` / ``removeSensitiveWord``. Every action answers with
the form and the list (swapped out of band)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError, FieldError, InvalidInputError
from domain.identity.models import Member, Role
from domain.safety import services
from domain.safety.rules import WordCategory
from portal.auth import collaborators, redirect
from portal.outcomes import error_status, error_text, field_errors, logged_in, page, refusal

TEMPLATE = "admin/safety.html"


async def _admin(request: Request) -> tuple[Member | None, Response | None]:
    actor = await logged_in(request)
    if actor is None:
        return None, redirect(request, "log_in")
    return actor, refusal(request, actor, Role.ADMIN)


async def _context(actor: Member, **extra: Any) -> dict[str, Any]:
    words = await services.list_words(actor)
    return {"words": words, "categories": list(WordCategory), "values": {}, "errors": {}, **extra}


def _category(raw: str) -> WordCategory:
    try:
        return WordCategory(raw)
    except ValueError:
        raise InvalidInputError([FieldError("category", "请选择处理方式")]) from None


async def words_page(request: Request) -> Response:
    """GET: the list; POST: add a word (the form comes back with the message on a refusal)."""
    actor, refused = await _admin(request)
    if refused or actor is None:
        return refused or redirect(request, "log_in")
    if request.method != "POST":
        return page(request, TEMPLATE, await _context(actor))
    form = await request.form()
    text, category = str(form.get("text", "")), str(form.get("category", ""))
    try:
        await services.add_word(collaborators(request), actor, text, _category(category))
    except DomainError as error:
        status, headers = error_status(error)
        extra = {
            "message": error.message,
            "errors": field_errors(error),
            "values": {"text": text, "category": category},
        }
        context = await _context(actor, **extra)
        return page(request, TEMPLATE, context, block="create", status_code=status, headers=headers)
    return page(request, TEMPLATE, await _context(actor, done="added"), block="created")


async def remove_word(request: Request) -> Response:
    actor, refused = await _admin(request)
    if refused or actor is None:
        return refused or redirect(request, "log_in")
    status, headers, extra = 200, dict[str, str](), {"done": "removed"}
    try:
        await services.remove_word(collaborators(request), actor, request.path_params["word_id"])
    except DomainError as error:
        status, headers = error_status(error)
        extra = {"list_message": error_text(error)}
    context = await _context(actor, **extra)
    return page(request, TEMPLATE, context, block="word_list", status_code=status, headers=headers)
