"""Two app processes sharing PostgreSQL and Redis: a vote cast on one reaches a
graphql-transport-ws subscriber and a portal SSE follower on the other within a second."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from websockets.asyncio.client import connect

from domain.campaigns import services
from domain.campaigns.models import Campaign, CampaignEntry, CampaignKind, EntryStatus
from domain.clock import Clock
from domain.collaborators import Collaborators
from domain.identity import services as identity
from domain.identity.models import Member, Role
from tests.e2e.conftest import _free_port, _wait_until_healthy
from tests.factories import make_member
from tests.stores import REDIS_URL
from web.ids import encode_id

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        REDIS_URL.startswith("memory://"), reason="needs a real Redis shared by two processes"
    ),
]


@pytest.fixture(scope="module")
def two_servers(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    processes, logs, urls = [], [], []
    data_dir = tmp_path_factory.mktemp("two-servers")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "LINLI_DATA_DIR": str(data_dir),
        "SECRET_KEY": "two-servers-test-secret",
        "LOG_LEVEL": "WARNING",
    }
    try:
        for n in range(2):
            port = _free_port()
            log = (data_dir / f"server-{n}.log").open("w")
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "uvicorn",
                        "asgi:app_from_environment",
                        "--factory",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                    ],
                    cwd=Path(__file__).resolve().parents[2],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            _wait_until_healthy(url, process)
        yield urls[0], urls[1]
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        for log in logs:
            log.close()


@pytest_asyncio.fixture
async def live(collaborators: Collaborators) -> AsyncIterator[Collaborators]:
    """The servers run on the wall clock, so the campaign and tokens do too."""
    yield replace(collaborators, clock=Clock())


async def _campaign(c: Collaborators) -> tuple[Campaign, list[CampaignEntry]]:
    now = datetime.now(UTC)
    admin = await make_member(roles=(Role.ADMIN,))
    campaign = await services.create_campaign(
        c,
        admin,
        services.NewCampaign(
            kind=CampaignKind.NAMING,
            title="隅田川新豆命名",
            description="给新豆起名",
            voting_starts_at=now - timedelta(hours=1),
            voting_ends_at=now + timedelta(days=1),
        ),
    )
    entries = [
        await CampaignEntry.create(
            campaign=campaign,
            proposer=admin,
            title=f"名字{i}",
            status=EntryStatus.APPROVED,
            created_at=now - timedelta(days=1),
        )
        for i in range(2)
    ]
    return campaign, entries


async def _voter_token(c: Collaborators) -> str:
    member = await make_member()
    await Member.filter(id=member.id).update(created_at=datetime.now(UTC) - timedelta(days=5))
    return (await identity.issue_api_tokens(c, await Member.get(id=member.id))).access_token


async def _vote(url: str, token: str, entry: CampaignEntry) -> None:
    query = "mutation($e: ID!) { castVote(input: {entryId: $e}) { __typename } }"
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{url}/graphql",
            json={"query": query, "variables": {"e": encode_id("CampaignEntry", entry.id)}},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.json()["data"]["castVote"]["__typename"] == "CastVoteSuccess"


async def test_a_websocket_subscriber_on_one_process_sees_a_vote_cast_on_the_other(
    two_servers: tuple[str, str], live: Collaborators
) -> None:
    first, second = two_servers
    campaign, entries = await _campaign(live)
    token = await _voter_token(live)
    ws_url = first.replace("http://", "ws://") + "/graphql"
    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        query = (
            "subscription($c: ID!) { campaignTally(campaignId: $c) "
            "{ campaignId entries { entryId voteCount } } }"
        )
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {
                        "query": query,
                        "variables": {"c": encode_id("Campaign", campaign.id)},
                    },
                }
            )
        )
        snapshot = json.loads(await ws.recv())
        assert snapshot["payload"]["data"]["campaignTally"]["entries"] == []
        started = time.monotonic()
        await _vote(second, token, entries[1])
        pushed = json.loads(await asyncio.wait_for(ws.recv(), timeout=3))
        latency = time.monotonic() - started
    assert pushed["payload"]["data"]["campaignTally"]["entries"] == [
        {"entryId": encode_id("CampaignEntry", entries[1].id), "voteCount": 1}
    ]
    print(f"graphql-transport-ws push across processes: {latency * 1000:.0f} ms")
    assert latency < 1.0


async def test_a_subscription_with_a_bad_token_is_refused(
    two_servers: tuple[str, str],
) -> None:
    ws_url = two_servers[0].replace("http://", "ws://") + "/graphql"
    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps(
                {"type": "connection_init", "payload": {"authorization": "Bearer not-a-token"}}
            )
        )
        with pytest.raises(Exception) as closed:
            await asyncio.wait_for(ws.recv(), timeout=3)
    assert "4403" in str(closed.value)


async def _next_event(lines: AsyncIterator[str]) -> dict[str, Any]:
    async for line in lines:
        if line.startswith("data: "):
            event: dict[str, Any] = json.loads(line[len("data: ") :])
            return event
    raise AssertionError("the stream ended")


async def test_a_portal_sse_follower_on_one_process_sees_a_vote_cast_on_the_other(
    two_servers: tuple[str, str], live: Collaborators
) -> None:
    first, second = two_servers
    campaign, entries = await _campaign(live)
    token = await _voter_token(live)
    async with (
        httpx.AsyncClient(timeout=5) as http,
        http.stream("GET", f"{first}/campaigns/{campaign.id}/tally") as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.aiter_lines()
        assert (await _next_event(lines))["counts"] == {}
        started = time.monotonic()
        await _vote(second, token, entries[0])
        pushed = await asyncio.wait_for(_next_event(lines), timeout=3)
        latency = time.monotonic() - started
    assert pushed == {"campaignId": campaign.id, "visible": True, "counts": {str(entries[0].id): 1}}
    print(f"SSE push across processes: {latency * 1000:.0f} ms")
    assert latency < 1.0
