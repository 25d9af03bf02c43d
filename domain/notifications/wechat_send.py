"""Sending one subscription message through WeChat: the server access token is cached in Redis
for its lifetime less five minutes (every worker shares it), and refreshed early when WeChat
says it expired (one retry with a fresh token). What WeChat answered decides what happens to the
delivery: sent, tried again later, or failed for good."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any

from domain.collaborators import Collaborators
from domain.identity.wechat import NO_ANSWER, WechatAnswer

TOKEN_KEY = "wechat:access_token"  # noqa: S105 - a Redis key, not a secret
TOKEN_MARGIN_SECONDS = 300
TOKEN_MIN_SECONDS = 60
# access_token invalid / expired / not the latest: fetch a fresh one and try once more.
TOKEN_EXPIRED = frozenset({40001, 42001, 40014})
# Worth another try later: busy, no answer, the app's daily call quota, a token we could not get.
RETRYABLE = frozenset({-1, NO_ANSWER, 45009, *TOKEN_EXPIRED})
# The member has no subscription left on WeChat's side: our consent count was too high.
NO_SUBSCRIPTION = 43101
log = logging.getLogger("linli.notifications.push")


class Verdict(StrEnum):
    SENT = "SENT"
    RETRY = "RETRY"
    FAILED = "FAILED"
    NO_SUBSCRIPTION = "NO_SUBSCRIPTION"


def verdict(answer: WechatAnswer) -> Verdict:
    if answer.errcode == 0:
        return Verdict.SENT
    if answer.errcode == NO_SUBSCRIPTION:
        return Verdict.NO_SUBSCRIPTION
    return Verdict.RETRY if answer.errcode in RETRYABLE else Verdict.FAILED


async def send_message(c: Collaborators, message: dict[str, Any]) -> WechatAnswer:
    """subscribeMessage.send with the cached token; once more with a fresh one if it expired."""

    async def send(token: str) -> WechatAnswer:
        return await c.wechat.send_subscribe_message(token, message)

    return await with_access_token(c, send)


async def with_access_token(
    c: Collaborators, call: Callable[[str], Awaitable[WechatAnswer]]
) -> WechatAnswer:
    """``call`` with the cached server token; once more with a fresh one if WeChat says it
    expired. WeChat's refusal of a token is the answer when none can be had."""
    token, refused = await access_token(c)
    if token is None:
        return refused
    answer = await call(token)
    if answer.errcode not in TOKEN_EXPIRED:
        return answer
    await _forget(c, token)
    token, refused = await access_token(c)
    if token is None:
        return refused
    return await call(token)


async def access_token(c: Collaborators) -> tuple[str | None, WechatAnswer]:
    """The cached token, or a new one from WeChat (cached); None with WeChat's refusal."""
    cached = await _cached(c)
    if cached:
        return cached, WechatAnswer(0, "ok")
    answer = await c.wechat.fetch_access_token()
    token = answer.data.get("access_token")
    if answer.errcode or not isinstance(token, str) or not token:
        errcode = answer.errcode or NO_ANSWER
        return None, WechatAnswer(errcode, f"access token: {answer.errmsg}"[:200])
    await _cache(c, token, answer.data.get("expires_in"))
    return token, answer


async def _cached(c: Collaborators) -> str | None:
    try:
        value = await c.redis.get(TOKEN_KEY)
    except Exception as error:  # Redis away: ask WeChat instead
        log.warning("access token cache unavailable: %s", error)
        return None
    return value if isinstance(value, str) and value else None


async def _cache(c: Collaborators, token: str, expires_in: object) -> None:
    lifetime = expires_in if isinstance(expires_in, int) else 7200
    ttl = max(lifetime - TOKEN_MARGIN_SECONDS, TOKEN_MIN_SECONDS)
    try:
        await c.redis.set(TOKEN_KEY, token, ex=ttl)
    except Exception as error:
        log.warning("access token not cached: %s", error)


async def _forget(c: Collaborators, token: str) -> None:
    """Drop the cached token if it is still the one WeChat refused (another worker may have
    cached a fresh one meanwhile)."""
    try:
        if await c.redis.get(TOKEN_KEY) == token:
            await c.redis.delete(TOKEN_KEY)
    except Exception as error:
        log.warning("access token cache unavailable: %s", error)
