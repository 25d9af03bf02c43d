"""The first run: a fresh server without the demo has no admin. Whoever holds the one-time setup
code (printed on the server's console at startup, or by ``linli setup-code``) creates the first
admin and names the brand; after that the setup is closed for good.

The code lives in Redis (every worker shows the same one), is compared in constant time, and is
deleted once used. Attempts are rate limited per client like logins. Two setups racing each
other create one admin: both write the brand's first version in the same transaction as the
admin, and the unique version index lets only one of them commit."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.audit import record_change
from domain.collaborators import Collaborators
from domain.errors import FieldError, InvalidInputError
from domain.identity import rules
from domain.identity.models import Member, Role
from domain.identity.passwords import hash_password
from domain.identity.services import create_member_with_invite_code
from domain.programme.brand import brand_field_errors, forget_current_brand, latest_version
from domain.programme.brand import write_version as write_brand_version
from domain.programme.errors import InvalidSetupCodeError, SetupAlreadyDoneError
from domain.ratelimit import Limit, hit_all

CODE_KEY = "programme:setup-code"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a console, typed by hand
_GROUPS, _GROUP_LENGTH = 4, 4  # 16 characters of 32: 80 bits


@dataclass(frozen=True)
class FirstRun:
    """What the setup page asks for."""

    setup_code: str
    phone: str
    display_name: str
    password: str
    brand_name: str


async def admin_exists(connection: BaseDBAsyncClient | None = None) -> bool:
    """Roles are a JSON list; its text form names ADMIN in quotes on SQLite and PostgreSQL."""
    db = connection or connections.get("default")
    rows = await db.execute_query_dict(
        "SELECT 1 FROM member WHERE CAST(roles AS TEXT) LIKE '%\"ADMIN\"%' LIMIT 1"
    )
    return bool(rows)


def new_setup_code() -> str:
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(_GROUPS * _GROUP_LENGTH))
    return "-".join(chars[i : i + _GROUP_LENGTH] for i in range(0, len(chars), _GROUP_LENGTH))


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


async def issue_setup_code(c: Collaborators) -> str | None:
    """The setup code while the programme has no admin (the one already issued, or a new one);
    None once an admin exists."""
    if await admin_exists():
        await c.redis.delete(CODE_KEY)
        return None
    await c.redis.set(CODE_KEY, new_setup_code(), nx=True)  # several workers agree on one
    code = await c.redis.get(CODE_KEY)
    return str(code) if code is not None else None


def _field_errors(form: FirstRun, phone: str, name: str, brand_name: str) -> list[FieldError]:
    """The rules of ``linli create-admin`` for the admin, the brand's for its name."""
    found = [
        FieldError(field, message)
        for field, message in (
            ("phone", rules.phone_error(phone)),
            ("displayName", rules.display_name_error(name)),
            ("password", rules.password_error(form.password)),
        )
        if message
    ]
    return found + [FieldError("brandName", e.message) for e in brand_field_errors(brand_name)]


async def _check_code(c: Collaborators, offered: str) -> None:
    kept = await c.redis.get(CODE_KEY)
    stored = str(kept) if kept else ""
    given = normalise_code(offered)
    # compare_digest takes as long whatever the first wrong character
    if not stored or not given or not hmac.compare_digest(normalise_code(stored), given):
        raise InvalidSetupCodeError()


async def complete_setup(c: Collaborators, form: FirstRun, ip: str) -> Member:
    """Create the first admin and the brand's first version, once, for the code's holder."""
    per_minute = c.settings.limits.login_per_minute
    await hit_all(c.redis, [(Limit("setup:ip", per_minute, 60), ip)])
    if await admin_exists():
        raise SetupAlreadyDoneError()
    await _check_code(c, form.setup_code)
    phone = rules.normalise_phone(form.phone)
    name = rules.clean_display_name(form.display_name)
    brand_name = " ".join(form.brand_name.split())
    errors = _field_errors(form, phone, name, brand_name)
    if not errors and await Member.filter(phone=phone).exists():
        errors.append(FieldError("phone", "该手机号已注册：请用 linli create-admin 设为管理员"))
    if errors:
        raise InvalidInputError(errors, "; ".join(e.message for e in errors))
    password_hash = await hash_password(form.password)
    try:
        admin = await _create_first_admin(c, phone, name, password_hash, brand_name)
    except IntegrityError as error:  # a concurrent setup committed first
        raise SetupAlreadyDoneError() from error
    await c.redis.delete(CODE_KEY)  # single use
    await forget_current_brand(c)
    return admin


async def _create_first_admin(
    c: Collaborators, phone: str, name: str, password_hash: str, brand_name: str
) -> Member:
    now = c.clock.now()
    async with in_transaction() as connection:
        # The brand version is read before the admin check: a setup that read it before another
        # committed collides with it on the unique version; one that read it after sees its admin.
        previous = await latest_version()
        if await admin_exists(connection):
            raise SetupAlreadyDoneError()
        admin = await create_member_with_invite_code(
            phone=phone,
            password_hash=password_hash,
            display_name=name,
            roles=[Role.RESIDENT.value, Role.ADMIN.value],
            last_seen_at=now,
            created_at=now,
        )
        await record_change(
            actor_id=admin.id,
            action="FIRST_ADMIN_CREATED",
            target_type="MEMBER",
            target_id=admin.id,
            now=now,
            before={},
            after={"display_name": name, "roles": admin.roles},
        )
        about = previous.about if previous else ""
        logo = previous.logo_url if previous else None
        await write_brand_version(
            c, admin, previous, {"name": brand_name, "about": about, "logo_url": logo}
        )
    return admin


@dataclass(frozen=True)
class GettingStarted:
    """The back office's first steps after the setup, until neighbours can join a group."""

    has_estate: bool  # an active estate with a pickup point
    has_group: bool  # an active interest group (every group has its host)

    @property
    def complete(self) -> bool:
        return self.has_estate and self.has_group


async def getting_started() -> GettingStarted:
    from domain.groups.models import InterestGroup
    from domain.identity.models import PickupPoint

    return GettingStarted(
        has_estate=await PickupPoint.filter(
            archived_at__isnull=True, estate__archived_at__isnull=True
        ).exists(),
        has_group=await InterestGroup.filter(archived_at__isnull=True).exists(),
    )
