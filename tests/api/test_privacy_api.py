"""GraphQL: requestDataExport with the viewer's export status and its download (the member's own
only), and requestAccountDeletion with its typed refusals and tokens revoked at once."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from domain.collaborators import Collaborators
from domain.identity import services
from domain.identity.models import Member
from domain.privacy.request_models import AccountDeletion, DataExport
from tests.domain.events_helpers import make_group, make_host
from tests.domain.privacy_helpers import lived_in
from tests.factories import make_member

CONTRACT = (Path(__file__).resolve().parents[2] / "api/contract/privacy_data.graphql").read_text()


async def call(
    client: httpx.AsyncClient,
    operation: str,
    token: str,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One operation of the committed document, by name."""
    body = {"query": CONTRACT, "operationName": operation, "variables": variables or {}}
    response = await client.post(
        "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def token_for(c: Collaborators, member: Member) -> str:
    return (await services.issue_api_tokens(c, member)).access_token


async def test_a_member_asks_for_a_copy_and_downloads_it_and_no_one_else_can(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    c = collaborators
    world = await lived_in(c)
    token = await token_for(c, world.member)
    before = await call(client, "MyDataExport", token)
    assert before["data"]["viewer"]["dataExport"] is None

    asked = await call(client, "RequestDataExport", token)

    made = asked["data"]["requestDataExport"]
    assert made["__typename"] == "RequestDataExportSuccess"
    status = (await call(client, "MyDataExport", token))["data"]
    export = status["viewer"]["dataExport"]
    assert export["status"] == "READY" and export["sizeBytes"] > 0
    url = export["downloadUrl"]
    own = await client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert own.status_code == 200 and own.headers["content-type"] == "application/zip"
    assert "linli-data.json" in zipfile.ZipFile(io.BytesIO(own.content)).namelist()
    other = await token_for(c, world.neighbour)
    assert (await client.get(url, headers={"Authorization": f"Bearer {other}"})).status_code == 404
    assert (await client.get(url)).status_code == 401


async def test_asking_for_a_copy_while_one_is_built_is_a_typed_refusal(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    c = collaborators
    member = await make_member()
    await DataExport.create(member=member, requested_at=c.clock.now())  # still being built
    token = await token_for(c, member)
    asked = await call(client, "RequestDataExport", token)
    refused = asked["data"]["requestDataExport"]
    assert (refused["__typename"], refused["code"]) == ("ExportInProgress", "EXPORT_IN_PROGRESS")
    assert await DataExport.filter(member=member).count() == 1


async def test_deleting_the_account_revokes_the_token_at_once(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    c = collaborators
    member = await make_member()
    token = await token_for(c, member)
    other_token = await token_for(c, member)

    asked = await call(client, "RequestAccountDeletion", token, {"posts": "DELETE"})

    done = asked["data"]["requestAccountDeletion"]
    assert done["__typename"] == "RequestAccountDeletionSuccess"
    assert done["deletion"]["posts"] == "DELETE"
    request = await AccountDeletion.get(member=member)
    assert request.keep_posts is False
    for used in (token, other_token):
        after = await call(client, "MyDataExport", used)
        assert after["data"] is None or after["data"]["viewer"] is None
        assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_second_request_and_a_host_get_typed_refusals(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    c = collaborators
    member = await make_member(phone="13955556666")
    token = await token_for(c, member)
    first = await call(client, "RequestAccountDeletion", token, {"posts": "KEEP_ANONYMOUS"})
    assert first["data"]["requestAccountDeletion"]["__typename"] == "RequestAccountDeletionSuccess"
    # Tokens were revoked: a token issued without signing in (no cancel) meets the pending one.
    again = await call(
        client, "RequestAccountDeletion", await token_for(c, member), {"posts": "DELETE"}
    )
    refused = again["data"]["requestAccountDeletion"]
    assert (refused["__typename"], refused["code"]) == ("DeletionPending", "DELETION_PENDING")
    assert refused["erasesAt"]

    host = await make_host()
    await make_group(host)
    hosted = await call(
        client, "RequestAccountDeletion", await token_for(c, host), {"posts": "DELETE"}
    )
    assert hosted["data"]["requestAccountDeletion"]["__typename"] == "StillHostsGroups"
    assert await AccountDeletion.filter(member=host).count() == 0


async def test_a_suspended_member_still_gets_a_copy_and_may_delete_the_account(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    c = collaborators
    member = await make_member()
    until = c.clock.now() + timedelta(days=3)
    await Member.filter(id=member.id).update(suspended=True, suspended_until=until)
    token = await token_for(c, member)
    asked = await call(client, "RequestDataExport", token)
    assert asked["data"]["requestDataExport"]["__typename"] == "RequestDataExportSuccess"
    deleted = await call(client, "RequestAccountDeletion", token, {"posts": "DELETE"})
    assert deleted["data"]["requestAccountDeletion"]["__typename"] == (
        "RequestAccountDeletionSuccess"
    )
