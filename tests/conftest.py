"""Fixtures: SQLite + in-process Redis by default, PostgreSQL + Redis when TEST_DATABASE_URL and
TEST_REDIS_URL are set. Databases are built by the migrations; tests are isolated by truncation."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import fakeredis
import httpx
import pytest
import pytest_asyncio
from redis.asyncio import Redis

from asgi import create_app
from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity.wechat import WechatClient
from domain.safety.wechat_provider import WechatContentSecurity
from domain.webhooks.outbox import forget_endpoints
from settings import Settings
from tests.factories import CLOCK_START
from tests.stores import (
    ON_POSTGRES,
    REDIS_URL,
    create_test_database,
    drop_test_database,
    truncate_all,
)
from tests.wechat_standin import STANDIN, wechat_standin

FORBID_SKIPS = os.environ.get("LINLI_FORBID_SKIPS") == "1"
_skipped: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ON_POSTGRES:
        return
    reason = "needs PostgreSQL with separate connections (SQLite serialises everything)"
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if FORBID_SKIPS and _skipped:
        print(f"\n{len(_skipped)} test(s) skipped where skipping is forbidden:")
        for nodeid in _skipped:
            print(f"  {nodeid}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def wechat_url() -> Iterator[str]:
    with wechat_standin() as url:
        yield url


@pytest_asyncio.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    url = await create_test_database(tmp_path_factory.mktemp("db"))
    yield url
    await drop_test_database(url)


@pytest_asyncio.fixture(scope="session")
async def redis() -> AsyncIterator[Redis]:
    client: Redis
    if REDIS_URL.startswith("memory://"):
        client = fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer(), decode_responses=True)
    else:
        client = Redis.from_url(REDIS_URL, decode_responses=True)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


@pytest.fixture(scope="session")
def settings(
    database_url: str, wechat_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=REDIS_URL,
        secret_key="test-secret-key-not-for-production",
        data_dir=tmp_path_factory.mktemp("data"),
        wechat_base_url=wechat_url,
        wechat_app_id="wx-test",
        wechat_app_secret="wx-secret",
    )


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(CLOCK_START)


@pytest_asyncio.fixture(autouse=True)
async def _isolated(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Every test that touches the stores starts from empty tables and an empty Redis."""
    yield
    if "database_url" in request.fixturenames:
        await truncate_all()
        forget_endpoints()  # the webhook endpoints a process keeps are gone with the tables
    if "redis" in request.fixturenames:
        redis_client: Redis = request.getfixturevalue("redis")
        await redis_client.flushdb()


@pytest.fixture
def collaborators(settings: Settings, redis: Redis, clock: FrozenClock) -> Collaborators:
    return Collaborators(
        settings=settings,
        redis=redis,
        clock=clock,
        wechat=WechatClient(settings.wechat_base_url, settings.wechat_app_id, "wx-secret"),
    )


PUSH_TOKEN = "push-token-of-the-mini-program"


@pytest.fixture
def wechat_checks(collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch) -> Collaborators:
    """WeChat's content security as the image provider (the stand-in answers), and the push
    token of its verdicts set."""
    STANDIN.reset()
    monkeypatch.setattr(collaborators.safety, "provider", WechatContentSecurity())
    settings = collaborators.settings.with_overrides(
        wechat_push_token=PUSH_TOKEN, public_url="https://linli.example.cn"
    )
    monkeypatch.setattr(collaborators, "settings", settings)
    return collaborators


@pytest_asyncio.fixture
async def client(collaborators: Collaborators) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(collaborators.settings, collaborators, manage_stores=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
