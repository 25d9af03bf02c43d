"""Interest tags in the back office: create, rename, merge (members' tags follow, one row per
member), retire and restore; admin only; typed errors; an audit entry with before/after values.
A retired tag is no longer offered but members who have it keep it."""

from __future__ import annotations

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from domain.identity import queries, services, tags
from domain.identity.errors import TagMergedError, TagNameTakenError, TagRetiredError
from domain.identity.models import InterestTag, Member, MemberInterestTag, Role
from domain.posts.models import AuditLogEntry
from domain.segments.host_console import tags_by_member_id
from domain.segments.host_tags import add_member_tag, remove_member_tag
from tests.factories import CLOCK_START, make_member, make_tag


async def admin() -> Member:
    return await make_member(roles=(Role.RESIDENT, Role.ADMIN), display_name="管理员")


async def links_of(tag: InterestTag) -> list[tuple[int, int | None]]:
    rows = await MemberInterestTag.filter(tag_id=tag.id).order_by("member_id")
    return [(link.member_id, link.added_by_id) for link in rows]


async def test_an_admin_creates_a_tag_with_a_cleaned_name_and_an_audit_entry(
    collaborators: Collaborators,
) -> None:
    actor = await admin()
    tag = await tags.create_tag(collaborators, actor, "  手冲　咖啡 ")
    assert (await InterestTag.get(id=tag.id)).name == "手冲 咖啡"
    entry = await AuditLogEntry.get(action="TAG_CREATED")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        actor.id,
        "INTEREST_TAG",
        tag.id,
    )
    assert entry.before is None
    assert entry.after == {"name": "手冲 咖啡", "retired_at": None, "merged_into_id": None}


@pytest.mark.parametrize(
    ("name", "message"), [("   ", "请填写标签名称"), ("长" * 21, "标签名称最多20个字")]
)
async def test_a_blank_or_too_long_name_is_refused_on_the_name_field(
    collaborators: Collaborators, name: str, message: str
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        await tags.create_tag(collaborators, await admin(), name)
    assert [(e.field, e.message) for e in raised.value.field_errors] == [("name", message)]
    assert not await InterestTag.exists()
    assert not await AuditLogEntry.exists()


async def test_a_name_another_tag_has_is_taken_on_create_and_on_rename(
    collaborators: Collaborators,
) -> None:
    actor = await admin()
    await make_tag("烘焙")
    other = await make_tag("园艺")
    with pytest.raises(TagNameTakenError) as raised:
        await tags.create_tag(collaborators, actor, "烘焙")
    assert raised.value.code == "TAG_NAME_TAKEN"
    with pytest.raises(TagNameTakenError):
        await tags.rename_tag(collaborators, actor, other.id, " 烘焙")
    assert (await InterestTag.get(id=other.id)).name == "园艺"
    assert await InterestTag.all().count() == 2
    assert not await AuditLogEntry.exists()


async def test_renaming_records_the_old_and_new_name(collaborators: Collaborators) -> None:
    actor = await admin()
    tag = await make_tag("烘培")
    renamed = await tags.rename_tag(collaborators, actor, tag.id, "烘焙")
    assert renamed.name == "烘焙" and (await InterestTag.get(id=tag.id)).name == "烘焙"
    entry = await AuditLogEntry.get(action="TAG_RENAMED")
    assert entry.before is not None and entry.after is not None
    assert (entry.before["name"], entry.after["name"]) == ("烘培", "烘焙")
    assert await tags.rename_tag(collaborators, actor, tag.id, "烘焙") is not None
    assert await AuditLogEntry.filter(action="TAG_RENAMED").count() == 1  # no change, no entry


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.HOST, Role.MODERATOR])
async def test_every_tag_action_is_refused_to_anyone_but_an_admin(
    collaborators: Collaborators, role: Role
) -> None:
    actor = await make_member(roles=(Role.RESIDENT, role))
    a, b = await make_tag("烘焙"), await make_tag("园艺")
    attempts = [
        tags.create_tag(collaborators, actor, "亲子"),
        tags.rename_tag(collaborators, actor, a.id, "亲子"),
        tags.merge_tags(collaborators, actor, a.id, b.id),
        tags.retire_tag(collaborators, actor, a.id),
        tags.restore_tag(collaborators, actor, a.id),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError):
            await attempt
    stored = await InterestTag.all().order_by("id").values_list("name", "retired_at")
    assert stored == [("烘焙", None), ("园艺", None)]
    assert not await AuditLogEntry.exists()


async def test_merging_moves_every_member_and_keeps_one_row_for_a_member_who_had_both(
    collaborators: Collaborators,
) -> None:
    actor = await admin()
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    source, target = await make_tag("咖啡"), await make_tag("手冲咖啡")
    only_source, both, own_and_added, only_target = [await make_member() for _ in range(4)]
    await MemberInterestTag.create(
        member=only_source, tag=source, added_by=host, created_at=CLOCK_START
    )
    await MemberInterestTag.create(member=both, tag=source, created_at=CLOCK_START)
    await MemberInterestTag.create(member=both, tag=target, created_at=CLOCK_START)
    await MemberInterestTag.create(member=own_and_added, tag=source, created_at=CLOCK_START)
    await MemberInterestTag.create(
        member=own_and_added, tag=target, added_by=host, created_at=CLOCK_START
    )
    await MemberInterestTag.create(member=only_target, tag=target, created_at=CLOCK_START)

    survivor, moved = await tags.merge_tags(collaborators, actor, source.id, target.id)

    assert (survivor.id, moved) == (target.id, 3)
    assert await links_of(source) == []
    assert await links_of(target) == [
        (only_source.id, host.id),  # a host's tag stays the host's
        (both.id, None),
        (own_and_added.id, None),  # the member's own choice wins: they may drop it themselves
        (only_target.id, None),
    ]
    merged = await InterestTag.get(id=source.id)
    assert merged.merged_into_id == target.id and merged.retired_at == collaborators.clock.now()
    entry = await AuditLogEntry.get(action="TAG_MERGED")
    assert (entry.target_id, entry.reason) == (source.id, "咖啡 → 手冲咖啡")
    assert entry.before is not None and entry.after is not None
    assert (entry.before["merged_into_id"], entry.after["merged_into_id"]) == (None, target.id)


async def test_merging_into_itself_into_a_retired_tag_or_from_a_merged_one_is_refused(
    collaborators: Collaborators,
) -> None:
    actor = await admin()
    a, b, retired = await make_tag("咖啡"), await make_tag("茶"), await make_tag("旧标签")
    member = await make_member()
    await MemberInterestTag.create(member=member, tag=a, created_at=CLOCK_START)
    await tags.retire_tag(collaborators, actor, retired.id)
    with pytest.raises(InvalidInputError) as raised:
        await tags.merge_tags(collaborators, actor, a.id, a.id)
    assert raised.value.field_errors[0].field == "targetId"
    with pytest.raises(TagRetiredError):
        await tags.merge_tags(collaborators, actor, a.id, retired.id)
    with pytest.raises(NotFoundError):
        await tags.merge_tags(collaborators, actor, a.id, 9999)
    assert await links_of(a) == [(member.id, None)]
    assert (await InterestTag.get(id=a.id)).retired_at is None
    await tags.merge_tags(collaborators, actor, a.id, b.id)
    with pytest.raises(TagRetiredError):
        await tags.merge_tags(collaborators, actor, a.id, b.id)
    with pytest.raises(TagMergedError):
        await tags.restore_tag(collaborators, actor, a.id)
    with pytest.raises(TagMergedError):
        await tags.rename_tag(collaborators, actor, a.id, "咖啡豆")
    assert await AuditLogEntry.filter(action="TAG_MERGED").count() == 1


async def test_a_retired_tag_is_no_longer_offered_but_members_keep_it(
    collaborators: Collaborators,
) -> None:
    actor = await admin()
    tag, other = await make_tag("广场舞"), await make_tag("园艺")
    member, newcomer = await make_member(), await make_member()
    await MemberInterestTag.create(member=member, tag=tag, created_at=CLOCK_START)

    retired = await tags.retire_tag(collaborators, actor, tag.id)

    assert retired.retired_at == collaborators.clock.now()
    assert [t.id for t in await queries.list_interest_tags()] == [other.id]
    kept = await queries.interest_tags_by_member_id([member.id])
    assert [t.name for t in kept[member.id]] == ["广场舞"]
    # The member may keep it when saving their choice, but nobody chooses it anew.
    keep = services.ProfileChanges(interest_tag_ids=[tag.id, other.id])
    await services.update_profile(collaborators, member, keep)
    assert {t for (t,) in await MemberInterestTag.filter(member=member).values_list("tag_id")} == {
        tag.id,
        other.id,
    }
    with pytest.raises(InvalidInputError) as raised:
        await services.update_profile(
            collaborators, newcomer, services.ProfileChanges(interest_tag_ids=[tag.id])
        )
    assert raised.value.field_errors[0].field == "interestTagIds"
    assert not await MemberInterestTag.filter(member=newcomer).exists()
    picker = await queries.tags_to_choose(kept[member.id])
    assert [t.name for t in picker] == ["园艺", "广场舞"]


async def test_retiring_twice_changes_nothing_and_restoring_offers_it_again(
    collaborators: Collaborators,
    clock: FrozenClock,
) -> None:
    actor = await admin()
    tag = await make_tag("广场舞")
    await tags.retire_tag(collaborators, actor, tag.id)
    clock.advance(hours=1)
    again = await tags.retire_tag(collaborators, actor, tag.id)
    assert again.retired_at is not None and again.retired_at < collaborators.clock.now()
    assert await AuditLogEntry.filter(action="TAG_RETIRED").count() == 1
    restored = await tags.restore_tag(collaborators, actor, tag.id)
    assert restored.retired_at is None and (await InterestTag.get(id=tag.id)).retired_at is None
    assert [t.id for t in await queries.list_interest_tags()] == [tag.id]
    entry = await AuditLogEntry.get(action="TAG_RESTORED")
    assert entry.before is not None and entry.after is not None
    assert entry.before["retired_at"] is not None and entry.after["retired_at"] is None


async def test_a_host_cannot_add_a_retired_tag_but_may_take_off_one_they_added(
    collaborators: Collaborators,
) -> None:
    actor = await admin()
    tag = await make_tag("广场舞")
    member = await make_member()
    await add_member_tag(collaborators, actor, member.id, tag.id)
    await tags.retire_tag(collaborators, actor, tag.id)
    other = await make_member()
    with pytest.raises(InvalidInputError) as raised:
        await add_member_tag(collaborators, actor, other.id, tag.id)
    assert raised.value.field_errors[0].field == "tagId"
    assert not await MemberInterestTag.filter(member=other).exists()
    assert (
        await add_member_tag(collaborators, actor, member.id, tag.id)
    ).member_id == member.id  # kept as is
    assert await remove_member_tag(actor, member.id, tag.id)
    assert not await MemberInterestTag.filter(tag=tag).exists()


async def test_the_tag_list_counts_members_and_shows_retired_tags_last(
    collaborators: Collaborators,
) -> None:
    actor = await admin()
    old, busy = await make_tag("旧"), await make_tag("热门")
    await make_tag("冷门")
    for member in [await make_member() for _ in range(3)]:
        await MemberInterestTag.create(member=member, tag=busy, created_at=CLOCK_START)
    await MemberInterestTag.create(member=await make_member(), tag=old, created_at=CLOCK_START)
    await tags.merge_tags(collaborators, actor, old.id, busy.id)
    listed = [(tag.name, n) for tag, n in await tags.list_tags_with_counts()]
    assert listed == [("热门", 4), ("冷门", 0), ("旧", 0)]


async def test_the_host_console_shows_the_survivor_after_a_merge(
    collaborators: Collaborators,
) -> None:
    actor = await admin()
    source, target = await make_tag("咖啡"), await make_tag("手冲咖啡")
    member = await make_member()
    await MemberInterestTag.create(
        member=member, tag=source, added_by=actor, created_at=CLOCK_START
    )
    await tags.merge_tags(collaborators, actor, source.id, target.id)
    shown = (await tags_by_member_id([member.id]))[member.id]
    assert [(t.id, t.name, t.by_staff) for t in shown] == [(target.id, "手冲咖啡", True)]
