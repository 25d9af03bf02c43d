"""Structured JSON logs with the request id on every line; phone numbers and tokens never."""

from __future__ import annotations

import contextvars
import logging
import re
import sys
from typing import Any

import orjson

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# Scrub anything shaped like a mainland mobile number or a bearer token from a log line.
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_TOKEN = re.compile(r"\b[asr]_[A-Za-z0-9_\-]{20,}")


def scrub(text: str) -> str:
    return _TOKEN.sub(
        "[token]", _PHONE.sub(lambda m: m.group(0)[:3] + "****" + m.group(0)[-4:], text)
    )


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": request_id_var.get(),
            "message": scrub(record.getMessage()),
        }
        for key in ("method", "path", "status", "duration_ms", "close_code"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exception"] = scrub(self.formatException(record.exc_info))
        return orjson.dumps(line).decode()


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn's access log repeats what the request middleware logs, without the request id.
    logging.getLogger("uvicorn.access").handlers[:] = []
    logging.getLogger("uvicorn.access").propagate = False
