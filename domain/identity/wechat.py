"""WeChat's server APIs: the code2session exchange, the access token, subscription messages and
the asynchronous image check (``mediaCheckAsync``).
The base URL is a setting, so tests run a local stand-in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from domain.identity.errors import WechatCodeError, WechatUnavailableError


@dataclass(frozen=True)
class WechatSession:
    openid: str
    session_key: str
    unionid: str | None


# Our own errcode for "no answer" (a transport failure, or a body that is not a JSON object);
# WeChat's are 0 (ok), -1 (busy) and positive.
NO_ANSWER = -2


@dataclass(frozen=True)
class WechatAnswer:
    """WeChat's JSON answer: ``errcode`` 0 on success (also when WeChat leaves it out)."""

    errcode: int
    errmsg: str
    data: dict[str, Any] = field(default_factory=dict)


class WechatClient:
    def __init__(self, base_url: str, app_id: str, app_secret: str, timeout: float = 5.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._app_id = app_id
        self._app_secret = app_secret
        self._timeout = timeout

    async def code_to_session(self, code: str) -> WechatSession:
        params = {
            "appid": self._app_id,
            "secret": self._app_secret,
            "js_code": code,
            "grant_type": "authorization_code",
        }
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(f"{self._base_url}/sns/jscode2session", params=params)
            data = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise WechatUnavailableError() from error
        if not isinstance(data, dict):
            raise WechatUnavailableError()
        errcode = data.get("errcode") or 0
        if errcode in (40029, 40163, 40226) or (errcode == 0 and not data.get("openid")):
            raise WechatCodeError()
        if errcode:
            raise WechatUnavailableError()
        return WechatSession(
            openid=str(data["openid"]),
            session_key=str(data.get("session_key", "")),
            unionid=data.get("unionid"),
        )

    async def fetch_access_token(self) -> WechatAnswer:
        """A new server access token (``access_token``, ``expires_in`` seconds in ``data``)."""
        params = {
            "grant_type": "client_credential",
            "appid": self._app_id,
            "secret": self._app_secret,
        }
        return await self._call("GET", "/cgi-bin/token", params=params)

    async def send_subscribe_message(
        self, access_token: str, message: dict[str, Any]
    ) -> WechatAnswer:
        """subscribeMessage.send: ``message`` has touser, template_id, page and data."""
        params = {"access_token": access_token}
        return await self._call(
            "POST", "/cgi-bin/message/subscribe/send", params=params, json=message
        )

    async def media_check_async(self, access_token: str, url: str, openid: str) -> WechatAnswer:
        """security.mediaCheckAsync (version 2, an image posted by a member): ``trace_id`` in
        ``data``; the verdict comes later by message push (``wxa_media_check``)."""
        params = {"access_token": access_token}
        body = {"media_url": url, "media_type": 2, "version": 2, "scene": 3, "openid": openid}
        return await self._call("POST", "/wxa/media_check_async", params=params, json=body)

    async def _call(
        self,
        method: str,
        path: str,
        params: dict[str, str],
        json: dict[str, Any] | None = None,
    ) -> WechatAnswer:
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.request(
                    method, f"{self._base_url}{path}", params=params, json=json
                )
            data = response.json()
        except (httpx.HTTPError, ValueError) as error:
            return WechatAnswer(NO_ANSWER, f"no answer: {type(error).__name__}")
        if not isinstance(data, dict):
            return WechatAnswer(NO_ANSWER, "no answer: not a JSON object")
        return WechatAnswer(
            errcode=_errcode(data.get("errcode")), errmsg=str(data.get("errmsg", "")), data=data
        )


def _errcode(value: object) -> int:
    if value is None:
        return 0
    return value if isinstance(value, int) else NO_ANSWER
