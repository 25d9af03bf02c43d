"""WeChat's later image verdict (mediaCheckAsync): uploads are sent with the uploader's openid,
the verdict comes by a signed message push, and a risky image takes back what already uses it —
through the public API, against the local WeChat stand-in."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from domain.collaborators import Collaborators
from domain.identity.models import Member, Role, WechatIdentity
from domain.identity.wechat import WechatClient
from domain.jobs import run_due_jobs
from domain.media.models import CloudCheck, Image
from domain.notifications.models import Notification, NotificationKind
from domain.posts.models import AuditLogEntry, Post, PostStatus
from domain.safety.media_check import AUDIT_ACTION, submit_due
from domain.safety.wechat_provider import push_signature
from tests.api.test_groups_api import token_for
from tests.api.test_identity_api import op
from tests.api.test_safety_api import other_picture, picture, trusted_author
from tests.api.test_uploads import post_file
from tests.conftest import PUSH_TOKEN, GraphQLClient
from tests.factories import make_member
from tests.wechat_standin import STANDIN
from web.ids import encode_id


def signed(token: str = PUSH_TOKEN, **extra: str) -> dict[str, str]:
    timestamp, nonce = "1764900000", "n0nce"
    return {
        "signature": push_signature(token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        **extra,
    }


def media_event(trace_id: str, suggest: str, label: int = 100) -> bytes:
    event = {
        "ToUserName": "gh_linli",
        "FromUserName": "o-system",
        "CreateTime": 1764900000,
        "MsgType": "event",
        "Event": "wxa_media_check",
        "appid": "wx-test",
        "trace_id": trace_id,
        "version": 2,
        "detail": [{"strategy": "content_model", "errcode": 0, "suggest": suggest}],
        "errcode": 0,
        "errmsg": "ok",
        "result": {"suggest": suggest, "label": label},
    }
    return json.dumps(event).encode()


async def push(
    client: httpx.AsyncClient, body: bytes, params: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post("/api/wechat/events", params=params or signed(), content=body)


async def with_openid(c: Collaborators, member: Member, openid: str) -> None:
    now = c.clock.now()
    await WechatIdentity.create(
        member=member, openid=openid, session_key="sk", created_at=now, updated_at=now
    )


async def upload(client: httpx.AsyncClient, token: str, data: bytes) -> str:
    sent = await post_file(client, {"Authorization": f"Bearer {token}"}, data, "p.png", "image/png")
    assert sent.status_code == 201, sent.text
    return str(sent.json()["id"])


async def share(gql: GraphQLClient, token: str, title: str, image_id: str) -> dict[str, Any]:
    story = {
        "kind": "STORY",
        "title": title,
        "body": "看看这张照片拍得怎么样",
        "imageIds": [image_id],
    }
    done = await gql(op("SubmitPost"), {"input": story}, token)
    result: dict[str, Any] = done["data"]["submitPost"]
    assert result["__typename"] == "SubmitPostSuccess", done
    return result


async def read_post(gql: GraphQLClient, token: str, post_id: int) -> Any:
    variables = {"id": encode_id("Post", post_id), "commentsFirst": 5}
    return (await gql(op("PostDetail"), variables, token))["data"]["post"]


async def test_a_risky_verdict_takes_a_published_post_back_to_the_queue_once(
    gql: GraphQLClient, client: httpx.AsyncClient, wechat_checks: Collaborators
) -> None:
    c = wechat_checks
    watcher = await make_member(roles=(Role.RESIDENT, Role.MODERATOR), display_name="审核员")
    neighbour = await token_for(c, await make_member(display_name="邻居"))
    author = await trusted_author(c)
    await with_openid(c, author, "o-author")
    token = await token_for(c, author)
    image_id = await upload(client, token, other_picture())

    # Sent at upload, with the image's public address and the uploader's openid.
    image = await Image.get(owner_id=author.id)
    assert (image.cloud_check, image.cloud_trace_id) == (CloudCheck.WAITING, "trace-1")
    [sent] = STANDIN.media_checks
    assert sent["media_url"] == f"https://linli.example.cn/media/{image.storage_key}"
    assert (sent["openid"], sent["media_type"], sent["version"]) == ("o-author", 2, 2)

    # Published at once meanwhile (a trusted author; nothing has judged the image yet).
    await share(gql, token, "今天的晚霞", image_id)
    post = await Post.get(title="今天的晚霞")
    assert post.status == PostStatus.PUBLISHED
    assert (await read_post(gql, neighbour, post.id))["title"] == "今天的晚霞"

    # An unsigned or wrongly signed push changes nothing.
    for params in ({}, signed("another-token"), {**signed(), "nonce": "changed"}):
        refused = await client.post(
            "/api/wechat/events", params=params, content=media_event("trace-1", "risky", 20002)
        )
        assert refused.status_code == 403
    assert (await Post.get(id=post.id)).status == PostStatus.PUBLISHED

    answered = await push(client, media_event("trace-1", "risky", 20002))
    assert (answered.status_code, answered.text) == (200, "success")
    held = await Post.get(id=post.id)
    assert (held.status, held.safety_flag) == (PostStatus.PENDING, "云端审核提示图片风险（色情）")
    image = await Image.get(id=image.id)
    assert (image.cloud_check, image.cloud_flag) == (CloudCheck.FLAGGED, "微信内容安全：色情")
    assert await read_post(gql, neighbour, post.id) is None
    audit = await AuditLogEntry.filter(action=AUDIT_ACTION, target_id=post.id)
    assert [(a.target_type, a.reason) for a in audit] == [("POST", "云端审核提示图片风险（色情）")]
    told = await Notification.filter(recipient_id=watcher.id, kind=NotificationKind.HOST_QUEUE_ITEM)
    assert [n.subject_id for n in told] == [post.id]

    # WeChat repeats a push it thinks was lost: nothing moves twice.
    again = await push(client, media_event("trace-1", "risky", 20002))
    assert again.text == "success"
    assert await AuditLogEntry.filter(action=AUDIT_ACTION).count() == 1

    # A post written after the verdict waits for a moderator from the start.
    await share(gql, token, "再发一次", image_id)
    later = await Post.get(title="再发一次")
    assert (later.status, later.safety_flag) == (PostStatus.PENDING, "云端审核提示图片风险")


async def test_a_passing_verdict_changes_nothing_and_wechat_checks_the_address(
    gql: GraphQLClient, client: httpx.AsyncClient, wechat_checks: Collaborators
) -> None:
    c = wechat_checks
    verified = await client.get("/api/wechat/events", params=signed(echostr="echo-42"))
    assert (verified.status_code, verified.text) == (200, "echo-42")
    forged = await client.get("/api/wechat/events", params=signed("forged", echostr="echo-42"))
    assert forged.status_code == 403 and "echo-42" not in forged.text

    author = await trusted_author(c)
    await with_openid(c, author, "o-author")
    token = await token_for(c, author)
    await share(gql, token, "今天的晚霞", await upload(client, token, picture(10)))
    assert (await push(client, media_event("trace-1", "pass"))).text == "success"
    assert (await Image.get(owner_id=author.id)).cloud_check == CloudCheck.PASSED
    assert (await Post.get(title="今天的晚霞")).status == PostStatus.PUBLISHED
    # Pushes Linli does not read, or for a trace it never sent, are acknowledged and ignored.
    for body in (b"not json", json.dumps({"Event": "other"}).encode(), media_event("x", "risky")):
        assert (await push(client, body)).text == "success"
    assert (await Post.get(title="今天的晚霞")).status == PostStatus.PUBLISHED


async def test_a_review_verdict_flags_a_post_still_waiting_without_a_second_queue_entry(
    gql: GraphQLClient, client: httpx.AsyncClient, wechat_checks: Collaborators
) -> None:
    c = wechat_checks
    newcomer = await make_member(display_name="新邻居")  # a new account: its posts wait
    await with_openid(c, newcomer, "o-new")
    token = await token_for(c, newcomer)
    await share(gql, token, "第一次发帖", await upload(client, token, picture(30)))
    post = await Post.get(title="第一次发帖")
    assert (post.status, post.safety_flag) == (PostStatus.PENDING, None)
    await push(client, media_event("trace-1", "review", 10001))
    post = await Post.get(id=post.id)
    assert (post.status, post.safety_flag) == (
        PostStatus.PENDING,
        "云端审核提示图片风险（广告，疑似）",
    )
    assert not await AuditLogEntry.filter(action=AUDIT_ACTION).exists()


async def test_images_wechat_will_not_take_are_skipped_and_a_failed_send_is_retried(
    client: httpx.AsyncClient, wechat_checks: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = wechat_checks
    portal_only = await make_member(display_name="只用网页")
    stranger = await make_member(display_name="陌生人")
    await with_openid(c, stranger, "stranger-1")
    for member in (portal_only, stranger):
        await upload(client, await token_for(c, member), picture(20))
    checks = [image.cloud_check for image in await Image.all().order_by("id")]
    assert checks == [CloudCheck.SKIPPED, CloudCheck.SKIPPED]
    assert STANDIN.media_checks == []

    # WeChat unreachable at upload: the image waits, and the due jobs send it.
    member = await make_member(display_name="小程序用户")
    await with_openid(c, member, "o-member")
    working = c.wechat
    monkeypatch.setattr(c, "wechat", WechatClient("http://127.0.0.1:9", "wx-test", "x", 0.5))
    await upload(client, await token_for(c, member), picture(40))
    assert await Image.filter(owner_id=member.id, cloud_check=CloudCheck.DUE).exists()
    assert await submit_due(c) == 0
    monkeypatch.setattr(c, "wechat", working)
    done = await run_due_jobs(c)
    assert done["images_sent_for_checking"] == 1
    image = await Image.get(owner_id=member.id)
    assert (image.cloud_check, image.cloud_trace_id) == (CloudCheck.WAITING, "trace-1")
    assert await submit_due(c) == 0  # sent once
