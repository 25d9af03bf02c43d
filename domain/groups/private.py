"""Private groups (铁杆粉丝群): joining is a request the group's hosts approve or decline; hosts
invite and remove members; a removed member waits ``REJOIN_HOLD`` before asking again; a request
nobody decides expires after ``REQUEST_LIFETIME`` (the due jobs). Every decision tells the
member (notifications). What a private group's posts show to whom is domain/posts/visibility.py."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from domain.aftercommit import atomic
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError
from domain.groups.errors import (
    AlreadyMemberError,
    CannotRemoveHostError,
    GroupArchivedError,
    GroupNotOpenToEstateError,
    NotPrivateGroupError,
    RecentlyRemovedError,
    RequestNotPendingError,
)
from domain.groups.models import (
    GroupHost,
    GroupJoinRequest,
    GroupMembership,
    GroupRemoval,
    InterestGroup,
    JoinRequestStatus,
)
from domain.groups.policies import runs_group
from domain.groups.services import admit
from domain.identity.models import Member
from domain.notifications.models import NotificationKind
from domain.notifications.services import Notice, notify
from domain.posts.text import clean_text

REQUEST_LIFETIME = timedelta(days=14)
REJOIN_HOLD = timedelta(days=30)
MESSAGE_MAX = 200
PHONE_DIGITS = 11
PENDING = JoinRequestStatus.PENDING


async def _open_private_group(group_id: int) -> InterestGroup:
    group = await InterestGroup.get_or_none(id=group_id)
    if group is None:
        raise NotFoundError()
    if group.archived_at is not None:
        raise GroupArchivedError()
    if not group.private:
        raise NotPrivateGroupError()
    return group


async def _refuse_if_removed_lately(group_id: int, member_id: int, now: datetime) -> None:
    if await GroupRemoval.exists(
        group_id=group_id, member_id=member_id, removed_at__gt=now - REJOIN_HOLD
    ):
        raise RecentlyRemovedError()


async def request_to_join(
    c: Collaborators, member: Member, group_id: int, message: str = ""
) -> GroupJoinRequest:
    """The member's pending request (asking twice keeps one request, with the latest message)."""
    text = clean_text(message or "")
    if len(text) > MESSAGE_MAX:
        raise InvalidInputError.single("message", f"申请留言最多 {MESSAGE_MAX} 个字")
    group = await _open_private_group(group_id)
    if group.estate_id is not None and group.estate_id != member.estate_id:
        raise GroupNotOpenToEstateError()
    if await GroupMembership.exists(group_id=group_id, member_id=member.id):
        raise AlreadyMemberError()
    now = c.clock.now()
    await _refuse_if_removed_lately(group_id, member.id, now)
    try:
        async with atomic():
            return await GroupJoinRequest.create(
                group_id=group_id,
                member_id=member.id,
                status=PENDING,
                message=text,
                requested_at=now,
            )
    except IntegrityError:
        pass  # asked before: the one row of (group, member) is reopened
    await GroupJoinRequest.filter(group_id=group_id, member_id=member.id).update(
        status=PENDING, message=text, requested_at=now, decided_at=None, decided_by_id=None
    )
    return await GroupJoinRequest.get(group_id=group_id, member_id=member.id)


async def decide_join_request(
    c: Collaborators, actor: Member, request_id: int, approve: bool
) -> GroupJoinRequest:
    """A host's answer. Idempotent: the same answer twice changes nothing more; a request
    answered otherwise (or expired) is refused. Another group's request looks like none."""
    request = await GroupJoinRequest.get_or_none(id=request_id).select_related("group")
    if request is None or not await runs_group(actor, request.group_id):
        raise NotFoundError()
    target = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    async with atomic():
        moved = await GroupJoinRequest.filter(id=request_id, status=PENDING).update(
            status=target, decided_at=c.clock.now(), decided_by_id=actor.id
        )
        if moved and approve:
            await admit(c, request.member_id, request.group_id)
    await request.refresh_from_db()
    if not moved:
        if request.status == target:
            return request
        raise RequestNotPendingError()
    await _tell(c, request.member_id, request.group, target.value, actor.id)
    return request


async def invite_member(
    c: Collaborators, actor: Member, group_id: int, member_id: int
) -> GroupMembership:
    """A host brings a member in at once: the removal hold is lifted and any pending request is
    approved. Inviting a member twice is not an error."""
    if not await runs_group(actor, group_id):
        raise NotFoundError()
    group = await _open_private_group(group_id)
    member = await Member.get_or_none(id=member_id)
    if member is None:
        raise NotFoundError()
    if group.estate_id is not None and group.estate_id != member.estate_id:
        raise GroupNotOpenToEstateError()
    now = c.clock.now()
    async with atomic():
        admitted = await admit(c, member_id, group_id)
        await GroupRemoval.filter(group_id=group_id, member_id=member_id).delete()
        await GroupJoinRequest.filter(
            group_id=group_id, member_id=member_id, status=PENDING
        ).update(status=JoinRequestStatus.APPROVED, decided_at=now, decided_by_id=actor.id)
    if admitted:
        await _tell(c, member_id, group, "INVITED", actor.id)
    return await GroupMembership.get(group_id=group_id, member_id=member_id)


async def remove_member(c: Collaborators, actor: Member, group_id: int, member_id: int) -> None:
    """A host takes a member out; the member may not ask again for ``REJOIN_HOLD``. Removing
    someone who is not a member changes nothing."""
    if not await runs_group(actor, group_id):
        raise NotFoundError()
    await _open_private_group(group_id)
    if await GroupHost.exists(group_id=group_id, member_id=member_id):
        raise CannotRemoveHostError()
    now = c.clock.now()
    async with atomic():
        left = await GroupMembership.filter(group_id=group_id, member_id=member_id).delete()
        if not left:
            return
        await InterestGroup.filter(id=group_id).update(member_count=F("member_count") - left)
        moved = await GroupRemoval.filter(group_id=group_id, member_id=member_id).update(
            removed_at=now, removed_by_id=actor.id
        )
        if not moved:
            await GroupRemoval.create(
                group_id=group_id, member_id=member_id, removed_at=now, removed_by_id=actor.id
            )


async def expire_join_requests(now: datetime) -> int:
    """Requests pending longer than ``REQUEST_LIFETIME`` expire (the member may ask again)."""
    return await GroupJoinRequest.filter(
        status=PENDING, requested_at__lte=now - REQUEST_LIFETIME
    ).update(status=JoinRequestStatus.EXPIRED, decided_at=now)


async def _tell(
    c: Collaborators, member_id: int, group: InterestGroup, decision: str, actor_id: int
) -> None:
    params = {"group": group.name, "decision": decision}
    notice = Notice(NotificationKind.GROUP_REQUEST_DECIDED, actor_id=actor_id, params=params)
    await notify(c, [member_id], notice)


async def pending_requests(group_id: int) -> list[GroupJoinRequest]:
    """The group's pending requests with their members, oldest first (the hosts' list)."""
    return list(
        await GroupJoinRequest.filter(group_id=group_id, status=PENDING)
        .order_by("requested_at", "id")
        .select_related("member")
    )


async def my_request(member_id: int, group_id: int) -> GroupJoinRequest | None:
    return await GroupJoinRequest.get_or_none(group_id=group_id, member_id=member_id)


async def members_of(group_id: int) -> list[GroupMembership]:
    """The group's members with their names, longest-standing first (the hosts' list)."""
    return list(
        await GroupMembership.filter(group_id=group_id)
        .order_by("joined_at", "id")
        .select_related("member")
    )


async def my_request_by_id(request_id: int) -> GroupJoinRequest | None:
    return await GroupJoinRequest.get_or_none(id=request_id)


async def find_member_to_invite(given: str) -> int:
    """The member a host names by phone number or member number (the number on their profile
    page); a typed refusal when there is none."""
    given = given.strip()
    if not given:
        raise InvalidInputError.single("member", "请填写成员的手机号或成员编号")
    if given.isdigit() and len(given) == PHONE_DIGITS:
        member = await Member.get_or_none(phone=given)
    elif given.isdigit() and len(given) < PHONE_DIGITS:
        member = await Member.get_or_none(id=int(given))
    else:
        member = None
    if member is None:
        raise InvalidInputError.single("member", "没有找到这位成员，请核对手机号或成员编号")
    return member.id
