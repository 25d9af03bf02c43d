"""Interest groups (兴趣小组) and who belongs to them."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from domain.pinyin import initials, with_initials

if TYPE_CHECKING:
    from domain.identity.models import Estate, Member


class InterestGroup(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=30, unique=True)
    # The name's pinyin initials (domain/pinyin.py), written with the name by ``save``.
    name_initials = fields.CharField(max_length=40, default="", db_default="")
    slug = fields.CharField(max_length=40, unique=True)
    description = fields.TextField()
    cover_url = fields.CharField(max_length=300, null=True)
    host: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="hosted_groups", on_delete=fields.RESTRICT
    )
    # Null: open to every estate.
    estate: fields.ForeignKeyNullableRelation[Estate] = fields.ForeignKeyField(
        "linli.Estate", related_name="groups", null=True, on_delete=fields.RESTRICT
    )
    member_count = fields.IntField(default=0)
    # Private (铁杆粉丝群): name and description for everyone, posts for members only; joining is
    # a request the hosts decide (``GroupJoinRequest``). Independent of ``estate``.
    private = fields.BooleanField(default=False, db_default=False)
    # Archived groups stay readable but take no posts, joins or events and leave the feed filters.
    archived_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    host_id: int
    estate_id: int | None

    class Meta:
        table = "interest_group"
        ordering = ["id"]

    async def save(
        self,
        using_db: BaseDBAsyncClient | None = None,
        update_fields: Iterable[str] | None = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        """Every write of the name writes its pinyin initials too (for name search)."""
        self.name_initials = initials(self.name)
        await super().save(
            using_db, with_initials(update_fields, "name"), force_create, force_update
        )


class GroupHost(Model):
    """A host (主理人) of a group: the lead host (``InterestGroup.host``) and any co-hosts."""

    id = fields.IntField(primary_key=True)
    group: fields.ForeignKeyRelation[InterestGroup] = fields.ForeignKeyField(
        "linli.InterestGroup", related_name="hosts", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="group_host_seats", on_delete=fields.CASCADE
    )
    appointed_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="host_appointments", null=True, on_delete=fields.SET_NULL
    )
    appointed_at = fields.DatetimeField()

    group_id: int
    member_id: int
    appointed_by_id: int | None

    class Meta:
        table = "group_host"
        unique_together = (("group", "member"),)
        indexes = (("member_id",),)


class GroupMembership(Model):
    id = fields.IntField(primary_key=True)
    group: fields.ForeignKeyRelation[InterestGroup] = fields.ForeignKeyField(
        "linli.InterestGroup", related_name="memberships", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="group_memberships", on_delete=fields.CASCADE
    )
    joined_at = fields.DatetimeField()

    group_id: int
    member_id: int

    class Meta:
        table = "group_membership"
        unique_together = (("group", "member"),)
        indexes = (("member_id",),)


class JoinRequestStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"


class GroupJoinRequest(Model):
    """A member's request to join a private group: one row per (group, member), reopened when
    the member asks again after a decision. The hosts approve or decline it, and the due jobs
    expire it after ``private.REQUEST_LIFETIME``."""

    id = fields.IntField(primary_key=True)
    group: fields.ForeignKeyRelation[InterestGroup] = fields.ForeignKeyField(
        "linli.InterestGroup", related_name="join_requests", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="join_requests", on_delete=fields.CASCADE
    )
    message = fields.CharField(max_length=200, default="")
    status = fields.CharEnumField(JoinRequestStatus, max_length=10)
    requested_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="join_decisions", null=True, on_delete=fields.SET_NULL
    )

    group_id: int
    member_id: int
    decided_by_id: int | None

    class Meta:
        table = "group_join_request"
        unique_together = (("group", "member"),)
        indexes = (("status", "requested_at"),)


class GroupRemoval(Model):
    """A host removed the member from the group: no new request before ``REJOIN_HOLD`` has
    passed (an invitation by a host lifts it)."""

    id = fields.IntField(primary_key=True)
    group: fields.ForeignKeyRelation[InterestGroup] = fields.ForeignKeyField(
        "linli.InterestGroup", related_name="removals", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="group_removals", on_delete=fields.CASCADE
    )
    removed_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="group_removals_made", null=True, on_delete=fields.SET_NULL
    )
    removed_at = fields.DatetimeField()

    group_id: int
    member_id: int
    removed_by_id: int | None

    class Meta:
        table = "group_removal"
        unique_together = (("group", "member"),)
