"""Identity actions shared by GraphQL and the portal: register, log in, tokens, profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import FieldError, InvalidInputError
from domain.identity import rules
from domain.identity.cards import forget_card
from domain.identity.errors import (
    EstateArchivedError,
    InvalidCredentialsError,
    InvalidInviteCodeError,
    InvalidTokenError,
    PhoneTakenError,
)
from domain.identity.estate_changes import change_estate
from domain.identity.models import (
    AuthToken,
    Estate,
    InterestTag,
    Member,
    MemberInterestTag,
    TokenKind,
    WechatIdentity,
)
from domain.identity.passwords import hash_password, verify_password
from domain.identity.suspensions import is_suspended
from domain.identity.tags import lock_offered_tags
from domain.identity.tokens import (
    Rows,
    TokenPair,
    find_live_member_id,
    find_live_token,
    find_refresh_token,
    issue_token,
    issue_token_pair,
    new_family,
    revoke_family,
    revoke_token,
)
from domain.identity.verification import verify_by_invite
from domain.media.services import find_own_image_url
from domain.privacy.deletion import cancel_deletion_on_sign_in
from domain.privacy.record_models import ConsentRecord
from domain.programme.queries import current_privacy_policy
from domain.ratelimit import Limit, hit_all
from domain.referrals.services import record_referral, refuse_self_referral
from domain.safety.services import screen_name
from domain.webhooks.models import EventKind
from domain.webhooks.outbox import enqueue

MAX_INTEREST_TAGS = 10
TAG_REFUSED = "兴趣标签不存在或已停用"
MUTATIONS_PER_MINUTE = 30


@dataclass(frozen=True)
class Registration:
    phone: str
    password: str
    display_name: str
    estate_id: int | None
    invite_code: str | None
    accepted_privacy_policy: bool


@dataclass(frozen=True)
class ProfileChanges:
    """``None`` leaves a field as it is."""

    display_name: str | None = None
    avatar_image_id: int | None = None  # an image the member uploaded (POST /api/uploads)
    estate_id: int | None = None
    interest_tag_ids: list[int] | None = None


def _login_limits(
    c: Collaborators, name: str, ip: str, phone: str | None
) -> list[tuple[Limit, str]]:
    per_minute = c.settings.limits.login_per_minute
    checks = [(Limit(f"{name}:ip", per_minute, 60), ip)]
    if phone:
        checks.append((Limit(f"{name}:phone", per_minute, 60), phone))
    return checks


async def _find_inviter(code: str | None) -> Member | None:
    normalised = rules.normalise_invite_code(code)
    if normalised is None:
        return None
    if not rules.invite_code_is_well_formed(normalised):
        raise InvalidInviteCodeError()
    inviter = await Member.get_or_none(invite_code=normalised)
    if inviter is None:
        raise InvalidInviteCodeError()
    return inviter


async def create_member_with_invite_code(**values: Any) -> Member:
    """Insert a member with a fresh invite code, retrying the rare code collision."""
    for _ in range(5):
        code = rules.new_invite_code()
        if await Member.filter(invite_code=code).exists():
            continue
        return await Member.create(invite_code=code, **values)
    raise RuntimeError("could not allocate an invite code")


async def register_member(c: Collaborators, form: Registration, ip: str) -> Member:
    phone = rules.normalise_phone(form.phone)
    await hit_all(c.redis, _login_limits(c, "register", ip, None))
    display_name = rules.clean_display_name(form.display_name)
    errors = rules.registration_field_errors(
        phone, form.password, display_name, form.accepted_privacy_policy
    )
    estate = await Estate.get_or_none(id=form.estate_id) if form.estate_id else None
    if estate is None:
        errors.append(FieldError("estateId", "请选择所在小区"))
    display_name, name_errors = await _screened_name(c, display_name, errors)
    errors += name_errors
    if errors:
        raise InvalidInputError(errors)
    if estate is not None and estate.archived:  # its members stay; no one new joins it
        raise EstateArchivedError()
    inviter = await _find_inviter(form.invite_code)
    await refuse_self_referral(inviter, phone=phone)
    if await Member.filter(phone=phone).exists():
        raise PhoneTakenError()
    password_hash = await hash_password(form.password)
    policy = await current_privacy_policy(c.settings.privacy_policy_version)
    try:
        async with in_transaction():
            member = await create_member_with_invite_code(
                phone=phone,
                password_hash=password_hash,
                display_name=display_name,
                estate=estate,
                referred_by=inviter,
                consent_version=policy.version,
                consented_at=c.clock.now(),
                last_seen_at=c.clock.now(),
                created_at=c.clock.now(),
            )
            await ConsentRecord.create(
                member=member, version=policy.version, accepted_at=c.clock.now()
            )
            await record_referral(inviter, member, c.clock.now())
            await verify_by_invite(c, member)
            registered = {
                "member_id": member.id,
                "estate_id": member.estate_id,
                "invited_by": inviter.id if inviter else None,
            }
            await enqueue(EventKind.MEMBER_REGISTERED, registered, c.clock.now())
            return member
    except IntegrityError as error:  # a concurrent registration took the phone first
        raise PhoneTakenError() from error


async def _screened_name(
    c: Collaborators, name: str, errors: list[FieldError]
) -> tuple[str, list[FieldError]]:
    """The name as stored, checked like a profile change's: a blocked word raises
    ContentBlockedError, what would hold a post is a field error. A name already wrong in form
    is not checked (its error says enough)."""
    if any(e.field == "displayName" for e in errors):
        return name, []
    try:
        return await screen_name(c, "displayName", name), []
    except InvalidInputError as error:
        return name, error.field_errors


async def log_in(c: Collaborators, phone: str, password: str, ip: str) -> Member:
    phone = rules.normalise_phone(phone)
    well_formed = rules.phone_error(phone) is None
    await hit_all(c.redis, _login_limits(c, "login", ip, phone if well_formed else "-"))
    # A number that cannot exist, or a password longer than any we accept, is the same wrong
    # credential as any other, refused before the database or the hasher sees it.
    if not well_formed or len(password) > rules.PASSWORD_MAX:
        raise InvalidCredentialsError()
    member = await Member.get_or_none(phone=phone)
    ok = await verify_password(member.password_hash if member else None, password)
    if member is None or not ok:
        raise InvalidCredentialsError()
    member.last_seen_at = c.clock.now()
    await member.save(update_fields=["last_seen_at"])
    await cancel_deletion_on_sign_in(member.id, member.last_seen_at)  # signing in keeps it
    return member


async def issue_api_tokens(
    c: Collaborators, member: Member, family: str | None = None
) -> TokenPair:
    """A new login starts a family; a rotation passes the family it continues."""
    s = c.settings
    return await issue_token_pair(
        member,
        c.clock.now(),
        s.access_token_seconds,
        s.refresh_token_seconds,
        family or new_family(),
    )


async def start_portal_session(c: Collaborators, member: Member) -> str:
    lifetime = timedelta(seconds=c.settings.portal_session_seconds)
    return await issue_token(member, TokenKind.SESSION, lifetime, c.clock.now(), new_family())


async def refresh_api_tokens(c: Collaborators, refresh_token: str) -> tuple[Member, TokenPair]:
    """Rotate: the old access and refresh tokens die, a new pair of the same family is born. A
    refresh token works once; replaying one already used is a reuse (a stolen copy, or the
    client it was stolen from) and revokes the whole family, newest tokens included."""
    now = c.clock.now()
    token = await find_refresh_token(refresh_token)
    if token is None or token.expires_at <= now:
        raise InvalidTokenError()
    holder = await Member.get_or_none(id=token.member_id)
    if holder is None or is_suspended(holder, now):
        raise InvalidTokenError()  # a suspended member signs in again rather than rotating
    rotated = await _rotate(c, token) if token.revoked_at is None else None
    if rotated is None:
        await revoke_family(token.family, now)
        raise InvalidTokenError()
    return rotated


async def _rotate(c: Collaborators, token: AuthToken) -> tuple[Member, TokenPair] | None:
    """None when a concurrent rotation used the token first."""
    now = c.clock.now()
    async with in_transaction():
        if not await revoke_token(token, now):
            return None
        await revoke_family(token.family, now)  # the access token issued with it
        member = await Member.get(id=token.member_id)
        return member, await issue_api_tokens(c, member, token.family)


async def log_out(c: Collaborators, token: AuthToken) -> None:
    now = c.clock.now()
    if token.kind == TokenKind.SESSION:
        await AuthToken.filter(id=token.id).update(revoked_at=now)
    else:
        await revoke_family(token.family, now)


async def authenticate(
    c: Collaborators, raw_token: str | None, kind: TokenKind, read: Rows | None = None
) -> tuple[Member, AuthToken] | None:
    """The live token's member and the token; ``read``: run its one statement on a connection
    the caller holds (the compiled path's, so a request acquires one connection, not two)."""
    token = await find_live_token(raw_token, kind, c.clock.now(), with_member=True, read=read)
    if token is None:
        return None
    member: Member = token.member  # read with the token, one statement
    # A suspended member still reads: their writes are refused at each entrypoint's edge, and
    # suspending revoked every token they held, so they had to sign in again to get this one.
    return member, token


async def authenticated_id(
    c: Collaborators, raw_token: str | None, kind: TokenKind, read: Rows | None = None
) -> int | None:
    """``authenticate``'s member id alone (the same token, the same one statement, no models)."""
    return await find_live_member_id(raw_token, kind, c.clock.now(), read)


async def update_profile(c: Collaborators, member: Member, changes: ProfileChanges) -> Member:
    await hit_all(c.redis, [(Limit("mutations", MUTATIONS_PER_MINUTE, 60), str(member.id))])
    values, errors = await _profile_columns(c, member, changes)
    if changes.estate_id is not None and not await Estate.filter(id=changes.estate_id).exists():
        errors.append(FieldError("estateId", "小区不存在"))
    tag_ids = sorted(set(changes.interest_tag_ids or []))
    if changes.interest_tag_ids is not None and (message := await _tags_error(member, tag_ids)):
        errors.append(FieldError("interestTagIds", message))
    if errors:
        raise InvalidInputError(errors)
    async with in_transaction():
        if changes.interest_tag_ids is not None:
            # First, so a refused tag changes nothing else.
            await _replace_own_tags(member, tag_ids, c.clock.now())
        if values:
            member.update_from_dict(values)
            await member.save(update_fields=list(values))
        if changes.estate_id is not None:
            # Not set here: a move is a request the target estate decides (estate_changes.py).
            await change_estate(c, member, changes.estate_id)
    if values:
        await forget_card(c.redis, member.id)  # the boards show the new name now
    return member


async def _profile_columns(
    c: Collaborators, member: Member, changes: ProfileChanges
) -> tuple[dict[str, object], list[FieldError]]:
    """The member's columns the changes set (name, avatar), and what is wrong with them."""
    values: dict[str, object] = {}
    errors: list[FieldError] = []
    if changes.display_name is not None:
        name = rules.clean_display_name(changes.display_name)
        if message := rules.display_name_error(name):
            errors.append(FieldError("displayName", message))
        values["display_name"] = name
        if not message:
            values["display_name"] = await screen_name(c, "displayName", name)
    if changes.avatar_image_id is not None:
        # Only the member's own upload, like a post's images; someone else's looks missing.
        avatar_url = await find_own_image_url(c, member, changes.avatar_image_id)
        if avatar_url is None:
            errors.append(FieldError("avatarImageId", "图片不存在"))
        values["avatar_url"] = avatar_url
    return values, errors


async def _tags_error(member: Member, tag_ids: list[int]) -> str | None:
    if len(tag_ids) > MAX_INTEREST_TAGS:
        return f"最多选择{MAX_INTEREST_TAGS}个兴趣标签"
    if not await _may_choose(member, tag_ids):
        return TAG_REFUSED
    return None


async def _tags_present(member: Member, tag_ids: list[int]) -> set[int]:
    found = await column(MemberInterestTag.filter(member=member, tag_id__in=tag_ids), "tag_id")
    return {int(tag_id) for tag_id in found}


async def _may_choose(member: Member, tag_ids: list[int]) -> bool:
    """Offered tags, or retired ones the member already has (kept until they drop them)."""
    new_ids = set(tag_ids) - await _tags_present(member, tag_ids)
    offered = InterestTag.filter(id__in=new_ids, retired_at__isnull=True)
    return not new_ids or await offered.count() == len(new_ids)


async def _replace_own_tags(member: Member, tag_ids: list[int], now: datetime) -> None:
    """A member's own choice replaces their chosen tags; tags a host added stay. A retired tag
    the member already has may stay chosen, but nobody chooses it anew: checked again under the
    tags' share lock, so a merge or retirement running now cannot strand a new link (and the
    links are read after it, so one a merge just moved is not taken for one still there)."""
    offered = await lock_offered_tags(tag_ids)
    present = await _tags_present(member, tag_ids)
    if any(tag_id not in offered and tag_id not in present for tag_id in tag_ids):
        raise InvalidInputError.single("interestTagIds", TAG_REFUSED)
    await (
        MemberInterestTag.filter(member=member, added_by_id__isnull=True)
        .exclude(tag_id__in=tag_ids)
        .delete()
    )
    await MemberInterestTag.bulk_create(
        [
            MemberInterestTag(member=member, tag_id=tag_id, created_at=now)
            for tag_id in tag_ids
            if tag_id not in present
        ]
    )


async def wechat_log_in(
    c: Collaborators, code: str, invite_code: str | None, ip: str
) -> tuple[Member, bool]:
    """Exchange a wx.login code; the first login creates the member. Returns (member, is_new)."""
    await hit_all(c.redis, _login_limits(c, "wechat", ip, None))
    if not code or len(code) > 128:
        raise InvalidInputError.single("code", "登录凭证无效")
    session = await c.wechat.code_to_session(code)
    identity = await WechatIdentity.get_or_none(openid=session.openid).select_related("member")
    if identity is not None:
        identity.session_key = session.session_key
        identity.updated_at = c.clock.now()
        await identity.save(update_fields=["session_key", "updated_at"])
        await cancel_deletion_on_sign_in(identity.member_id, identity.updated_at)
        return identity.member, False
    inviter = await _find_inviter(invite_code)
    await refuse_self_referral(inviter, openid=session.openid, unionid=session.unionid)
    try:
        async with in_transaction():
            member = await create_member_with_invite_code(
                display_name="微信用户",
                referred_by=inviter,
                last_seen_at=c.clock.now(),
                created_at=c.clock.now(),
            )
            await record_referral(inviter, member, c.clock.now())
            await WechatIdentity.create(
                openid=session.openid,
                unionid=session.unionid,
                session_key=session.session_key,
                member=member,
                created_at=c.clock.now(),
                updated_at=c.clock.now(),
            )
    except IntegrityError:  # the same code raced itself: the other request created the member
        identity = await WechatIdentity.get(openid=session.openid).select_related("member")
        return identity.member, False
    return member, True
