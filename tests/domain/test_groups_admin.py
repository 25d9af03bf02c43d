"""The back office's interest groups on a real database: create, edit, archive, restore, appoint
and remove hosts; the audit entries; the host console following an appointment at once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from domain.events.services import NewEvent, create_event
from domain.groups import admin, services
from domain.groups.errors import (
    GroupArchivedError,
    GroupNameTakenError,
    LastHostError,
    SlugTakenError,
)
from domain.groups.models import GroupHost, GroupMembership, InterestGroup
from domain.identity.errors import EstateArchivedError
from domain.identity.models import Estate, Member, Role
from domain.media.models import Image
from domain.posts import queries as posts_queries
from domain.posts.models import AuditLogEntry, PostKind, PostStatus
from domain.posts.services import PostDraft, add_comment, like_post, moderate_post, submit_post
from domain.segments.host_console import console_groups
from tests.api.test_posts_api import make_post
from tests.factories import make_estate, make_member

NO_ESTATE = None


def group_input(**changes: Any) -> admin.GroupInput:
    values: dict[str, Any] = {
        "name": "阳台种菜",
        "slug": "balcony-garden",
        "description": "小阳台也能种出一季番茄",
        "estate_id": NO_ESTATE,
        "cover_image_id": None,
    }
    values.update(changes)
    return admin.GroupInput(**values)


async def an_admin() -> Member:
    return await make_member(display_name="运营小林", roles=(Role.RESIDENT, Role.ADMIN))


async def audit_actions(group_id: int) -> list[str]:
    rows = await AuditLogEntry.filter(target_type="GROUP", target_id=group_id).order_by("id")
    return [row.action for row in rows]


async def test_creating_a_group_seats_its_hosts_grants_the_role_and_records_the_change(
    collaborators: Collaborators,
) -> None:
    boss, lead, co = await an_admin(), await make_member(), await make_member()
    group = await admin.create_group(collaborators, boss, group_input(), [lead.id, co.id])
    assert group.host_id == lead.id and group.archived_at is None
    seats = await GroupHost.filter(group_id=group.id).order_by("id")
    assert [s.member_id for s in seats] == [lead.id, co.id]
    assert all(s.appointed_by_id == boss.id for s in seats)
    for member in (lead, co):
        assert (await Member.get(id=member.id)).has_role(Role.HOST)
        assert await GroupMembership.exists(group_id=group.id, member_id=member.id)
    assert (await InterestGroup.get(id=group.id)).member_count == 2
    entry = await AuditLogEntry.get(target_type="GROUP", target_id=group.id)
    assert (entry.actor_id, entry.action, entry.before) == (boss.id, "GROUP_CREATED", None)
    assert entry.after is not None
    assert entry.after["slug"] == "balcony-garden" and entry.after["host_ids"] == [lead.id, co.id]
    granted = await AuditLogEntry.filter(action="ROLE_GRANTED", target_id__in=[lead.id, co.id])
    assert len(granted) == 2
    assert granted[0].before == {"roles": ["RESIDENT"]}
    assert granted[0].after == {"roles": ["RESIDENT", "HOST"]}


async def test_a_group_needs_a_host_and_good_values_each_named_by_its_field(
    collaborators: Collaborators,
) -> None:
    boss = await an_admin()
    with pytest.raises(InvalidInputError) as no_host:
        await admin.create_group(collaborators, boss, group_input(), [])
    assert [e.field for e in no_host.value.field_errors] == ["hostIds"]
    with pytest.raises(InvalidInputError) as unknown:
        await admin.create_group(collaborators, boss, group_input(), [987654])
    assert [e.field for e in unknown.value.field_errors] == ["hostIds"]
    bad = group_input(name="x", slug="Balcony Garden", description="  ", cover_image_id=999)
    with pytest.raises(InvalidInputError) as many:
        await admin.create_group(collaborators, boss, bad, [boss.id])
    fields = {e.field for e in many.value.field_errors}
    assert fields == {"name", "slug", "description", "coverImageId"}
    for slug in ("a", "-garden", "garden-", "花园", "x" * 41, "UPPER"):
        with pytest.raises(InvalidInputError):
            await admin.create_group(collaborators, boss, group_input(slug=slug), [boss.id])
    assert await InterestGroup.all().count() == 0
    assert await AuditLogEntry.all().count() == 0


async def test_an_unknown_estate_is_refused_on_its_field_and_an_archived_one_is_typed(
    collaborators: Collaborators,
) -> None:
    boss, host = await an_admin(), await make_member()
    closed = await make_estate("旧小区")
    await Estate.filter(id=closed.id).update(archived_at=collaborators.clock.now())
    with pytest.raises(InvalidInputError) as refused:
        await admin.create_group(collaborators, boss, group_input(estate_id=99999), [host.id])
    assert [e.field for e in refused.value.field_errors] == ["estateId"]
    with pytest.raises(EstateArchivedError):
        await admin.create_group(collaborators, boss, group_input(estate_id=closed.id), [host.id])
    with pytest.raises(InvalidInputError) as refused:  # every field's mistake comes first
        await admin.create_group(
            collaborators, boss, group_input(estate_id=closed.id, slug="-"), [host.id]
        )
    assert [e.field for e in refused.value.field_errors] == ["slug"]
    assert await InterestGroup.all().count() == 0
    open_estate = await make_estate("新小区")
    group = await admin.create_group(
        collaborators, boss, group_input(estate_id=open_estate.id), [host.id]
    )
    assert group.estate_id == open_estate.id


async def test_a_taken_slug_or_name_is_a_typed_error_and_changes_nothing(
    collaborators: Collaborators,
) -> None:
    boss, host = await an_admin(), await make_member()
    first = await admin.create_group(collaborators, boss, group_input(), [host.id])
    with pytest.raises(SlugTakenError):
        await admin.create_group(collaborators, boss, group_input(name="别的名字"), [host.id])
    with pytest.raises(GroupNameTakenError):
        await admin.create_group(collaborators, boss, group_input(slug="other"), [host.id])
    assert await InterestGroup.all().count() == 1
    assert await GroupHost.all().count() == 1
    second = await admin.create_group(
        collaborators, boss, group_input(name="亲子烘焙", slug="kids-baking"), [host.id]
    )
    with pytest.raises(SlugTakenError):
        await admin.update_group(collaborators, boss, second.id, group_input(name="亲子烘焙"))
    assert (await InterestGroup.get(id=second.id)).slug == "kids-baking"
    assert await audit_actions(first.id) == ["GROUP_CREATED"]


async def test_editing_records_only_what_changed_and_the_cover_comes_from_an_upload(
    collaborators: Collaborators,
) -> None:
    boss, host = await an_admin(), await make_member()
    estate = await make_estate()
    group = await admin.create_group(collaborators, boss, group_input(), [host.id])
    image = await Image.create(
        owner=boss,
        storage_key="abc123.webp",
        content_type="image/webp",
        width=800,
        height=600,
        size_bytes=1000,
        created_at=collaborators.clock.now(),
    )
    changes = group_input(description="新的简介", estate_id=estate.id, cover_image_id=image.id)
    updated = await admin.update_group(collaborators, boss, group.id, changes)
    assert (updated.description, updated.estate_id) == ("新的简介", estate.id)
    assert updated.cover_url == "/media/abc123.webp"
    entry = await AuditLogEntry.get(target_id=group.id, action="GROUP_UPDATED")
    assert entry.before == {
        "description": "小阳台也能种出一季番茄",
        "estate_id": None,
        "cover_url": None,
    }
    assert entry.after == {
        "description": "新的简介",
        "estate_id": estate.id,
        "cover_url": "/media/abc123.webp",
    }
    # No cover given keeps the cover; nothing changed records nothing.
    again = group_input(description="新的简介", estate_id=estate.id)
    assert (await admin.update_group(collaborators, boss, group.id, again)).cover_url
    assert await audit_actions(group.id) == ["GROUP_CREATED", "GROUP_UPDATED"]


async def test_someone_elses_upload_is_not_a_cover(collaborators: Collaborators) -> None:
    boss, host = await an_admin(), await make_member()
    image = await Image.create(
        owner=host,
        storage_key="theirs.webp",
        content_type="image/webp",
        width=1,
        height=1,
        size_bytes=1,
        created_at=collaborators.clock.now(),
    )
    with pytest.raises(InvalidInputError) as refused:
        await admin.create_group(
            collaborators, boss, group_input(cover_image_id=image.id), [host.id]
        )
    assert [e.field for e in refused.value.field_errors] == ["coverImageId"]


Action = Callable[[Collaborators, Member], Awaitable[Any]]


@pytest.mark.parametrize(
    "roles",
    [(Role.RESIDENT,), (Role.RESIDENT, Role.HOST), (Role.RESIDENT, Role.MODERATOR)],
    ids=["resident", "host", "moderator"],
)
async def test_only_admins_run_any_group_action(
    collaborators: Collaborators, roles: tuple[Role, ...]
) -> None:
    boss, host, other = await an_admin(), await make_member(), await make_member()
    group = await admin.create_group(collaborators, boss, group_input(), [host.id])
    actor = await make_member(roles=roles)
    await GroupHost.create(group=group, member=actor, appointed_at=collaborators.clock.now())
    actions: list[Action] = [
        lambda c, a: admin.create_group(c, a, group_input(slug="new", name="新组"), [a.id]),
        lambda c, a: admin.update_group(c, a, group.id, group_input(name="改名")),
        lambda c, a: admin.archive_group(c, a, group.id),
        lambda c, a: admin.restore_group(c, a, group.id),
        lambda c, a: admin.appoint_host(c, a, group.id, other.id),
        lambda c, a: admin.remove_host(c, a, group.id, host.id),
        lambda c, a: admin.set_lead_host(c, a, group.id, actor.id),
    ]
    for action in actions:
        with pytest.raises(PermissionDeniedError):
            await action(collaborators, actor)
    assert await InterestGroup.all().count() == 1
    assert (await InterestGroup.get(id=group.id)).name == "阳台种菜"
    assert await GroupHost.filter(group_id=group.id).count() == 2
    assert await audit_actions(group.id) == ["GROUP_CREATED"]


async def test_a_newly_appointed_co_host_sees_the_group_at_once_and_a_removed_host_no_longer(
    collaborators: Collaborators,
) -> None:
    boss, lead, author = await an_admin(), await make_member(), await make_member()
    group = await admin.create_group(collaborators, boss, group_input(), [lead.id])
    pending = await make_post(
        collaborators, author, "阳台番茄", status=PostStatus.PENDING, group=group
    )
    co = await make_member(display_name="新主理人")
    assert await console_groups(await Member.get(id=co.id)) == []

    await admin.appoint_host(collaborators, boss, group.id, co.id)
    co = await Member.get(id=co.id)  # the next request reads the member again
    assert [g.id for g in await console_groups(co)] == [group.id]
    queue = await posts_queries.moderation_queue_page(co, None, None, 10)
    assert [card.id for card in queue] == [pending.id]
    assert (await moderate_post(collaborators, co, pending.id, "APPROVE")).published_at

    await admin.remove_host(collaborators, boss, group.id, co.id)
    co = await Member.get(id=co.id)
    assert co.has_role(Role.HOST)  # roles are taken away on the member page, not here
    assert await console_groups(co) == []
    assert await posts_queries.moderation_queue_page(co, None, None, 10) == []
    with pytest.raises(NotFoundError):
        await moderate_post(collaborators, co, pending.id, "HIDE")
    with pytest.raises(PermissionDeniedError):
        await create_event(collaborators, co, _event(collaborators, group.id))
    assert await audit_actions(group.id) == ["GROUP_CREATED", "HOST_APPOINTED", "HOST_REMOVED"]


def _event(c: Collaborators, group_id: int) -> NewEvent:
    starts = c.clock.now() + timedelta(days=2)
    return NewEvent(
        title="番茄育苗课",
        description="一起育苗",
        location="会所",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=10,
        group_id=group_id,
    )


async def test_the_last_host_stays_and_removing_the_lead_promotes_the_longest_serving(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    boss = await an_admin()
    lead, second, third = await make_member(), await make_member(), await make_member()
    group = await admin.create_group(collaborators, boss, group_input(), [lead.id])
    await admin.appoint_host(collaborators, boss, group.id, second.id)
    clock.advance(hours=1)
    await admin.appoint_host(collaborators, boss, group.id, third.id)
    await admin.appoint_host(collaborators, boss, group.id, third.id)  # twice: one seat
    assert await GroupHost.filter(group_id=group.id).count() == 3

    await admin.remove_host(collaborators, boss, group.id, lead.id)
    assert (await InterestGroup.get(id=group.id)).host_id == second.id
    await admin.set_lead_host(collaborators, boss, group.id, third.id)
    assert (await InterestGroup.get(id=group.id)).host_id == third.id
    await admin.remove_host(collaborators, boss, group.id, second.id)
    with pytest.raises(LastHostError):
        await admin.remove_host(collaborators, boss, group.id, third.id)
    with pytest.raises(NotFoundError):
        await admin.remove_host(collaborators, boss, group.id, lead.id)
    assert [s.member_id for s in await GroupHost.filter(group_id=group.id)] == [third.id]
    assert (await InterestGroup.get(id=group.id)).host_id == third.id
    removed = await AuditLogEntry.filter(target_id=group.id, action="HOST_REMOVED").first()
    assert removed is not None and removed.before is not None and removed.after is not None
    assert removed.before["host_id"] == lead.id and removed.after["host_id"] == second.id


async def test_an_archived_group_is_read_only_until_restored(
    collaborators: Collaborators,
) -> None:
    boss, host, member = await an_admin(), await make_member(), await make_member()
    group = await admin.create_group(collaborators, boss, group_input(), [host.id])
    post = await make_post(collaborators, host, "旧帖子", group=group)
    await admin.archive_group(collaborators, boss, group.id)
    await admin.archive_group(collaborators, boss, group.id)  # twice: recorded once
    host = await Member.get(id=host.id)
    draft = PostDraft(
        kind=PostKind.STORY,
        title="阳台的早晨",
        body="今年阳台上的番茄终于红了，分享一下。",
        group_id=group.id,
    )
    refusals: list[Callable[[], Awaitable[Any]]] = [
        lambda: services.join_group(collaborators, member, group.id),
        lambda: submit_post(collaborators, member, draft),
        lambda: like_post(collaborators, member, post.id),
        lambda: add_comment(collaborators, member, post.id, "真好，明年我也种"),
        lambda: create_event(collaborators, host, _event(collaborators, group.id)),
        lambda: create_event(collaborators, boss, _event(collaborators, group.id)),
    ]
    for refused in refusals:
        with pytest.raises(GroupArchivedError):
            await refused()
    assert not await GroupMembership.exists(group_id=group.id, member_id=member.id)
    assert await posts_queries.post_detail(member, post.id) is not None  # still readable

    await admin.restore_group(collaborators, boss, group.id)
    assert (await services.join_group(collaborators, member, group.id)).member_count == 2
    assert await audit_actions(group.id) == ["GROUP_CREATED", "GROUP_ARCHIVED", "GROUP_RESTORED"]


@pytest.mark.postgres_only
async def test_two_concurrent_creations_with_one_slug_make_one_group(
    collaborators: Collaborators,
) -> None:
    boss, host = await an_admin(), await make_member()
    outcomes = await asyncio.gather(
        *(
            admin.create_group(collaborators, boss, group_input(name=f"小组{n}"), [host.id])
            for n in range(2)
        ),
        return_exceptions=True,
    )
    made = [o for o in outcomes if isinstance(o, InterestGroup)]
    refused = [o for o in outcomes if isinstance(o, SlugTakenError)]
    assert (len(made), len(refused)) == (1, 1), outcomes
    assert await InterestGroup.filter(slug="balcony-garden").count() == 1
    assert await GroupHost.all().count() == 1
    assert await AuditLogEntry.filter(action="GROUP_CREATED").count() == 1
