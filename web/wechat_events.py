"""``/api/wechat/events``: WeChat's message push. GET is WeChat checking the address (it echoes
``echostr`` back when the signature holds); POST carries an event, of which Linli reads the
image check's verdict (``wxa_media_check``). Anything unsigned is refused with 403 and changes
nothing; an event Linli does not read is acknowledged, so WeChat does not send it again."""

from __future__ import annotations

import json
import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from domain.collaborators import Collaborators
from domain.safety.media_check import Verdict, record_verdict
from domain.safety.wechat_provider import valid_push

MAX_BODY_BYTES = 64 * 1024
log = logging.getLogger("linli.wechat.events")


async def wechat_events(request: Request) -> Response:
    collaborators: Collaborators = request.app.state.collaborators
    query = request.query_params
    signed = valid_push(
        collaborators.settings.wechat_push_token,
        query.get("signature", ""),
        query.get("timestamp", ""),
        query.get("nonce", ""),
    )
    if not signed:
        return PlainTextResponse("invalid signature", status_code=403)
    if request.method == "GET":
        return PlainTextResponse(query.get("echostr", ""))
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return PlainTextResponse("too large", status_code=413)
    verdict = _media_verdict(body)
    if verdict is not None:
        held = await record_verdict(collaborators, verdict)
        log.info("image check %s: %s, %s posts held", verdict.trace_id, verdict.suggest, held)
    return PlainTextResponse("success")


def _media_verdict(body: bytes) -> Verdict | None:
    """The verdict a ``wxa_media_check`` event carries; None for anything else."""
    try:
        event = json.loads(body)
    except ValueError:
        return None
    if not isinstance(event, dict) or event.get("Event") != "wxa_media_check":
        return None
    result = event.get("result")
    trace_id = event.get("trace_id")
    if not isinstance(result, dict) or not isinstance(trace_id, str) or not trace_id:
        return None
    suggest = str(result.get("suggest", "")).lower()
    label = result.get("label")
    if suggest not in ("pass", "review", "risky"):
        return None
    return Verdict(trace_id, suggest, label if isinstance(label, int) else None)
