"""Opaque random tokens; the database keeps only their SHA-256, so a leaked table logs nobody in."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.identity.models import AuthToken, Member, TokenKind


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_at: datetime


async def issue_token(
    member: Member, kind: TokenKind, lifetime: timedelta, now: datetime, family: str
) -> str:
    raw = f"{kind.value[0]}_{secrets.token_urlsafe(32)}"
    await AuthToken.create(
        member=member,
        kind=kind,
        token_hash=hash_token(raw),
        family=family,
        expires_at=now + lifetime,
        created_at=now,
    )
    return raw


def new_family() -> str:
    """One family per login: every token a rotation issues from it inherits the id, so a reuse
    found anywhere in the chain can revoke the whole chain."""
    return secrets.token_hex(16)


async def issue_token_pair(
    member: Member, now: datetime, access_seconds: int, refresh_seconds: int, family: str
) -> TokenPair:
    access = await issue_token(
        member, TokenKind.ACCESS, timedelta(seconds=access_seconds), now, family
    )
    refresh = await issue_token(
        member, TokenKind.REFRESH, timedelta(seconds=refresh_seconds), now, family
    )
    return TokenPair(access, refresh, now + timedelta(seconds=access_seconds))


async def find_live_token(
    raw: str | None, kind: TokenKind, now: datetime, with_member: bool = False
) -> AuthToken | None:
    """The live token ``raw`` is, with its member joined in the same statement when asked."""
    if not raw:
        return None
    query = AuthToken.filter(
        token_hash=hash_token(raw), kind=kind, revoked_at__isnull=True, expires_at__gt=now
    )
    return await (query.select_related("member") if with_member else query).first()


async def find_refresh_token(raw: str | None) -> AuthToken | None:
    """The refresh token ``raw`` is, revoked or not: a revoked one replayed is a reuse."""
    if not raw:
        return None
    return await AuthToken.filter(token_hash=hash_token(raw), kind=TokenKind.REFRESH).first()


async def revoke_token(token: AuthToken, now: datetime) -> bool:
    """Revoke one token if it is still live. The conditional update is what makes a rotation
    happen once: of two concurrent ones, the second finds the row already revoked."""
    return await AuthToken.filter(id=token.id, revoked_at__isnull=True).update(revoked_at=now) == 1


async def revoke_family(family: str, now: datetime) -> int:
    return await AuthToken.filter(family=family, revoked_at__isnull=True).update(revoked_at=now)
