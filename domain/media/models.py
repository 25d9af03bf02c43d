"""Uploaded images: re-encoded, stripped of metadata, stored behind a storage interface."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.identity.models import Member


class CloudCheck(StrEnum):
    """Where an image stands with a provider that answers later (WeChat ``mediaCheckAsync``)."""

    DUE = "DUE"  # to be sent to the provider
    WAITING = "WAITING"  # sent; the verdict comes by the provider's call (cloud_trace_id)
    PASSED = "PASSED"
    FLAGGED = "FLAGGED"  # cloud_flag says why
    SKIPPED = "SKIPPED"  # the provider would not take it (WeChat's needs the uploader's openid)


class Image(Model):
    id = fields.IntField(primary_key=True)
    owner: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="images", on_delete=fields.CASCADE
    )
    storage_key = fields.CharField(max_length=120, unique=True)
    content_type = fields.CharField(max_length=20)
    width = fields.IntField()
    height = fields.IntField()
    size_bytes = fields.IntField()
    # The perceptual hash (domain/safety/imagehash.py); null for images uploaded before it.
    dhash = fields.CharField(max_length=16, null=True)
    # What the cloud moderation provider said was wrong with it at upload (None: nothing, or
    # no provider); a post using it waits for a moderator.
    cloud_flag = fields.CharField(max_length=200, null=True)
    # The widths its renditions were made at (``images.make_renditions``: WebP and JPEG each,
    # keys from ``storage.rendition_key``); null for an upload before they were made.
    rendition_widths: list[int] | None = fields.JSONField(null=True)
    # The picture's average colour (#rrggbb), shown in its place while it loads.
    average_color = fields.CharField(max_length=7, null=True)
    # The later verdict, when the provider gives one (None: it answers at upload, or there is
    # none), and the provider's id for the request it answers.
    cloud_check = fields.CharEnumField(CloudCheck, max_length=8, null=True, db_index=True)
    cloud_trace_id = fields.CharField(max_length=64, null=True, unique=True)
    created_at = fields.DatetimeField()

    owner_id: int

    class Meta:
        table = "image"
