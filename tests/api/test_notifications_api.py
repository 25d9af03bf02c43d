"""The notification operations of the contract: the viewer's inbox paged newest first (its SQL
statements pinned), the unread count, marking read (only one's own), the choices per kind, and
the live count over graphql-transport-ws."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from asgi import create_app
from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.notifications.models import Notification, NotificationKind, NotificationPreference
from domain.notifications.services import Notice, Subject, notify
from tests.api.test_identity_api import op
from tests.api.test_points_api import error_code, statements_of, token_for
from tests.asgi_websocket import WebSocketSession
from tests.conftest import GraphQLClient
from tests.factories import make_member
from web.ids import encode_id


async def comments(c: Collaborators, author: Member, n: int, actor: Member | None = None) -> None:
    for i in range(n):
        notice = Notice(
            NotificationKind.COMMENT,
            subject=Subject("Post", 100 + i),
            actor_id=actor.id if actor else None,
            params={"title": f"帖{i}"},
        )
        await notify(c, [author.id], notice)


def nodes(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["node"] for e in body["data"]["viewer"]["notifications"]["edges"]]


async def test_the_inbox_pages_newest_first_with_sentences_and_subjects(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    me, xiaowang = await make_member(), await make_member(display_name="小王")
    await comments(collaborators, me, 3, xiaowang)
    token = await token_for(collaborators, me)
    first = await gql(op("Notifications"), {"first": 2}, token)
    page = nodes(first)
    assert [n["text"] for n in page] == ["小王评论了你的《帖2》", "小王评论了你的《帖1》"]
    assert page[0]["subjectId"] == encode_id("Post", 102) and page[0]["path"] == "/posts/102"
    assert page[0]["actorName"] == "小王" and page[0]["readAt"] is None
    assert first["data"]["viewer"]["unreadNotificationCount"] == 3
    info = first["data"]["viewer"]["notifications"]["pageInfo"]
    assert info["hasNextPage"]
    rest = await gql(op("Notifications"), {"first": 2, "after": info["endCursor"]}, token)
    assert [n["text"] for n in nodes(rest)] == ["小王评论了你的《帖0》"]


async def test_a_page_of_twenty_sends_as_many_statements_as_a_page_of_two(
    gql: GraphQLClient, collaborators: Collaborators, caplog: pytest.LogCaptureFixture
) -> None:
    me = await make_member()
    token = await token_for(collaborators, me)
    await comments(collaborators, me, 2, await make_member())
    few = await statements_of(caplog, lambda: gql(op("Notifications"), {"first": 20}, token))
    await comments(collaborators, me, 18, await make_member())
    many = await statements_of(caplog, lambda: gql(op("Notifications"), {"first": 20}, token))
    assert few == many == 3  # the token, the page (actors joined), the unread count


async def test_unread_only_leaves_out_what_was_read_and_the_node_is_only_the_owners(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    me, other = await make_member(), await make_member()
    await comments(collaborators, me, 2)
    oldest = await Notification.filter(recipient_id=me.id).order_by("id").first()
    assert oldest is not None
    await Notification.filter(id=oldest.id).update(read_at=collaborators.clock.now())
    token = await token_for(collaborators, me)
    unread = await gql(op("Notifications"), {"first": 10, "unreadOnly": True}, token)
    assert [n["text"] for n in nodes(unread)] == ["有人评论了你的《帖1》"]
    node = "query($id: ID!) { node(id: $id) { ... on Notification { text } } }"
    gid = encode_id("Notification", oldest.id)
    assert (await gql(node, {"id": gid}, token))["data"]["node"] == {
        "text": "有人评论了你的《帖0》"
    }
    theirs = await gql(node, {"id": gid}, await token_for(collaborators, other))
    assert theirs["data"]["node"] is None


async def test_marking_read_counts_only_the_viewers_own_and_all_marks_the_rest(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    me, other = await make_member(), await make_member()
    await comments(collaborators, me, 3)
    await comments(collaborators, other, 1)
    mine = [n.id for n in await Notification.filter(recipient_id=me.id).order_by("id")]
    theirs = await Notification.get(recipient_id=other.id)
    token = await token_for(collaborators, me)
    ids = [encode_id("Notification", i) for i in (mine[0], theirs.id)]
    some = await gql(op("MarkNotificationsRead"), {"ids": ids}, token)
    assert some["data"]["markNotificationsRead"] == {
        "__typename": "MarkNotificationsReadSuccess",
        "marked": 1,
        "unreadCount": 2,
    }
    assert (await Notification.get(id=theirs.id)).read_at is None
    everything = await gql(op("MarkNotificationsRead"), {"all": True}, token)
    assert everything["data"]["markNotificationsRead"]["marked"] == 2
    assert await Notification.filter(recipient_id=me.id, read_at__isnull=True).count() == 0


@pytest.mark.parametrize(
    "variables",
    [{}, {"all": True, "ids": []}, {"ids": [encode_id("Post", 1)]}],
    ids=["neither", "both", "not-a-notification"],
)
async def test_marking_without_a_clear_choice_is_invalid_input_and_marks_nothing(
    gql: GraphQLClient, collaborators: Collaborators, variables: dict[str, Any]
) -> None:
    me = await make_member()
    await comments(collaborators, me, 1)
    body = await gql(op("MarkNotificationsRead"), variables, await token_for(collaborators, me))
    result = body["data"]["markNotificationsRead"]
    assert result["__typename"] == "InvalidInput" and result["fieldErrors"]
    assert await Notification.filter(read_at__isnull=True).count() == 1


async def test_signed_out_the_inbox_and_its_mutations_are_refused_at_the_top(
    gql: GraphQLClient,
) -> None:
    cases: list[tuple[str, dict[str, Any]]] = [
        ("Notifications", {"first": 5}),
        ("UnreadNotificationCount", {}),
        ("MarkNotificationsRead", {"all": True}),
        ("UpdateNotificationPreferences", {"preferences": []}),
    ]
    for name, variables in cases:
        body = await gql(op(name), variables)
        assert error_code(body) == "UNAUTHENTICATED", name


async def test_preferences_default_to_both_channels_and_save_per_kind(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    me = await make_member()
    token = await token_for(collaborators, me)
    before = (await gql(op("NotificationPreferences"), {}, token))["data"]["viewer"]
    assert len(before["notificationPreferences"]) == len(NotificationKind)
    assert all(p["inApp"] and p["wechat"] for p in before["notificationPreferences"])
    change = [{"kind": "DIGEST", "inApp": False, "wechat": False}]
    saved = await gql(op("UpdateNotificationPreferences"), {"preferences": change}, token)
    result = saved["data"]["updateNotificationPreferences"]
    digest = next(p for p in result["preferences"] if p["kind"] == "DIGEST")
    assert digest == {"kind": "DIGEST", "inApp": False, "wechat": False}
    row = await NotificationPreference.get(member_id=me.id)
    assert (row.kind, row.in_app, row.wechat) == (NotificationKind.DIGEST, False, False)


async def test_a_kind_named_twice_is_invalid_input_and_saves_nothing(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    me = await make_member()
    twice = [
        {"kind": "COMMENT", "inApp": False, "wechat": False},
        {"kind": "COMMENT", "inApp": True, "wechat": False},
    ]
    token = await token_for(collaborators, me)
    body = await gql(op("UpdateNotificationPreferences"), {"preferences": twice}, token)
    result = body["data"]["updateNotificationPreferences"]
    assert result["__typename"] == "InvalidInput"
    assert [e["field"] for e in result["fieldErrors"]] == ["preferences.1.kind"]
    assert await NotificationPreference.all().count() == 0


async def _next(ws: WebSocketSession) -> dict[str, Any]:
    message = json.loads((await ws.receive())["text"])
    assert message["type"] == "next", message
    payload: dict[str, Any] = message["payload"]["data"]["notificationAdded"]
    return payload


async def test_the_subscription_says_the_count_then_each_new_notification(
    collaborators: Collaborators,
) -> None:
    me, xiaowang = await make_member(), await make_member(display_name="小王")
    await comments(collaborators, me, 1)
    token = await token_for(collaborators, me)
    app = create_app(collaborators.settings, collaborators, manage_stores=False)
    async with WebSocketSession(app, "/graphql", ["graphql-transport-ws"]) as ws:
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        await ws.send_text(json.dumps(init))
        assert json.loads((await ws.receive())["text"])["type"] == "connection_ack"
        subscribe = {"id": "1", "type": "subscribe", "payload": {"query": op("NotificationAdded")}}
        await ws.send_text(json.dumps(subscribe))
        assert await _next(ws) == {"unreadCount": 1, "notification": None}
        await asyncio.sleep(0.05)
        notice = Notice(
            NotificationKind.COMMENT, Subject("Post", 7), xiaowang.id, {"title": "番茄"}
        )
        await notify(collaborators, [me.id], notice)
        pushed = await _next(ws)
        assert pushed["unreadCount"] == 2
        assert pushed["notification"]["text"] == "小王评论了你的《番茄》"
        await ws.send_text(json.dumps({"id": "1", "type": "complete"}))


async def test_signed_out_the_subscription_is_refused(collaborators: Collaborators) -> None:
    app = create_app(collaborators.settings, collaborators, manage_stores=False)
    async with WebSocketSession(app, "/graphql", ["graphql-transport-ws"]) as ws:
        await ws.send_text('{"type": "connection_init"}')
        assert json.loads((await ws.receive())["text"])["type"] == "connection_ack"
        subscribe = {"id": "1", "type": "subscribe", "payload": {"query": op("NotificationAdded")}}
        await ws.send_text(json.dumps(subscribe))
        message = json.loads((await ws.receive())["text"])
        assert message["type"] == "next" and message["payload"]["data"] is None, message
        assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
