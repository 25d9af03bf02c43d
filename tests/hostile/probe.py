"""Sending one operation as raw bytes and judging the answer: no 5xx, no "Unexpected error.", a
code on every top-level error, no traceback, nothing logged at ERROR, and, for a refusal, no row
changed in any table."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx
from tortoise import Tortoise
from tortoise.connection import get_connection

MASKED = "Unexpected error."


@dataclass
class Reply:
    status: int
    text: str
    body: Any  # the decoded JSON, or None when the body is not JSON
    content_type: str


def encode_body(payload: Any) -> bytes:
    """JSON as a client would send it; a lone surrogate goes out as its ``\\udXXX`` escape, which
    is valid JSON text (lone surrogates cannot be sent as UTF-8)."""
    text = json.dumps(payload, ensure_ascii=False)
    return text.encode("utf-8", "backslashreplace")


async def post_raw(
    http: httpx.AsyncClient, content: bytes, token: str | None = None, content_type: str = ""
) -> Reply:
    headers = {"content-type": content_type or "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    response = await http.post("/graphql", content=content, headers=headers)
    try:
        body = response.json()
    except ValueError:
        body = None
    return Reply(
        response.status_code, response.text, body, response.headers.get("content-type", "")
    )


async def send(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str | None
) -> Reply:
    return await post_raw(http, encode_body({"query": query, "variables": variables}), token)


def table_names() -> list[str]:
    return sorted(model._meta.db_table for app in Tortoise.apps.values() for model in app.values())


async def row_counts() -> dict[str, int]:
    """The row count of every table, in one statement."""
    tables = table_names()
    select = ", ".join(f'(SELECT COUNT(*) FROM "{t}") AS "{t}"' for t in tables)
    rows = await get_connection("default").execute_query_dict(f"SELECT {select}")
    return {t: int(rows[0][t]) for t in tables}


class ErrorLogs(logging.Handler):
    """Every record at ERROR or above, wherever it was logged, while installed."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[logging.LogRecord]:
        taken, self.records = self.records, []
        return taken


def exception_of(records: list[logging.LogRecord]) -> str:
    """The server-side exceptions behind the records: ``Type: message`` of the innermost cause."""
    found: list[str] = []
    for record in records:
        if record.exc_info and record.exc_info[1] is not None:
            error: BaseException = record.exc_info[1]
            while error.__cause__ is not None or error.__context__ is not None:
                inner = error.__cause__ or error.__context__
                assert inner is not None
                error = inner
            found.append(f"{type(error).__module__}.{type(error).__name__}: {str(error)[:120]}")
        else:
            found.append(f"{record.name}: {record.getMessage()[:120]}")
    return " | ".join(dict.fromkeys(found)) or "(nothing logged)"


@dataclass(frozen=True)
class Failure:
    operation: str
    role: str
    position: str
    value_kind: str
    problem: str
    server_exception: str
    sample: str

    def line(self) -> str:
        return (
            f"{self.operation} as {self.role}: {self.position} = {self.value_kind} "
            f"({self.sample}) -> {self.problem}; server: {self.server_exception}"
        )


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)
    refused: bool = False


def judge(reply: Reply, root_field: str, logged: list[logging.LogRecord]) -> Verdict:
    """What is wrong with ``reply``, and whether it is a refusal (a top-level error or a
    UserError member)."""
    verdict = Verdict()
    problems = verdict.problems
    if reply.status >= 500:
        problems.append(f"HTTP {reply.status} {reply.content_type}")
    if MASKED in reply.text:
        problems.append('masked "Unexpected error."')
    if "Traceback (most recent call last)" in reply.text:
        problems.append("traceback in the response")
    body = reply.body
    if not isinstance(body, dict):
        problems.append(f"HTTP {reply.status} body is not a GraphQL response: {reply.text[:80]!r}")
        verdict.refused = True
    else:
        errors = body.get("errors") or []
        if reply.status >= 400 and not errors:
            problems.append(f"HTTP {reply.status} without a GraphQL error")
        for error in errors:
            code = (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None
            if not code:
                message = str(error.get("message", ""))[:90] if isinstance(error, dict) else error
                problems.append(f"top-level error without extensions.code: {message}")
        payload = (body.get("data") or {}).get(root_field) if body.get("data") else None
        typename = payload.get("__typename") if isinstance(payload, dict) else None
        verdict.refused = bool(errors) or (
            isinstance(typename, str) and not typename.endswith("Success")
        )
    if logged:
        problems.append("logged at ERROR")
    return verdict
