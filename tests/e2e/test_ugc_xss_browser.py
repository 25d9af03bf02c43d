"""The naughty-strings corpus and hand-written script, attribute and htmx payloads, put into every
UGC field (titles, bodies, recipe ingredients and steps, comments, display names, moderators'
notes) and rendered by chromium on every page that shows UGC: the feed (with its infinite scroll),
each post page, the moderation queue and my posts. Nothing runs, no htmx attribute survives inside
user content, nothing is fetched from elsewhere, and titles read back as the text that was sent."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, Request, expect

from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.posts import services, text
from domain.posts.models import PostKind
from domain.posts.recipes import RecipeDraft
from domain.safety.services import Screened
from tests.api.test_ugc_xss_corpus import corpus
from tests.domain.test_posts import veteran
from tests.e2e.conftest import log_out
from tests.e2e.test_mall import log_in
from tests.factories import make_member

pytestmark = pytest.mark.browser

CHUNK = 20

# Runs before any page script: every way a payload could announce itself is counted.
WATCH = """
window.__executions = 0;
window.__violations = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = () => { window.__executions += 1; };
}
window.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
}, true);
"""

# What user content may contain once rendered; anything else found inside it is an offence.
INSPECT = """
() => {
  const ugc = ".post-body, .comment-body, .comment-author, .excerpt, .ingredients, .steps, "
    + ".author, .note, h1, h2 a, .mine-row a";
  const banned = new Set(["SCRIPT", "IFRAME", "FRAME", "IMG", "SVG", "MATH", "OBJECT", "EMBED",
    "FORM", "INPUT", "BUTTON", "TEXTAREA", "SELECT", "STYLE", "LINK", "META", "BASE", "VIDEO",
    "AUDIO", "SOURCE", "TEMPLATE", "DIALOG", "DETAILS"]);
  const offences = [];
  for (const root of document.querySelectorAll(ugc)) {
    for (const el of root.querySelectorAll("*")) {
      if (banned.has(el.tagName.toUpperCase())) offences.push("tag " + el.tagName);
      for (const attr of el.attributes) {
        if (/^(on|hx-|hx:|data-hx|style|srcdoc|formaction)/i.test(attr.name)) {
          offences.push(el.tagName + "[" + attr.name + "]");
        }
      }
      // A link the product puts around an author's name goes to their profile; any other
      // link inside user content must be one a user may write.
      const href = el.getAttribute("href") || "";
      const profile = /^[/]members[/][0-9]+$/.test(href);
      if (el.tagName === "A" && !/^(https?:|mailto:)/i.test(href) && !profile) {
        offences.push("href " + href);
      }
    }
  }
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) offences.push("page " + el.tagName + "[" + attr.name + "]");
    }
  }
  for (const script of document.scripts) {
    if (!script.src || new URL(script.src).pathname.indexOf("/static/") !== 0) {
      offences.push("script " + (script.src || script.textContent.slice(0, 40)));
    }
  }
  return {
    offences,
    executions: window.__executions,
    violations: window.__violations,
    ugcRoots: document.querySelectorAll(ugc).length,
  };
}
"""


def chunks(strings: list[str]) -> list[list[str]]:
    return [strings[n : n + CHUNK] for n in range(0, len(strings), CHUNK)]


def recipe_of(chunk: list[str]) -> RecipeDraft:
    return RecipeDraft(
        servings=2,
        minutes=20,
        ingredients=[(s.strip()[:40], (s.strip() + "克")[:40]) for s in chunk],
        steps=[(s.strip() + "，翻炒")[:500] for s in chunk],
    )


class Watch:
    """Counts dialogs and requests to other hosts while the pages are open."""

    def __init__(self, page: Page, origin: str) -> None:
        self.dialogs = 0
        self.foreign: list[str] = []
        page.on("dialog", self._dialog)
        page.on("request", lambda request: self._request(request, origin))

    async def _dialog(self, dialog: Any) -> None:
        self.dialogs += 1
        await dialog.dismiss()

    def _request(self, request: Request, origin: str) -> None:
        if not request.url.startswith((origin, "data:", "blob:")):
            self.foreign.append(request.url)


async def inspect(page: Page, where: str, findings: dict[str, Any]) -> int:
    report = await page.evaluate(INSPECT)
    if report["offences"]:
        findings["offences"].append((where, report["offences"][:5]))
    findings["executions"] += report["executions"]
    if report["violations"]:
        findings["violations"].append((where, report["violations"][:5]))
    roots: int = report["ugcRoots"]
    return roots


async def follow_more_links(page: Page, origin: str, path: str, findings: dict[str, Any]) -> int:
    """Visit a listing and each "load more" page after it; the number of pages seen."""
    pages, url = 0, origin + path
    while url:
        await page.goto(url)
        await inspect(page, url, findings)
        pages += 1
        more = page.locator(".more a")
        url = (await more.get_attribute("href") or "") if await more.count() else ""
        if url:
            url = origin + url
    return pages


async def authors(c: Collaborators) -> tuple[Member, Member, Member]:
    """A trusted author, a newcomer whose posts wait, and a moderator, with payloads in their
    names; the trusted author's first three posts earn the trust to publish at once."""
    payload_name = "<b hx-get=/logout>邻"  # display names are at most 20 characters
    trusted = await veteran(c)
    newcomer = await veteran(c)
    for member in (trusted, newcomer):
        member.display_name = payload_name
        await member.save(update_fields=["display_name"])
    moderator = await make_member(
        display_name="<svg onload=alert()>", roles=(Role.RESIDENT, Role.MODERATOR)
    )
    for n in range(3):
        first = await services.submit_post(
            c, trusted, services.PostDraft(PostKind.TIP, f"小窍门{n}号", "先发三篇再说吧。")
        )
        await services.moderate_post(c, moderator, first.id, "APPROVE")
    return trusted, newcomer, moderator


async def publish(
    c: Collaborators, author: Member, groups: list[list[str]]
) -> dict[int, tuple[str, int]]:
    """A recipe per group of strings, each string also a comment: post id → (title, comments)."""
    published: dict[int, tuple[str, int]] = {}
    for chunk in groups:
        title = (chunk[0].strip() + "标题标题")[:60]
        body = "\n\n".join(chunk)[: text.BODY_MAX - 20] + "\n\n正文正文正文正文"
        draft = services.PostDraft(PostKind.RECIPE, title, body, recipe=recipe_of(chunk))
        post = await services.submit_post(c, author, draft)
        for line in chunk:
            await services.add_comment(c, author, post.id, (line + "好")[:1000])
        published[post.id] = (text.clean_title(title), len(chunk))
    return published


async def submit_for_review(
    c: Collaborators, author: Member, moderator: Member, groups: list[list[str]]
) -> None:
    """A story per group that waits for review; every other one is rejected with a note."""
    for n, chunk in enumerate(groups):
        title = (chunk[-1].strip() + "待审标题")[:60]
        pending = await services.submit_post(
            c,
            author,
            services.PostDraft(PostKind.STORY, title, "\n\n".join(reversed(chunk)) + "正文正文"),
        )
        if n % 2:  # a moderator's note carries a payload back to the author's own page
            await services.moderate_post(
                c, moderator, pending.id, "REJECT", (chunk[0] + "不通过")[:200]
            )


async def scroll_to_the_end(page: Page, posts: int) -> None:
    for _ in range(posts // 5 + 5):
        if not await page.locator(".feed-more").count():
            break
        shown = await page.locator(".post-card").count()
        await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        await expect(page.locator(".post-card")).not_to_have_count(shown)


async def test_no_ugc_payload_runs_or_keeps_htmx_attributes_on_any_page(
    page: Page, live_server: str, collaborators: Collaborators, monkeypatch: Any
) -> None:
    async def unlimited(*_: object) -> None:  # this test is about markup, not posting limits
        return None

    monkeypatch.setattr(services, "count_contribution", unlimited)
    # … nor about the safety verdicts: links and numbers in the corpus would send items to
    # review (tests/api/test_safety_api.py holds those); here every string is published.
    monkeypatch.setattr(services, "screen", allow_all)
    strings = corpus()
    groups = chunks(strings)
    trusted, newcomer, moderator = await authors(collaborators)
    published = await publish(collaborators, trusted, groups)
    await submit_for_review(collaborators, newcomer, moderator, groups)

    await page.add_init_script(WATCH)
    watch = Watch(page, live_server)
    findings: dict[str, Any] = {"offences": [], "executions": 0, "violations": []}

    # The feed, as a resident scrolls it: every page arrives through htmx's infinite scroll.
    await log_in(page, live_server, trusted)
    await page.goto(live_server)
    await scroll_to_the_end(page, len(published))
    assert await page.locator(".post-card").count() == len(published) + 3
    await inspect(page, "feed", findings)

    # Each post page with its recipe rows and comments; the title reads back as sent.
    for post_id, (title, comments) in published.items():
        await page.goto(f"{live_server}/posts/{post_id}")
        await inspect(page, f"post {post_id}", findings)
        assert findings["offences"] == [], findings["offences"][:5]
        assert await page.locator("article.post h1").text_content() == title
        assert await page.locator(".comment").count() == comments

    await follow_more_links(page, live_server, "/my/posts", findings)

    # The author whose posts wait: my posts with moderators' notes.
    await log_out(page)
    await log_in(page, live_server, newcomer)
    mine = await follow_more_links(page, live_server, "/my/posts", findings)

    # The moderation queue, page after page.
    await log_out(page)
    await log_in(page, live_server, moderator)
    queue = await follow_more_links(page, live_server, "/moderation", findings)

    assert len(strings) > 400 and mine >= 1 and queue >= 1
    assert findings["executions"] == 0 and watch.dialogs == 0
    assert findings["offences"] == [], findings["offences"][:5]
    assert findings["violations"] == [], findings["violations"][:5]
    assert watch.foreign == [], watch.foreign[:5]


async def allow_all(_c: Collaborators, *texts: str, image_ids: list[int] | None = None) -> Screened:
    return Screened(list(texts), None)
