"""WeChat's content security as the cloud moderation provider: images are sent to
``mediaCheckAsync`` and judged later, by a message push to ``/api/wechat/events``
(``web/wechat_events.py``). Text is judged by the local checks alone (WeChat's ``msgSecCheck``
version 2 answers only for a member who opened the mini-program in the last two hours).

A push is WeChat's: its query string carries ``signature`` = SHA-1 of the sorted
(token, timestamp, nonce), the token being the one set in the mini-program's message-push
settings (``WECHAT_PUSH_TOKEN``); plain-text mode, JSON format."""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import TYPE_CHECKING

from domain.identity.wechat import WechatAnswer
from domain.notifications.wechat_send import with_access_token

if TYPE_CHECKING:
    from domain.collaborators import Collaborators

# WeChat's "openid invalid / not a user of this mini-program": it will never take the image.
REFUSED = frozenset({40003, 61010})
log = logging.getLogger("linli.safety.wechat")


class WechatUnreachableError(Exception):
    """WeChat did not take the image this time (busy, no answer, quota, token)."""


class WechatContentSecurity:
    asks_later = True

    async def check_text(self, text: str) -> str | None:
        return None

    async def check_image(self, data: bytes) -> str | None:
        return None

    async def submit_image(self, c: Collaborators, url: str, openid: str | None) -> str | None:
        """The trace id of the check, None when WeChat will not take it (no openid: a member
        who never opened the mini-program). Raises when it may take it later."""
        if not openid:
            return None

        async def call(token: str) -> WechatAnswer:
            return await c.wechat.media_check_async(token, url, openid)

        answer = await with_access_token(c, call)
        trace_id = answer.data.get("trace_id")
        if answer.errcode == 0 and isinstance(trace_id, str) and trace_id:
            return trace_id
        if answer.errcode in REFUSED:
            log.info("WeChat will not check an image for openid %s: %s", openid, answer.errmsg)
            return None
        raise WechatUnreachableError(f"{answer.errcode} {answer.errmsg}")


def push_signature(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted((token, timestamp, nonce))).encode()).hexdigest()  # noqa: S324 - WeChat's scheme


def valid_push(token: str, signature: str, timestamp: str, nonce: str) -> bool:
    """Whether a push came from WeChat; always False while no token is configured."""
    if not token or not signature:
        return False
    return hmac.compare_digest(push_signature(token, timestamp, nonce), signature)
