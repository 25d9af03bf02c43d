"""Estates and pickup points in the back office: admins create, edit, archive and restore them,
every change audited with before and after; an archived estate keeps its members but no one newly
joins it (registration, a first choice, an estate change, its approval, an admin's setting)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from domain.identity import estate_changes, queries, services
from domain.identity.errors import EstateArchivedError, EstateNameTakenError
from domain.identity.estates import (
    EstateInput,
    PickupPointInput,
    add_pickup_point,
    archive_estate,
    archive_pickup_point,
    create_estate,
    restore_estate,
    update_estate,
    update_pickup_point,
)
from domain.identity.models import (
    Estate,
    EstateChangeRequest,
    EstateChangeStatus,
    Member,
    PickupPoint,
    Role,
)
from domain.posts.models import AuditLogEntry
from tests.domain.test_identity_services import IP, registration
from tests.factories import make_estate, make_member

LAKE = EstateInput("翠湖花园", "上海", "浦东新区", "锦绣路 1888 弄")
GATE = PickupPointInput("南门驿站", "南门岗亭旁", "每天 9:00–21:00")


async def admin() -> Member:
    return await make_member(roles=(Role.RESIDENT, Role.ADMIN), display_name="运营小林")


def fields_of(error: InvalidInputError) -> set[str]:
    return {e.field for e in error.field_errors}


async def test_an_admin_creates_an_estate_with_its_first_pickup_point_and_both_are_audited(
    collaborators: Collaborators,
) -> None:
    actor = await admin()
    estate = await create_estate(collaborators, actor, LAKE, [GATE])
    saved = await Estate.get(id=estate.id)
    assert (saved.name, saved.city, saved.district, saved.address) == (
        "翠湖花园",
        "上海",
        "浦东新区",
        "锦绣路 1888 弄",
    )
    assert saved.archived_at is None and saved.created_at == collaborators.clock.now()
    point = await PickupPoint.get(estate_id=estate.id)
    assert (point.name, point.address, point.opening_hours) == (
        "南门驿站",
        "南门岗亭旁",
        "每天 9:00–21:00",
    )
    assert point.created_at == collaborators.clock.now()
    created = await AuditLogEntry.get(action="ESTATE_CREATED")
    assert (created.actor_id, created.target_type, created.target_id) == (
        actor.id,
        "ESTATE",
        estate.id,
    )
    assert created.before is None and created.after is not None
    assert created.after["name"] == "翠湖花园"
    added = await AuditLogEntry.get(action="PICKUP_POINT_ADDED")
    assert (added.target_type, added.target_id) == ("PICKUP_POINT", point.id)
    assert added.after is not None and added.after["opening_hours"] == "每天 9:00–21:00"


async def test_texts_are_cleaned_before_they_are_checked_and_stored(
    collaborators: Collaborators,
) -> None:
    estate = await create_estate(
        collaborators,
        await admin(),
        EstateInput("  翠湖\u200b花园  Ｂ区 ", "上海", " 浦东\n新区", ""),
    )
    saved = await Estate.get(id=estate.id)
    assert (saved.name, saved.district, saved.address) == ("翠湖花园 B区", "浦东 新区", "")


async def test_blank_and_too_long_fields_are_refused_by_name_and_nothing_is_stored(
    collaborators: Collaborators,
) -> None:
    actor = await admin()
    with pytest.raises(InvalidInputError) as refused:
        await create_estate(
            collaborators,
            actor,
            EstateInput(" ", "上" * 31, "", "路" * 121),
            [PickupPointInput("点" * 41, "", "\u200b")],
        )
    assert fields_of(refused.value) == {
        "name",
        "city",
        "district",
        "address",
        "pickupPoints.0.name",
        "pickupPoints.0.address",
        "pickupPoints.0.openingHours",
    }
    assert await Estate.all().count() == 0 and await PickupPoint.all().count() == 0
    assert await AuditLogEntry.all().count() == 0


async def test_a_new_estate_takes_at_most_ten_pickup_points(
    collaborators: Collaborators,
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await create_estate(collaborators, await admin(), LAKE, [GATE] * 11)
    assert fields_of(refused.value) == {"pickupPoints"}
    assert await Estate.all().count() == 0


async def test_a_taken_name_is_refused_on_create_and_on_rename_and_nothing_changes(
    collaborators: Collaborators,
) -> None:
    actor = await admin()
    first = await create_estate(collaborators, actor, LAKE, [GATE])
    other = await create_estate(collaborators, actor, EstateInput("碧水苑", "上海", "徐汇区", ""))
    with pytest.raises(EstateNameTakenError):
        await create_estate(
            collaborators, actor, EstateInput(" 翠湖花园", "杭州", "西湖区", ""), [GATE]
        )
    with pytest.raises(EstateNameTakenError):
        await update_estate(
            collaborators, actor, other.id, EstateInput("翠湖花园", "上海", "徐汇区", "")
        )
    assert await Estate.filter(name="翠湖花园").count() == 1
    assert (await Estate.get(id=other.id)).name == "碧水苑"
    assert await PickupPoint.filter(estate_id=first.id).count() == 1
    assert await PickupPoint.all().count() == 1
    assert await AuditLogEntry.filter(action="ESTATE_UPDATED").count() == 0


async def test_an_edit_records_only_the_fields_it_changed_and_no_change_records_nothing(
    collaborators: Collaborators,
    clock: FrozenClock,
) -> None:
    actor = await admin()
    estate = await create_estate(collaborators, actor, LAKE)
    clock.advance(hours=1)
    renamed = await update_estate(
        collaborators, actor, estate.id, EstateInput("翠湖天地", "上海", "浦东新区", LAKE.address)
    )
    assert renamed.name == "翠湖天地" and (await Estate.get(id=estate.id)).name == "翠湖天地"
    entry = await AuditLogEntry.get(action="ESTATE_UPDATED")
    assert (entry.before, entry.after) == ({"name": "翠湖花园"}, {"name": "翠湖天地"})
    assert entry.created_at == collaborators.clock.now()
    await update_estate(
        collaborators, actor, estate.id, EstateInput("翠湖天地", "上海", "浦东新区", LAKE.address)
    )
    assert await AuditLogEntry.filter(action="ESTATE_UPDATED").count() == 1


async def test_archiving_keeps_members_and_is_recorded_once_and_restoring_reopens(
    collaborators: Collaborators,
) -> None:
    actor = await admin()
    estate = await create_estate(collaborators, actor, LAKE)
    resident = await make_member(estate=await Estate.get(id=estate.id))
    archived = await archive_estate(collaborators, actor, estate.id)
    assert archived.archived and archived.archived_at == collaborators.clock.now()
    again = await archive_estate(collaborators, actor, estate.id)
    assert again.archived_at == archived.archived_at
    assert (await Member.get(id=resident.id)).estate_id == estate.id
    assert await AuditLogEntry.filter(action="ESTATE_ARCHIVED").count() == 1
    assert [e.id for e in await queries.list_active_estates()] == []
    assert [e.id for e in await queries.list_estates()] == [estate.id]

    restored = await restore_estate(collaborators, actor, estate.id)
    assert not restored.archived and (await Estate.get(id=estate.id)).archived_at is None
    await restore_estate(collaborators, actor, estate.id)
    entry = await AuditLogEntry.get(action="ESTATE_RESTORED")
    assert entry.before == {"archived_at": archived.archived_at.isoformat()}
    assert entry.after == {"archived_at": None}
    assert [e.id for e in await queries.list_active_estates()] == [estate.id]


async def test_pickup_points_are_added_edited_and_archived_with_their_audit(
    collaborators: Collaborators,
) -> None:
    actor = await admin()
    estate = await create_estate(collaborators, actor, LAKE)
    point = await add_pickup_point(collaborators, actor, estate.id, GATE)
    await add_pickup_point(
        collaborators, actor, estate.id, PickupPointInput("北门", "北门", "全天")
    )
    edited = await update_pickup_point(
        collaborators,
        actor,
        point.id,
        PickupPointInput("南门驿站", "南门岗亭旁", "每天 8:00–22:00"),
    )
    assert (await PickupPoint.get(id=point.id)).opening_hours == "每天 8:00–22:00"
    assert edited.opening_hours == "每天 8:00–22:00"
    entry = await AuditLogEntry.get(action="PICKUP_POINT_UPDATED")
    assert entry.before == {"opening_hours": "每天 9:00–21:00"}
    assert entry.after == {"opening_hours": "每天 8:00–22:00"}

    await archive_pickup_point(collaborators, actor, point.id)
    await archive_pickup_point(collaborators, actor, point.id)
    assert (await PickupPoint.get(id=point.id)).archived_at == collaborators.clock.now()
    assert await AuditLogEntry.filter(action="PICKUP_POINT_ARCHIVED").count() == 1
    assert [p.name for p in await queries.active_pickup_points(estate.id)] == ["北门"]


async def test_an_archived_estate_takes_no_new_pickup_point_and_missing_rows_are_not_found(
    collaborators: Collaborators,
) -> None:
    actor = await admin()
    estate = await create_estate(collaborators, actor, LAKE)
    await archive_estate(collaborators, actor, estate.id)
    with pytest.raises(EstateArchivedError):
        await add_pickup_point(collaborators, actor, estate.id, GATE)
    assert await PickupPoint.all().count() == 0
    for call in (
        add_pickup_point(collaborators, actor, 999, GATE),
        update_estate(collaborators, actor, 999, LAKE),
        archive_estate(collaborators, actor, 999),
        restore_estate(collaborators, actor, 999),
        update_pickup_point(collaborators, actor, 999, GATE),
        archive_pickup_point(collaborators, actor, 999),
    ):
        with pytest.raises(NotFoundError):
            await call


def _actions(
    c: Collaborators, actor: Member, estate: Estate, point: PickupPoint
) -> list[Callable[[], Awaitable[Any]]]:
    return [
        lambda: create_estate(c, actor, EstateInput("碧水苑", "上海", "徐汇区", "")),
        lambda: update_estate(c, actor, estate.id, EstateInput("改名", "上海", "徐汇区", "")),
        lambda: archive_estate(c, actor, estate.id),
        lambda: restore_estate(c, actor, estate.id),
        lambda: add_pickup_point(c, actor, estate.id, GATE),
        lambda: update_pickup_point(c, actor, point.id, PickupPointInput("改", "改", "改")),
        lambda: archive_pickup_point(c, actor, point.id),
    ]


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.HOST, Role.MODERATOR])
async def test_every_estate_action_is_refused_to_anyone_but_an_admin(
    collaborators: Collaborators, role: Role
) -> None:
    estate = await create_estate(collaborators, await admin(), LAKE, [GATE])
    point = await PickupPoint.get(estate_id=estate.id)
    actor = await make_member(estate=estate, roles=(Role.RESIDENT, role))
    before = await AuditLogEntry.all().count()
    for action in _actions(collaborators, actor, estate, point):
        with pytest.raises(PermissionDeniedError):
            await action()
    saved = await Estate.get(id=estate.id)
    assert (saved.name, saved.archived_at) == ("翠湖花园", None)
    assert await Estate.all().count() == 1 and await PickupPoint.all().count() == 1
    assert (await PickupPoint.get(id=point.id)).archived_at is None
    assert await AuditLogEntry.all().count() == before


# -- an archived estate takes no one new -----------------------------------------------------


async def archived_estate(c: Collaborators) -> Estate:
    estate = await make_estate("旧村")
    await archive_estate(c, await admin(), estate.id)
    return await Estate.get(id=estate.id)


async def test_registering_in_an_archived_estate_is_refused_and_works_once_restored(
    collaborators: Collaborators,
) -> None:
    estate = await archived_estate(collaborators)
    with pytest.raises(EstateArchivedError):
        await services.register_member(collaborators, registration(estate.id), IP)
    assert not await Member.filter(phone="13812345678").exists()
    await restore_estate(collaborators, await admin(), estate.id)
    member = await services.register_member(collaborators, registration(estate.id), IP)
    assert (await Member.get(id=member.id)).estate_id == estate.id


async def test_a_first_choice_or_a_move_into_an_archived_estate_is_refused_and_nothing_saved(
    collaborators: Collaborators,
) -> None:
    closed = await archived_estate(collaborators)
    home = await make_estate("阳光花园")
    newcomer = await make_member(display_name="微信用户")  # a first WeChat login: no estate yet
    settled = await make_member(estate=home, display_name="老王")
    for member in (newcomer, settled):
        with pytest.raises(EstateArchivedError):
            await services.update_profile(
                collaborators,
                member,
                services.ProfileChanges(display_name="新名字", estate_id=closed.id),
            )
        saved = await Member.get(id=member.id)
        assert saved.display_name != "新名字"
    assert (await Member.get(id=newcomer.id)).estate_id is None
    assert (await Member.get(id=settled.id)).estate_id == home.id
    assert await EstateChangeRequest.all().count() == 0


async def test_a_member_of_an_archived_estate_keeps_it_and_still_saves_their_profile(
    collaborators: Collaborators,
) -> None:
    estate = await make_estate("旧村")
    member = await make_member(estate=estate, display_name="老王")
    await archive_estate(collaborators, await admin(), estate.id)
    saved = await services.update_profile(
        collaborators, member, services.ProfileChanges(display_name="王伯", estate_id=estate.id)
    )
    assert saved.display_name == "王伯"
    assert (await Member.get(id=member.id)).estate_id == estate.id


async def test_approving_a_move_into_an_estate_archived_since_is_refused_but_declining_works(
    collaborators: Collaborators,
) -> None:
    home, target = await make_estate("阳光花园"), await make_estate("绿地小区")
    member = await make_member(estate=home)
    await services.update_profile(
        collaborators, member, services.ProfileChanges(estate_id=target.id)
    )
    request = await EstateChangeRequest.get(member_id=member.id)
    actor = await admin()
    await archive_estate(collaborators, actor, target.id)
    with pytest.raises(EstateArchivedError):
        await estate_changes.decide_estate_change(collaborators, actor, request.id, approve=True)
    assert (await EstateChangeRequest.get(id=request.id)).status == EstateChangeStatus.PENDING
    assert (await Member.get(id=member.id)).estate_id == home.id
    assert not await AuditLogEntry.filter(action="ESTATE_APPROVED").exists()
    await estate_changes.decide_estate_change(collaborators, actor, request.id, approve=False)
    assert (await EstateChangeRequest.get(id=request.id)).status == EstateChangeStatus.DECLINED


async def test_an_admin_cannot_set_a_member_into_an_archived_estate(
    collaborators: Collaborators,
) -> None:
    closed = await archived_estate(collaborators)
    home = await make_estate("阳光花园")
    member = await make_member(estate=home)
    with pytest.raises(EstateArchivedError):
        await estate_changes.set_member_estate(collaborators, await admin(), member.id, closed.id)
    assert (await Member.get(id=member.id)).estate_id == home.id
    assert await EstateChangeRequest.all().count() == 0
