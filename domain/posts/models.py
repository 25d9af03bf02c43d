"""UGC: posts (recipes, stories, photos, tips), their recipe parts and images, comments, likes,
reports, and the append-only moderation audit log."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.groups.models import InterestGroup
    from domain.identity.models import Member
    from domain.media.models import Image


class PostKind(StrEnum):
    RECIPE = "RECIPE"
    STORY = "STORY"
    PHOTO = "PHOTO"
    TIP = "TIP"


class PostStatus(StrEnum):
    PENDING = "PENDING"
    PUBLISHED = "PUBLISHED"
    REJECTED = "REJECTED"
    HIDDEN = "HIDDEN"


class ReportReason(StrEnum):
    SPAM = "SPAM"
    ADVERTISING = "ADVERTISING"
    ABUSE = "ABUSE"
    PRIVACY = "PRIVACY"
    MISINFORMATION = "MISINFORMATION"
    OTHER = "OTHER"


class Post(Model):
    id = fields.IntField(primary_key=True)
    author: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="posts", on_delete=fields.RESTRICT
    )
    group: fields.ForeignKeyNullableRelation[InterestGroup] = fields.ForeignKeyField(
        "linli.InterestGroup", related_name="posts", null=True, on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(PostKind, max_length=8)
    title = fields.CharField(max_length=60)
    body = fields.TextField()
    body_html = fields.TextField()
    excerpt = fields.CharField(max_length=120)
    status = fields.CharEnumField(PostStatus, max_length=10, default=PostStatus.PENDING)
    featured = fields.BooleanField(default=False)
    moderation_note = fields.CharField(max_length=200, null=True)
    # Why the safety checks held the post for a moderator (domain/safety), shown in the queue.
    safety_flag = fields.CharField(max_length=200, null=True)
    like_count = fields.IntField(default=0)
    comment_count = fields.IntField(default=0)
    report_count = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    published_at = fields.DatetimeField(null=True)

    author_id: int
    group_id: int | None

    class Meta:
        table = "post"
        # The feed's keyset order, overall and per group.
        indexes = (
            ("status", "featured", "published_at", "id"),
            ("group_id", "status", "featured", "published_at", "id"),
            ("author_id", "id"),
        )


class RecipeDetails(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "linli.Post", related_name="recipe", on_delete=fields.CASCADE, unique=True
    )
    servings = fields.IntField()
    minutes = fields.IntField()

    post_id: int

    class Meta:
        table = "recipe_details"


class RecipeIngredient(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "linli.Post", related_name="ingredients", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    name = fields.CharField(max_length=40)
    amount = fields.CharField(max_length=40)

    post_id: int

    class Meta:
        table = "recipe_ingredient"
        unique_together = (("post", "position"),)


class RecipeStep(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "linli.Post", related_name="steps", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    text = fields.CharField(max_length=500)

    post_id: int

    class Meta:
        table = "recipe_step"
        unique_together = (("post", "position"),)


class PostImage(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "linli.Post", related_name="images", on_delete=fields.CASCADE
    )
    image: fields.ForeignKeyRelation[Image] = fields.ForeignKeyField(
        "linli.Image", related_name="post_images", on_delete=fields.RESTRICT
    )
    position = fields.IntField()

    post_id: int
    image_id: int

    class Meta:
        table = "post_image"
        unique_together = (("post", "position"),)


class Comment(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "linli.Post", related_name="comments", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="comments", on_delete=fields.RESTRICT
    )
    body = fields.TextField()
    body_html = fields.TextField()
    hidden = fields.BooleanField(default=False)
    # Why the safety checks held it (None: they did not); kept after a moderator's decision.
    safety_flag = fields.CharField(max_length=200, null=True)
    reviewed_at = fields.DatetimeField(null=True)  # when a moderator decided on a held comment
    created_at = fields.DatetimeField()

    post_id: int
    author_id: int

    class Meta:
        table = "comment"
        indexes = (("post_id", "id"),)


class PostLike(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "linli.Post", related_name="likes", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="likes", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()

    post_id: int
    member_id: int

    class Meta:
        table = "post_like"
        unique_together = (("post", "member"),)
        # A viewer's likes: the feed's "liked" flag when PostgreSQL hashes it per page.
        indexes = (("member_id", "post_id"),)


class Report(Model):
    """One member's report of a post or a comment, one per reporter and target."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyNullableRelation[Post] = fields.ForeignKeyField(
        "linli.Post", related_name="reports", null=True, on_delete=fields.CASCADE
    )
    comment: fields.ForeignKeyNullableRelation[Comment] = fields.ForeignKeyField(
        "linli.Comment", related_name="reports", null=True, on_delete=fields.CASCADE
    )
    reporter: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="reports", on_delete=fields.CASCADE
    )
    reason = fields.CharEnumField(ReportReason, max_length=16)
    note = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField()

    post_id: int | None
    comment_id: int | None
    reporter_id: int

    class Meta:
        table = "report"
        unique_together = (("post", "reporter"), ("comment", "reporter"))


class AuditLogEntry(Model):
    """Every moderation and back-office action, with actor, reason, time and, for a change, the
    values before and after it. Never updated or deleted."""

    id = fields.BigIntField(primary_key=True)
    actor: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="audit_entries", on_delete=fields.RESTRICT
    )
    action = fields.CharField(max_length=40)
    target_type = fields.CharField(max_length=20)
    target_id = fields.IntField()
    reason = fields.CharField(max_length=200, null=True)
    before: dict[str, Any] | None = fields.JSONField(null=True)
    after: dict[str, Any] | None = fields.JSONField(null=True)
    created_at = fields.DatetimeField()

    actor_id: int

    class Meta:
        table = "audit_log_entry"
        # The audit page filters by actor, by kind and by date, newest first.
        indexes = (("actor_id", "id"), ("action", "id"), ("created_at",))


class ShareDraft(Model):
    """What a member has typed into the share form and not yet submitted, kept so a closed tab
    or a dropped connection loses nothing. One row per member, replaced on each save and
    removed when the post is submitted."""

    id = fields.IntField(primary_key=True)
    member: fields.OneToOneRelation[Member] = fields.OneToOneField(
        "linli.Member", related_name="share_draft", on_delete=fields.CASCADE
    )
    content: Any = fields.JSONField()
    updated_at = fields.DatetimeField()

    member_id: int

    class Meta:
        table = "share_draft"
