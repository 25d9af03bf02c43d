"""The early answer of ``api/http.py``: a plain POST of a registered operation that a compiled
plan covers is answered before strawberry's request handling, with the same bytes the general
handling gives; everything else falls through to it having been authenticated, resolved and
counted once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from api.http import GraphQLApp
from api.persisted import PersistedQueries, contract_documents, document_hash
from domain.identity import services as identity
from tests.api.test_persisted_queries import LEADERBOARD, VARIABLES, persisted, sha

FEED = contract_documents()["Feed"]
FEED_BODY = {"variables": {"first": 5}, "extensions": persisted(document_hash(FEED))}


def counted(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    calls: list[int] = []
    original: Callable[..., Awaitable[Any]] = getattr(owner, name)

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return await original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


async def test_a_hash_only_feed_is_answered_without_the_general_handling_and_identically(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An extra member makes the request unusual: it takes the general handling (which ignores
    # the member), the reference for the early answer's bytes.
    general = await client.post("/graphql", json={**FEED_BODY, "unusual": True})
    runs = counted(monkeypatch, GraphQLApp, "run")
    early = await client.post("/graphql", json=FEED_BODY)
    assert runs == []
    assert early.status_code == general.status_code == 200
    assert early.headers["content-type"] == general.headers["content-type"]
    assert "errors" not in early.json() and early.content == general.content


async def test_what_no_plan_covers_falls_through_authenticated_and_resolved_once(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = counted(monkeypatch, GraphQLApp, "run")
    logins = counted(monkeypatch, identity, "authenticate")
    resolutions = counted(monkeypatch, PersistedQueries, "resolve")
    body = {"query": LEADERBOARD, "variables": VARIABLES, "extensions": persisted(sha(LEADERBOARD))}
    answer = await client.post("/graphql", json=body)
    assert answer.json() == {"data": {"leaderboard": {"entries": []}}}
    assert (len(runs), len(logins), len(resolutions)) == (1, 1, 1)


async def test_a_refusal_before_execution_is_answered_early_in_the_negotiated_type(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = counted(monkeypatch, GraphQLApp, "run")
    missing = {"variables": VARIABLES, "extensions": persisted("0" * 64)}
    answer = await client.post(
        "/graphql", json=missing, headers={"accept": "application/graphql-response+json"}
    )
    assert runs == []
    assert answer.headers["content-type"] == "application/graphql-response+json"
    assert answer.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
