"""A member's requests about their own data: a copy of it (an export) and the deletion of their
account after a grace period."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.identity.models import Member


class ExportStatus(StrEnum):
    PENDING = "PENDING"
    READY = "READY"
    FAILED = "FAILED"


class DeletionStatus(StrEnum):
    PENDING = "PENDING"
    CANCELLED = "CANCELLED"
    ERASED = "ERASED"


class DataExport(Model):
    """A ZIP of everything Linli holds about a member, built by the worker and kept for a day.
    The archive lives in the database so that any app process can serve what any worker built."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="data_exports", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(ExportStatus, max_length=8, default=ExportStatus.PENDING)
    archive = fields.BinaryField(null=True)
    size_bytes = fields.IntField(default=0)
    requested_at = fields.DatetimeField()
    ready_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)

    member_id: int

    class Meta:
        table = "data_export"
        ordering = ["id"]
        indexes = (("member_id", "id"),)


class AccountDeletion(Model):
    """A member's request to delete their account: erased at ``due_at`` unless they sign in
    again before. ``keep_posts``: their posts stay, signed 已注销用户, instead of being deleted."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="deletion_requests", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(DeletionStatus, max_length=10, default=DeletionStatus.PENDING)
    keep_posts = fields.BooleanField()
    requested_at = fields.DatetimeField()
    due_at = fields.DatetimeField()
    cancelled_at = fields.DatetimeField(null=True)
    erased_at = fields.DatetimeField(null=True)

    member_id: int

    class Meta:
        table = "account_deletion"
        ordering = ["id"]
        indexes = (("status", "due_at"), ("member_id", "status"))
