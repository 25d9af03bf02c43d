"""Identity: estates (小区), members, interest tags, tokens and WeChat identities."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from domain.pinyin import initials, with_initials


class Role(StrEnum):
    RESIDENT = "RESIDENT"
    HOST = "HOST"
    MODERATOR = "MODERATOR"
    ADMIN = "ADMIN"


class TokenKind(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"
    SESSION = "session"


# Model docstrings become table comments: keep them free of semicolons (statement splitting).


class Estate(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=60, unique=True)
    city = fields.CharField(max_length=30)
    district = fields.CharField(max_length=30)
    address = fields.CharField(max_length=120, default="", db_default="")
    # Archived estates keep their members and history but take no new registrations.
    archived_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "estate"
        ordering = ["id"]

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class PickupPoint(Model):
    """Where an estate's residents collect orders and rewards (自提点), with its opening hours."""

    id = fields.IntField(primary_key=True)
    estate: fields.ForeignKeyRelation[Estate] = fields.ForeignKeyField(
        "linli.Estate", related_name="pickup_points", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=40)
    address = fields.CharField(max_length=120)
    opening_hours = fields.CharField(max_length=80)
    archived_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    estate_id: int

    class Meta:
        table = "pickup_point"
        ordering = ["id"]
        indexes = (("estate_id",),)


class InterestTag(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=20, unique=True)
    # Retired tags are no longer offered; a merged tag is retired and points at the survivor.
    retired_at = fields.DatetimeField(null=True)
    merged_into: fields.ForeignKeyNullableRelation[InterestTag] = fields.ForeignKeyField(
        "linli.InterestTag", related_name="merged_tags", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    merged_into_id: int | None

    class Meta:
        table = "interest_tag"
        ordering = ["id"]


class Member(Model):
    id = fields.IntField(primary_key=True)
    phone = fields.CharField(max_length=11, null=True, unique=True)
    password_hash = fields.CharField(max_length=200, null=True)
    display_name = fields.CharField(max_length=20)
    # The name's pinyin initials (domain/pinyin.py), written with the name by ``save``.
    name_initials = fields.CharField(max_length=40, default="", db_default="")
    avatar_url = fields.CharField(max_length=300, null=True)
    estate: fields.ForeignKeyNullableRelation[Estate] = fields.ForeignKeyField(
        "linli.Estate", related_name="members", null=True, on_delete=fields.RESTRICT
    )
    roles: list[str] = fields.JSONField(default=["RESIDENT"])
    invite_code = fields.CharField(max_length=8, unique=True)
    referred_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="invitees", null=True, on_delete=fields.SET_NULL
    )
    consent_version = fields.CharField(max_length=20, null=True)
    consented_at = fields.DatetimeField(null=True)
    suspended = fields.BooleanField(default=False)
    # A suspension's end (null: until lifted) and its reason, set together with ``suspended``.
    suspended_until = fields.DatetimeField(null=True)
    suspension_reason = fields.CharField(max_length=200, null=True)
    # KOC / HIGH_VALUE / POTENTIAL / DORMANT / NEWCOMER, set by the tier computation; null before.
    tier = fields.CharField(max_length=12, null=True)
    # The badge the member shows next to their name (a code of domain/honours; null: none).
    shown_badge = fields.CharField(max_length=20, null=True)
    # When the member joined, by the service's clock (reports and tiers count from it).
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField(null=True)

    estate_id: int | None
    referred_by_id: int | None

    class Meta:
        table = "member"
        ordering = ["id"]

    async def save(
        self,
        using_db: BaseDBAsyncClient | None = None,
        update_fields: Iterable[str] | None = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        """Every write of the name writes its pinyin initials too (for name search)."""
        self.name_initials = initials(self.display_name)
        await super().save(
            using_db, with_initials(update_fields, "display_name"), force_create, force_update
        )

    def has_role(self, role: Role) -> bool:
        return role.value in (self.roles or [])


class MemberInterestTag(Model):
    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="tag_links", on_delete=fields.CASCADE
    )
    tag: fields.ForeignKeyRelation[InterestTag] = fields.ForeignKeyField(
        "linli.InterestTag", related_name="member_links", on_delete=fields.CASCADE
    )
    added_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="tags_added", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    member_id: int
    tag_id: int
    added_by_id: int | None

    class Meta:
        table = "member_interest_tag"
        unique_together = (("member", "tag"),)


class WechatIdentity(Model):
    """The WeChat openid of a member. Its session_key stays on the server."""

    id = fields.IntField(primary_key=True)
    openid = fields.CharField(max_length=64, unique=True)
    unionid = fields.CharField(max_length=64, null=True)
    session_key = fields.CharField(max_length=128)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="wechat_identities", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    member_id: int

    class Meta:
        table = "wechat_identity"


class AuthToken(Model):
    """A bearer, refresh or portal-session token, stored as its SHA-256 only."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="tokens", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(TokenKind, max_length=10)
    token_hash = fields.CharField(max_length=64, unique=True)
    family = fields.CharField(max_length=32)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    member_id: int

    class Meta:
        table = "auth_token"
        indexes = (("family",),)


class EstateChangeStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    # Superseded: the member asked again, went back, or an admin set the estate directly.
    CANCELLED = "CANCELLED"


class EstateChangeRequest(Model):
    """A member's request to move to another estate, decided by a host or admin of that estate.

    The estate is an access boundary (staff scope, estate-only groups, campaigns, events): the
    member keeps the old one until the request is approved. At most one pending per member."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="estate_change_requests", on_delete=fields.CASCADE
    )
    from_estate: fields.ForeignKeyNullableRelation[Estate] = fields.ForeignKeyField(
        "linli.Estate", related_name="estate_changes_out", null=True, on_delete=fields.RESTRICT
    )
    to_estate: fields.ForeignKeyRelation[Estate] = fields.ForeignKeyField(
        "linli.Estate", related_name="estate_changes_in", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(
        EstateChangeStatus, max_length=10, default=EstateChangeStatus.PENDING
    )
    decided_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="estate_changes_decided", null=True, on_delete=fields.SET_NULL
    )
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    member_id: int
    from_estate_id: int | None
    to_estate_id: int
    decided_by_id: int | None

    class Meta:
        table = "estate_change_request"
        ordering = ["id"]
        indexes = (("to_estate_id", "status"),)


class RoleGrantStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"


class RoleGrantRequest(Model):
    """A grant of ADMIN waiting for a second admin, like a large points adjustment."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="role_grant_requests", on_delete=fields.CASCADE
    )
    role = fields.CharField(max_length=12)
    status = fields.CharEnumField(RoleGrantStatus, max_length=10, default=RoleGrantStatus.PENDING)
    requested_by: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="role_grants_requested", on_delete=fields.RESTRICT
    )
    decided_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="role_grants_decided", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    member_id: int
    requested_by_id: int
    decided_by_id: int | None

    class Meta:
        table = "role_grant_request"
        ordering = ["id"]
        indexes = (("status", "id"),)


class VerifiedBy(StrEnum):
    PURCHASE = "PURCHASE"  # an order picked up at the estate's pickup point (purchases import)
    ATTESTED = "ATTESTED"  # a host of the estate, or an admin, vouched for the member
    INVITE = "INVITE"  # invited by a member verified in the estate


class EstateVerification(Model):
    """That a member is a real resident of an estate, how it was shown and by whom. One row per
    (member, estate): a member who moves keeps it for the estate they left and is verified in
    the new one on its own evidence."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="estate_verifications", on_delete=fields.CASCADE
    )
    estate: fields.ForeignKeyRelation[Estate] = fields.ForeignKeyField(
        "linli.Estate", related_name="verifications", on_delete=fields.RESTRICT
    )
    via = fields.CharEnumField(VerifiedBy, max_length=8)
    # The host or admin who attested, or the inviter (null for a purchase, or once erased).
    vouched_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="estate_vouches", null=True, on_delete=fields.SET_NULL
    )
    # The order id of the purchase that showed it.
    order_id = fields.CharField(max_length=64, null=True)
    verified_at = fields.DatetimeField()

    member_id: int
    estate_id: int
    vouched_by_id: int | None

    class Meta:
        table = "estate_verification"
        unique_together = (("member", "estate"),)
