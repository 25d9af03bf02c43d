"""The edge (``web/middleware.py``): one layer stamps every HTTP answer with its request id and
the security headers, once each, whichever way the request went (the GraphQL lane, the
portal's whole chain, a refusal, a failure the app did not answer)."""

from __future__ import annotations

from typing import Any

import httpx

from api.http import GraphQLApp
from web.middleware import CONTENT_SECURITY_POLICY, _stamped

SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


def assert_stamped(response: httpx.Response, request_id: str | None = None) -> None:
    for name, value in SECURITY.items():
        assert response.headers.get_list(name) == [value], (name, response.headers)
    assert len(response.headers.get_list("content-security-policy")) == 1
    ids = response.headers.get_list("x-request-id")
    assert len(ids) == 1 and (request_id is None or ids == [request_id]), ids


def test_stamping_replaces_what_the_app_set_and_keeps_its_own_policy() -> None:
    raw = [
        (b"Content-Type", b"text/html"),
        (b"X-Frame-Options", b"SAMEORIGIN"),
        (b"x-request-id", b"forged-by-the-app"),
        (b"Content-Security-Policy", b"default-src 'none'"),
    ]
    stamped = _stamped(raw, b"abcdef0123456789")
    names = [name.lower() for name, _ in stamped]
    assert len(names) == len(set(names)), stamped
    as_dict = {name.lower(): value for name, value in stamped}
    assert as_dict[b"x-frame-options"] == b"DENY"
    assert as_dict[b"x-request-id"] == b"abcdef0123456789"
    assert as_dict[b"content-security-policy"] == b"default-src 'none'"
    assert as_dict[b"content-type"] == b"text/html"
    without_policy = dict(_stamped([(b"content-type", b"application/json")], b"abcdef0123456789"))
    assert without_policy[b"content-security-policy"] == CONTENT_SECURITY_POLICY.encode()


async def test_a_graphql_answer_a_page_and_a_refused_method_are_each_stamped_once(
    client: httpx.AsyncClient,
) -> None:
    sent_id = "edge-check-0001"
    answer = await client.post(
        "/graphql", json={"query": "{ estates { id } }"}, headers={"X-Request-ID": sent_id}
    )
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    assert_stamped(answer, sent_id)
    page = await client.get("/login")
    assert page.status_code == 200
    assert_stamped(page)
    assert "linli_session" in page.headers.get("set-cookie", "")  # the portal's chain ran
    # Only GET and POST take the lane: any other method goes the whole way, to the router's 405.
    put = await client.put("/graphql", json={"query": "{ estates { id } }"})
    assert put.status_code == 405 and set(put.headers["allow"].split(", ")) >= {"GET", "POST"}
    assert_stamped(put)


async def test_a_failure_the_app_did_not_answer_is_stamped_and_carries_its_request_id(
    client: httpx.AsyncClient, monkeypatch: Any
) -> None:
    async def broken(self: GraphQLApp, request: Any) -> Any:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(GraphQLApp, "answer", broken)
    response = await client.post(
        "/graphql", json={"query": "{ estates { id } }"}, headers={"X-Request-ID": "edge-fail-01"}
    )
    assert response.status_code == 500 and "hunter2" not in response.text
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "edge-fail-01"}
    assert_stamped(response, "edge-fail-01")


async def test_a_body_declared_over_the_limit_is_refused_on_the_lane_and_off_it(
    client: httpx.AsyncClient,
) -> None:
    for method in ("POST", "PUT"):
        response = await client.request(
            method, "/graphql", content=b"{}", headers={"content-length": "70000"}
        )
        assert response.status_code == 413, (method, response.text)
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        assert_stamped(response)
