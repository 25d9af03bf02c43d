"""The back office's group forms: the group's values (visibility as public / estate-only with an
estate select, the cover as an uploaded image's id) and a host picked by phone number."""

from __future__ import annotations

from starlette.datastructures import FormData

from domain.errors import FieldError, InvalidInputError
from domain.groups.admin import GroupInput
from domain.identity import rules
from domain.identity.models import Member
from domain.identity.queries import find_member_by_phone
from web.ids import decode_id

ESTATE_ONLY = "estate"


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def group_input(form: FormData, errors: list[FieldError]) -> GroupInput:
    """The group's values; a visibility without an estate, or a cover that is no image id, is a
    field error added to ``errors``."""
    estate_id = None
    if text(form, "visibility") == ESTATE_ONLY:
        raw = text(form, "estateId").strip()
        estate_id = int(raw) if raw.isdigit() and len(raw) <= 9 else None
        if estate_id is None:
            errors.append(FieldError("estateId", "请选择小区"))
    cover = text(form, "coverImageId").strip() or None
    return GroupInput(
        name=text(form, "name"),
        slug=text(form, "slug"),
        description=text(form, "description"),
        estate_id=estate_id,
        cover_image_id=decode_id(cover, "Image", "coverImageId", errors),
    )


async def member_by_phone(raw: str, field: str, errors: list[FieldError]) -> Member | None:
    """The member with this phone number; a field error in ``errors`` when there is none."""
    phone = rules.normalise_phone(raw)
    if message := rules.phone_error(phone):
        errors.append(FieldError(field, message))
        return None
    member = await find_member_by_phone(phone)
    if member is None:
        errors.append(FieldError(field, "没有使用这个手机号的成员，请确认对方已注册"))
    return member


def raise_if_any(errors: list[FieldError]) -> None:
    if errors:
        raise InvalidInputError(errors)
