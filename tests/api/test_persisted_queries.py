"""Automatic persisted queries: a hash alone runs a registered document, a miss asks for the
document, the document with its hash registers it, and a hash that is not the document's is
refused without registering anything."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
from redis.asyncio import Redis

from api.persisted import KEY_PREFIX, PersistedQueries, contract_documents

# A document of the client's own, not the contract's (those are registered at start).
LEADERBOARD = (
    "query OwnBoard($kind: LeaderboardKind!, $first: Int!) "
    "{ leaderboard(kind: $kind, first: $first) { entries { rank score } } }"
)
VARIABLES = {"kind": "POINTS", "first": 5}


def sha(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def persisted(digest: str, version: int = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


async def post(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"variables": VARIABLES, **body})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_a_hash_alone_is_not_found_until_the_document_comes_with_it(
    client: httpx.AsyncClient, redis: Redis
) -> None:
    digest = sha(LEADERBOARD)
    missed = await post(client, extensions=persisted(digest))
    assert missed["data"] is None
    assert missed["errors"][0]["message"] == "PersistedQueryNotFound"
    assert missed["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert await redis.get(KEY_PREFIX + digest) is None

    registered = await post(client, query=LEADERBOARD, extensions=persisted(digest))
    assert "errors" not in registered
    assert registered["data"]["leaderboard"]["entries"] == []
    assert await redis.get(KEY_PREFIX + digest) == LEADERBOARD

    again = await post(client, extensions=persisted(digest.upper()))
    assert again == registered


async def test_a_registered_hash_runs_in_another_process(
    client: httpx.AsyncClient, redis: Redis
) -> None:
    """Registered in Redis by one process, found by another that never saw the document."""
    digest = sha(LEADERBOARD)
    await redis.set(KEY_PREFIX + digest, LEADERBOARD)
    answer = await post(client, extensions=persisted(digest))
    assert answer == {"data": {"leaderboard": {"entries": []}}}


async def test_a_hash_that_is_not_the_documents_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, redis: Redis
) -> None:
    other = sha(LEADERBOARD + " ")
    refused = await post(client, query=LEADERBOARD, extensions=persisted(other))
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert await redis.get(KEY_PREFIX + other) is None
    assert await redis.get(KEY_PREFIX + sha(LEADERBOARD)) is None
    # and the hash stays unknown
    missed = await post(client, extensions=persisted(other))
    assert missed["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_malformed_extensions_are_refused(client: httpx.AsyncClient, redis: Redis) -> None:
    digest = sha(LEADERBOARD)
    wrong_version = await post(client, query=LEADERBOARD, extensions=persisted(digest, 2))
    assert wrong_version["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"
    not_a_digest = await post(client, extensions=persisted("abc"))
    assert not_a_digest["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert await redis.keys(KEY_PREFIX + "*") == []


async def test_requests_without_the_extension_are_untouched(client: httpx.AsyncClient) -> None:
    plain = await post(client, query=LEADERBOARD)
    assert plain == {"data": {"leaderboard": {"entries": []}}}


async def test_each_process_keeps_a_bounded_number_of_documents(redis: Redis) -> None:
    from strawberry.http import GraphQLRequestData

    documents = PersistedQueries(size=2)
    queries = [f"query Q{n} {{ __typename }}" for n in range(3)]
    for query in queries:
        data = GraphQLRequestData(
            query=query, variables=None, operation_name=None, extensions=persisted(sha(query))
        )
        assert await documents.resolve(redis, data) is data
    assert list(documents._local) == [sha(q) for q in queries[1:]]
    # the evicted one is still found, in Redis
    hash_only = GraphQLRequestData(
        query=None, variables=None, operation_name=None, extensions=persisted(sha(queries[0]))
    )
    found = await documents.resolve(redis, hash_only)
    assert not isinstance(found, type(None))
    assert getattr(found, "query", None) == queries[0]


async def test_every_contract_operation_runs_by_its_hash_alone_from_the_first_request(
    client: httpx.AsyncClient, redis: Redis
) -> None:
    """Open mode too: the contract's operations are registered at start, so the mini-program's
    first request of each may be its hash; nothing is written to Redis for them."""
    documents = contract_documents()
    assert len(documents) > 51  # the shared contract's operations and the project's own
    answer = await post(client, extensions=persisted(sha(documents["Leaderboard"])))
    assert "errors" not in answer, answer
    assert answer["data"]["leaderboard"]["entries"] == []
    for name, text in documents.items():
        response = await client.post(
            "/graphql", json={"extensions": persisted(sha(text)), "variables": {}}
        )
        codes = {e["extensions"]["code"] for e in response.json().get("errors", [])}
        assert "PERSISTED_QUERY_NOT_FOUND" not in codes, name
    assert await redis.keys(KEY_PREFIX + "*") == []
