"""Deleting an account (注销账户): the member asks, every token dies at once, and after a 7-day
grace period (cancelled by signing in again) the due-jobs run erases what identifies them.

Erasure keeps the member's row as an anonymous member (已注销用户) so that everything counted
stays counted: the points ledger (what is left of their points expires by a ledger entry, so
``linli reconcile`` still holds), orders, redemptions, votes, registrations, referrals and the
KPIs of past months. What identifies them goes: phone, password, name, avatar, WeChat ids, tags,
tokens, their inbox, their answers' free text; their posts are deleted or kept under
已注销用户, as they chose. Audit entries are append-only and stay as written."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import DomainError, InvalidInputError
from domain.events.models import EventRegistration, RegistrationStatus
from domain.events.services import cancel_registration
from domain.exposures.models import PostExposure
from domain.groups.models import GroupHost
from domain.identity.cards import forget_card
from domain.identity.errors import StillHostsGroupsError
from domain.identity.models import (
    AuthToken,
    Member,
    MemberInterestTag,
    Role,
    WechatIdentity,
)
from domain.notifications.models import Notification, NotificationPreference
from domain.notifications.push_models import PushDelivery, SubscriptionConsent
from domain.points.erasure import expire_everything
from domain.posts.models import (
    Comment,
    Post,
    PostImage,
    PostStatus,
    RecipeDetails,
    RecipeIngredient,
    RecipeStep,
    Report,
    ShareDraft,
)
from domain.privacy.request_models import AccountDeletion, DataExport, DeletionStatus
from domain.search.models import SearchDocument
from domain.segments.models import NpsResponse

GRACE = timedelta(days=7)
ANONYMOUS_NAME = "已注销用户"
DELETED_TITLE = "（已删除）"
DELETED_COMMENT = "（该评论已随账户注销删除）"
log = logging.getLogger("linli.privacy")


class DeletionAlreadyPendingError(DomainError):
    code = "DELETION_PENDING"

    def __init__(self, due_at: datetime) -> None:
        super().__init__("你已申请注销账户，在宽限期结束前重新登录即可撤销")
        self.due_at = due_at


class DeletingHostError(StillHostsGroupsError):
    """A host's groups would be left without someone to run them."""

    def __init__(self, group_names: list[str]) -> None:
        shown = "、".join(f"「{name}」" for name in group_names[:3])
        DomainError.__init__(self, f"你仍是{shown}的主理人，请先请管理员任命接替者再注销")
        self.group_names = group_names


async def request_account_deletion(
    c: Collaborators, member: Member, keep_posts: bool
) -> AccountDeletion:
    """Ask for the account to be erased after ``GRACE``; every token of the member is revoked in
    the same transaction, so no client stays signed in."""
    now = c.clock.now()
    if member.has_role(Role.ADMIN):
        raise InvalidInputError.single(
            "account", "管理员不能注销账户，请先由另一位管理员撤销管理员身份"
        )
    hosted = await column(
        GroupHost.filter(member_id=member.id, group__archived_at__isnull=True), "group__name"
    )
    if hosted:
        raise DeletingHostError(hosted)
    async with in_transaction():
        await Member.filter(id=member.id).select_for_update().first()  # one request at a time
        pending = await AccountDeletion.get_or_none(
            member_id=member.id, status=DeletionStatus.PENDING
        )
        if pending is not None:
            raise DeletionAlreadyPendingError(pending.due_at)
        deletion = await AccountDeletion.create(
            member_id=member.id, keep_posts=keep_posts, requested_at=now, due_at=now + GRACE
        )
        await AuthToken.filter(member_id=member.id, revoked_at__isnull=True).update(revoked_at=now)
    return deletion


async def pending_deletion(member_id: int) -> AccountDeletion | None:
    return await AccountDeletion.get_or_none(member_id=member_id, status=DeletionStatus.PENDING)


async def cancel_deletion_on_sign_in(member_id: int, now: datetime) -> bool:
    """Signing in again within the grace period keeps the account; True when one was pending."""
    cancelled = await AccountDeletion.filter(
        member_id=member_id, status=DeletionStatus.PENDING, due_at__gt=now
    ).update(status=DeletionStatus.CANCELLED, cancelled_at=now)
    return cancelled > 0


async def erase_due_accounts(c: Collaborators, now: datetime) -> int:
    """The due jobs' part: erase every account whose grace period is over; returns how many."""
    due = await AccountDeletion.filter(status=DeletionStatus.PENDING, due_at__lte=now).order_by(
        "id"
    )
    erased = 0
    for deletion in due:
        if await erase_account(deletion, now):
            await forget_card(c.redis, deletion.member_id)
            await _free_seats(c, deletion.member_id, now)
            erased += 1
    return erased


async def _free_seats(c: Collaborators, member_id: int, now: datetime) -> None:
    """Seats and waitlist places at events still to come go to the neighbours waiting."""
    member = await Member.get(id=member_id)
    places = await EventRegistration.filter(
        member_id=member_id,
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
        event__starts_at__gt=now,
    )
    for place in places:
        try:
            await cancel_registration(c, member, place.id)
        except DomainError:  # started or cancelled meanwhile: nothing to free
            continue


async def erase_account(deletion: AccountDeletion, now: datetime) -> bool:
    """One transaction; the conditional status change makes a second worker's run a no-op."""
    member_id = deletion.member_id
    async with in_transaction():
        claimed = await AccountDeletion.filter(
            id=deletion.id, status=DeletionStatus.PENDING
        ).update(status=DeletionStatus.ERASED, erased_at=now)
        if not claimed:
            return False
        old_name = (await Member.get(id=member_id)).display_name
        await expire_everything(member_id, now)
        await _anonymise_member(member_id)
        await _drop_personal_rows(member_id)
        await _scrub_name_in_notifications(member_id, old_name)
        if deletion.keep_posts:
            await Post.filter(author_id=member_id).update(moderation_note=None)
        else:
            await _delete_posts(member_id)
    log.info("account %s erased", member_id)
    return True


async def _anonymise_member(member_id: int) -> None:
    """The row stays (its estate, join date and referrer keep the KPIs of past months); NULL
    frees the phone's unique index, a new random invite code keeps the invite code's."""
    await Member.filter(id=member_id).update(
        phone=None,
        password_hash=None,
        display_name=ANONYMOUS_NAME,
        name_initials="",
        avatar_url=None,
        invite_code=await _unused_invite_code(),
        roles=[Role.RESIDENT.value],
        suspension_reason=None,
        shown_badge=None,
        last_seen_at=None,
    )


async def _unused_invite_code() -> str:
    while True:
        code = "X" + secrets.token_hex(4)[:7].upper()
        if not await Member.filter(invite_code=code).exists():
            return code


async def _drop_personal_rows(member_id: int) -> None:
    await WechatIdentity.filter(member_id=member_id).delete()
    await MemberInterestTag.filter(member_id=member_id).delete()
    await AuthToken.filter(member_id=member_id).delete()
    await DataExport.filter(member_id=member_id).delete()
    await PushDelivery.filter(member_id=member_id).delete()
    await Notification.filter(recipient_id=member_id).delete()
    await NotificationPreference.filter(member_id=member_id).delete()
    await SubscriptionConsent.filter(member_id=member_id).delete()
    await PostExposure.filter(member_id=member_id).delete()  # what they read is theirs
    await ShareDraft.filter(member_id=member_id).delete()
    await NpsResponse.filter(member_id=member_id).update(comment="")  # the score still counts
    await Report.filter(reporter_id=member_id).update(note=None)


async def _scrub_name_in_notifications(member_id: int, old_name: str) -> None:
    """Other members' notifications this member caused may quote their name (an invitee's)."""
    for notification in await Notification.filter(actor_id=member_id):
        params = dict(notification.params or {})
        scrubbed = {k: ANONYMOUS_NAME if v == old_name else v for k, v in params.items()}
        if scrubbed != params:
            await Notification.filter(id=notification.id).update(params=scrubbed)


async def _delete_posts(member_id: int) -> None:
    """Their posts' content goes; the rows stay, hidden, so that counts of past months (posts
    published, active members) do not change."""
    post_ids = await column(Post.filter(author_id=member_id), "id")
    for model in (RecipeIngredient, RecipeStep, RecipeDetails, PostImage, SearchDocument):
        await model.filter(post_id__in=post_ids).delete()
    await Post.filter(author_id=member_id, status=PostStatus.PUBLISHED).update(
        status=PostStatus.HIDDEN
    )
    await Post.filter(author_id=member_id, status=PostStatus.PENDING).update(
        status=PostStatus.REJECTED
    )
    await Post.filter(author_id=member_id).update(
        title=DELETED_TITLE,
        body="",
        body_html="",
        excerpt="",
        featured=False,
        moderation_note=None,
    )
    await Comment.filter(author_id=member_id).update(
        body=DELETED_COMMENT, body_html=DELETED_COMMENT
    )
