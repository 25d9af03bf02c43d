"""Rows for tests, made through the same models the services use."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from domain.identity import rules
from domain.identity.models import (
    Estate,
    EstateVerification,
    InterestTag,
    Member,
    Role,
    VerifiedBy,
)
from domain.identity.passwords import hash_password
from domain.media.models import Image
from settings import Settings

PASSWORD = "neighbour-2026"
# Where the tests' injected clock starts (tests/conftest.py): rows made here are stamped with it,
# never with the wall clock, so a test reads the same on any day.
CLOCK_START = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
_phones = itertools.count(13900000000)
_image_keys = itertools.count(1)
_hash_cache: dict[str, str] = {}


async def make_estate(
    name: str = "翠湖花园", city: str = "上海", district: str = "浦东新区"
) -> Estate:
    return await Estate.create(name=name, city=city, district=district, created_at=CLOCK_START)


async def make_tag(name: str) -> InterestTag:
    return await InterestTag.create(name=name, created_at=CLOCK_START)


async def make_member(
    *,
    phone: str | None = None,
    password: str = PASSWORD,
    display_name: str = "邻居",
    estate: Estate | None = None,
    roles: tuple[Role, ...] = (Role.RESIDENT,),
    joined_at: datetime = CLOCK_START,
    verified: bool = True,
) -> Member:
    """``verified``: a resident verified in ``estate`` (as an order picked up there makes
    them), which estate-only votes and events ask for; the tests of verification say False."""
    if password not in _hash_cache:
        _hash_cache[password] = await hash_password(password)
    member = await Member.create(
        phone=phone or str(next(_phones)),
        password_hash=_hash_cache[password],
        display_name=display_name,
        estate=estate,
        roles=[role.value for role in roles],
        invite_code=rules.new_invite_code(),
        consent_version=Settings.privacy_policy_version,  # as registration records it
        consented_at=joined_at,
        created_at=joined_at,
    )
    if verified and estate is not None:
        await EstateVerification.create(
            member=member, estate=estate, via=VerifiedBy.PURCHASE, verified_at=joined_at
        )
    return member


async def make_image(owner: Member) -> Image:
    """An upload of ``owner``'s, as POST /api/uploads records it (the file itself is not needed)."""
    return await Image.create(
        owner=owner,
        storage_key=f"{next(_image_keys):032x}.png",
        content_type="image/png",
        width=64,
        height=64,
        size_bytes=100,
        created_at=CLOCK_START,
    )
