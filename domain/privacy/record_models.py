"""What the programme records about personal information itself: each consent a member gave to
a version of the privacy policy, and each time staff read a member's personal data."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.identity.models import Member


class AccessKind(StrEnum):
    MEMBERS_LIST = "MEMBERS_LIST"  # a list of members with their contact details or segments
    MEMBER_PAGE = "MEMBER_PAGE"  # one member's record
    CSV_EXPORT = "CSV_EXPORT"  # a members CSV file


class ConsentRecord(Model):
    """One acceptance of a privacy policy version by a member, kept for as long as the member:
    the history of what they agreed to and when."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="consent_records", on_delete=fields.CASCADE
    )
    version = fields.CharField(max_length=20)
    accepted_at = fields.DatetimeField()

    member_id: int

    class Meta:
        table = "consent_record"
        indexes = (("member_id", "id"),)


class PersonalDataAccess(Model):
    """A staff read of a member's personal data. The member sees when and by which role, never
    the staff member (``staff`` is kept for the programme's own audit)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="data_accesses", on_delete=fields.CASCADE
    )
    staff: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="data_reads", null=True, on_delete=fields.SET_NULL
    )
    staff_role = fields.CharField(max_length=12)
    kind = fields.CharEnumField(AccessKind, max_length=12)
    at = fields.DatetimeField()

    member_id: int
    staff_id: int | None

    class Meta:
        table = "personal_data_access"
        indexes = (("member_id", "at"), ("at",))
