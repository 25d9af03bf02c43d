"""Opaque random tokens; the database keeps only their SHA-256, so a leaked table logs nobody in."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from domain.identity.models import AuthToken, Member, TokenKind
from domain.written import aliased_columns, built_as, db_value, mark, rows


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


Rows = Callable[[str, list[Any]], Awaitable[list[dict[str, Any]]]]


async def find_live_token(
    raw: str | None,
    kind: TokenKind,
    now: datetime,
    with_member: bool = False,
    read: Rows | None = None,
) -> AuthToken | None:
    """The live token ``raw`` is, with its member joined in the same statement when asked;
    ``read`` runs that statement on a connection the caller holds (else the default one's)."""
    if not raw:
        return None
    if with_member:
        return await _live_token_with_member(hash_token(raw), kind, now, read or rows)
    query = AuthToken.filter(
        token_hash=hash_token(raw), kind=kind, revoked_at__isnull=True, expires_at__gt=now
    )
    return await query.first()


@cache
def _token_with_member_sql(mark: str) -> str:
    """The statement ``AuthToken.filter(...).select_related("member").first()`` sends, written
    once: every request authenticates with it, and building it through the query builder each
    time cost about as much as the rest of a Feed page."""
    return (
        f"SELECT {aliased_columns('t', AuthToken)}, {aliased_columns('m', Member)} "  # noqa: S608
        f'FROM "{AuthToken._meta.db_table}" t '
        f'LEFT JOIN "{Member._meta.db_table}" m ON m."id" = t."member_id" '
        f"WHERE {_live(mark)} LIMIT 1"
    )


def _live(mark: str) -> str:
    """The live token of parameters 1–3 (``_live_values``), as token ``t``."""
    return (
        f't."token_hash" = {mark}1 AND t."kind" = {mark}2 AND t."revoked_at" IS NULL '
        f'AND t."expires_at" > {mark}3'
    )


def _live_values(digest: str, kind: TokenKind, now: datetime) -> list[Any]:
    """``_live``'s parameters: the token's hash, its kind, now."""
    return [digest, kind.value, db_value(AuthToken, "expires_at", now)]


async def _live_token_with_member(
    digest: str, kind: TokenKind, now: datetime, read: Rows
) -> AuthToken | None:
    sql = _token_with_member_sql(mark())
    found = await read(sql, _live_values(digest, kind, now))
    if not found:
        return None
    token = built_as(AuthToken, found[0], "t")
    if token is None:  # never: the token is the statement's FROM table
        return None
    member = built_as(Member, found[0], "m")
    object.__setattr__(token, "_member", member)  # what select_related sets
    return token


@cache
def _token_member_id_sql(mark: str) -> str:
    """The token ``_token_with_member_sql`` finds, its member's id only (the token's member row
    always exists: deleting a member deletes its tokens)."""
    return (
        f'SELECT t."member_id" FROM "{AuthToken._meta.db_table}" t '  # noqa: S608
        f"WHERE {_live(mark)} LIMIT 1"
    )


async def find_live_member_id(
    raw: str | None, kind: TokenKind, now: datetime, read: Rows | None = None
) -> int | None:
    """The id of the member whose live token ``raw`` is: the token ``find_live_token(...,
    with_member=True)`` finds, in one statement reading one column (no join, no models), for a
    request that needs no more of the member than who they are."""
    if not raw:
        return None
    sql = _token_member_id_sql(mark())
    found = await (read or rows)(sql, _live_values(hash_token(raw), kind, now))
    return int(found[0]["member_id"]) if found else None


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
