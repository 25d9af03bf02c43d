"""Estates on PostgreSQL with separate connections: the unique name index, not a check before
the write, decides between admins creating the same estate at once; concurrent archivings of one
estate record one change."""

from __future__ import annotations

import asyncio

import pytest
from tortoise.transactions import in_transaction

from domain.collaborators import Collaborators
from domain.identity.errors import EstateNameTakenError
from domain.identity.estates import EstateInput, archive_estate, create_estate
from domain.identity.models import Estate, Member, Role
from domain.posts.models import AuditLogEntry
from tests.factories import CLOCK_START, make_estate, make_member

pytestmark = pytest.mark.postgres_only

LAKE = EstateInput("翠湖花园", "上海", "浦东新区", "")


async def admins(count: int) -> list[Member]:
    return [await make_member(roles=(Role.RESIDENT, Role.ADMIN)) for _ in range(count)]


async def test_two_concurrent_creations_of_one_name_create_one_estate(
    collaborators: Collaborators,
) -> None:
    first, second = await admins(2)
    results = await asyncio.gather(
        create_estate(collaborators, first, LAKE),
        create_estate(collaborators, second, LAKE),
        return_exceptions=True,
    )
    created = [r for r in results if isinstance(r, Estate)]
    assert len(created) == 1, results
    assert [type(r) for r in results if r not in created] == [EstateNameTakenError]
    assert await Estate.filter(name="翠湖花园").count() == 1
    assert await AuditLogEntry.filter(action="ESTATE_CREATED").count() == 1


async def test_ten_concurrent_creations_of_one_name_create_one_estate(
    collaborators: Collaborators,
) -> None:
    results = await asyncio.gather(
        *(create_estate(collaborators, actor, LAKE) for actor in await admins(10)),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Estate) for r in results) == 1, results
    assert sum(isinstance(r, EstateNameTakenError) for r in results) == 9, results
    assert await Estate.all().count() == 1
    assert await AuditLogEntry.filter(action="ESTATE_CREATED").count() == 1


async def test_a_creation_waiting_on_an_uncommitted_insert_of_the_name_is_refused_once_it_commits(
    collaborators: Collaborators,
) -> None:
    (actor,) = await admins(1)
    inserted, release = asyncio.Event(), asyncio.Event()

    async def insert_and_hold() -> None:
        # Another connection has inserted the name but not committed: no check before the write
        # could see it; only the unique index makes the service wait and then refuse.
        async with in_transaction():
            await Estate.create(
                name=LAKE.name, city="杭州", district="西湖区", created_at=CLOCK_START
            )
            inserted.set()
            await release.wait()

    holder = asyncio.create_task(insert_and_hold())
    await inserted.wait()
    creating = asyncio.create_task(create_estate(collaborators, actor, LAKE))
    await asyncio.sleep(0.3)
    assert not creating.done()  # blocked on the unique index
    release.set()
    await holder
    with pytest.raises(EstateNameTakenError):
        await creating
    assert [e.city for e in await Estate.all()] == ["杭州"]
    assert not await AuditLogEntry.filter(action="ESTATE_CREATED").exists()


async def test_concurrent_archivings_of_one_estate_record_one_change(
    collaborators: Collaborators,
) -> None:
    estate = await make_estate()
    results = await asyncio.gather(
        *(archive_estate(collaborators, actor, estate.id) for actor in await admins(6)),
        return_exceptions=True,
    )
    assert all(isinstance(r, Estate) and r.archived for r in results), results
    assert await AuditLogEntry.filter(action="ESTATE_ARCHIVED").count() == 1
