"""Refresh-token reuse (OAuth 2.0 Security BCP): a rotated refresh token replayed means a copy is
out there, so every token of that login dies; the member's other logins are not touched."""

from __future__ import annotations

import asyncio

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity import services
from domain.identity.errors import InvalidTokenError
from domain.identity.models import AuthToken, TokenKind
from domain.identity.tokens import hash_token
from tests.factories import make_member


async def family_of(raw: str) -> str:
    return (await AuthToken.get(token_hash=hash_token(raw))).family


async def live(c: Collaborators, raw: str) -> bool:
    return await services.authenticate(c, raw, TokenKind.ACCESS) is not None


async def test_replaying_a_rotated_refresh_token_revokes_every_token_of_that_login_only(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    member = await make_member()
    phone_login = await services.issue_api_tokens(c, member)
    tablet_login = await services.issue_api_tokens(c, member)
    _, rotated = await services.refresh_api_tokens(c, phone_login.refresh_token)
    _, newest = await services.refresh_api_tokens(c, rotated.refresh_token)
    assert await family_of(newest.refresh_token) == await family_of(phone_login.refresh_token)

    with pytest.raises(InvalidTokenError):
        await services.refresh_api_tokens(c, phone_login.refresh_token)

    assert not await live(c, newest.access_token)
    with pytest.raises(InvalidTokenError):
        await services.refresh_api_tokens(c, newest.refresh_token)
    family = await family_of(phone_login.refresh_token)
    assert await AuthToken.filter(family=family).count() == 6
    assert await AuthToken.filter(family=family, revoked_at__isnull=True).count() == 0
    assert await live(c, tablet_login.access_token)
    assert await services.refresh_api_tokens(c, tablet_login.refresh_token)


async def test_an_unknown_or_expired_refresh_token_is_refused_without_revoking_anything(
    collaborators: Collaborators,
    clock: FrozenClock,
) -> None:
    c = collaborators
    pair = await services.issue_api_tokens(c, await make_member())
    with pytest.raises(InvalidTokenError):
        await services.refresh_api_tokens(c, "r_not-a-token")
    assert await AuthToken.filter(revoked_at__isnull=False).count() == 0
    clock.advance(days=400)
    with pytest.raises(InvalidTokenError):
        await services.refresh_api_tokens(c, pair.refresh_token)
    assert await AuthToken.filter(revoked_at__isnull=False).count() == 0


async def test_portal_sessions_each_have_their_own_family(collaborators: Collaborators) -> None:
    member = await make_member()
    first = await services.start_portal_session(collaborators, member)
    second = await services.start_portal_session(collaborators, member)
    assert await family_of(first) != await family_of(second)


@pytest.mark.postgres_only
async def test_concurrent_rotations_of_one_refresh_token_issue_one_pair_at_most(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    member = await make_member()
    pair = await services.issue_api_tokens(c, member)
    results = await asyncio.gather(
        *(services.refresh_api_tokens(c, pair.refresh_token) for _ in range(8)),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, InvalidTokenError)]
    assert len(won) == 1 and len(refused) == 7
    family = await family_of(pair.refresh_token)
    refresh_rows = AuthToken.filter(family=family, kind=TokenKind.REFRESH)
    assert await refresh_rows.count() == 2  # the original and one rotation, never more
    # The losers are replays of a used token: the family, winner included, is revoked.
    assert await refresh_rows.filter(revoked_at__isnull=True).count() == 0
