"""Interest tags in the back office: an admin creates, renames, merges, retires and restores them.

A retired tag is no longer offered (profile, host console, the mini-program's ``interestTags``)
but members who have it keep it, visible in their profile and segments, until they drop it. A
merged tag is retired with ``merged_into`` set, and its members' links moved to the survivor.

Concurrency (PostgreSQL): whoever links members to tags (``lock_offered_tags``) share-locks the
tag rows it checks (FOR KEY SHARE); merging and retiring lock the tags FOR UPDATE first. So a
member's link either commits before the merge moves the links (and is moved), or waits and then
finds the tag retired (and is refused): no link is left behind on a merged tag. The unique
(member, tag) index decides who keeps which row when a member had both tags."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from domain.audit import record_change, snapshot
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import InvalidInputError, NotFoundError
from domain.identity.errors import TagMergedError, TagNameTakenError, TagRetiredError
from domain.identity.models import InterestTag, Member, MemberInterestTag, Role
from domain.identity.policies import require_role

NAME_MAX = 20
TARGET_TYPE = "INTEREST_TAG"
_AUDITED = ("name", "retired_at", "merged_into_id")


def clean_tag_name(raw: str) -> str:
    """Trim, fold full-width forms, drop control characters, one space between words."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())


def tag_name_error(name: str) -> str | None:
    if not name:
        return "请填写标签名称"
    if len(name) > NAME_MAX:
        return f"标签名称最多{NAME_MAX}个字"
    return None


def _valid_name(raw: str) -> str:
    name = clean_tag_name(raw)
    if message := tag_name_error(name):
        raise InvalidInputError.single("name", message)
    return name


async def lock_offered_tags(tag_ids: Iterable[int]) -> set[int]:
    """The tags among ``tag_ids`` that are offered (not retired), share-locked until the end of
    the caller's transaction on PostgreSQL so a merge or retirement waits for the new links."""
    ids = sorted({int(i) for i in tag_ids})
    if not ids:
        return set()
    if InterestTag._meta.db.capabilities.dialect == "postgres":
        listed = ", ".join(str(i) for i in ids)
        rows: list[Any] = await InterestTag.raw(
            f'SELECT * FROM "interest_tag" WHERE "id" IN ({listed}) '  # noqa: S608 (ints)
            'AND "retired_at" IS NULL ORDER BY "id" FOR KEY SHARE'
        )
        return {row.id for row in rows}
    found = await column(InterestTag.filter(id__in=ids, retired_at__isnull=True), "id")
    return {int(tag_id) for tag_id in found}


async def _locked(*tag_ids: int) -> dict[int, InterestTag]:
    """The tags, locked FOR UPDATE in id order (PostgreSQL); missing ones are left out."""
    rows = await InterestTag.filter(id__in=tag_ids).order_by("id").select_for_update()
    return {tag.id: tag for tag in rows}


async def _audit(
    c: Collaborators,
    actor: Member,
    action: str,
    tag: InterestTag,
    before: dict[str, Any] | None,
    reason: str | None = None,
) -> None:
    await record_change(
        actor_id=actor.id,
        action=action,
        target_type=TARGET_TYPE,
        target_id=tag.id,
        now=c.clock.now(),
        before=before,
        after=snapshot(tag, _AUDITED),
        reason=reason,
    )


async def create_tag(c: Collaborators, actor: Member, name: str) -> InterestTag:
    require_role(actor, Role.ADMIN)
    clean = _valid_name(name)
    try:
        async with in_transaction():
            async with in_transaction():  # a savepoint: the unique name index may refuse it
                tag = await InterestTag.create(name=clean, created_at=c.clock.now())
            await _audit(c, actor, "TAG_CREATED", tag, None)
    except IntegrityError as error:
        raise TagNameTakenError() from error
    return tag


async def rename_tag(c: Collaborators, actor: Member, tag_id: int, name: str) -> InterestTag:
    require_role(actor, Role.ADMIN)
    clean = _valid_name(name)
    try:
        async with in_transaction():
            tag = (await _locked(tag_id)).get(tag_id)
            if tag is None:
                raise NotFoundError("兴趣标签不存在")
            if tag.merged_into_id is not None:
                raise TagMergedError()
            if tag.name == clean:
                return tag
            before = snapshot(tag, _AUDITED)
            async with in_transaction():  # a savepoint: the unique name index may refuse it
                await InterestTag.filter(id=tag_id).update(name=clean)
            tag.name = clean
            await _audit(c, actor, "TAG_RENAMED", tag, before)
    except IntegrityError as error:
        raise TagNameTakenError() from error
    return tag


async def retire_tag(c: Collaborators, actor: Member, tag_id: int) -> InterestTag:
    """No longer offered; members keep the links they have. Retiring twice changes nothing."""
    require_role(actor, Role.ADMIN)
    async with in_transaction():
        tag = (await _locked(tag_id)).get(tag_id)
        if tag is None:
            raise NotFoundError("兴趣标签不存在")
        if tag.retired_at is not None:
            return tag
        before = snapshot(tag, _AUDITED)
        tag.retired_at = c.clock.now()
        await InterestTag.filter(id=tag_id).update(retired_at=tag.retired_at)
        await _audit(c, actor, "TAG_RETIRED", tag, before)
    return tag


async def restore_tag(c: Collaborators, actor: Member, tag_id: int) -> InterestTag:
    """Offered again. A merged tag stays merged: its members now carry the survivor."""
    require_role(actor, Role.ADMIN)
    async with in_transaction():
        tag = (await _locked(tag_id)).get(tag_id)
        if tag is None:
            raise NotFoundError("兴趣标签不存在")
        if tag.merged_into_id is not None:
            raise TagMergedError()
        if tag.retired_at is None:
            return tag
        before = snapshot(tag, _AUDITED)
        tag.retired_at = None
        await InterestTag.filter(id=tag_id).update(retired_at=None)
        await _audit(c, actor, "TAG_RESTORED", tag, before)
    return tag


async def merge_tags(
    c: Collaborators, actor: Member, source_id: int, target_id: int
) -> tuple[InterestTag, int]:
    """Every member of ``source`` now has ``target`` (one row each: a member who had both keeps
    the target's row, as their own choice if either was); ``source`` is retired, merged into
    ``target``. Answers the survivor and how many members the source had."""
    require_role(actor, Role.ADMIN)
    if source_id == target_id:
        raise InvalidInputError.single("targetId", "不能把标签合并到它自己")
    async with in_transaction() as conn:
        tags = await _locked(source_id, target_id)
        source, target = tags.get(source_id), tags.get(target_id)
        if source is None or target is None:
            raise NotFoundError("兴趣标签不存在")
        if source.retired_at is not None:
            raise TagRetiredError("这个标签已停用或已合并，不能再合并")
        if target.retired_at is not None:
            raise TagRetiredError("不能合并到已停用的标签")
        before = snapshot(source, _AUDITED)
        moved = await MemberInterestTag.filter(tag_id=source_id).count()
        s, t = int(source_id), int(target_id)
        # The member's own choice wins over a host's tag when they had both.
        await conn.execute_query(
            'UPDATE "member_interest_tag" SET "added_by_id" = NULL '  # noqa: S608 (ints)
            f'WHERE "tag_id" = {t} AND "member_id" IN (SELECT "member_id" FROM '
            f'"member_interest_tag" WHERE "tag_id" = {s} AND "added_by_id" IS NULL)'
        )
        await conn.execute_query(
            'INSERT INTO "member_interest_tag" ("member_id", "tag_id", "added_by_id", '  # noqa: S608
            f'"created_at") SELECT "member_id", {t}, "added_by_id", "created_at" '
            f'FROM "member_interest_tag" WHERE "tag_id" = {s} '
            'ON CONFLICT ("member_id", "tag_id") DO NOTHING'
        )
        await MemberInterestTag.filter(tag_id=source_id).delete()
        source.retired_at, source.merged_into_id = c.clock.now(), target_id
        await InterestTag.filter(id=source_id).update(
            retired_at=source.retired_at, merged_into_id=target_id
        )
        await _audit(
            c, actor, "TAG_MERGED", source, before, reason=f"{source.name} → {target.name}"
        )
    return target, moved


async def list_tags_with_counts() -> list[tuple[InterestTag, int]]:
    """Every tag (offered first, then retired) with how many members carry it: two statements."""
    tags = await InterestTag.all().order_by("id").select_related("merged_into")
    rows = (
        await MemberInterestTag.annotate(n=Count("id"))
        .group_by("tag_id")
        .values_list("tag_id", "n")
    )
    return _with_counts(tags, rows)


def _with_counts(tags: list[InterestTag], rows: Any) -> list[tuple[InterestTag, int]]:
    counts = {int(tag_id): int(n) for tag_id, n in rows}
    ordered = sorted(tags, key=lambda t: (t.retired_at is not None, t.id))
    return [(tag, counts.get(tag.id, 0)) for tag in ordered]
