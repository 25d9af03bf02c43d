"""GraphQL over HTTP to the letter: a client that accepts application/graphql-response+json gets
it, with a 4xx/5xx and no data entry for a request that never reached execution; every other
client keeps application/json and a 200 for every GraphQL answer. (.ci/run also runs the
graphql-http audit against a live server.)"""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest

from api.over_http import GRAPHQL_RESPONSE_JSON, JSON, negotiate
from tests.api.test_identity_api import op

GRAPHQL_ONLY = {"accept": GRAPHQL_RESPONSE_JSON}
LEADERBOARD = op("Leaderboard")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/json", JSON),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON};q=0.5", JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0", JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=oops", JSON),
        ("Application/GraphQL-Response+JSON", GRAPHQL_RESPONSE_JSON),
    ],
)
def test_the_media_type_follows_what_the_client_accepts(accept: str | None, expected: str) -> None:
    assert negotiate(accept) == expected


async def _post(
    client: httpx.AsyncClient, body: dict[str, Any], accept: str | None
) -> httpx.Response:
    headers = {"accept": accept} if accept else {}
    return await client.post("/graphql", json=body, headers=headers)


REQUEST_ERRORS = {
    "does-not-parse": {"query": "{"},
    "does-not-validate": {"query": "{ noSuchField }"},
    "variables-do-not-coerce": {"query": LEADERBOARD, "variables": {"kind": "NOPE", "first": 5}},
    "persisted-query-not-found": {
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    },
}


@pytest.mark.parametrize("body", REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys())
async def test_a_request_error_is_a_400_without_data_for_graphql_response_json(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await _post(client, body, GRAPHQL_RESPONSE_JSON)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    answer = response.json()
    assert "data" not in answer
    assert answer["errors"][0]["extensions"]["code"]


@pytest.mark.parametrize("body", REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys())
async def test_the_same_request_error_stays_a_200_with_null_data_for_application_json(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    for accept in (None, "application/json"):
        response = await _post(client, body, accept)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == JSON
        answer = response.json()
        assert answer["data"] is None and answer["errors"]


async def test_an_answer_is_a_200_in_the_media_type_the_client_accepts(
    client: httpx.AsyncClient,
) -> None:
    body = {"query": LEADERBOARD, "variables": {"kind": "POINTS", "first": 5}}
    response = await _post(client, body, GRAPHQL_RESPONSE_JSON)
    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    assert response.json()["data"]["leaderboard"]["entries"] == []


async def test_an_execution_that_ran_and_refused_is_a_200_with_its_data(
    client: httpx.AsyncClient,
) -> None:
    """A field's refusal (signed out) is a field error: execution ran, so the status is 200."""
    response = await _post(client, {"query": op("Viewer")}, GRAPHQL_RESPONSE_JSON)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert "data" in answer
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert answer["errors"][0]["path"] == ["viewer"]


async def test_a_rate_limited_registration_is_a_429_with_retry_after(
    client: httpx.AsyncClient,
) -> None:
    """Registering persisted documents past the per-IP limit is refused before execution."""
    statuses = []
    for n in range(25):
        query = f"query Probe{n} {{ __typename }}"
        digest = hashlib.sha256(query.encode()).hexdigest()
        body = {
            "query": query,
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}},
        }
        response = await _post(client, body, GRAPHQL_RESPONSE_JSON)
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert int(response.headers["retry-after"]) > 0
            assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
            assert "data" not in response.json()
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}, statuses


async def test_a_body_that_is_not_graphql_is_a_400_in_the_negotiated_media_type(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql",
        content=b"[1",
        headers={"content-type": "application/json", **GRAPHQL_ONLY},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
