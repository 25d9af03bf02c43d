"""Exposures: a member saw a post on a day (raw, kept 90 days), then only the day's viewer count."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from domain.identity.models import Member
from domain.posts.models import Post


class ExposureSource(StrEnum):
    DETAIL = "DETAIL"  # the post's page was opened
    FEED = "FEED"  # its feed card was on screen for a second
    MINIPROGRAM = "MINIPROGRAM"  # reported by the mini-program


class PostExposure(Model):
    """A member saw a post on a day (Asia/Shanghai), the first time that day and how."""

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name=False, on_delete=fields.CASCADE
    )
    member_id: int
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "linli.Post", related_name=False, on_delete=fields.CASCADE
    )
    post_id: int
    day = fields.DateField()
    source = fields.CharEnumField(ExposureSource, max_length=12)
    seen_at = fields.DatetimeField()

    class Meta:
        table = "post_exposure"
        unique_together = (("member", "post", "day"),)
        indexes = (("post_id", "day"), ("day",))


class PostExposureDay(Model):
    """How many members saw a post on a day, kept after that day's raw exposures are dropped."""

    id = fields.BigIntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "linli.Post", related_name=False, on_delete=fields.CASCADE
    )
    post_id: int
    day = fields.DateField()
    viewers = fields.IntField()

    class Meta:
        table = "post_exposure_day"
        unique_together = (("post", "day"),)
