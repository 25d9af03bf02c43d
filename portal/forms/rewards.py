"""Portal forms of the points mall: parse posted fields into the services' inputs.

Rules stay in the services: a number that does not parse becomes one the service refuses (-1, or
0 where a negative number is valid), so people see the service's own message for that field."""

from __future__ import annotations

import secrets
from datetime import datetime

from starlette.datastructures import FormData

from domain.clock import SHANGHAI
from domain.errors import FieldError, InvalidInputError
from domain.rewards.services import NewReward
from web.ids import decode_id

NOT_A_NUMBER = -1
DATETIME_FIELDS = ("availableFrom", "availableUntil")


def new_key() -> str:
    """An idempotency key for one form: resubmitting the form repeats the same request."""
    return secrets.token_urlsafe(16)


def integer(raw: object, invalid: int = NOT_A_NUMBER) -> int:
    text = str(raw or "").strip()
    try:
        return int(text)
    except ValueError:
        return invalid


def optional_integer(raw: object) -> int | None:
    return integer(raw) if str(raw or "").strip() else None


def after_id(raw: str | None) -> int | None:
    """The keyset cursor of a "load more" link; anything else starts from the newest."""
    text = (raw or "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


def local_datetime(field: str, raw: object) -> datetime | None:
    """A ``datetime-local`` value, read as Shanghai time."""
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)
    except ValueError as error:
        raise InvalidInputError.single(field, "请选择有效的日期和时间") from error


def new_reward(form: FormData) -> NewReward:
    """Raises InvalidInputError when the uploaded picture's id is garbled."""
    errors: list[FieldError] = []
    picture = str(form.get("imageId", "")).strip() or None
    image_id = decode_id(picture, "Image", "imageId", errors)
    if errors:
        raise InvalidInputError(errors)
    return NewReward(
        name=str(form.get("name", "")),
        description=str(form.get("description", "")),
        cost_points=integer(form.get("costPoints")),
        stock=integer(form.get("stock")),
        per_member_limit=optional_integer(form.get("perMemberLimit")),
        available_from=local_datetime("availableFrom", form.get("availableFrom")),
        available_until=local_datetime("availableUntil", form.get("availableUntil")),
        image_id=image_id,
    )


def form_values(form: FormData) -> dict[str, str]:
    """What to put back into a re-rendered form."""
    return {key: str(value) for key, value in form.items() if key != "csrf_token"}
