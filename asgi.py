"""Composition: the Starlette app with GraphQL, the portal, health checks and middleware."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from tortoise.contrib.starlette import RegisterTortoise

from api.http import GraphQLApp
from api.schema import build_schema
from bootstrap import build_broker, build_collaborators
from domain import stores
from domain.campaigns import live
from domain.collaborators import Collaborators
from domain.exposures import services as exposures
from domain.jobs import (
    EXPOSURES_SECONDS,
    EXPOSURES_TASK,
    WEBHOOKS_SECONDS,
    WEBHOOKS_TASK,
    kick_due_jobs_every,
    kick_every,
)
from domain.points import leaderboard
from domain.stores import apply_migrations
from logs import configure_logging
from portal.failures import failure_response
from portal.first_run import FirstRunMiddleware
from portal.routes import STATIC_DIR, portal_routes
from portal.suspension import EXCEPTION_HANDLERS as SUSPENSION_HANDLERS
from portal.suspension import refused
from settings import Settings, load_settings, tortoise_config
from web.csrf import CsrfMiddleware
from web.health import healthz
from web.middleware import GRAPHQL_PATH, Edge
from web.suspension import SuspendedWritesMiddleware
from web.uploads import media, upload
from web.wechat_events import wechat_events

log = logging.getLogger("linli.app")


async def forget_derived_completeness(redis: Redis) -> None:
    try:
        forgotten = await stores.forget_completeness(redis)
    except (RedisError, OSError) as error:  # Redis away at start: its structures rebuild anyway
        log.warning("could not mark derived structures for rebuild at start: %r", error)
        return
    log.info("derived structures marked for rebuild at start: %d", forgotten)


async def announce_setup_code(collaborators: Collaborators) -> None:
    """A programme without an admin: the console shows the setup page's one-time code."""
    from domain.programme.first_run import issue_setup_code

    try:
        code = await issue_setup_code(collaborators)
    except (RedisError, OSError) as error:  # Redis away at start: `linli setup-code` shows it later
        log.warning("could not issue the setup code at start: %r", error)
        return
    if code is not None:
        log.warning("还没有管理员：打开 /setup 完成首次设置，设置码 %s", code)


def _prepare_compiled_plans(graphql: GraphQLApp) -> None:
    """The registered operations' plans, built before the first request instead of in it. A
    failure here is logged, not fatal: the first request builds them again."""
    try:
        log.info("compiled plans ready: %d operations", graphql.compiled.prepare())
    except Exception:
        log.exception("compiled plans not built at start")


def _freeze_what_start_built() -> None:
    """The schema, the plans, the models' metadata and the templates live as long as the
    process: collected once, then moved out of the collector's sight, so the collections that
    requests trigger walk only what requests made (a full collection otherwise walks them all,
    a pause a request waits out)."""
    gc.collect()
    gc.freeze()


async def _last_push(collaborators: Collaborators) -> None:
    """The sightings this process still holds, into Redis before it stops."""
    try:
        await exposures.push(collaborators)
    except Exception as error:  # Redis away at shutdown: the last second is lost
        log.warning("last push of sightings failed: %s", error)


def create_app(
    settings: Settings | None = None,
    collaborators: Collaborators | None = None,
    manage_stores: bool = True,
) -> Starlette:
    """``manage_stores=False`` leaves the ORM and Redis to the caller (tests own them)."""
    settings = settings or load_settings()
    collaborators = collaborators or build_collaborators(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not manage_stores:
            yield
            return
        config = tortoise_config(settings.database_url)
        if settings.uses_sqlite:
            await apply_migrations(config)  # the zero-setup start migrates itself
        broker = build_broker(collaborators)
        async with RegisterTortoise(app, config=config):
            if settings.uses_memory_redis:  # the in-process Redis starts empty: derive it again
                await leaderboard.rebuild(collaborators.redis, collaborators.clock.now())
                await live.rebuild_all(collaborators.redis)
            else:  # a worker killed after a commit, before its bump: the next reads re-derive
                await forget_derived_completeness(collaborators.redis)
            await announce_setup_code(collaborators)
            _prepare_compiled_plans(graphql)
            _freeze_what_start_built()
            await broker.startup()
            app.state.broker = broker
            schedule = asyncio.create_task(kick_due_jobs_every(broker))
            webhooks = asyncio.create_task(kick_every(broker, WEBHOOKS_TASK, WEBHOOKS_SECONDS))
            sightings = asyncio.create_task(kick_every(broker, EXPOSURES_TASK, EXPOSURES_SECONDS))
            tallies = asyncio.create_task(live.publish_dirty_forever(collaborators.redis))
            pushes = asyncio.create_task(exposures.push_every(collaborators))
            try:
                yield
            finally:
                schedule.cancel()
                webhooks.cancel()
                sightings.cancel()
                tallies.cancel()
                pushes.cancel()
                await _last_push(collaborators)
                await broker.shutdown()
                await collaborators.redis.aclose()

    graphql = GraphQLApp(build_schema(settings.debug, settings.limits), settings.debug)
    app = Starlette(
        debug=False,
        routes=[
            Route("/healthz", healthz, name="healthz"),
            Route(GRAPHQL_PATH, graphql, methods=["GET", "POST"], name="graphql"),
            WebSocketRoute(GRAPHQL_PATH, graphql, name="graphql_ws"),
            Route("/api/uploads", upload, methods=["POST"], name="upload"),
            Route("/media/{key}", media, name="media"),
            Route("/api/wechat/events", wechat_events, methods=["GET", "POST"], name="wechat"),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
            *portal_routes(),
        ],
        middleware=[
            Middleware(
                Edge,
                failure_response=failure_response,
                max_body_bytes=settings.limits.graphql_max_body_bytes,
                graphql=graphql,
            ),
            Middleware(
                SessionMiddleware,
                secret_key=settings.secret_key,
                session_cookie="linli_session",
                max_age=settings.portal_session_seconds,
                same_site="lax",
                https_only=settings.https_only_cookies,
            ),
            Middleware(CsrfMiddleware),
            Middleware(SuspendedWritesMiddleware, refused=refused),
            Middleware(FirstRunMiddleware),
        ],
        lifespan=lifespan,
        exception_handlers=SUSPENSION_HANDLERS,
    )
    app.state.settings = settings
    app.state.collaborators = collaborators
    return app


def app_from_environment() -> Starlette:
    """The uvicorn factory: ``uvicorn asgi:app_from_environment --factory``."""
    settings = load_settings()
    configure_logging(settings.log_level)
    return create_app(settings)
