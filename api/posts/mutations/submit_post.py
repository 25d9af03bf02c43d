"""submitPost: a recipe, story, photo or tip; trusted authors publish at once, others wait."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    ContentBlocked,
    GroupArchived,
    InvalidInput,
    NotFound,
    RateLimited,
    as_user_error,
)
from api.permissions import logged_in
from api.posts.types import PostKind, SubmitPostSuccess, post_for
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.posts import models, services
from domain.posts.recipes import RecipeDraft
from web.ids import decode_id


@strawberry.input(description="One ingredient of a recipe.")
class IngredientInput:
    name: str = strawberry.field(description="What, 1–40 characters.")
    amount: str = strawberry.field(description="How much, 1–40 characters.")


@strawberry.input(description="The recipe part of a RECIPE post.")
class RecipeInput:
    servings: int = strawberry.field(description="Servings, 1–50.")
    minutes: int = strawberry.field(description="Minutes it takes, 1–1440.")
    ingredients: list[IngredientInput] = strawberry.field(description="1–50 ingredients.")
    steps: list[str] = strawberry.field(description="1–50 steps, 2–500 characters each.")


@strawberry.input(description="A new post.")
class SubmitPostInput:
    kind: PostKind = strawberry.field(description="What kind of post.")
    title: str = strawberry.field(description="4–60 characters.")
    body: str = strawberry.field(description="Markdown, 8–10,000 characters.")
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="The interest group to post in (`InterestGroup.id`)."
    )
    image_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Up to 9 uploaded images (ids from `POST /api/uploads`)."
    )
    recipe: RecipeInput | None = strawberry.field(
        default=None, description="Required for RECIPE posts, ignored otherwise."
    )
    campaign_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Reserved for co-creation campaigns, which are not open yet: any value is "
        "refused as invalid input.",
    )


SubmitPostResult = Annotated[
    SubmitPostSuccess | InvalidInput | RateLimited | NotFound | GroupArchived | ContentBlocked,
    strawberry.union("SubmitPostResult", description="The outcome of `submitPost`."),
]


def _draft(input: SubmitPostInput) -> services.PostDraft:
    errors: list[FieldError] = []
    group_id = decode_id(input.group_id, "InterestGroup", "groupId", errors)
    image_ids = [
        decode_id(raw, "Image", f"imageIds.{n}", errors)
        for n, raw in enumerate(input.image_ids or [])
    ]
    if input.campaign_id is not None:
        errors.append(FieldError("campaignId", "征集活动尚未开放"))
    if errors:
        raise InvalidInputError(errors)
    recipe = input.recipe
    return services.PostDraft(
        kind=models.PostKind(input.kind.name),
        title=input.title,
        body=input.body,
        group_id=group_id,
        image_ids=[i for i in image_ids if i is not None],
        recipe=RecipeDraft(
            recipe.servings,
            recipe.minutes,
            [(i.name, i.amount) for i in recipe.ingredients],
            list(recipe.steps),
        )
        if recipe
        else None,
    )


async def submit_post(info: Info[Context, Any], input: SubmitPostInput) -> SubmitPostResult:
    member = logged_in(info)
    try:
        post = await services.submit_post(info.context.collaborators, member, _draft(input))
    except DomainError as error:
        return as_user_error(error, SubmitPostResult)
    return SubmitPostSuccess(post=await post_for(info, post.id))
