"""The programme's settings as versions: earn rules, the brand, the privacy policy.

A version is never edited: a change writes the next version, with who made it and when, and the
newest version applies from then on (awards already made keep the version they name)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.identity.models import Member


class ProgrammeRules(Model):
    """One version of the earn rules, daily contribution cap, check-in bonus, expiry policy and
    report threshold, as a JSON document the rules module reads and checks."""

    id = fields.IntField(primary_key=True)
    version = fields.IntField(unique=True)
    rules: dict[str, Any] = fields.JSONField()
    note = fields.CharField(max_length=200, null=True)
    created_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="rule_versions", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    created_by_id: int | None

    class Meta:
        table = "programme_rules"
        ordering = ["version"]


class BrandProfile(Model):
    """One version of the brand's name, logo and about page."""

    id = fields.IntField(primary_key=True)
    version = fields.IntField(unique=True)
    name = fields.CharField(max_length=40)
    logo_url = fields.CharField(max_length=300, null=True)
    about = fields.TextField(default="")
    created_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="brand_versions", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    created_by_id: int | None

    class Meta:
        table = "brand_profile"
        ordering = ["version"]


class PrivacyPolicy(Model):
    """One version of the privacy policy text members consent to (``Member.consent_version``)."""

    id = fields.IntField(primary_key=True)
    version = fields.CharField(max_length=20, unique=True)
    body = fields.TextField()
    created_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="privacy_versions", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    created_by_id: int | None

    class Meta:
        table = "privacy_policy"
        ordering = ["id"]
