"""The first run (one admin, made once, by the holder of the one-time setup code) and the brand
(versioned, audited, admins only)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import InvalidInputError, PermissionDeniedError, RateLimitedError
from domain.groups.models import InterestGroup
from domain.identity.models import Member, PickupPoint, Role
from domain.identity.passwords import verify_password
from domain.media.models import Image
from domain.posts.models import AuditLogEntry
from domain.programme import brand, first_run
from domain.programme.errors import (
    InvalidSetupCodeError,
    SetupAlreadyDoneError,
    VersionConflictError,
)
from domain.programme.first_run import FirstRun
from domain.programme.models import BrandProfile
from settings import Limits
from tests.factories import CLOCK_START, make_estate, make_member

IP = "203.0.113.9"


def setup_form(code: str, phone: str = "13700000001", **changes: str) -> FirstRun:
    values = {
        "setup_code": code,
        "phone": phone,
        "display_name": "运营小王",
        "password": "first-admin-2026",
        "brand_name": "青禾邻里",
    }
    return FirstRun(**{**values, **changes})


def limited(c: Collaborators, per_minute: int) -> Collaborators:
    return replace(c, settings=replace(c.settings, limits=Limits(login_per_minute=per_minute)))


async def admins() -> list[Member]:
    return [m for m in await Member.all() if m.has_role(Role.ADMIN)]


async def test_the_setup_code_holder_creates_the_first_admin_and_the_brand_once(
    collaborators: Collaborators,
) -> None:
    code = await first_run.issue_setup_code(collaborators)
    assert code is not None and len(first_run.normalise_code(code)) == 16
    assert await first_run.issue_setup_code(collaborators) == code  # every worker shows one code

    admin = await first_run.complete_setup(collaborators, setup_form(code.lower()), IP)

    stored = await Member.get(id=admin.id)
    assert stored.roles == ["RESIDENT", "ADMIN"] and stored.display_name == "运营小王"
    assert await verify_password(stored.password_hash, "first-admin-2026")
    profile = await BrandProfile.get()
    assert (profile.version, profile.name, profile.created_by_id) == (1, "青禾邻里", admin.id)
    actions = sorted(await column(AuditLogEntry.all(), "action"))
    assert actions == ["BRAND_UPDATED", "FIRST_ADMIN_CREATED"]
    assert await collaborators.redis.get(first_run.CODE_KEY) is None  # used up
    assert await first_run.issue_setup_code(collaborators) is None
    assert (await brand.current_brand(collaborators)).name == "青禾邻里"


async def test_setup_is_refused_once_an_admin_exists(collaborators: Collaborators) -> None:
    code = await first_run.issue_setup_code(collaborators)
    assert code is not None
    await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    with pytest.raises(SetupAlreadyDoneError):
        await first_run.complete_setup(collaborators, setup_form(code), IP)
    assert len(await admins()) == 1 and not await BrandProfile.exists()


async def test_the_setup_code_works_only_once(collaborators: Collaborators) -> None:
    code = await first_run.issue_setup_code(collaborators)
    assert code is not None
    admin = await first_run.complete_setup(collaborators, setup_form(code), IP)
    # Even with no admin left, the used code opens nothing.
    await Member.filter(id=admin.id).update(roles=["RESIDENT"])
    with pytest.raises(InvalidSetupCodeError):
        await first_run.complete_setup(collaborators, setup_form(code, "13700000002"), IP)
    assert await admins() == [] and await Member.all().count() == 1


async def test_a_wrong_code_is_refused_and_repeated_attempts_are_rate_limited(
    collaborators: Collaborators,
) -> None:
    c = limited(collaborators, 3)
    code = await first_run.issue_setup_code(c)
    assert code is not None
    for wrong in ("", "AAAA-BBBB-CCCC-DDDD", code[:-1]):
        with pytest.raises(InvalidSetupCodeError):
            await first_run.complete_setup(c, setup_form(wrong), IP)
    with pytest.raises(RateLimitedError):  # the right code, too late: the limit comes first
        await first_run.complete_setup(c, setup_form(code), IP)
    assert await Member.all().count() == 0 and not await BrandProfile.exists()
    admin = await first_run.complete_setup(c, setup_form(code), "198.51.100.4")  # another client
    assert admin.has_role(Role.ADMIN)


async def test_setup_applies_the_create_admin_rules_and_keeps_the_code_on_bad_input(
    collaborators: Collaborators,
) -> None:
    code = await first_run.issue_setup_code(collaborators)
    assert code is not None
    bad = setup_form(code, "12345", password="short", brand_name=" ", display_name="")
    with pytest.raises(InvalidInputError) as refused:
        await first_run.complete_setup(collaborators, bad, IP)
    fields = {e.field for e in refused.value.field_errors}
    assert fields == {"phone", "password", "displayName", "brandName"}
    assert await Member.all().count() == 0
    assert await collaborators.redis.get(first_run.CODE_KEY) == code


@pytest.mark.postgres_only
async def test_concurrent_setups_with_the_right_code_create_one_admin(
    collaborators: Collaborators,
) -> None:
    c = limited(collaborators, 1000)
    code = await first_run.issue_setup_code(c)
    assert code is not None
    results = await asyncio.gather(
        *(first_run.complete_setup(c, setup_form(code, f"1370000{n:04d}"), IP) for n in range(8)),
        return_exceptions=True,
    )
    made = [r for r in results if isinstance(r, Member)]
    refused = [r for r in results if isinstance(r, SetupAlreadyDoneError | InvalidSetupCodeError)]
    assert (len(made), len(refused)) == (1, 7), results
    assert [m.id for m in await admins()] == [made[0].id]
    assert await Member.all().count() == 1 and await BrandProfile.all().count() == 1


# The brand -----------------------------------------------------------------------------------


async def logo_of(owner: Member, key: str = "a1b2c3.png") -> Image:
    return await Image.create(
        owner=owner,
        storage_key=key,
        content_type="image/png",
        width=64,
        height=64,
        size_bytes=100,
        created_at=CLOCK_START,
    )


async def test_an_admin_writes_the_next_brand_version_with_its_audit_entry(
    collaborators: Collaborators,
) -> None:
    admin = await make_member(roles=(Role.ADMIN,))
    assert not (await brand.current_brand(collaborators)).is_set
    logo = await logo_of(admin)
    first = await brand.update_brand(
        collaborators, admin, " 青禾  邻里 ", "第一段\n\n第二段", logo.id
    )
    assert (first.version, first.name, first.logo_url) == (1, "青禾 邻里", "/media/a1b2c3.png")
    second = await brand.update_brand(collaborators, admin, "青禾社区", "")
    assert (second.version, second.logo_url) == (2, "/media/a1b2c3.png")  # the logo is kept
    third = await brand.update_brand(collaborators, admin, "青禾社区", "", remove_logo=True)
    assert third.logo_url is None
    current = await brand.current_brand(collaborators)  # the cache was dropped after each
    assert (current.name, current.version, current.logo_url) == ("青禾社区", 3, None)
    entries = await AuditLogEntry.filter(action="BRAND_UPDATED").order_by("id")
    assert [e.actor_id for e in entries] == [admin.id] * 3
    first_change, second_change = entries[0], entries[1]
    assert first_change.before == {} and first_change.after is not None
    assert first_change.after["name"] == "青禾 邻里"
    assert second_change.before is not None and second_change.after is not None
    assert second_change.before["name"] == "青禾 邻里" and second_change.after["name"] == "青禾社区"


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.HOST, Role.MODERATOR])
async def test_only_admins_may_change_the_brand(collaborators: Collaborators, role: Role) -> None:
    member = await make_member(roles=(role,))
    with pytest.raises(PermissionDeniedError):
        await brand.update_brand(collaborators, member, "青禾", "")
    assert not await BrandProfile.exists() and not await AuditLogEntry.exists()


@pytest.mark.parametrize(
    ("name", "about", "field"),
    [
        ("", "", "name"),
        ("   ", "", "name"),
        ("名" * 41, "", "name"),
        ("青禾", "字" * 5001, "about"),
    ],
)
async def test_a_blank_or_too_long_brand_is_refused(
    collaborators: Collaborators, name: str, about: str, field: str
) -> None:
    admin = await make_member(roles=(Role.ADMIN,))
    with pytest.raises(InvalidInputError) as refused:
        await brand.update_brand(collaborators, admin, name, about)
    assert [e.field for e in refused.value.field_errors] == [field]
    assert not await BrandProfile.exists()


async def test_the_logo_must_be_the_admins_own_upload(collaborators: Collaborators) -> None:
    admin = await make_member(roles=(Role.ADMIN,))
    someone = await make_member()
    theirs = await logo_of(someone)
    with pytest.raises(InvalidInputError) as refused:
        await brand.update_brand(collaborators, admin, "青禾", "", theirs.id)
    assert refused.value.field_errors[0].field == "logoImageId"
    assert not await BrandProfile.exists()


@pytest.mark.postgres_only
async def test_concurrent_brand_changes_get_distinct_versions(collaborators: Collaborators) -> None:
    admin = await make_member(roles=(Role.ADMIN,))
    results = await asyncio.gather(
        *(brand.update_brand(collaborators, admin, f"品牌{n}", "") for n in range(4)),
        return_exceptions=True,
    )
    saved = [r for r in results if isinstance(r, BrandProfile)]
    assert all(isinstance(r, BrandProfile | VersionConflictError) for r in results), results
    versions = sorted(await column(BrandProfile.all(), "version"))
    assert versions == list(range(1, len(saved) + 1)) and len(saved) >= 2
    assert await AuditLogEntry.filter(action="BRAND_UPDATED").count() == len(saved)


async def test_the_getting_started_checklist_follows_the_estate_and_the_group(
    collaborators: Collaborators,
) -> None:
    assert not (await first_run.getting_started()).has_estate
    estate = await make_estate()
    assert not (await first_run.getting_started()).has_estate  # no pickup point yet
    await PickupPoint.create(
        estate=estate, name="东门", address="东门岗亭", opening_hours="9-18", created_at=CLOCK_START
    )
    steps = await first_run.getting_started()
    assert steps.has_estate and not steps.has_group and not steps.complete
    host = await make_member(estate=estate, roles=(Role.HOST,))
    await InterestGroup.create(
        name="阳台种菜", slug="balcony", description="", host=host, created_at=CLOCK_START
    )
    assert (await first_run.getting_started()).complete


async def test_a_change_without_about_text_keeps_the_about_page(
    collaborators: Collaborators,
) -> None:
    admin = await make_member(roles=(Role.ADMIN,))
    await brand.update_brand(collaborators, admin, "青禾", "我们的故事")
    renamed = await brand.update_brand(collaborators, admin, "青禾社区", None)
    assert (renamed.version, renamed.name, renamed.about) == (2, "青禾社区", "我们的故事")
