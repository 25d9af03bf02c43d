"""Linli's configuration: the only module that reads the environment.

Zero-setup default: a SQLite file and an in-process Redis (``memory://``) in a data folder, so a
first run needs no servers. Production and CI point ``DATABASE_URL`` at PostgreSQL
(``postgres://…``) and ``REDIS_URL`` at Redis (``redis://…``).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MODEL_MODULES = [
    "domain.identity.models",
    "domain.points.models",
    "domain.rewards.models",
    "domain.groups.models",
    "domain.media.models",
    "domain.posts.models",
    "domain.purchases.models",
    "domain.referrals.models",
    "domain.segments.models",
    "domain.campaigns.models",
    "domain.honours.models",
    "domain.notifications.models",
    "domain.notifications.push_models",
    "domain.events.models",
    "domain.programme.models",
    "domain.search.models",
    "domain.safety.models",
    "domain.privacy.request_models",
    "domain.privacy.record_models",
    "domain.webhooks.models",
    "domain.exposures.models",
    "domain.playbooks.models",
    "domain.products.models",
]


# The address the site answers on when PUBLIC_URL is not set; pages then build their absolute links
# from the request instead.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def _flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "on"}


def default_data_dir() -> Path:
    return Path(_env("LINLI_DATA_DIR", str(Path.cwd() / "data"))).resolve()


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite://{data_dir / 'linli.sqlite3'}"


def _secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, or generated once into the data folder."""
    from_env = os.environ.get("SECRET_KEY", "").strip()
    if from_env:
        return from_env
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


@dataclass(frozen=True)
class Limits:
    """Abuse limits; the numbers of PRODUCT.md § Limits."""

    graphql_max_depth: int = 8
    graphql_max_tokens: int = 1000
    graphql_max_aliases: int = 15
    graphql_max_body_bytes: int = 64 * 1024
    page_size_max: int = 50
    login_per_minute: int = 10
    redemptions_per_minute: int = 5
    votes_per_minute: int = 30


@dataclass(frozen=True)
class StoreLimits:
    """Connection pools and timeouts of PostgreSQL and Redis, per app process.

    A burst waits for a connection (up to the pool timeout) instead of failing; a statement or a
    lock wait past its timeout ends with a typed, retryable SERVICE_BUSY answer instead of
    stalling every request; ``/healthz`` gives each dependency ``health_check_seconds``."""

    redis_max_connections: int = 64
    redis_pool_timeout: float = 5.0  # seconds a command waits for a free connection
    redis_socket_timeout: float = 2.0  # a paused or lost Redis fails a command after this
    redis_connect_timeout: float = 1.0
    redis_health_check_interval: int = 10  # seconds idle before a connection is PINGed on use
    redis_retries: int = 2  # reconnect attempts on a connection error (stale after a restart)
    db_max_connections: int = 20  # asyncpg pool size (maxsize)
    db_connect_timeout: float = 3.0  # seconds to open a new connection
    db_statement_timeout_ms: int = 5000
    db_lock_timeout_ms: int = 2000
    db_command_timeout: float | None = 8.0  # client side, above the statement timeout
    health_check_seconds: float = 0.4


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    secret_key: str
    data_dir: Path
    debug: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    wechat_base_url: str = "https://api.weixin.qq.com"
    wechat_app_id: str = ""
    wechat_app_secret: str = ""
    # WeChat subscription messages: the template id per notification kind ((kind, id) pairs;
    # a kind without one is never pushed), the mini-program page a message opens, and how many
    # pushes a member gets per Shanghai calendar day (transactional kinds aside).
    wechat_templates: tuple[tuple[str, str], ...] = ()
    wechat_push_page: str = "pages/notifications/index"
    notification_push_budget: int = 3
    # WeChat's content security for images (mediaCheckAsync): uploads are sent to it and its
    # verdict arrives at /api/wechat/events, signed with the push token of the mini-program's
    # message-push settings. public_url is this site's address as WeChat fetches images from it.
    wechat_media_check: bool = False
    wechat_push_token: str = ""
    public_url: str = DEFAULT_PUBLIC_URL
    # The CJK font share posters are drawn with (a .ttc/.ttf/.otf); unset, Noto Sans CJK where
    # Debian's fonts-noto-cjk puts it (or fontconfig finds it).
    poster_font: Path | None = None
    access_token_seconds: int = 2 * 3600
    refresh_token_seconds: int = 30 * 24 * 3600
    portal_session_seconds: int = 30 * 24 * 3600
    https_only_cookies: bool = False
    privacy_policy_version: str = "2026-11"
    # Webhook addresses on loopback or private ranges are refused (SSRF) unless this is on: a
    # receiver on the same machine in tests or a closed network.
    webhooks_allow_private: bool = False
    trusted_proxy_count: int = 0
    media_dir: Path | None = None  # uploaded images; <data>/media when unset
    limits: Limits = field(default_factory=Limits)
    stores: StoreLimits = field(default_factory=StoreLimits)
    # The GraphQL edge. Persisted queries: "open" registers any valid document on first use
    # (Apollo's automatic persisted queries), "allowlist" serves only the contract's operations.
    persisted_queries: str = "open"
    persisted_query_max_bytes: int = 16 * 1024
    persisted_registrations_per_minute: int = 20  # per client IP
    mutations_per_minute: int = 30  # per member, every mutation (PRODUCT.md § Limits)
    graphql_max_string_chars: int = 20_000  # any string in a request's variables
    # Registered query operations answered by their compiled plans (api/compiled/) where a plan
    # covers the request; off, the general GraphQL execution answers everything.
    graphql_compiled: bool = True
    # What an empty database becomes: the Chinese demo (zero-setup default), or, when off, a
    # programme whose first admin is created on the setup page (/setup) with a setup code.
    demo: bool = True
    # A product's page in the brand's mall: ``{sku}`` is replaced by the product's SKU (a web
    # address, or the mini-program's page path).
    product_url_template: str = "/mall?sku={sku}"
    # Recording who saw which post (domain/exposures/). Off, the recording services take nothing
    # (no Redis write, no per-member limit) while the mini-program's report and the portal's
    # beacon answer as before: for a programme without attribution, and for the bench's on/off.
    exposures_enabled: bool = True

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite://")

    @property
    def uses_memory_redis(self) -> bool:
        return self.redis_url.startswith("memory://")

    @property
    def media_root(self) -> Path:
        return self.media_dir or self.data_dir / "media"

    def template_for(self, kind: str) -> str | None:
        """The WeChat template id configured for a notification kind, if any."""
        return dict(self.wechat_templates).get(kind)

    @property
    def template_ids(self) -> frozenset[str]:
        return frozenset(template for _, template in self.wechat_templates)

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def load_settings() -> Settings:
    data_dir = default_data_dir()
    return Settings(
        database_url=_env("DATABASE_URL", sqlite_url(data_dir)),
        redis_url=_env("REDIS_URL", "memory://"),
        secret_key=_secret_key(data_dir),
        data_dir=data_dir,
        debug=_flag("DEBUG"),
        host=_env("HOST", "127.0.0.1"),
        port=int(_env("PORT", "8000")),
        log_level=_env("LOG_LEVEL", "INFO").upper(),
        wechat_base_url=_env("WECHAT_BASE_URL", "https://api.weixin.qq.com"),
        wechat_app_id=_env("WECHAT_APP_ID", ""),
        wechat_app_secret=_env("WECHAT_APP_SECRET", ""),
        wechat_templates=parse_templates(_env("WECHAT_TEMPLATES", "")),
        wechat_push_page=_env("WECHAT_PUSH_PAGE", "pages/notifications/index"),
        notification_push_budget=int(_env("NOTIFICATION_PUSH_BUDGET", "3")),
        wechat_media_check=_flag("WECHAT_MEDIA_CHECK"),
        wechat_push_token=_env("WECHAT_PUSH_TOKEN", ""),
        public_url=_public_url(_flag("WECHAT_MEDIA_CHECK")),
        poster_font=Path(_env("POSTER_FONT", "")) if _env("POSTER_FONT", "") else None,
        https_only_cookies=_flag("HTTPS_ONLY_COOKIES"),
        webhooks_allow_private=_flag("WEBHOOKS_ALLOW_PRIVATE"),
        trusted_proxy_count=int(_env("TRUSTED_PROXY_COUNT", "0")),
        media_dir=Path(_env("MEDIA_DIR", str(data_dir / "media"))).resolve(),
        limits=Limits(
            login_per_minute=int(_env("LOGIN_PER_MINUTE", "10")),
            redemptions_per_minute=int(_env("REDEMPTIONS_PER_MINUTE", "5")),
        ),
        stores=load_store_limits(),
        persisted_queries=_persisted_mode(_env("PERSISTED_QUERIES", "open")),
        persisted_query_max_bytes=int(_env("PERSISTED_QUERY_MAX_BYTES", str(16 * 1024))),
        persisted_registrations_per_minute=int(_env("PERSISTED_REGISTRATIONS_PER_MINUTE", "20")),
        mutations_per_minute=int(_env("MUTATIONS_PER_MINUTE", "30")),
        graphql_max_string_chars=int(_env("GRAPHQL_MAX_STRING_CHARS", "20000")),
        graphql_compiled=_flag("GRAPHQL_COMPILED", True),
        product_url_template=_product_url_template(_env("PRODUCT_URL_TEMPLATE", "/mall?sku={sku}")),
        demo=_flag("LINLI_DEMO", True),
        exposures_enabled=_flag("EXPOSURES_ENABLED", True),
    )


def _public_url(media_check: bool) -> str:
    """WeChat fetches the images a media check names from this address: with the check on, an
    unset or loopback address would send it somewhere it cannot reach, and every check would
    fail quietly, so the server refuses to start."""
    raw = _env("PUBLIC_URL", "")
    if media_check:
        host = urlsplit(raw).hostname or ""
        if not raw or host in ("localhost", "") or host.startswith("127.") or host == "::1":
            raise ValueError("WECHAT_MEDIA_CHECK needs PUBLIC_URL, the address WeChat can reach")
    return raw or DEFAULT_PUBLIC_URL


def _product_url_template(raw: str) -> str:
    """A template that does not name the SKU would send every product card to the same page."""
    if "{sku}" not in raw:
        raise ValueError("PRODUCT_URL_TEMPLATE must contain {sku}")
    return raw


def choose_no_demo() -> None:
    """``linli serve --no-demo``: the app factory (in this process or uvicorn's workers) reads
    its settings from the environment again, so the choice travels there."""
    os.environ["LINLI_DEMO"] = "0"


def maintenance_limits() -> StoreLimits:
    """The command line's work (migrations, the demo, imports, tier recomputes, the job worker)
    runs long statements on purpose: no statement or client-side timeout, the lock timeout kept so
    it never waits behind a stuck request for ever."""
    return replace(load_store_limits(), db_statement_timeout_ms=0, db_command_timeout=None)


def load_store_limits() -> StoreLimits:
    d = StoreLimits()
    return StoreLimits(
        redis_max_connections=int(_env("REDIS_MAX_CONNECTIONS", str(d.redis_max_connections))),
        redis_pool_timeout=float(_env("REDIS_POOL_TIMEOUT", str(d.redis_pool_timeout))),
        redis_socket_timeout=float(_env("REDIS_SOCKET_TIMEOUT", str(d.redis_socket_timeout))),
        redis_connect_timeout=float(_env("REDIS_CONNECT_TIMEOUT", str(d.redis_connect_timeout))),
        redis_health_check_interval=int(
            _env("REDIS_HEALTH_CHECK_INTERVAL", str(d.redis_health_check_interval))
        ),
        redis_retries=int(_env("REDIS_RETRIES", str(d.redis_retries))),
        db_max_connections=int(_env("DB_MAX_CONNECTIONS", str(d.db_max_connections))),
        db_connect_timeout=float(_env("DB_CONNECT_TIMEOUT", str(d.db_connect_timeout))),
        db_statement_timeout_ms=int(
            _env("DB_STATEMENT_TIMEOUT_MS", str(d.db_statement_timeout_ms))
        ),
        db_lock_timeout_ms=int(_env("DB_LOCK_TIMEOUT_MS", str(d.db_lock_timeout_ms))),
        db_command_timeout=float(_env("DB_COMMAND_TIMEOUT", str(d.db_command_timeout))),
        health_check_seconds=float(_env("HEALTH_CHECK_SECONDS", str(d.health_check_seconds))),
    )


def parse_templates(raw: str) -> tuple[tuple[str, str], ...]:
    """``WECHAT_TEMPLATES="COMMENT=tplA,WAITLIST_PROMOTED=tplB"``: (kind, template id) pairs."""
    pairs: list[tuple[str, str]] = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        kind, _, template = (side.strip() for side in item.partition("="))
        if not kind or not template:
            raise ValueError(f"WECHAT_TEMPLATES: {item!r} is not KIND=template_id")
        pairs.append((kind.upper(), template))
    kinds = [kind for kind, _ in pairs]
    if len(set(kinds)) != len(kinds):
        raise ValueError("WECHAT_TEMPLATES names a kind twice")
    return tuple(pairs)


def _persisted_mode(raw: str) -> str:
    mode = raw.lower()
    if mode not in {"open", "allowlist"}:
        raise ValueError(f"PERSISTED_QUERIES must be open or allowlist, not {raw!r}")
    return mode


async def _keep_session(connection: object) -> None:
    """Pool release without asyncpg's reset query (RESET ALL, UNLISTEN, CLOSE ALL, advisory
    unlocks): nothing here sets session state, and asyncpg still rolls back an open transaction.
    Saves a round trip after every statement."""


def _connection(database_url: str, limits: StoreLimits) -> str | dict[str, Any]:
    if not database_url.startswith(("postgres://", "postgresql://")):
        return database_url
    from tortoise.backends.base.config_generator import expand_db_url

    config: dict[str, Any] = expand_db_url(database_url)
    if config["engine"] == "tortoise.backends.asyncpg":
        credentials = config["credentials"]
        credentials.setdefault("reset", _keep_session)
        maxsize = int(credentials.get("maxsize", limits.db_max_connections))  # ?maxsize= wins
        credentials["maxsize"] = maxsize
        credentials["minsize"] = min(int(credentials.get("minsize", 1)), maxsize)
        credentials.setdefault("timeout", limits.db_connect_timeout)
        credentials.setdefault("command_timeout", limits.db_command_timeout)
        credentials.setdefault(
            "server_settings",
            {
                "statement_timeout": str(limits.db_statement_timeout_ms),
                "lock_timeout": str(limits.db_lock_timeout_ms),
                # an abandoned transaction must not hold its locks for ever
                "idle_in_transaction_session_timeout": str(10 * limits.db_statement_timeout_ms),
                # Short statements only: compiling one (a search's plan costs past the JIT's
                # threshold) takes longer than running it.
                "jit": "off",
            },
        )
    return config


def tortoise_config(database_url: str, limits: StoreLimits | None = None) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url, limits or load_store_limits())},
        "apps": {
            "linli": {
                "models": MODEL_MODULES,
                "migrations": "migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For tortoise's own CLI (`tortoise -c settings.TORTOISE_ORM makemigrations`).
TORTOISE_ORM = tortoise_config(_env("DATABASE_URL", sqlite_url(default_data_dir())))
