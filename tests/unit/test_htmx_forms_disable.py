"""Every element that posts through htmx disables its button while the request is in flight, so
a second tap on a slow network cannot send the same action twice. Checks sent while typing
(hx-trigger on keyup or input) are the exception: they must not take the field away."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from portal import i18n

TEMPLATES = Path(i18n.__file__).parent / "templates"
TYPING = re.compile(r"\b(keyup|input)\b")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


class Posters(HTMLParser):
    """Collects (line, tag, attributes) of each element carrying hx-post."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "hx-post" in values:
            self.found.append((self.getpos()[0], tag, values))


def posters(text: str) -> list[tuple[int, str, dict[str, str | None]]]:
    parser = Posters()
    # Jinja expressions become neutral text so a `>` inside one cannot end a tag early.
    parser.feed(JINJA.sub(lambda m: "\n" * m.group().count("\n"), text))
    return parser.found


def forgetful(text: str) -> list[str]:
    return [
        f"line {line} <{tag}>"
        for line, tag, attrs in posters(text)
        if not attrs.get("hx-disabled-elt") and not TYPING.search(attrs.get("hx-trigger") or "")
    ]


def test_every_htmx_post_disables_its_button_while_in_flight() -> None:
    missing = {
        str(path.relative_to(TEMPLATES)): found
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (found := forgetful(path.read_text()))
    }
    assert missing == {}


def test_a_form_that_forgets_is_found_even_with_markup_in_its_attributes() -> None:
    text = (
        '<form hx-post="/a/{{ x }}" class="{% if a > b %}wide{% endif %}">\n'
        '<form hx-post="/b" hx-disabled-elt="find button">\n'
        '<button hx-post="/c">\n'
        '<input hx-post="/check" hx-trigger="keyup changed delay:1s">'
    )
    assert forgetful(text) == ["line 1 <form>", "line 3 <button>"]
