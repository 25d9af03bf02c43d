"""Portal forms of identity: parse posted fields into the services' inputs, check one field."""

from __future__ import annotations

import re

from starlette.datastructures import FormData

from domain.errors import FieldError, InvalidInputError
from domain.identity import rules
from domain.identity.queries import phone_is_registered
from domain.identity.services import ProfileChanges, Registration
from web.ids import decode_id

REGISTER_FIELDS = ("phone", "password", "displayName", "estateId", "inviteCode")


_ID_SHAPE = re.compile(r"[0-9]{1,10}")


def _int_or_none(raw: object) -> int | None:
    """A database id, or None: ASCII digits within the integer column's range (``isdigit``
    would take ``²`` and ``int`` would then fail)."""
    text = str(raw or "").strip()
    if not _ID_SHAPE.fullmatch(text) or int(text) >= 2**31:
        return None
    return int(text)


def registration(form: FormData) -> Registration:
    return Registration(
        phone=str(form.get("phone", "")),
        password=str(form.get("password", "")),
        display_name=str(form.get("displayName", "")),
        estate_id=_int_or_none(form.get("estateId")),
        invite_code=str(form.get("inviteCode", "")) or None,
        accepted_privacy_policy=form.get("acceptPrivacyPolicy") == "on",
    )


def profile_changes(form: FormData) -> ProfileChanges:
    """Raises InvalidInputError when the uploaded avatar's id is garbled."""
    tag_ids = [_int_or_none(raw) for raw in form.getlist("interestTagIds")]
    errors: list[FieldError] = []
    avatar = str(form.get("avatarImageId", "")).strip() or None
    avatar_image_id = decode_id(avatar, "Image", "avatarImageId", errors)
    if errors:
        raise InvalidInputError(errors)
    return ProfileChanges(
        display_name=str(form.get("displayName", "")),
        avatar_image_id=avatar_image_id,
        estate_id=_int_or_none(form.get("estateId")),
        interest_tag_ids=[tag_id for tag_id in tag_ids if tag_id is not None],
    )


async def check_registration_field(field: str, form: FormData) -> str | None:
    """The message for one field as the resident types, from the same rules the service uses."""
    value = str(form.get(field, ""))
    if field == "phone":
        phone = rules.normalise_phone(value)
        message = rules.phone_error(phone)
        if message is None and await phone_is_registered(phone):
            return "该手机号已注册，请直接登录"
        return message
    if field == "password":
        return rules.password_error(value)
    if field == "displayName":
        return rules.display_name_error(rules.clean_display_name(value))
    return None


def form_values(form: FormData) -> dict[str, str]:
    """What to put back into a re-rendered form; never the password."""
    return {key: str(value) for key, value in form.items() if key != "password"}
