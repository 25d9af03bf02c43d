"""Turning members' text into HTML that is safe to put on a page. Pure, no I/O.

Two layers, each sufficient on its own for the common attacks: markdown-it's ``js-default``
preset escapes raw HTML and refuses ``javascript:``/``vbscript:``/``data:`` links, and nh3 then
keeps only an explicit allow-list of tags and attributes. Anything the first layer lets through by
mistake (a future option, a parser bug) still meets the second.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

ALLOWED_TAGS = frozenset("p br strong em ul ol li blockquote code pre h3 h4 a hr".split())
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow ugc"
EXCERPT_LIMIT = 80

# The page around a post already has h1/h2: a member's `#` is the post's top level, so h3.
_HEADING_TAGS = {"h1": "h3", "h2": "h4", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}
_WHITESPACE = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n[ \t]*\n+")

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
    attributes={"a": {"href"}},
    link_rel=LINK_REL,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    # `/logout`, `//evil.example`, `#x`: nothing a member's post needs to point at relatively.
    url_relative="deny",
    strip_comments=True,
)
_text_only = nh3.Cleaner(tags=set(), attributes={}, strip_comments=True)


def _demote_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING_TAGS.get(token.tag, "h4")


def _image_as_alt_text(
    self: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    # Posts carry up to 9 uploaded images separately; an inline image would load a third-party
    # URL in every reader's browser (tracking), so only its description is kept.
    return escapeHtml(self.renderInlineAsText(tokens[idx].children or [], options, env))


def _new_parser() -> MarkdownIt:
    # js-default: html off, linkify off, typographer off, maxNesting 100, validateLink on.
    md = MarkdownIt("js-default")
    md.core.ruler.push("linli_demote_headings", _demote_headings)
    md.add_render_rule("image", _image_as_alt_text)
    return md


_markdown = _new_parser()


def render_markdown(body: str) -> str:
    """A post body (markdown) as sanitised HTML, ready to mark safe in a template."""
    return _cleaner.clean(_markdown.render(body or ""))


def render_comment(body: str) -> str:
    """A comment (plain text, no markdown) as escaped HTML paragraphs.

    Blank lines separate paragraphs; a single newline becomes ``<br>``.
    """
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    paragraphs = (p.strip("\n") for p in _BLANK_LINES.split(text))
    return "\n".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
        if p.strip()
    )


def excerpt(body: str, limit: int = EXCERPT_LIMIT) -> str:
    """Plain text for feed cards and notifications: markup gone, whitespace collapsed.

    The result is **text, not HTML** (``<`` stays ``<``): let the template escape it. It is at
    most ``limit`` characters long, the last being "…" when the body was cut.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    text = html.unescape(_text_only.clean(render_markdown(body)))
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"
