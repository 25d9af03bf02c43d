"""Tier playbooks and the record of every time one ran for a member's tier change."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.identity.models import Member
    from domain.segments.models import TierChange


class PlaybookArm(StrEnum):
    TREATMENT = "TREATMENT"  # told, given the bonus, put on the win-back list
    HOLDOUT = "HOLDOUT"  # recorded only, to compare against


class Playbook(Model):
    """What an operator wants done when a member moves into ``to_tier`` (from ``from_tier`` when
    set): a message, bonus points expiring after ``bonus_expiry_days`` and a place on the hosts'
    win-back list. ``holdout_percent`` of the members it matches get none of it."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=60)
    from_tier = fields.CharField(max_length=12, null=True)
    to_tier = fields.CharField(max_length=12)
    message = fields.CharField(max_length=200, default="")
    bonus_points = fields.IntField(default=0)
    bonus_expiry_days = fields.IntField(default=14)
    add_to_winback = fields.BooleanField(default=False)
    holdout_percent = fields.SmallIntField(default=10)
    active = fields.BooleanField(default=True)
    # When it was last switched on: it runs on tier changes from then, never on earlier ones.
    active_since = fields.DatetimeField()
    created_by: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="playbooks_created", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    created_by_id: int

    class Meta:
        table = "playbook"
        indexes = (("active", "to_tier"),)


class PlaybookRun(Model):
    """One playbook run for one tier change of one member, at most once per pair (the unique
    pair is what makes a run exactly once whoever gets there first)."""

    id = fields.BigIntField(primary_key=True)
    playbook: fields.ForeignKeyRelation[Playbook] = fields.ForeignKeyField(
        "linli.Playbook", related_name="runs", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="playbook_runs", on_delete=fields.CASCADE
    )
    tier_change: fields.ForeignKeyRelation[TierChange] = fields.ForeignKeyField(
        "linli.TierChange", related_name="playbook_runs", on_delete=fields.CASCADE
    )
    arm = fields.CharEnumField(PlaybookArm, max_length=10)
    points_granted = fields.IntField(default=0)
    notification_id = fields.IntField(null=True)
    # The treatment of a playbook that puts its members on the hosts' win-back list.
    on_winback = fields.BooleanField(default=False)
    ran_at = fields.DatetimeField()

    playbook_id: int
    member_id: int
    tier_change_id: int

    class Meta:
        table = "playbook_run"
        unique_together = (("playbook", "tier_change"),)
        indexes = (("playbook_id", "arm"), ("member_id", "ran_at"))
