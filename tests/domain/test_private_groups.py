"""Private groups on a real database: requests approved, declined and expired, invitations,
removals and the 30 days before a removed member may ask again."""

from __future__ import annotations

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError
from domain.groups import private, services
from domain.groups.errors import (
    AlreadyMemberError,
    CannotRemoveHostError,
    JoinByRequestError,
    NotPrivateGroupError,
    RecentlyRemovedError,
    RequestNotPendingError,
)
from domain.groups.models import (
    GroupJoinRequest,
    GroupMembership,
    InterestGroup,
    JoinRequestStatus,
)
from domain.identity.models import Member, Role
from domain.jobs import run_due_jobs
from domain.notifications.models import Notification, NotificationKind
from domain.notifications.text import sentence
from domain.posts import services as posts
from domain.posts.models import Comment, Post, PostLike, ReportReason
from tests.factories import make_member
from tests.portal.test_posts_pages import make_group
from tests.private_world import private_world


async def _private_group(c: Collaborators) -> tuple[Member, InterestGroup]:
    host = await make_member(roles=(Role.RESIDENT, Role.HOST), display_name="团长")
    group = await make_group(c, host, "铁杆粉丝群")
    await InterestGroup.filter(id=group.id).update(private=True)
    return host, await InterestGroup.get(id=group.id)


async def _told(member: Member) -> list[str]:
    rows = await Notification.filter(
        recipient_id=member.id, kind=NotificationKind.GROUP_REQUEST_DECIDED
    )
    return [sentence(r.kind, r.params, None, 1) for r in rows]


async def test_a_private_group_is_joined_by_request_and_approval_lets_the_member_in(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    host, group = await _private_group(c)
    fan = await make_member(display_name="小王")
    with pytest.raises(JoinByRequestError):
        await services.join_group(c, fan, group.id)
    asked = await private.request_to_join(c, fan, group.id, "  我是老粉丝  ")
    again = await private.request_to_join(c, fan, group.id, "再问一次")
    assert asked.id == again.id and again.message == "再问一次"
    assert [r.member_id for r in await private.pending_requests(group.id)] == [fan.id]
    decided = await private.decide_join_request(c, host, asked.id, approve=True)
    assert decided.status == JoinRequestStatus.APPROVED and decided.decided_by_id == host.id
    assert await GroupMembership.exists(group_id=group.id, member_id=fan.id)
    assert (await InterestGroup.get(id=group.id)).member_count == 1
    # The same answer twice changes nothing more; another answer is refused.
    await private.decide_join_request(c, host, asked.id, approve=True)
    with pytest.raises(RequestNotPendingError):
        await private.decide_join_request(c, host, asked.id, approve=False)
    assert (await InterestGroup.get(id=group.id)).member_count == 1
    assert await _told(fan) == ["主理人同意了你加入「铁杆粉丝群」的申请"]
    with pytest.raises(AlreadyMemberError):
        await private.request_to_join(c, fan, group.id)


async def test_declining_tells_the_member_and_lets_nobody_in(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    host, group = await _private_group(c)
    fan = await make_member()
    asked = await private.request_to_join(c, fan, group.id)
    decided = await private.decide_join_request(c, host, asked.id, approve=False)
    assert decided.status == JoinRequestStatus.DECLINED
    assert not await GroupMembership.exists(group_id=group.id, member_id=fan.id)
    assert await _told(fan) == ["主理人婉拒了你加入「铁杆粉丝群」的申请"]
    with pytest.raises(RequestNotPendingError):
        await private.decide_join_request(c, host, asked.id, approve=True)
    # Declined is not banned: the member may ask again, and the request is pending once more.
    reopened = await private.request_to_join(c, fan, group.id, "再试试")
    assert reopened.id == asked.id and reopened.status == JoinRequestStatus.PENDING


async def test_only_the_groups_hosts_decide_and_anyone_elses_answer_is_not_found(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    _, group = await _private_group(c)
    other_host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    fan = await make_member()
    asked = await private.request_to_join(c, fan, group.id)
    for stranger in (other_host, fan, await make_member()):
        with pytest.raises(NotFoundError):
            await private.decide_join_request(c, stranger, asked.id, approve=True)
        with pytest.raises(NotFoundError):
            await private.invite_member(c, stranger, group.id, fan.id)
    assert (await GroupJoinRequest.get(id=asked.id)).status == JoinRequestStatus.PENDING


async def test_requests_expire_after_fourteen_days_in_the_due_jobs(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    assert isinstance(c.clock, FrozenClock)
    host, group = await _private_group(c)
    early, late = await make_member(), await make_member()
    first = await private.request_to_join(c, early, group.id)
    c.clock.advance(days=7)
    second = await private.request_to_join(c, late, group.id)
    c.clock.advance(days=7)
    done = await run_due_jobs(c, c.clock.now())
    assert done["join_requests_expired"] == 1
    assert (await GroupJoinRequest.get(id=first.id)).status == JoinRequestStatus.EXPIRED
    assert (await GroupJoinRequest.get(id=second.id)).status == JoinRequestStatus.PENDING
    with pytest.raises(RequestNotPendingError):
        await private.decide_join_request(c, host, first.id, approve=True)
    assert not await GroupMembership.exists(group_id=group.id, member_id=early.id)


async def test_a_removed_member_may_not_ask_again_for_thirty_days(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    assert isinstance(c.clock, FrozenClock)
    host, group = await _private_group(c)
    fan = await make_member()
    await private.invite_member(c, host, group.id, fan.id)
    assert await _told(fan) == ["主理人邀请你加入了「铁杆粉丝群」"]
    await private.remove_member(c, host, group.id, fan.id)
    await private.remove_member(c, host, group.id, fan.id)  # twice: nothing more
    assert not await GroupMembership.exists(group_id=group.id, member_id=fan.id)
    assert (await InterestGroup.get(id=group.id)).member_count == 0
    c.clock.advance(days=29, hours=23)
    with pytest.raises(RecentlyRemovedError):
        await private.request_to_join(c, fan, group.id)
    assert not await GroupJoinRequest.exists(member_id=fan.id)
    c.clock.advance(hours=2)
    asked = await private.request_to_join(c, fan, group.id)
    assert asked.status == JoinRequestStatus.PENDING


async def test_an_invitation_lifts_the_hold_and_approves_a_pending_request(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    host, group = await _private_group(c)
    fan, other = await make_member(), await make_member()
    await private.invite_member(c, host, group.id, fan.id)
    await private.remove_member(c, host, group.id, fan.id)
    await private.invite_member(c, host, group.id, fan.id)  # the host changed their mind
    assert await GroupMembership.exists(group_id=group.id, member_id=fan.id)
    asked = await private.request_to_join(c, other, group.id)
    await private.invite_member(c, host, group.id, other.id)
    assert (await GroupJoinRequest.get(id=asked.id)).status == JoinRequestStatus.APPROVED
    assert (await InterestGroup.get(id=group.id)).member_count == 2


async def test_refusals_change_nothing(collaborators: Collaborators) -> None:
    c = collaborators
    host, group = await _private_group(c)
    public = await make_group(c, await make_member(roles=(Role.RESIDENT, Role.HOST)), "公开小组")
    fan = await make_member()
    with pytest.raises(NotPrivateGroupError):
        await private.request_to_join(c, fan, public.id)
    with pytest.raises(InvalidInputError):
        await private.request_to_join(c, fan, group.id, "长" * 201)
    with pytest.raises(NotFoundError):
        await private.request_to_join(c, fan, group.id + 100)
    await private.invite_member(c, host, group.id, host.id)
    with pytest.raises(CannotRemoveHostError):
        await private.remove_member(c, host, group.id, host.id)
    assert not await GroupJoinRequest.exists(member_id=fan.id)
    assert await GroupMembership.exists(group_id=group.id, member_id=host.id)


async def test_a_non_member_cannot_like_comment_on_or_report_a_private_post(
    collaborators: Collaborators,
) -> None:
    w = await private_world(collaborators)
    for attempt in (
        posts.like_post(collaborators, w.outsider, w.post.id),
        posts.add_comment(collaborators, w.outsider, w.post.id, "路过看看"),
        posts.report_post(collaborators, w.outsider, w.post.id, ReportReason.SPAM, None),
    ):
        with pytest.raises(NotFoundError):
            await attempt
    post = await Post.get(id=w.post.id)
    assert (post.like_count, post.comment_count, post.report_count) == (0, 1, 0)
    assert not await PostLike.exists(member_id=w.outsider.id)
    assert not await Comment.exists(author_id=w.outsider.id)
    await posts.like_post(collaborators, w.member, w.post.id)  # the member may
    assert (await Post.get(id=w.post.id)).like_count == 1
