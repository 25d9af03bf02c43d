"""Badge awards: one row per member and badge, ever (a UNIQUE pair), so a badge is awarded once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.identity.models import Member


class BadgeAward(Model):
    """A badge a member holds (or held: ``revoked_at`` set), with when and why it was awarded.
    ``granted_by`` is the staff member who granted a manual badge (null: awarded by its rule)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="badges", on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=20)
    awarded_at = fields.DatetimeField()
    reason = fields.CharField(max_length=200)
    manual = fields.BooleanField(default=False)
    granted_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="badges_granted", null=True, on_delete=fields.RESTRICT
    )
    revoked_at = fields.DatetimeField(null=True)

    member_id: int
    granted_by_id: int | None

    class Meta:
        table = "badge_award"
        unique_together = (("member", "code"),)
        indexes = (("code", "awarded_at"),)
