"""The sensitive-word list operators manage, and the hashes of images moderators rejected."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from domain.identity.models import Member
from domain.safety.rules import WordCategory


class SensitiveWord(Model):
    """One word of the list, whose category decides what a match does."""

    id = fields.IntField(primary_key=True)
    text = fields.CharField(max_length=50, unique=True)
    category = fields.CharEnumField(WordCategory, max_length=8)
    created_by: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name=False, on_delete=fields.RESTRICT
    )
    created_by_id: int
    created_at = fields.DatetimeField()

    class Meta:
        table = "sensitive_word"


class RejectedImageHash(Model):
    """The dHash of an image in a post a moderator rejected: a new upload close to it is held."""

    id = fields.IntField(primary_key=True)
    hash = fields.CharField(max_length=16, unique=True)
    image_id = fields.IntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "rejected_image_hash"
