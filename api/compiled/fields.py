"""What each GraphQL type's fields read on the compiled path. A field left out here is read from
the column of its own (python) name when the strawberry type declares it without a resolver
(``title``, ``likeCount``, ``publishedAt``…), so a new plain field is served by both paths at
once; a field with logic names the same function the strawberry type calls; anything else makes
the documents that select it run on the general path. Where the object is a value (the strawberry
object the resolver builds, or the row it is built from), a plain field is its attribute and a
resolver's field is said in ``VALUE_TYPES`` when it differs from the row's spec."""

from __future__ import annotations

from functools import partial
from operator import itemgetter
from typing import Any

from graphql import GraphQLObjectType

from api.compiled.campaigns import ENTRIES
from api.compiled.pages import REDEMPTIONS
from api.compiled.shape import Scope, Selected, Spec, ValueScope, is_list
from api.compiled.specs import Children, Column, Computed, PagedChildren, Related, ViewerFlag
from api.compiled.sql import Unsupported
from api.compiled.values import (
    ForViewer,
    Read,
    Resolved,
    Shared,
    check_in_of,
    estate_of,
    interest_tags_of,
    points_of,
)
from api.identity.types import roles_of, tier_of
from api.posts.types import media_url
from domain.identity.rules import mask_phone
from domain.points.models import LedgerEntry
from domain.posts.models import (
    Comment,
    PostImage,
    PostKind,
    RecipeDetails,
    RecipeIngredient,
    RecipeStep,
)
from domain.posts.queries import VIEWER_LIKED
from web.ids import encode_id

# The viewer belongs to the group (what ``group_ids_joined`` reads for a page of groups).
VIEWER_IN_GROUP = (
    'EXISTS (SELECT 1 FROM "group_membership" gm '
    'WHERE gm."group_id" = {group}."id" AND gm."member_id" = {viewer})'
)


def global_id(type_name: str) -> Computed:
    return Computed(("id",), partial(encode_id, type_name), never_none=True)


def _archived(archived_at: Any) -> bool:
    return archived_at is not None


TYPES: dict[str, dict[str, Spec]] = {
    "Post": {
        "id": global_id("Post"),
        "viewerHasLiked": ViewerFlag(VIEWER_LIKED, "post"),
        "author": Related("author"),
        "group": Related("group"),
        "coverImage": Children(PostImage, "post_id", 't0."position"', via="image", first_only=True),
        "images": Children(PostImage, "post_id", 't0."position"', via="image"),
        "recipe": Children(
            RecipeDetails,
            "post_id",
            't0."id"',
            first_only=True,
            only_if=("kind", PostKind.RECIPE.value),
        ),
        "comments": PagedChildren(Comment, "post_id", where='t0."hidden" = false'),
    },
    "Image": {"url": Computed(("storage_key",), media_url, never_none=True)},
    "Member": {
        "id": global_id("Member"),
        "tier": Computed(("tier",), tier_of),
        "phoneMasked": Computed(("phone",), mask_phone),
    },
    "InterestGroup": {
        "id": global_id("InterestGroup"),
        "viewerIsMember": ViewerFlag(VIEWER_IN_GROUP, "group"),
        "archived": Computed(("archived_at",), _archived, never_none=True),
        "host": Related("host"),
    },
    "Recipe": {
        "ingredients": Children(RecipeIngredient, "post_id", 't0."position"', parent_key="post_id"),
        "steps": Children(
            RecipeStep, "post_id", 't0."position"', parent_key="post_id", column="text"
        ),
    },
    "Comment": {"id": global_id("Comment"), "author": Related("author")},
    "LedgerEntry": {"id": global_id("LedgerEntry")},
    # The signed-in member (a value: the member read with the token).
    "Viewer": {
        "id": global_id("Member"),
        "displayName": Column("display_name"),
        "avatarUrl": Column("avatar_url"),
        "phoneMasked": Computed(("phone",), mask_phone),
        "tier": Computed(("tier",), tier_of),
        "roles": Computed(("roles",), roles_of, never_none=True),
        "referralCode": Column("invite_code"),
        "estate": Read(estate_of),
        "interestTags": Read(interest_tags_of, many=True),
        # Each reads the check-in state, as each resolver does (the pinned statements).
        "checkInStreak": Shared("streak", check_in_of, itemgetter(0)),
        "checkedInToday": Shared("checked-in", check_in_of, itemgetter(1)),
        "points": Read(points_of),
        "redemptions": REDEMPTIONS,
    },
    "Points": {"ledger": PagedChildren(LedgerEntry, "member_id", descending=True)},
    "Reward": {
        "id": global_id("Reward"),
        "image": Resolved(),
        "viewerRedeemedCount": ForViewer("redeemed_by"),
    },
    "Redemption": {"id": global_id("Redemption"), "pickupCode": ForViewer("pickup_code_for")},
    "Event": {"id": global_id("Event")},
    "EventRegistration": {
        "id": global_id("EventRegistration"),
        "checkInCode": ForViewer("check_in_code_for"),
        "waitlistPosition": Resolved(),
    },
    "Campaign": {
        "id": global_id("Campaign"),
        "entries": ENTRIES,
        "winner": ForViewer("winner_for", member=True),
    },
    "CampaignEntry": {"id": global_id("CampaignEntry"), "proposer": Resolved(), "post": Resolved()},
    "Estate": {"id": global_id("Estate")},
    "InterestTag": {"id": global_id("InterestTag")},
}

# A type's fields where its object is a value (the strawberry object) rather than a row.
VALUE_TYPES: dict[str, dict[str, Spec]] = {
    "Post": {"coverImage": Resolved(), "author": Resolved(), "group": Resolved()},
}

_PLAIN = Column()  # the column (or, of a value, the attribute) of the field's own name
_ATTRIBUTE_OBJECT = Read()  # a value's attribute that is an object (``Points.nextExpiry``)
_ATTRIBUTE_OBJECTS = Read(many=True)  # … or a list of them (``Leaderboard.entries``)


def spec_of(parent: GraphQLObjectType, field: Selected, scope: Scope) -> Spec:
    """The spec of ``parent.field``. A plain field (no resolver) of a value is the value's
    attribute (the strawberry object holds what its ``from_model`` made of the row); of a
    table, the type's own spec, else the column of its name. A resolver's field needs a spec."""
    if isinstance(scope, ValueScope):
        if not field.has_resolver:
            if isinstance(field.named_type, GraphQLObjectType):
                return _ATTRIBUTE_OBJECTS if is_list(field.definition.type) else _ATTRIBUTE_OBJECT
            return _PLAIN
        found = VALUE_TYPES.get(parent.name, {}).get(field.name)
        if found is not None:
            return found
    found = TYPES.get(parent.name, {}).get(field.name)
    if found is not None:
        return found
    if not field.has_resolver:
        return _PLAIN
    raise Unsupported(f"{parent.name}.{field.name}")


__all__ = ["TYPES", "LedgerEntry", "spec_of"]
