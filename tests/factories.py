"""Rows for tests, made through the same models the services use."""

from __future__ import annotations

import itertools

from domain.identity import rules
from domain.identity.models import Estate, InterestTag, Member, Role
from domain.identity.passwords import hash_password

PASSWORD = "neighbour-2026"
_phones = itertools.count(13900000000)
_hash_cache: dict[str, str] = {}


async def make_estate(
    name: str = "翠湖花园", city: str = "上海", district: str = "浦东新区"
) -> Estate:
    return await Estate.create(name=name, city=city, district=district)


async def make_tag(name: str) -> InterestTag:
    return await InterestTag.create(name=name)


async def make_member(
    *,
    phone: str | None = None,
    password: str = PASSWORD,
    display_name: str = "邻居",
    estate: Estate | None = None,
    roles: tuple[Role, ...] = (Role.RESIDENT,),
) -> Member:
    if password not in _hash_cache:
        _hash_cache[password] = await hash_password(password)
    return await Member.create(
        phone=phone or str(next(_phones)),
        password_hash=_hash_cache[password],
        display_name=display_name,
        estate=estate,
        roles=[role.value for role in roles],
        invite_code=rules.new_invite_code(),
    )
