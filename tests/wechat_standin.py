"""A local HTTP server standing in for WeChat's server APIs.

code2session: codes ``ok-<openid>`` log in as that openid; ``expired`` answers errcode 40029;
``down`` answers 500 with no JSON.

Image checks (``/wxa/media_check_async``): each accepted one is recorded in
``STANDIN.media_checks`` and answered with trace ids ``trace-1``, ``trace-2``…; an openid that
starts with ``stranger`` answers errcode 40003 (WeChat will not take it); with a valid token only.

Access token (``/cgi-bin/token``) and subscription messages (``/cgi-bin/message/subscribe/send``):
tokens are issued as ``tok-1``, ``tok-2``…, valid until ``STANDIN.expire_tokens()``; a send with
an unknown or expired token answers 40001. ``STANDIN.script_send(openid, 43101, ...)`` makes the
next sends to that openid answer those errcodes in turn (``DOWN``: a 500 without JSON). Every send
is recorded in ``STANDIN.sends``; ``STANDIN.reset()`` forgets everything."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DOWN = 500  # scripted: answer HTTP 500 with no JSON


@dataclass
class Send:
    openid: str
    template_id: str
    page: str
    data: dict[str, Any]
    token: str
    errcode: int


@dataclass
class StandinState:
    """What the stand-in has issued and been sent; shared by the server's threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    issued: int = 0
    valid: set[str] = field(default_factory=set)
    sends: list[Send] = field(default_factory=list)
    scripts: dict[str, list[int]] = field(default_factory=dict)
    expires_in: int = 7200
    media_checks: list[dict[str, Any]] = field(default_factory=list)

    def reset(self) -> None:
        with self.lock:
            self.issued, self.expires_in = 0, 7200
            self.media_checks.clear()
            self.valid.clear()
            self.sends.clear()
            self.scripts.clear()

    def expire_tokens(self) -> None:
        with self.lock:
            self.valid.clear()

    def script_send(self, openid: str, *errcodes: int) -> None:
        with self.lock:
            self.scripts.setdefault(openid, []).extend(errcodes)

    def delivered(self) -> list[Send]:
        with self.lock:
            return [s for s in self.sends if s.errcode == 0]

    def issue(self) -> dict[str, object]:
        with self.lock:
            self.issued += 1
            token = f"tok-{self.issued}"
            self.valid.add(token)
            return {"access_token": token, "expires_in": self.expires_in}

    def answer_send(self, token: str, message: dict[str, Any]) -> int:
        openid = str(message.get("touser", ""))
        with self.lock:
            if token not in self.valid:
                errcode = 40001
            else:
                script = self.scripts.get(openid) or [0]
                errcode = script.pop(0)
            self.sends.append(
                Send(
                    openid=openid,
                    template_id=str(message.get("template_id", "")),
                    page=str(message.get("page", "")),
                    data=dict(message.get("data") or {}),
                    token=token,
                    errcode=errcode,
                )
            )
            return errcode

    def answer_media_check(self, token: str, body: dict[str, Any]) -> dict[str, object]:
        with self.lock:
            if token not in self.valid:
                return {"errcode": 40001, "errmsg": ERRMSG[40001]}
            if str(body.get("openid", "")).startswith("stranger"):
                return {"errcode": 40003, "errmsg": "invalid openid"}
            self.media_checks.append(body)
            return {"errcode": 0, "errmsg": "ok", "trace_id": f"trace-{len(self.media_checks)}"}


STANDIN = StandinState()
ERRMSG = {0: "ok", 40001: "invalid credential, access_token is invalid or not latest"}


class _Handler(BaseHTTPRequestHandler):
    calls: list[dict[str, str]] = []

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/cgi-bin/token":
            self._json(STANDIN.issue())
            return
        type(self).calls.append(query)
        code = query.get("js_code", "")
        if url.path != "/sns/jscode2session" or code == "down":
            self._down()
            return
        if code.startswith("ok-"):
            body: dict[str, object] = {
                "openid": code[3:],
                "session_key": f"sk-{code[3:]}",
                "unionid": None,
            }
        else:
            body = {"errcode": 40029, "errmsg": "invalid code"}
        self._json(body)

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        message = json.loads(self.rfile.read(length) or b"{}")
        token = parse_qs(url.query).get("access_token", [""])[0]
        if url.path == "/wxa/media_check_async":
            self._json(STANDIN.answer_media_check(token, message))
            return
        if url.path != "/cgi-bin/message/subscribe/send":
            self._down()
            return
        errcode = STANDIN.answer_send(token, message)
        if errcode == DOWN:
            self._down()
            return
        self._json({"errcode": errcode, "errmsg": ERRMSG.get(errcode, "scripted error")})

    def _down(self) -> None:
        self.send_response(500)
        self.end_headers()

    def _json(self, body: dict[str, object]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        return


@contextmanager
def wechat_standin() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
