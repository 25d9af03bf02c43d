"""消息通知 in the portal: the bell on every page, the inbox with more on scroll and its empty
state, mark all read, opening one (read, then its subject), the live count as server-sent
events, and the choices per kind."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from asgi import create_app
from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.notifications.models import Notification, NotificationKind, NotificationPreference
from domain.notifications.services import Notice, Subject, notify
from tests.factories import make_member
from tests.portal.test_points_pages import HTMX, htmx, log_in


async def comments(c: Collaborators, author: Member, n: int) -> None:
    for i in range(n):
        notice = Notice(
            NotificationKind.COMMENT, Subject("Post", 500 + i), params={"title": f"帖{i}"}
        )
        await notify(c, [author.id], notice)


async def test_every_page_shows_the_bell_to_members_and_not_to_visitors(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    visitor = await client.get("/groups")
    assert 'id="bell"' not in visitor.text and "bell.js" not in visitor.text
    await log_in(client, await make_member())
    for path in ("/", "/groups", "/points", "/notifications"):
        page = await client.get(path)
        assert 'data-bell-src="/notifications/stream"' in page.text, path
        assert "/static/bell.js" in page.text, path


async def test_the_inbox_lists_sentences_that_open_their_subject_and_loads_more_when_revealed(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    me = await make_member()
    await comments(collaborators, me, 25)
    await log_in(client, me)
    page = await client.get("/notifications")
    assert page.text.count('class="notification unread"') == 20
    assert "有人评论了你的《帖24》" in page.text and "《帖4》" not in page.text
    assert re.search(r'<span class="bell-count" data-unread-count>25</span>', page.text)
    more = re.search(r'hx-get="(/notifications/more\?after=\d+)" hx-trigger="revealed"', page.text)
    assert more is not None
    rest = await client.get(more.group(1), headers=HTMX)
    assert "<html" not in rest.text and rest.text.count('class="notification unread"') == 5
    assert "《帖0》" in rest.text and "revealed" not in rest.text


async def test_opening_a_notification_reads_it_and_goes_to_its_post(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    me, other = await make_member(), await make_member()
    await comments(collaborators, me, 1)
    await comments(collaborators, other, 1)
    mine = await Notification.get(recipient_id=me.id)
    theirs = await Notification.get(recipient_id=other.id)
    await log_in(client, me)
    opened = await client.get(f"/notifications/{mine.id}/open")
    assert opened.status_code == 303 and opened.headers["location"] == "/posts/500"
    assert (await Notification.get(id=mine.id)).read_at is not None
    refused = await client.get(f"/notifications/{theirs.id}/open")
    assert refused.headers["location"] == "/notifications"
    assert (await Notification.get(id=theirs.id)).read_at is None
    huge = await client.get("/notifications/99999999999/open")
    assert huge.headers["location"] == "/notifications"


async def test_mark_all_read_empties_the_bell_and_the_empty_inbox_says_what_to_do(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    me = await make_member()
    empty = await client.get("/notifications")
    assert empty.status_code == 303  # signed out: log in first
    csrf = await log_in(client, me)
    assert "还没有消息" in (await client.get("/notifications")).text
    await comments(collaborators, me, 3)
    response = await client.post("/notifications/read", headers=htmx(csrf))
    assert response.status_code == 200 and "<html" not in response.text
    assert 'id="bell"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "data-unread-count hidden" in response.text
    assert 'class="notification unread"' not in response.text
    assert await Notification.filter(read_at__isnull=True).count() == 0


async def test_preferences_show_every_kind_and_save_one_kind_per_form(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    me = await make_member()
    csrf = await log_in(client, me)
    page = await client.get("/notifications/preferences")
    assert page.text.count('<li class="preference"') == len(NotificationKind)
    assert "每周邻里精选" in page.text and 'name="csrf_token"' in page.text
    saved = await client.post(
        "/notifications/preferences", data={"kind": "DIGEST", "in_app": "on"}, headers=htmx(csrf)
    )
    assert saved.status_code == 200 and "已保存" in saved.text
    assert saved.text.count('<li class="preference"') == 1
    row = await NotificationPreference.get(member_id=me.id)
    assert (row.kind, row.in_app, row.wechat) == (NotificationKind.DIGEST, True, False)
    bad = await client.post("/notifications/preferences", data={"kind": "NOPE"}, headers=htmx(csrf))
    assert bad.status_code == 422 and "输入有误" in bad.text
    assert await NotificationPreference.all().count() == 1


async def test_a_form_post_without_the_csrf_token_is_refused(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    me = await make_member()
    await log_in(client, me)
    await comments(collaborators, me, 1)
    response = await client.post("/notifications/read")
    assert response.status_code == 403
    assert await Notification.filter(read_at__isnull=True).count() == 1


@asynccontextmanager
async def event_stream(
    c: Collaborators, client: httpx.AsyncClient
) -> AsyncIterator[asyncio.Queue[bytes]]:
    """``GET /notifications/stream`` on the app itself (httpx's ASGI transport waits for the
    whole body, which a stream never ends): its body chunks as they are sent."""
    app = create_app(c.settings, c, manage_stores=False)
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": "/notifications/stream", "raw_path": b"/notifications/stream",
        "query_string": b"", "root_path": "", "server": ("testserver", 80),
        "client": ("203.0.113.7", 50000), "state": {},
        "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
    }  # fmt: skip
    chunks: asyncio.Queue[bytes] = asyncio.Queue()
    gone = asyncio.Event()

    async def receive() -> dict[str, object]:
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            await chunks.put(f"status {message['status']}".encode())
        elif message["type"] == "http.response.body":
            await chunks.put(message.get("body", b""))  # type: ignore[arg-type]

    task = asyncio.create_task(app(scope, receive, send))  # type: ignore[arg-type]
    try:
        yield chunks
    finally:
        gone.set()
        await asyncio.wait_for(task, 5)


async def _event(chunks: asyncio.Queue[bytes]) -> str:
    while True:
        chunk = (await asyncio.wait_for(chunks.get(), 5)).decode()
        if chunk.startswith("event:"):
            return chunk


async def test_the_stream_sends_the_count_now_and_again_after_a_new_notification(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    me = await make_member()
    await comments(collaborators, me, 2)
    await log_in(client, me)
    async with event_stream(collaborators, client) as chunks:
        assert await asyncio.wait_for(chunks.get(), 5) == b"status 200"
        assert await _event(chunks) == "event: unread\ndata: 2\n\n"
        await asyncio.sleep(0.05)
        await comments(collaborators, me, 1)
        assert await _event(chunks) == "event: unread\ndata: 3\n\n"


async def test_signed_out_the_stream_is_no_content(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    async with event_stream(collaborators, client) as chunks:
        assert await asyncio.wait_for(chunks.get(), 5) == b"status 204"
