"""A local HTTP server standing in for WeChat's code2session endpoint.

Codes: ``ok-<openid>`` logs in as that openid; ``expired`` answers errcode 40029; ``down``
answers 500 with no JSON."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Handler(BaseHTTPRequestHandler):
    calls: list[dict[str, str]] = []

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).calls.append(query)
        code = query.get("js_code", "")
        if url.path != "/sns/jscode2session" or code == "down":
            self.send_response(500)
            self.end_headers()
            return
        if code.startswith("ok-"):
            body: dict[str, object] = {
                "openid": code[3:],
                "session_key": f"sk-{code[3:]}",
                "unionid": None,
            }
        else:
            body = {"errcode": 40029, "errmsg": "invalid code"}
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
