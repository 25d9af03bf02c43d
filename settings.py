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
    "domain.events.models",
]


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
    access_token_seconds: int = 2 * 3600
    refresh_token_seconds: int = 30 * 24 * 3600
    portal_session_seconds: int = 30 * 24 * 3600
    https_only_cookies: bool = False
    privacy_policy_version: str = "2026-11"
    trusted_proxy_count: int = 0
    media_dir: Path | None = None  # uploaded images; <data>/media when unset
    limits: Limits = field(default_factory=Limits)
    # The GraphQL edge. Persisted queries: "open" registers any valid document on first use
    # (Apollo's automatic persisted queries), "allowlist" serves only the contract's operations.
    persisted_queries: str = "open"
    persisted_query_max_bytes: int = 16 * 1024
    persisted_registrations_per_minute: int = 20  # per client IP
    mutations_per_minute: int = 30  # per member, every mutation (PRODUCT.md § Limits)
    graphql_max_string_chars: int = 20_000  # any string in a request's variables

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite://")

    @property
    def uses_memory_redis(self) -> bool:
        return self.redis_url.startswith("memory://")

    @property
    def media_root(self) -> Path:
        return self.media_dir or self.data_dir / "media"

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
        https_only_cookies=_flag("HTTPS_ONLY_COOKIES"),
        trusted_proxy_count=int(_env("TRUSTED_PROXY_COUNT", "0")),
        media_dir=Path(_env("MEDIA_DIR", str(data_dir / "media"))).resolve(),
        limits=Limits(login_per_minute=int(_env("LOGIN_PER_MINUTE", "10"))),
        persisted_queries=_persisted_mode(_env("PERSISTED_QUERIES", "open")),
        persisted_query_max_bytes=int(_env("PERSISTED_QUERY_MAX_BYTES", str(16 * 1024))),
        persisted_registrations_per_minute=int(_env("PERSISTED_REGISTRATIONS_PER_MINUTE", "20")),
        mutations_per_minute=int(_env("MUTATIONS_PER_MINUTE", "30")),
        graphql_max_string_chars=int(_env("GRAPHQL_MAX_STRING_CHARS", "20000")),
    )


def _persisted_mode(raw: str) -> str:
    mode = raw.lower()
    if mode not in {"open", "allowlist"}:
        raise ValueError(f"PERSISTED_QUERIES must be open or allowlist, not {raw!r}")
    return mode


async def _keep_session(connection: object) -> None:
    """Pool release without asyncpg's reset query (RESET ALL, UNLISTEN, CLOSE ALL, advisory
    unlocks): nothing here sets session state, and asyncpg still rolls back an open transaction.
    Saves a round trip after every statement."""


def _connection(database_url: str) -> str | dict[str, Any]:
    if not database_url.startswith(("postgres://", "postgresql://")):
        return database_url
    from tortoise.backends.base.config_generator import expand_db_url

    config: dict[str, Any] = expand_db_url(database_url)
    if config["engine"] == "tortoise.backends.asyncpg":
        config["credentials"].setdefault("reset", _keep_session)
    return config


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
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
