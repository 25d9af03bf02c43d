"""Jinja2 with named blocks (one block renders as an htmx fragment) and the catalogue."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from jinja2_fragments.starlette import Jinja2Blocks
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from domain.clock import Clock
from domain.honours.rules import badge_name
from domain.products.rules import yuan
from portal import i18n, navigation, relative_time
from web.csrf import csrf_token

TEMPLATE_DIR = Path(__file__).parent / "templates"
HTMX_VERSION = "2.0.11"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    extensions=["jinja2.ext.i18n"],
)
templates = Jinja2Blocks(env=_env)
templates.env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
templates.env.globals["static"] = lambda path: f"/static/{path}"
templates.env.globals["htmx_version"] = HTMX_VERSION
templates.env.globals["badge_name"] = badge_name
templates.env.filters["yuan"] = yuan  # a price in fen as written after ¥
templates.env.globals["staff_links"] = navigation.staff_links
templates.env.globals["tabs"] = navigation.tabs
templates.env.globals["tab_current"] = navigation.current


@jinja2.pass_context
def ago(context: Any, at: datetime) -> Markup:
    """``{{ post.published_at|ago }}``: relative to the app's clock, which tests control."""
    request = context.get("request")
    collaborators = getattr(getattr(request, "app", None), "state", None)
    clock: Clock = getattr(getattr(collaborators, "collaborators", None), "clock", None) or Clock()
    return relative_time.time_element(at, clock.now())


templates.env.filters["ago"] = ago


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The whole page, or only ``block`` when htmx asked for a fragment."""
    values: dict[str, Any] = {
        "csrf": csrf_token(request),
        "viewer": getattr(request.state, "member", None),
        "brand": getattr(request.state, "brand", None),  # portal.first_run puts it there
    }
    values.update(context or {})
    return templates.TemplateResponse(
        request,
        template,
        values,
        block_name=block if block and is_htmx(request) else None,
        status_code=status_code,
        headers=headers,
    )
