"""The early answer of ``api/http.py``: a plain POST of a registered operation that a compiled
plan covers is answered before strawberry's request handling, with the same bytes the general
handling gives; everything else falls through to it having been authenticated, resolved and
counted once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from tortoise import connections

from api.http import GraphQLApp
from api.persisted import PersistedQueries, contract_documents, document_hash
from domain.collaborators import Collaborators
from domain.identity import services as identity
from domain.posts.models import PostLike
from tests.api.test_groups_api import token_for
from tests.api.test_persisted_queries import LEADERBOARD, VARIABLES, persisted, sha
from tests.api.test_posts_api import make_post
from tests.factories import make_member

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


def acquisitions(monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], Any]:
    """Counts the default connection's acquisitions; also gives its asyncpg pool."""
    db = connections.get("default")
    calls: list[int] = []
    original = type(db).acquire_connection

    def acquire(self: Any) -> Any:
        calls.append(1)
        return original(self)

    monkeypatch.setattr(type(db), "acquire_connection", acquire)
    return calls, db._pool


@pytest.mark.postgres_only
async def test_a_signed_in_feed_reads_its_token_and_its_page_on_one_pooled_connection(
    client: httpx.AsyncClient, collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = await make_member()
    post = await make_post(collaborators, await make_member())
    await PostLike.create(post=post, member=reader, created_at=collaborators.clock.now())
    bearer = {"authorization": f"Bearer {await token_for(collaborators, reader)}"}
    calls, pool = acquisitions(monkeypatch)
    answer = await client.post("/graphql", json=FEED_BODY, headers=bearer)
    (edge,) = answer.json()["data"]["feed"]["edges"]
    assert edge["node"]["viewerHasLiked"] is True  # the token was read: the reader is known
    assert len(calls) == 1
    assert pool.get_idle_size() == pool.get_size()  # and given back


@pytest.mark.postgres_only
async def test_a_plan_that_does_not_run_gives_the_held_connection_back_before_the_general_path(
    client: httpx.AsyncClient, collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    bearer = {"authorization": f"Bearer {await token_for(collaborators, await make_member())}"}
    calls, pool = acquisitions(monkeypatch)
    runs = counted(monkeypatch, GraphQLApp, "run")
    refused = {**FEED_BODY, "variables": {"first": "二十"}}  # graphql-core refuses the variable
    answer = await client.post("/graphql", json=refused, headers=bearer)
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert len(runs) == 1
    assert len(calls) == 1  # held for the plan, which refused before reading: the member's
    # row, which the plan did not need, is read on it for the general path
    assert pool.get_idle_size() == pool.get_size()


@pytest.mark.postgres_only
async def test_a_plan_that_reads_then_leaves_the_request_gives_both_connections_back(
    client: httpx.AsyncClient, collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Feed plan reads the member's id on its held connection and gives it back at its end;
    leaving the request to the general path (a page size it refuses), the member's row is read
    for that path on a second one, given back before the general path runs."""
    bearer = {"authorization": f"Bearer {await token_for(collaborators, await make_member())}"}
    calls, pool = acquisitions(monkeypatch)
    runs = counted(monkeypatch, GraphQLApp, "run")
    refused = {**FEED_BODY, "variables": {"first": 100}}  # coerces; the plan's check refuses it
    answer = await client.post("/graphql", json=refused, headers=bearer)
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert len(runs) == 1
    assert len(calls) == 2
    assert pool.get_idle_size() == pool.get_size()
