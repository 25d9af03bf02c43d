"""A non-member reads nothing of a private group, through any operation, page, search or feed:
one walk over every read path, on both GraphQL paths (the compiled plans and the general path
must agree) and on the portal, with a member reading the same paths as the control."""

from __future__ import annotations

import json
from typing import Any

import httpx

from domain.collaborators import Collaborators
from domain.groups import private
from domain.identity.services import issue_api_tokens
from domain.notifications.models import Notification, NotificationKind
from domain.posts import services
from tests.api.compiled_world import Paths
from tests.api.test_identity_api import op
from tests.portal.test_points_pages import HTMX, log_in
from tests.private_world import OPEN, SECRET, PrivateWorld, private_world
from web.ids import encode_id

NODE = "query Node($id: ID!) { node(id: $id) { id } }"


def leaks(text: str) -> bool:
    """Whether ``text`` shows anything of the private post or its comments (the search query
    itself is echoed by the search page: the words alone are not a leak)."""
    marks = ("只给铁杆看的", "内部留言", f"{SECRET}分享", f"<mark>{SECRET}</mark>分享")
    return any(mark in text for mark in marks)


async def _graphql_reads(paths: Paths, w: PrivateWorld, token: str | None) -> list[str]:
    """Every GraphQL read of posts, each answered alike by both paths: the answers' texts."""
    group_id = encode_id("InterestGroup", w.group.id)
    reads: list[tuple[str, dict[str, Any]]] = [
        (op("Feed"), {"first": 20}),
        (op("Feed"), {"first": 20, "groupId": group_id}),
        (op("PostDetail"), {"id": encode_id("Post", w.post.id), "commentsFirst": 20}),
        (NODE, {"id": encode_id("Post", w.post.id)}),
        (NODE, {"id": encode_id("Comment", w.comment.id)}),
        (op("SearchPosts"), {"query": SECRET}),
        (op("SearchPosts"), {"query": SECRET, "groupId": group_id}),
        (op("MemberProfile"), {"id": encode_id("Member", w.member.id)}),
        (op("SearchNames"), {"query": "铁杆小王"}),
        (op("Notifications"), {"first": 20}),
    ]
    answers = []
    for query, variables in reads:
        body = {"query": query, "variables": variables}
        await paths.compare(body, token)  # both paths, byte for byte
        answer = await paths.post(paths.compiled_app, body, token)
        answers.append(json.dumps(answer.json(), ensure_ascii=False))
    return answers


async def _portal_reads(client: httpx.AsyncClient, w: PrivateWorld) -> list[str]:
    pages = [
        "/",
        "/feed",
        f"/feed?group={w.group.id}",
        f"/groups/{w.group.slug}",
        f"/posts/{w.post.id}",
        f"/search?q={SECRET}",
        f"/members/{w.member.id}",
        "/notifications",
    ]
    texts = [(await client.get(url)).text for url in pages]
    texts.append((await client.get(f"/feed?group={w.group.id}", headers=HTMX)).text)
    return texts


async def test_a_non_member_reads_nothing_of_a_private_group_anywhere(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    c = collaborators
    w = await private_world(c)
    # A former member commented earlier, then was removed: the comments after are not theirs.
    former = w.outsider
    await private.invite_member(c, w.host, w.group.id, former.id)
    await services.add_comment(c, former, w.post.id, "我也来留言")
    await private.remove_member(c, w.host, w.group.id, former.id)
    await services.add_comment(c, w.member, w.post.id, "移出之后的新留言")
    paths = Paths(c)

    def token(member: Any) -> Any:
        return issue_api_tokens(c, member)

    outsider_token = (await token(w.outsider)).access_token
    member_token = (await token(w.member)).access_token

    for who in (None, outsider_token):
        for answer in await _graphql_reads(paths, w, who):
            assert not leaks(answer), answer
    # Told of the invitation only: nothing about the post's comments after the removal.
    told = [n.kind for n in await Notification.filter(recipient_id=former.id)]
    assert told == [NotificationKind.GROUP_REQUEST_DECIDED]
    # The control: the member reads the post through the same operations.
    member_reads = await _graphql_reads(paths, w, member_token)
    assert sum(leaks(a) for a in member_reads) >= 6
    assert OPEN in member_reads[0]

    # The portal, signed out and signed in as the outsider.
    for signed_in in (False, True):
        if signed_in:
            await log_in(client, w.outsider)
        texts = await _portal_reads(client, w)
        for text in texts:
            assert not leaks(text), text
        assert OPEN in texts[0]
        assert "铁杆粉丝群" in texts[3] and "私密小组" in texts[3]  # name shown, posts not
    await log_in(client, w.member)
    member_texts = await _portal_reads(client, w)
    assert sum(leaks(t) for t in member_texts) >= 6
