"""Portal forms of posts: parse the share form into a ``PostDraft`` and keep what was typed, so a
refused draft comes back whole. Rules stay in the services; a number that does not parse becomes
0, which the service refuses with its own message for that field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.datastructures import FormData

from domain.errors import FieldError, InvalidInputError
from domain.posts.models import PostKind
from domain.posts.queries import FeedKey
from domain.posts.recipes import RecipeDraft
from domain.posts.services import PostDraft
from web.ids import decode_id

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class ShareForm:
    """What the member typed, as the form shows it again."""

    values: dict[str, str] = field(default_factory=dict)
    ingredients: list[tuple[str, str]] = field(default_factory=lambda: [("", "")])
    steps: list[str] = field(default_factory=lambda: [""])
    image_ids: list[str] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)  # the product chips


def _number(raw: str) -> int:
    text = raw.strip()
    return int(text) if text.isdigit() and len(text) <= 6 else 0


def share_form(form: FormData) -> ShareForm:
    values = {
        key: str(form.get(key, ""))
        for key in ("kind", "title", "body", "servings", "minutes", "groupId")
    }
    names = [str(v) for v in form.getlist("ingredientName")]
    amounts = [str(v) for v in form.getlist("ingredientAmount")]
    amounts += [""] * (len(names) - len(amounts))
    return ShareForm(
        values=values,
        ingredients=list(zip(names, amounts, strict=False)),
        steps=[str(v) for v in form.getlist("step")],
        image_ids=[str(v) for v in form.getlist("imageIds") if str(v).strip()],
        skus=[str(v).strip() for v in form.getlist("sku") if str(v).strip()][:20],
    )


def draft_content(typed: ShareForm) -> dict[str, Any]:
    """The form as typed, to keep as the member's draft."""
    return {
        "values": typed.values,
        "ingredients": [list(pair) for pair in typed.ingredients],
        "steps": typed.steps,
        "imageIds": typed.image_ids,
    }


def from_draft(content: dict[str, Any]) -> ShareForm:
    """The form again from a kept draft; anything malformed is left out, never an error."""
    values = content.get("values")
    pairs = content.get("ingredients")
    steps, images = content.get("steps"), content.get("imageIds")
    typed = ShareForm(
        values={str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {},
        image_ids=[str(i) for i in images] if isinstance(images, list) else [],
    )
    if isinstance(pairs, list) and pairs:
        typed.ingredients = [
            (str(p[0]), str(p[1])) for p in pairs if isinstance(p, list) and len(p) == 2
        ] or [("", "")]
    if isinstance(steps, list) and steps:
        typed.steps = [str(step) for step in steps]
    return typed


def kind_of(raw: str | None) -> PostKind | None:
    return PostKind(raw) if raw is not None and raw in PostKind.__members__ else None


def post_draft(typed: ShareForm) -> PostDraft:
    """The service's input; ``InvalidInputError`` for ids that are not ids."""
    errors: list[FieldError] = []
    kind = kind_of(typed.values.get("kind"))
    if kind is None:
        errors.append(FieldError("kind", "请选择内容类型"))
    image_ids = [decode_id(raw, "Image", "imageIds", errors) for raw in typed.image_ids]
    group = typed.values.get("groupId", "").strip()
    if errors or kind is None:
        raise InvalidInputError(errors)
    recipe = None
    if kind == PostKind.RECIPE:
        recipe = RecipeDraft(
            servings=_number(typed.values.get("servings", "")),
            minutes=_number(typed.values.get("minutes", "")),
            ingredients=list(typed.ingredients),
            steps=list(typed.steps),
        )
    return PostDraft(
        kind=kind,
        title=typed.values.get("title", ""),
        body=typed.values.get("body", ""),
        group_id=_number(group) if group else None,
        image_ids=[i for i in image_ids if i is not None],
        recipe=recipe,
        product_skus=list(typed.skus),
    )


def feed_cursor(key: FeedKey | None) -> str | None:
    """The keyset cursor of the next feed page, as it goes into a URL."""
    if key is None:
        return None
    featured, published_at, post_id = key
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    micros = (published_at - EPOCH) // timedelta(microseconds=1)
    return f"{int(featured)}-{micros}-{post_id}"


def feed_key(raw: str | None) -> FeedKey | None:
    """A cursor back into a key; anything else starts from the top."""
    parts = (raw or "").split("-")
    if len(parts) != 3 or not all(p.isdigit() and len(p) <= 18 for p in parts):
        return None
    featured, micros, post_id = (int(p) for p in parts)
    return featured == 1, EPOCH + timedelta(microseconds=micros), post_id


def after_id(raw: str | None) -> int | None:
    text = (raw or "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


def decode_image(raw: str) -> int | None:
    return decode_id(raw, "Image", "imageIds", [])
