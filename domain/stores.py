"""Opening the stores: Redis (or the in-process fake) and the database's migrations; and the
rule every structure derived in Redis follows so that it heals after Redis loses its data.

Derived structures (the points and referral boards, campaign tallies) each have a *complete*
marker key. An increment applies only while the marker exists (one Lua script, so it is atomic);
a reader that finds the marker missing reads the database instead and, if it wins a short Redis
lock, rebuilds the structure and sets the marker. A Redis restart without persistence loses the
markers with the data, so no one reads or bumps a partial structure. An increment that cannot
reach Redis drops the marker as soon as Redis answers again (``settle``), so a read rebuilds."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import fakeredis
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from domain.errors import ServiceBusyError
from settings import StoreLimits

# One in-process server per process, so every client sees the same data and pub/sub works.
_FAKE_SERVER = fakeredis.FakeServer()
log = logging.getLogger("linli.stores")


def open_redis(url: str, limits: StoreLimits | None = None) -> Redis:
    """A client over a blocking pool: a burst waits for a free connection (up to the pool
    timeout) instead of failing with MaxConnectionsError; idle connections are checked before
    use and a connection error is retried on a new connection, so connections left stale by a
    Redis restart do not fail the next requests. Timeouts are not retried: the command may have
    run, and an increment must not run twice."""
    if url.startswith("memory://"):
        return fakeredis.FakeAsyncRedis(server=_FAKE_SERVER, decode_responses=True)
    limits = limits or StoreLimits()
    retry = Retry(
        ExponentialWithJitterBackoff(base=0.05, cap=0.5),
        limits.redis_retries,
        supported_errors=(RedisConnectionError,),
    )
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=limits.redis_max_connections,
        timeout=limits.redis_pool_timeout,
        decode_responses=True,
        health_check_interval=limits.redis_health_check_interval,
        socket_timeout=limits.redis_socket_timeout,
        socket_connect_timeout=limits.redis_connect_timeout,
        socket_keepalive=True,
        retry=retry,
    )
    return Redis.from_pool(pool)  # the client owns its pool: closing it closes the connections


# --- derived structures --------------------------------------------------------------------

LOCK_MS = 15_000
_CHUNK = 1000

# KEYS: data, marker, build. ARGV: command, its two arguments in order, stale ttl (ms).
_INCREMENT = """
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call(ARGV[1], KEYS[1], ARGV[2], ARGV[3])
  return 1
end
redis.call('SET', KEYS[3], 'stale', 'PX', ARGV[4])
return 0
"""

# KEYS: data, marker, build, staged. ARGV: token. Installs the staged copy only if no increment
# was skipped since this build began (it would be missing from the database read).
_INSTALL = """
if redis.call('GET', KEYS[3]) ~= ARGV[1] then
  redis.call('DEL', KEYS[4])
  return 0
end
if redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('RENAME', KEYS[4], KEYS[1])
  redis.call('PERSIST', KEYS[1])
else
  redis.call('DEL', KEYS[1])
end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
return 1
"""

_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass(frozen=True)
class Derived:
    """One structure derived in Redis: a sorted set or a hash of integer counts."""

    key: str
    kind: Literal["zset", "hash"]

    @property
    def marker(self) -> str:
        return f"{self.key}:complete"

    @property
    def build(self) -> str:
        return f"{self.key}:build"

    @property
    def lock(self) -> str:
        return f"{self.key}:rebuilding"


Loader = Callable[[], Awaitable[dict[str, int]]]

# Structures this process could not mark for a rebuild because Redis was away: marked when it
# answers again.
_unsettled: set[Derived] = set()


async def increment(redis: Redis, derived: Derived, member: str, amount: int) -> bool:
    """Add ``amount`` to ``member`` if the structure is complete; returns whether it applied.
    A structure that is not complete is left alone (its rebuild reads the database). If Redis
    cannot be reached the structure is marked incomplete once it can, and the error is raised."""
    if derived.kind == "zset":
        args: tuple[Any, ...] = ("ZINCRBY", amount, member)
    else:
        args = ("HINCRBY", member, amount)
    try:
        applied = await redis.eval(
            _INCREMENT, 3, derived.key, derived.marker, derived.build, *args, LOCK_MS * 4
        )
    except (RedisError, OSError):
        _unsettled.add(derived)
        raise
    return bool(applied)


async def mark_incomplete(redis: Redis, derived: Derived) -> None:
    """The structure may be wrong: the next read rebuilds it."""
    try:
        await _spoil(redis, [derived])
    except (RedisError, OSError):
        _unsettled.add(derived)
        raise


async def settle(redis: Redis) -> int:
    """Mark for a rebuild the structures whose update failed while Redis was away; returns how
    many. Cheap when there is nothing to do; each process runs it in its background loop."""
    if not _unsettled:
        return 0
    pending = list(_unsettled)
    await _spoil(redis, pending)
    _unsettled.difference_update(pending)
    log.warning("derived structures marked for rebuild after a failed update: %s", pending)
    return len(pending)


async def _spoil(redis: Redis, structures: list[Derived]) -> None:
    """Drop each structure's marker and spoil a rebuild in flight, as a skipped increment does:
    that rebuild may have read the database before the write its structure missed, and would
    otherwise install a copy without it after the marker was dropped."""
    async with redis.pipeline(transaction=True) as pipe:
        for derived in structures:
            pipe.delete(derived.marker)
            pipe.set(derived.build, "stale", px=LOCK_MS * 4)
        await pipe.execute()


async def forget_completeness(redis: Redis) -> int:
    """Mark every derived structure for a rebuild on its next read; returns how many.

    A process that starts cannot know whether the one it replaces died between a commit and the
    bump after it (a killed worker): re-deriving from the database is the only sound answer.
    Rebuilds in flight are spoiled first (``_spoil``): one may have read the database before
    that commit and would otherwise install a copy without it after the markers are gone. A
    rebuild that starts after this reads the database after the dead process's commit."""
    builds = [key async for key in redis.scan_iter(match="*:build", count=500)]
    if builds:
        async with redis.pipeline(transaction=True) as pipe:
            for build in builds:
                pipe.set(build, "stale", px=LOCK_MS * 4)
            await pipe.execute()
    markers = [key async for key in redis.scan_iter(match="*:complete", count=500)]
    if markers:
        await redis.delete(*markers)
    return len(markers)


async def is_complete(redis: Redis, derived: Derived) -> bool:
    return bool(await redis.exists(derived.marker))


async def heal(redis: Redis, derived: Derived, load: Loader) -> dict[str, int] | None:
    """None when the structure is complete (read it from Redis). Otherwise the database's values:
    the caller that wins the lock reads and installs them; the others wait a little for that
    copy (then read Redis) and read the database themselves only if it does not come. Without
    the wait every request of a cold start read the whole month's ledger at once, and under
    load none of them finished within the statement timeout (the board never came back)."""
    with contextlib.suppress(RedisError, OSError):
        await settle(redis)
    if await is_complete(redis, derived):
        return None
    token = uuid.uuid4().hex
    locked = bool(await redis.set(derived.lock, token, nx=True, px=LOCK_MS))
    if not locked:
        if await _installed_within(redis, derived, INSTALL_WAIT_S):
            return None
        return await load()
    try:
        values = await _build(redis, derived, token, load)
    finally:
        await redis.eval(_UNLOCK, 1, derived.lock, token)
    return values


# How long a read waits for another caller's rebuild before reading the database itself: under
# the statement timeout, so a rebuild that fails leaves the waiters time for their own read.
INSTALL_WAIT_S = 3.0
_POLL_S = 0.025


async def _installed_within(redis: Redis, derived: Derived, seconds: float) -> bool:
    """Whether the structure became complete within ``seconds`` (its rebuild's lock still held
    or just released), polling its marker."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(_POLL_S)
        if await is_complete(redis, derived):
            return True
        if not await redis.exists(derived.lock):  # the rebuild gave up: no copy is coming
            return await is_complete(redis, derived)
    return False


async def rebuild(
    redis: Redis, derived: Derived, load: Loader, attempts: int = 3
) -> dict[str, int]:
    """Recompute the structure from the database now (the command, a closed campaign)."""
    values: dict[str, int] = {}
    await redis.delete(derived.marker)  # increments stop (and spoil a build) until it is done
    for _ in range(attempts):
        token = uuid.uuid4().hex
        values, installed = await _build_once(redis, derived, token, load)
        if installed:
            return values
    log.warning("%s changed during %d rebuilds; the next read rebuilds it", derived.key, attempts)
    return values


async def _build(redis: Redis, derived: Derived, token: str, load: Loader) -> dict[str, int]:
    values, _ = await _build_once(redis, derived, token, load)
    return values


async def _build_once(
    redis: Redis, derived: Derived, token: str, load: Loader
) -> tuple[dict[str, int], bool]:
    # The build token goes in before the database is read: an increment skipped from here on
    # (its write committed, maybe after our read) replaces it, and the copy is not installed.
    await redis.set(derived.build, token, px=LOCK_MS)
    values = await load()
    staged = f"{derived.key}:staged:{token}"
    items = list(values.items())
    async with redis.pipeline(transaction=False) as pipe:
        for start in range(0, len(items), _CHUNK):
            chunk: dict[Any, Any] = dict(items[start : start + _CHUNK])
            if derived.kind == "zset":
                pipe.zadd(staged, chunk)
            else:
                pipe.hset(staged, mapping=chunk)
        if items:
            pipe.pexpire(staged, LOCK_MS)
        await pipe.execute()
    installed = await redis.eval(
        _INSTALL, 4, derived.key, derived.marker, derived.build, staged, token
    )
    return values, bool(installed)


# KEYS: marker, data. ARGV: count, member ('' for none), prefix ('' for none). The top ``count``
# with scores, the member's rank and score, and the value kept under prefix + name for each of
# the top (keys of the same Redis; a cluster would need them declared), or false while the
# structure is incomplete.
_RANKS = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local top = redis.call('ZREVRANGE', KEYS[2], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
local rank, score = -1, ''
if ARGV[2] ~= '' then
  rank = redis.call('ZREVRANK', KEYS[2], ARGV[2]) or -1
  score = redis.call('ZSCORE', KEYS[2], ARGV[2]) or ''
end
local kept = {}
if ARGV[3] ~= '' then
  for i = 1, #top, 2 do kept[#kept + 1] = redis.call('GET', ARGV[3] .. top[i]) or '' end
end
return {top, rank, score, kept}
"""
_RANKS_SHA = hashlib.sha1(_RANKS.encode(), usedforsecurity=False).hexdigest()  # Redis's name


@dataclass(frozen=True)
class Ranks:
    """A sorted set's top (name, score) pairs, one member's (rank, score) if asked and ranked,
    and what is kept under a prefix + each top name (None where nothing is)."""

    top: list[tuple[str, int]]
    placed: tuple[int, int] | None
    kept: list[str | None]


@dataclass(frozen=True)
class Standing:
    """A board of members read whole from Redis: the top (member id, score) pairs, the viewer's
    (rank, score) if ranked, and each top member's kept value (``Ranks.kept``)."""

    top: list[tuple[int, int]]
    placed: tuple[int, int] | None
    kept: list[str | None]


async def ranks_if_complete(
    redis: Redis, derived: Derived, count: int, member: str | None, prefix: str = ""
) -> Ranks | None:
    """A sorted set's top ``count``, ``member``'s (rank, score) and, given a ``prefix``, the
    values kept under prefix + each top member's name, read in one atomic round trip (a script)
    and only while the structure is complete; None otherwise (the caller then takes the healing
    read, ``heal``). Writes nothing: a marker left to settle counts as incomplete."""
    if _unsettled:
        return None
    keys_and_args = (derived.marker, derived.key, count, member or "", prefix)
    try:
        found: Any = await redis.evalsha(_RANKS_SHA, 2, *keys_and_args)
    except NoScriptError:
        found = await redis.eval(_RANKS, 2, *keys_and_args)
    if not found:
        return None
    flat, rank, score, kept = found
    top = [(_text(flat[i]), int(float(flat[i + 1]))) for i in range(0, len(flat), 2)]
    placed = (int(rank) + 1, int(float(score or 0))) if member and int(rank) >= 0 else None
    return Ranks(top, placed, [_text(v) or None for v in kept] if prefix else [])


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def ranked(values: dict[str, int]) -> list[tuple[str, int]]:
    """A sorted set's order (score, then member, both descending), for database-read boards."""
    return sorted(values.items(), key=lambda item: (item[1], item[0]), reverse=True)


# --- timeouts -----------------------------------------------------------------------------


def as_busy(error: BaseException | None) -> ServiceBusyError | None:
    """The typed, retryable answer for a store that timed out or went away, else None: a
    statement or lock timeout (PostgreSQL 57014 / 55P03), a client command timeout, a lost or
    refused connection, a Redis timeout or connection error. Looks through the cause chain,
    since the ORM wraps the driver's errors."""
    import asyncpg

    busy_kinds: tuple[type[BaseException], ...] = (
        asyncpg.QueryCanceledError,
        asyncpg.LockNotAvailableError,
        asyncpg.TooManyConnectionsError,
        asyncpg.CannotConnectNowError,
        asyncpg.ConnectionDoesNotExistError,
        asyncpg.InterfaceError,  # a pool closing under the request, a connection lost
        TimeoutError,
        ConnectionError,
        RedisConnectionError,
        RedisTimeoutError,
    )
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, ServiceBusyError):
            return error
        if isinstance(error, asyncpg.DataError):  # bad values: the request's fault, not a store's
            return None
        if isinstance(error, busy_kinds):
            return ServiceBusyError()
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


# --- migrations ----------------------------------------------------------------------------

# pg_advisory_lock key for applying migrations: any constant shared by every process.
MIGRATION_LOCK_KEY = 0x6C696E6C69  # "linli"


async def apply_migrations(config: dict[str, Any]) -> None:
    """Apply every migration in ``migrations/``; safe to call when nothing is pending, and safe
    to call from several processes at once: they take turns (a PostgreSQL advisory lock, or a
    file lock next to the SQLite file) and the later ones find nothing pending."""
    from tortoise.migrations.api.migrate import migrate

    async with _migration_lock(config):
        await migrate(config=config)


@contextlib.asynccontextmanager
async def _migration_lock(config: dict[str, Any]) -> AsyncIterator[None]:
    connection = config["connections"]["default"]
    if isinstance(connection, dict) and "asyncpg" in connection.get("engine", ""):
        import asyncpg

        credentials = connection["credentials"]
        admin = await asyncpg.connect(
            host=credentials.get("host"),
            port=credentials.get("port"),
            user=credentials.get("user"),
            password=credentials.get("password"),
            database=credentials.get("database"),
        )
        try:
            await admin.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
            try:
                yield
            finally:
                await admin.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        finally:
            await admin.close()
        return
    if isinstance(connection, str) and connection.startswith("sqlite://"):
        database = connection[len("sqlite://") :].split("?")[0]
        if database and database != ":memory:":
            lock_path = Path(database + ".migrate-lock")
            lock_path.parent.mkdir(parents=True, exist_ok=True)
            with lock_path.open("w") as handle:  # noqa: ASYNC230 (opening a lock file)
                await asyncio.to_thread(fcntl.flock, handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
            return
    yield


async def pending_migrations(config: dict[str, Any]) -> list[str]:
    """Names of migrations not yet applied, on the already-open default connection."""
    from tortoise.connection import get_connection
    from tortoise.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(get_connection("default"), config["apps"])
    plan = await executor.plan(None)
    return [
        f"{step.migration.app_label}.{step.migration.name}" for step in plan if not step.backward
    ]
