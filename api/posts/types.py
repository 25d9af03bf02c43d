"""GraphQL types of UGC: posts as cards and in detail, comments, the moderation audit log.

Lists build every ``Post`` from a ``PostCard`` the page query already read (author, group,
cover, the viewer's like): no card field goes back to the database."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.groups.types import InterestGroup
from api.identity.types import Member
from api.pagination import after_id, check_first, connection_of
from api.products.types import Product
from api.rewards.types import Image
from domain.audit_display import changes_of, raw_json
from domain.errors import NotFoundError
from domain.identity import models as identity
from domain.media import models as media
from domain.posts import models, policies, queries
from web.ids import encode_id


@strawberry.enum(description="What kind of post it is.")
class PostKind(Enum):
    RECIPE = strawberry.enum_value("RECIPE", description="A recipe: ingredients and steps.")
    STORY = strawberry.enum_value("STORY", description="A story from the neighbourhood.")
    PHOTO = strawberry.enum_value("PHOTO", description="Mostly photos.")
    TIP = strawberry.enum_value("TIP", description="A practical tip.")


@strawberry.enum(description="Where a post stands in moderation.")
class PostStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Waiting for a moderator.")
    PUBLISHED = strawberry.enum_value("PUBLISHED", description="In the feed.")
    REJECTED = strawberry.enum_value(
        "REJECTED", description="Not published; `moderationNote` says why."
    )
    HIDDEN = strawberry.enum_value(
        "HIDDEN", description="Taken out of the feed (by moderators or by reports)."
    )


@strawberry.enum(description="What a moderator does to a post.")
class ModerationAction(Enum):
    APPROVE = strawberry.enum_value("APPROVE", description="Publish a pending post.")
    REJECT = strawberry.enum_value("REJECT", description="Refuse a pending post (needs a reason).")
    FEATURE = strawberry.enum_value("FEATURE", description="Pin a published post to the top.")
    UNFEATURE = strawberry.enum_value("UNFEATURE", description="Unpin a featured post.")
    HIDE = strawberry.enum_value("HIDE", description="Take a published post out of the feed.")
    RESTORE = strawberry.enum_value("RESTORE", description="Put a hidden post back.")


@strawberry.enum(description="Why a member reports content.")
class ReportReason(Enum):
    SPAM = "SPAM"
    ADVERTISING = "ADVERTISING"
    ABUSE = "ABUSE"
    PRIVACY = "PRIVACY"
    MISINFORMATION = "MISINFORMATION"
    OTHER = "OTHER"


def media_url(storage_key: str) -> str:
    """Where an uploaded image is served (``Image.url``)."""
    return f"/media/{storage_key}"


def image_of(image: media.Image) -> Image:
    return Image(url=media_url(image.storage_key), width=image.width, height=image.height)


@strawberry.type(description="One ingredient of a recipe.")
class Ingredient:
    name: str = strawberry.field(description="What, e.g. 番茄.")
    amount: str = strawberry.field(description="How much, e.g. 2个.")


@strawberry.type(description="The recipe part of a RECIPE post.")
class Recipe:
    servings: int = strawberry.field(description="Servings, 1–50.")
    minutes: int = strawberry.field(description="Minutes it takes, 1–1440.")
    ingredients: list[Ingredient] = strawberry.field(description="Ingredients in order.")
    steps: list[str] = strawberry.field(description="Steps in order.")

    @classmethod
    def from_recipe(cls, recipe: queries.Recipe) -> Recipe:
        return cls(
            servings=recipe.details.servings,
            minutes=recipe.details.minutes,
            ingredients=[Ingredient(name=i.name, amount=i.amount) for i in recipe.ingredients],
            steps=[s.text for s in recipe.steps],
        )


@strawberry.type(description="A comment on a post.")
class Comment(relay.Node):
    id: relay.NodeID[int]
    body_html: str = strawberry.field(description="The comment as safe HTML paragraphs.")
    created_at: datetime = strawberry.field(description="When it was written.")
    model: strawberry.Private[models.Comment]

    @classmethod
    def from_model(cls, comment: models.Comment) -> Comment:
        return cls(
            id=comment.id,
            body_html=comment.body_html,
            created_at=comment.created_at,
            model=comment,
        )

    @field(description="Who wrote it.")
    def author(self) -> Member:
        return Member.from_model(self.model.author)  # read with the comment (select_related)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[Comment | None]:
        ids = [int(i) for i in node_ids]
        viewer = info.context.member
        comments = await queries.visible_comments(viewer.id if viewer else None, ids)
        found = {c.id: c for c in comments}
        return [cls.from_model(found[i]) if i in found else None for i in ids]


@strawberry.type(description="A page of comments, oldest first.")
class CommentConnection(relay.Connection[Comment]):
    pass


def _viewer(info: Info[Context, Any]) -> identity.Member | None:
    return info.context.member


@strawberry.type(description="A member's post: recipe, story, photo or tip.")
class Post(relay.Node):
    id: relay.NodeID[int]
    kind: PostKind = strawberry.field(description="What kind of post.")
    status: PostStatus = strawberry.field(description="Where it stands in moderation.")
    title: str = strawberry.field(description="The title, 4–60 characters.")
    excerpt: str = strawberry.field(description="Plain text (not HTML) for cards, ≤ 80 chars.")
    body_html: str = strawberry.field(description="The body as sanitised HTML.")
    like_count: int = strawberry.field(description="How many members like it.")
    comment_count: int = strawberry.field(description="How many comments it has.")
    viewer_has_liked: bool = strawberry.field(
        description="Whether the signed-in member likes it (false when signed out)."
    )
    featured: bool = strawberry.field(description="Pinned to the top of the feed.")
    published_at: datetime | None = strawberry.field(description="Null until published.")
    created_at: datetime = strawberry.field(description="When it was submitted.")
    card: strawberry.Private[queries.PostCard]
    detail: strawberry.Private[queries.PostDetail | None]

    @classmethod
    def from_card(cls, card: queries.PostCard, detail: queries.PostDetail | None = None) -> Post:
        post = card.post
        return cls(
            id=post.id,
            kind=PostKind(post.kind.value),
            status=PostStatus(post.status.value),
            title=post.title,
            excerpt=post.excerpt,
            body_html=post.body_html,
            like_count=post.like_count,
            comment_count=post.comment_count,
            viewer_has_liked=card.viewer_has_liked,
            featured=post.featured,
            published_at=post.published_at,
            created_at=post.created_at,
            card=card,
            detail=detail,
        )

    @field(description="The first image, for cards; null when there is none.")
    def cover_image(self) -> Image | None:
        return image_of(self.card.cover) if self.card.cover else None

    @field(description="Who wrote it.")
    def author(self) -> Member:
        return Member.from_model(self.card.post.author)

    @field(description="The interest group it was posted in; null for none.")
    def group(self) -> InterestGroup | None:
        group = self.card.post.group
        return InterestGroup.from_model(group, self.card.viewer_in_group) if group else None

    @field(description="Why it was rejected or hidden: only for the author and staff.")
    def moderation_note(self, info: Info[Context, Any]) -> str | None:
        if policies.may_see_moderation(_viewer(info), self.card.post):
            return self.card.post.moderation_note
        return None

    @field(
        description="Why the safety checks held it for review (matched word category, link, "
        "phone number, WeChat id, rejected image): only for staff, else null."
    )
    def safety_flag(self, info: Info[Context, Any]) -> str | None:
        if policies.may_moderate(_viewer(info), self.card.post):
            return self.card.post.safety_flag
        return None

    @field(description="How many members reported it: only for staff, else null.")
    def report_count(self, info: Info[Context, Any]) -> int | None:
        if policies.may_moderate(_viewer(info), self.card.post):
            return self.card.post.report_count
        return None

    @field(description="All images in order (up to 9).")
    async def images(self, info: Info[Context, Any]) -> list[Image]:
        if self.detail:
            found = self.detail.images
        else:  # a feed's cards: every card's images in one statement
            found = await info.context.loaders.post_images.load(self.id) or []
        return [image_of(image) for image in found]

    @field(
        description="The products the author tagged it with, in their order (deactivated ones "
        "too: the post still shows them); empty for none."
    )
    async def products(self, info: Info[Context, Any]) -> list[Product]:
        found = await info.context.loaders.post_products.load(self.id)
        return [Product.from_model(product) for product in found or []]

    @field(description="The recipe part; null unless the post is a RECIPE.")
    async def recipe(self, info: Info[Context, Any]) -> Recipe | None:
        if self.detail:
            recipe = self.detail.recipe
        elif self.card.post.kind != models.PostKind.RECIPE:
            return None
        else:  # a feed's recipe cards: three statements for the page
            recipe = await info.context.loaders.post_recipes.load(self.id)
        return Recipe.from_recipe(recipe) if recipe else None

    @field(description="Comments, oldest first; `first` is 1–50.")
    async def comments(self, first: int, after: str | None = None) -> CommentConnection:
        check_first(first)
        rows = await queries.comments_page(self.id, after_id(after), first)
        return connection_of(CommentConnection, rows, first, after, Comment.from_model)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[Post | None]:
        viewer = _viewer(info)
        found = [await queries.post_detail(viewer, int(i)) for i in node_ids]
        return [cls.from_card(d.card, d) if d else None for d in found]


@strawberry.type(description="A page of posts.")
class PostConnection(relay.Connection[Post]):
    pass


@strawberry.type(description="One field an audited change touched, as people read it.")
class AuditChange:
    field: str = strawberry.field(description="The recorded field, e.g. `name`, `retired_at`.")
    before: str = strawberry.field(
        description="Its value before, as display text (times in Shanghai, `—` for nothing)."
    )
    after: str = strawberry.field(description="Its value after, as display text.")


@strawberry.type(
    description="One audited action: who did what to which object, when and why, and for a "
    "back-office change the values before and after it."
)
class AuditLogEntry(relay.Node):
    id: relay.NodeID[int]
    action: str = strawberry.field(
        description="The kind: a `ModerationAction` value, `AUTO_HIDE` when reports hid a post, "
        "an estate change decision (`ESTATE_APPROVED`, ...), or a back-office change "
        "(`TAG_MERGED`, `ROLE_GRANTED`, `ESTATE_CREATED`, ...). New kinds may appear: show an "
        "unknown one as its code."
    )
    target_type: str = strawberry.field(
        description="What was acted on, e.g. `POST`, `MEMBER`, `INTEREST_TAG`."
    )
    target_id: strawberry.ID = strawberry.field(description="The target's global ID.")
    reason: str | None = strawberry.field(description="The reason given, if any.")
    created_at: datetime = strawberry.field(description="When it happened.")
    changes: list[AuditChange] = strawberry.field(
        description="The fields the change touched, old and new value each; empty for an "
        "action that records no values (moderation decisions)."
    )
    before_json: str | None = strawberry.field(
        description="The recorded values before the change as a JSON object string; null when "
        "none were recorded (e.g. for a creation)."
    )
    after_json: str | None = strawberry.field(
        description="The recorded values after the change as a JSON object string; null when "
        "none were recorded."
    )
    model: strawberry.Private[models.AuditLogEntry]

    @classmethod
    def from_model(cls, entry: models.AuditLogEntry) -> AuditLogEntry:
        target = "".join(part.title() for part in entry.target_type.split("_"))  # INTEREST_TAG
        return cls(
            id=entry.id,
            action=entry.action,
            target_type=entry.target_type,
            target_id=strawberry.ID(encode_id(target, entry.target_id)),
            reason=entry.reason,
            created_at=entry.created_at,
            changes=[
                AuditChange(field=c.field, before=c.before, after=c.after)
                for c in changes_of(entry.before, entry.after)
            ],
            before_json=raw_json(entry.before),
            after_json=raw_json(entry.after),
            model=entry,
        )

    @field(description="The staff member (or, for `AUTO_HIDE`, the last reporter).")
    def actor(self) -> Member:
        return Member.from_model(self.model.actor)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[AuditLogEntry | None]:
        ids = [int(i) for i in node_ids]
        found = {e.id: e for e in await queries.audit_entries(_viewer(info), ids)}
        return [cls.from_model(found[i]) if i in found else None for i in ids]


@strawberry.type(description="What the audit log's filters offer the viewer.")
class AuditLogChoices:
    actors: list[Member] = strawberry.field(
        description="Everyone with an entry the viewer may read, by name."
    )
    actions: list[str] = strawberry.field(
        description="The kinds of the entries the viewer may read, by code."
    )


@strawberry.type(description="Audited actions, newest first.")
class AuditLogEntryConnection(relay.Connection[AuditLogEntry]):
    pass


@strawberry.type(description="The post was submitted: published, or waiting for a moderator.")
class SubmitPostSuccess:
    post: Post = strawberry.field(description="The new post.")


@strawberry.type(description="The viewer likes the post (liking twice changes nothing).")
class LikePostSuccess:
    post: Post = strawberry.field(description="The post as it is now.")


@strawberry.type(description="The viewer no longer likes the post.")
class UnlikePostSuccess:
    post: Post = strawberry.field(description="The post as it is now.")


@strawberry.type(description="The comment was added.")
class AddCommentSuccess:
    comment: Comment = strawberry.field(description="The new comment.")
    post: Post = strawberry.field(description="The post, with its new comment count.")


@strawberry.type(description="The report was received.")
class ReportContentSuccess:
    ok: bool = strawberry.field(description="Always true.")


@strawberry.type(description="The moderation action was applied (or had been already).")
class ModeratePostSuccess:
    post: Post = strawberry.field(description="The post as it is now.")


async def post_for(info: Info[Context, Any], post_id: int) -> Post:
    """The post as the viewer sees it now, after a mutation changed it, read under the rule of
    ``post(id:)``: a post the viewer may not read (hidden meanwhile, say) raises NotFoundError,
    which the mutation answers as `NotFound`, never with the post's fields."""
    cards = await queries.readable_post_cards(_viewer(info), [post_id])
    if post_id not in cards:
        raise NotFoundError()
    return Post.from_card(cards[post_id])
