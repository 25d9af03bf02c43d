"""The back office's interest groups: create, edit, archive and restore a group, appoint and remove
its hosts (主理人). Admins only; every change is one transaction with its audit entry.

Hosting is the ``GroupHost`` table: every host of a group has a row there, the lead host
(``InterestGroup.host``) too. A group always keeps at least one host. Appointing a member makes
them a member of the group and grants the HOST role when they lack it; removing one leaves their
roles alone (roles are taken away on the member's page)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from domain.aftercommit import atomic
from domain.audit import changed, record_change, snapshot
from domain.collaborators import Collaborators
from domain.errors import FieldError, InvalidInputError, NotFoundError
from domain.groups.errors import GroupNameTakenError, LastHostError, SlugTakenError
from domain.groups.models import GroupHost, GroupMembership, InterestGroup
from domain.identity.errors import EstateArchivedError
from domain.identity.models import Estate, Member, Role
from domain.identity.policies import require_role
from domain.media.models import Image
from domain.safety.services import screen_name

T = TypeVar("T")
# Lowercase ASCII letters, digits and hyphens, 2–40 characters, starting and ending with a letter
# or a digit: the group's address (/groups/<slug>).
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])")
NAME_CHARS = (2, 30)
DESCRIPTION_CHARS = (1, 500)
AUDITED = ("name", "slug", "description", "estate_id", "cover_url", "host_id", "archived_at")
TARGET = "GROUP"


@dataclass(frozen=True)
class GroupInput:
    """A group's editable values. ``estate_id`` None: open to every estate; set: only that
    estate's residents. ``cover_image_id``: an uploaded image of the actor's (``POST
    /api/uploads``); None keeps the current cover (none for a new group)."""

    name: str
    slug: str
    description: str
    estate_id: int | None
    cover_image_id: int | None


def _length_error(value: str, bounds: tuple[int, int], what: str) -> str | None:
    low, high = bounds
    if not low <= len(value) <= high:
        return f"{what}须为 {low}–{high} 个字"
    return None


async def _checked(
    c: Collaborators, actor: Member, data: GroupInput, current: InterestGroup | None
) -> dict[str, Any]:
    """The values to store, or every field's mistake at once as ``InvalidInputError``."""
    name, slug, description = data.name.strip(), data.slug.strip(), data.description.strip()
    errors = [
        FieldError(field, message)
        for field, message in (
            ("name", _length_error(name, NAME_CHARS, "名称")),
            ("description", _length_error(description, DESCRIPTION_CHARS, "简介")),
            (
                "slug",
                None
                if SLUG.fullmatch(slug)
                else "网址名须为 2–40 个小写字母、数字或连字符，且以字母或数字开头和结尾",
            ),
        )
        if message
    ]
    values: dict[str, Any] = {
        "name": name,
        "slug": slug,
        "description": description,
        "estate_id": data.estate_id,
    }
    moved = current is None or current.estate_id != data.estate_id
    estate = await Estate.get_or_none(id=data.estate_id) if data.estate_id and moved else None
    if data.estate_id is not None and moved and estate is None:
        errors.append(FieldError("estateId", "小区不存在"))
    if data.cover_image_id is not None:
        image = await Image.get_or_none(id=data.cover_image_id, owner_id=actor.id)
        if image is None:
            errors.append(FieldError("coverImageId", "图片不存在，请重新上传"))
        else:
            values["cover_url"] = c.images.url(image.storage_key)
    if errors:
        raise InvalidInputError(errors)
    values["name"] = await screen_name(c, "name", name)
    if estate is not None and estate.archived_at is not None:
        raise EstateArchivedError("该小区已停用，小组不能设在这里")
    return values


async def _unique(write: Callable[[], Awaitable[T]], values: dict[str, Any], group_id: int) -> T:
    """``write`` in a savepoint: the unique indexes on slug and name decide, so two concurrent
    creations with one slug make one group; the loser learns which value was taken."""
    try:
        async with atomic():
            return await write()
    except IntegrityError:
        others = InterestGroup.exclude(id=group_id)
        if await others.filter(slug=values["slug"]).exists():
            raise SlugTakenError() from None
        if await others.filter(name=values["name"]).exists():
            raise GroupNameTakenError() from None
        raise


async def _hosts(host_ids: Sequence[int]) -> list[Member]:
    ids = list(dict.fromkeys(host_ids))
    if not ids:
        raise InvalidInputError.single("hostIds", "请至少任命一位主理人")
    found = {m.id: m for m in await Member.filter(id__in=ids)}
    if len(found) != len(ids):
        raise InvalidInputError.single("hostIds", "主理人须为已注册的成员")
    return [found[i] for i in ids]


async def _group(group_id: int, lock: bool = False) -> InterestGroup:
    query = InterestGroup.filter(id=group_id)
    group = await (query.select_for_update() if lock else query).first()
    if group is None:
        raise NotFoundError("小组不存在")
    return group


async def _host_ids(group_id: int) -> list[int]:
    rows = await GroupHost.filter(group_id=group_id).order_by("appointed_at", "id")
    return [row.member_id for row in rows]


async def _grant_host_role(actor: Member, member_id: int, now: datetime) -> None:
    member = await Member.filter(id=member_id).select_for_update().get()
    if member.has_role(Role.HOST):
        return
    before = list(member.roles or [])
    member.roles = [*before, Role.HOST.value]
    await member.save(update_fields=["roles"])
    await record_change(
        actor_id=actor.id,
        action="ROLE_GRANTED",
        target_type="MEMBER",
        target_id=member_id,
        now=now,
        before={"roles": before},
        after={"roles": member.roles},
        reason="任命为小组主理人",
    )


async def _seat(actor: Member, group: InterestGroup, member_id: int, now: datetime) -> bool:
    """The member's host seat, group membership and HOST role; False when already seated."""
    try:
        async with atomic():
            await GroupHost.create(
                group_id=group.id, member_id=member_id, appointed_by_id=actor.id, appointed_at=now
            )
    except IntegrityError:
        return False  # a host already (or a concurrent appointment of the same member won)
    try:
        async with atomic():
            await GroupMembership.create(group_id=group.id, member_id=member_id, joined_at=now)
            await InterestGroup.filter(id=group.id).update(member_count=F("member_count") + 1)
    except IntegrityError:
        pass  # a member of the group already
    await _grant_host_role(actor, member_id, now)
    return True


async def create_group(
    c: Collaborators, actor: Member, data: GroupInput, host_ids: Sequence[int]
) -> InterestGroup:
    """The first of ``host_ids`` leads (``InterestGroup.host``); every one gets a host seat."""
    require_role(actor, Role.ADMIN)
    values = await _checked(c, actor, data, None)
    hosts = await _hosts(host_ids)
    now = c.clock.now()
    async with atomic():
        group = await _unique(
            lambda: InterestGroup.create(**values, host_id=hosts[0].id, created_at=now), values, 0
        )
        for host in hosts:
            await _seat(actor, group, host.id, now)
        await record_change(
            actor_id=actor.id,
            action="GROUP_CREATED",
            target_type=TARGET,
            target_id=group.id,
            now=now,
            after={**snapshot(group, AUDITED), "host_ids": [h.id for h in hosts]},
        )
    return await InterestGroup.get(id=group.id)


async def update_group(
    c: Collaborators, actor: Member, group_id: int, data: GroupInput
) -> InterestGroup:
    require_role(actor, Role.ADMIN)
    await _group(group_id)
    now = c.clock.now()
    async with atomic():
        group = await _group(group_id, lock=True)
        values = await _checked(c, actor, data, group)
        before = snapshot(group, AUDITED)
        group.update_from_dict(values)
        await _unique(lambda: group.save(update_fields=list(values)), values, group_id)
        old, new = changed(before, snapshot(group, AUDITED))
        if new:
            await record_change(
                actor_id=actor.id,
                action="GROUP_UPDATED",
                target_type=TARGET,
                target_id=group_id,
                now=now,
                before=old,
                after=new,
            )
    return await InterestGroup.get(id=group_id)


async def _set_archived(c: Collaborators, actor: Member, group_id: int, archive: bool) -> None:
    require_role(actor, Role.ADMIN)
    await _group(group_id)
    now = c.clock.now()
    value = now if archive else None
    async with atomic():
        group = await _group(group_id, lock=True)
        if (group.archived_at is None) != archive:
            return  # archiving twice (or restoring an open group) changes and records nothing
        await InterestGroup.filter(id=group_id).update(archived_at=value)
        await record_change(
            actor_id=actor.id,
            action="GROUP_ARCHIVED" if archive else "GROUP_RESTORED",
            target_type=TARGET,
            target_id=group_id,
            now=now,
            before={"archived_at": group.archived_at},
            after={"archived_at": value},
        )


async def archive_group(c: Collaborators, actor: Member, group_id: int) -> None:
    """Read-only from now: no joins, posts, comments, likes or events; out of the pickers."""
    await _set_archived(c, actor, group_id, archive=True)


async def restore_group(c: Collaborators, actor: Member, group_id: int) -> None:
    await _set_archived(c, actor, group_id, archive=False)


async def appoint_host(c: Collaborators, actor: Member, group_id: int, member_id: int) -> GroupHost:
    """Idempotent: appointing a host again changes nothing. The appointee joins the group and
    gets the HOST role in the same transaction; their console shows the group at once."""
    require_role(actor, Role.ADMIN)
    await _group(group_id)
    if not await Member.exists(id=member_id):
        raise InvalidInputError.single("memberId", "成员不存在")
    now = c.clock.now()
    async with atomic():
        group = await _group(group_id, lock=True)  # one host change of a group at a time
        before = await _host_ids(group_id)
        if await _seat(actor, group, member_id, now):
            await record_change(
                actor_id=actor.id,
                action="HOST_APPOINTED",
                target_type=TARGET,
                target_id=group_id,
                now=now,
                before={"host_ids": before},
                after={"host_ids": [*before, member_id]},
            )
    return await GroupHost.get(group_id=group_id, member_id=member_id)


async def remove_host(c: Collaborators, actor: Member, group_id: int, member_id: int) -> None:
    """Never the last host. Removing the lead promotes the longest-serving co-host. To replace a
    host, appoint the successor, then remove."""
    require_role(actor, Role.ADMIN)
    await _group(group_id)
    now = c.clock.now()
    async with atomic():
        group = await _group(group_id, lock=True)
        before = await _host_ids(group_id)
        if member_id not in before:
            raise NotFoundError("这位成员不是本组的主理人")
        rest = [i for i in before if i != member_id]
        if not rest:
            raise LastHostError()
        await GroupHost.filter(group_id=group_id, member_id=member_id).delete()
        lead = group.host_id if group.host_id != member_id else rest[0]
        if lead != group.host_id:
            await InterestGroup.filter(id=group_id).update(host_id=lead)
        await record_change(
            actor_id=actor.id,
            action="HOST_REMOVED",
            target_type=TARGET,
            target_id=group_id,
            now=now,
            before={"host_ids": before, "host_id": group.host_id},
            after={"host_ids": rest, "host_id": lead},
        )


async def set_lead_host(
    c: Collaborators, actor: Member, group_id: int, member_id: int
) -> InterestGroup:
    """Make one of the group's hosts its lead (the name shown as the group's host)."""
    require_role(actor, Role.ADMIN)
    await _group(group_id)
    now = c.clock.now()
    async with atomic():
        group = await _group(group_id, lock=True)
        if not await GroupHost.exists(group_id=group_id, member_id=member_id):
            raise NotFoundError("这位成员不是本组的主理人")
        if group.host_id != member_id:
            await InterestGroup.filter(id=group_id).update(host_id=member_id)
            await record_change(
                actor_id=actor.id,
                action="LEAD_HOST_SET",
                target_type=TARGET,
                target_id=group_id,
                now=now,
                before={"host_id": group.host_id},
                after={"host_id": member_id},
            )
    return await InterestGroup.get(id=group_id)
