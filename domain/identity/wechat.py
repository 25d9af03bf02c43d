"""WeChat's code2session exchange. The base URL is a setting, so tests run a local stand-in."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from domain.identity.errors import WechatCodeError, WechatUnavailableError


@dataclass(frozen=True)
class WechatSession:
    openid: str
    session_key: str
    unionid: str | None


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
