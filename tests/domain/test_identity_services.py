"""Identity services on a real database (SQLite by default, PostgreSQL in CI)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from typing import TypedDict

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import InvalidInputError, RateLimitedError
from domain.identity import services
from domain.identity.errors import (
    InvalidCredentialsError,
    InvalidInviteCodeError,
    InvalidTokenError,
    PhoneTakenError,
    WechatCodeError,
    WechatUnavailableError,
)
from domain.identity.models import (
    AuthToken,
    EstateChangeRequest,
    Member,
    MemberInterestTag,
    TokenKind,
    WechatIdentity,
)
from domain.identity.tokens import find_live_member_id, find_live_token, issue_token, revoke_token
from domain.jobs import purge_expired_tokens
from tests.factories import CLOCK_START, PASSWORD, make_estate, make_member, make_tag

IP = "198.51.100.1"


def registration(
    estate_id: int | None, invite_code: str | None = None, phone: str = "13812345678"
) -> services.Registration:
    return services.Registration(
        phone=phone,
        password=PASSWORD,
        display_name="邻居小王",
        estate_id=estate_id,
        invite_code=invite_code,
        accepted_privacy_policy=True,
    )


async def test_registering_creates_a_member_with_consent_and_an_invite_code(
    collaborators: Collaborators,
) -> None:
    estate = await make_estate()
    member = await services.register_member(collaborators, registration(estate.id), IP)
    saved = await Member.get(id=member.id)
    assert saved.phone == "13812345678" and saved.estate_id == estate.id
    assert saved.password_hash and saved.password_hash.startswith("$argon2id$")
    assert saved.consent_version == collaborators.settings.privacy_policy_version
    assert saved.consented_at == collaborators.clock.now()
    assert len(saved.invite_code) == 8 and saved.roles == ["RESIDENT"]


class _Changes(TypedDict, total=False):
    phone: str
    password: str
    display_name: str
    accepted_privacy_policy: bool
    estate_id: int


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"phone": "12345"}, ["phone"]),
        ({"password": "short"}, ["password"]),
        ({"display_name": "   "}, ["displayName"]),
        ({"accepted_privacy_policy": False}, ["acceptPrivacyPolicy"]),
        ({"estate_id": 9999}, ["estateId"]),
    ],
)
async def test_bad_registration_input_is_refused_field_by_field_and_changes_nothing(
    collaborators: Collaborators, changes: _Changes, fields: list[str]
) -> None:
    estate = await make_estate()
    form = replace(registration(estate.id), **changes)
    with pytest.raises(InvalidInputError) as raised:
        await services.register_member(collaborators, form, IP)
    assert [e.field for e in raised.value.field_errors] == fields
    assert await Member.all().count() == 0


async def test_a_taken_phone_number_is_refused(collaborators: Collaborators) -> None:
    estate = await make_estate()
    await make_member(phone="13812345678")
    with pytest.raises(PhoneTakenError):
        await services.register_member(collaborators, registration(estate.id), IP)
    assert await Member.all().count() == 1


async def test_an_invite_code_records_who_invited_and_an_unknown_one_is_refused(
    collaborators: Collaborators,
) -> None:
    estate = await make_estate()
    inviter = await make_member()
    with pytest.raises(InvalidInviteCodeError):
        await services.register_member(
            collaborators, registration(estate.id, invite_code="ZZZZZZZZ"), IP
        )
    member = await services.register_member(
        collaborators, registration(estate.id, invite_code=inviter.invite_code.lower()), IP
    )
    assert member.referred_by_id == inviter.id


async def test_logging_in_needs_the_right_password(collaborators: Collaborators) -> None:
    member = await make_member(phone="13812345678")
    assert (await services.log_in(collaborators, "138 1234 5678", PASSWORD, IP)).id == member.id
    with pytest.raises(InvalidCredentialsError):
        await services.log_in(collaborators, "13812345678", "wrong-password", IP)
    with pytest.raises(InvalidCredentialsError):
        await services.log_in(collaborators, "13900000999", PASSWORD, IP)


async def test_the_eleventh_login_in_a_minute_is_rate_limited_even_with_the_right_password(
    collaborators: Collaborators,
) -> None:
    await make_member(phone="13812345678")
    for _ in range(10):
        with pytest.raises(InvalidCredentialsError):
            await services.log_in(collaborators, "13812345678", "wrong-password", IP)
    with pytest.raises(RateLimitedError) as raised:
        await services.log_in(collaborators, "13812345678", PASSWORD, IP)
    assert 1 <= raised.value.retry_after_seconds <= 60


async def test_one_phone_is_rate_limited_across_many_addresses(
    collaborators: Collaborators,
) -> None:
    for n in range(10):
        with pytest.raises(InvalidCredentialsError):
            await services.log_in(collaborators, "13812345678", "x" * 8, f"10.0.0.{n}")
    with pytest.raises(RateLimitedError):
        await services.log_in(collaborators, "13812345678", "x" * 8, "10.0.1.1")


async def test_refreshing_rotates_the_pair_and_a_refresh_token_works_once(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    first = await services.issue_api_tokens(collaborators, member)
    refreshed_member, second = await services.refresh_api_tokens(collaborators, first.refresh_token)
    assert refreshed_member.id == member.id
    assert await services.authenticate(collaborators, first.access_token, TokenKind.ACCESS) is None
    assert await services.authenticate(collaborators, second.access_token, TokenKind.ACCESS)
    with pytest.raises(InvalidTokenError):
        await services.refresh_api_tokens(collaborators, first.refresh_token)
    # The replay was a reuse: the pair it rotated into dies too.
    assert await services.authenticate(collaborators, second.access_token, TokenKind.ACCESS) is None


async def test_tokens_are_stored_hashed_and_expire_after_two_hours(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    member = await make_member()
    pair = await services.issue_api_tokens(collaborators, member)
    stored = await column(AuthToken.filter(member=member), "token_hash")
    assert pair.access_token not in stored and pair.refresh_token not in stored
    clock.advance(hours=2, seconds=1)
    assert await services.authenticate(collaborators, pair.access_token, TokenKind.ACCESS) is None
    assert await services.refresh_api_tokens(collaborators, pair.refresh_token)


async def test_logging_out_revokes_the_access_and_refresh_tokens(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    pair = await services.issue_api_tokens(collaborators, member)
    found = await services.authenticate(collaborators, pair.access_token, TokenKind.ACCESS)
    assert found is not None
    await services.log_out(collaborators, found[1])
    assert await services.authenticate(collaborators, pair.access_token, TokenKind.ACCESS) is None
    with pytest.raises(InvalidTokenError):
        await services.refresh_api_tokens(collaborators, pair.refresh_token)


async def test_updating_the_profile_replaces_chosen_tags_and_keeps_those_a_host_added(
    collaborators: Collaborators,
) -> None:
    estate, other_estate = await make_estate(), await make_estate("金桥新村")
    coffee, baking, garden = (
        await make_tag("手冲爱好者"),
        await make_tag("烘焙达人"),
        await make_tag("阳台种植"),
    )
    host = await make_member()
    member = await make_member(estate=estate)
    await MemberInterestTag.create(member=member, tag=coffee, created_at=CLOCK_START)
    await MemberInterestTag.create(member=member, tag=garden, added_by=host, created_at=CLOCK_START)
    changes = services.ProfileChanges(
        display_name=" 新名字 ", estate_id=other_estate.id, interest_tag_ids=[baking.id]
    )
    await services.update_profile(collaborators, member, changes)
    saved = await Member.get(id=member.id)
    # The estate is asked for, not changed (tests/domain/test_estate_changes.py).
    assert saved.display_name == "新名字" and saved.estate_id == estate.id
    assert await EstateChangeRequest.filter(member=member, to_estate=other_estate).exists()
    tags = set(await column(MemberInterestTag.filter(member=member), "tag_id"))
    assert tags == {baking.id, garden.id}


async def test_a_bad_profile_update_changes_nothing(collaborators: Collaborators) -> None:
    estate = await make_estate()
    member = await make_member(estate=estate, display_name="原名")
    changes = services.ProfileChanges(display_name="新名字", estate_id=9999, interest_tag_ids=[777])
    with pytest.raises(InvalidInputError) as raised:
        await services.update_profile(collaborators, member, changes)
    assert {e.field for e in raised.value.field_errors} == {"estateId", "interestTagIds"}
    saved = await Member.get(id=member.id)
    assert (saved.display_name, saved.estate_id) == ("原名", estate.id)
    assert member.display_name == "原名"


async def test_wechat_login_creates_the_member_once_and_keeps_the_session_key_on_the_server(
    collaborators: Collaborators,
) -> None:
    member, is_new = await services.wechat_log_in(collaborators, "ok-openid-1", None, IP)
    again, is_new_again = await services.wechat_log_in(collaborators, "ok-openid-1", None, IP)
    assert is_new and not is_new_again and again.id == member.id
    identity = await WechatIdentity.get(openid="openid-1")
    assert identity.member_id == member.id and identity.session_key == "sk-openid-1"


async def test_a_wrong_wechat_code_and_an_unreachable_wechat_are_typed_errors(
    collaborators: Collaborators,
) -> None:
    with pytest.raises(WechatCodeError):
        await services.wechat_log_in(collaborators, "expired", None, IP)
    with pytest.raises(WechatUnavailableError):
        await services.wechat_log_in(collaborators, "down", None, IP)
    assert await Member.all().count() == 0


async def test_expired_tokens_are_purged_after_a_week(collaborators: Collaborators) -> None:
    member = await make_member()
    await services.issue_api_tokens(collaborators, member)
    assert await purge_expired_tokens(collaborators.clock.now()) == 0
    later = collaborators.clock.now().replace(year=2027, month=1)
    assert await purge_expired_tokens(later) == 2
    assert await AuthToken.all().count() == 0


@pytest.mark.postgres_only
async def test_concurrent_registrations_of_one_phone_create_one_member(
    collaborators: Collaborators,
) -> None:
    estate = await make_estate()
    attempts = [
        services.register_member(collaborators, registration(estate.id), f"10.1.0.{n}")
        for n in range(8)
    ]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    created = [r for r in results if isinstance(r, Member)]
    refused = [r for r in results if isinstance(r, PhoneTakenError)]
    assert len(created) == 1 and len(refused) == 7
    assert await Member.filter(phone="13812345678").count() == 1


@pytest.mark.postgres_only
async def test_concurrent_first_wechat_logins_with_one_openid_create_one_member(
    collaborators: Collaborators,
) -> None:
    results = await asyncio.gather(
        *(services.wechat_log_in(collaborators, "ok-same", None, f"10.2.0.{n}") for n in range(6))
    )
    assert len({member.id for member, _ in results}) == 1
    assert sum(is_new for _, is_new in results) == 1
    assert await WechatIdentity.filter(openid="same").count() == 1


async def test_create_admin_makes_a_new_admin_or_promotes_a_member() -> None:
    from domain.identity.admin import create_admin
    from domain.identity.models import Role

    admin, created = await create_admin("13800000009", "运营", "strong-pass-1")
    assert created and admin.has_role(Role.ADMIN)
    resident = await make_member(phone="13800000010")
    promoted, created_again = await create_admin("13800000010", "运营", "")
    assert not created_again and promoted.id == resident.id and promoted.has_role(Role.ADMIN)
    with pytest.raises(InvalidInputError):
        await create_admin("123", "运营", "short")


async def test_the_member_id_alone_is_found_for_exactly_the_tokens_the_full_read_finds(
    collaborators: Collaborators,
) -> None:
    """``find_live_member_id`` (a compiled read's authentication) against ``find_live_token``
    with the member (everyone else's): live, expired, revoked, of another kind, unknown."""
    member = await make_member()
    now = collaborators.clock.now()
    hour = timedelta(hours=1)
    live = await issue_token(member, TokenKind.ACCESS, hour, now, "live")
    expired = await issue_token(member, TokenKind.ACCESS, hour, now - 2 * hour, "old")
    ends_now = await issue_token(member, TokenKind.ACCESS, timedelta(0), now, "edge")
    revoked = await issue_token(member, TokenKind.ACCESS, hour, now, "gone")
    token = await find_live_token(revoked, TokenKind.ACCESS, now)
    assert token is not None and await revoke_token(token, now)
    refresh = await issue_token(member, TokenKind.REFRESH, hour, now, "refresh")
    session = await issue_token(member, TokenKind.SESSION, hour, now, "session")
    found = {}
    for raw in (live, expired, ends_now, revoked, refresh, session, "a_not-a-token", "", None):
        for kind in TokenKind:
            full = await find_live_token(raw, kind, now, with_member=True)
            alone = await find_live_member_id(raw, kind, now)
            assert alone == (full.member.id if full is not None else None), (raw, kind)
            if alone is not None:
                found[raw] = kind
    assert found == {
        live: TokenKind.ACCESS,
        refresh: TokenKind.REFRESH,
        session: TokenKind.SESSION,
    }
