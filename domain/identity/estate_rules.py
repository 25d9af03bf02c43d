"""Pure rules of estates and pickup points: how their texts are cleaned and checked. No I/O.

The limits are the columns' (domain/identity/models.py): a longer text is refused with its field
rather than cut, so what the admin typed is what residents read."""

from __future__ import annotations

import unicodedata

from domain.errors import FieldError

NAME_MAX = 60
CITY_MAX = 30
DISTRICT_MAX = 30
ADDRESS_MAX = 120
POINT_NAME_MAX = 40
OPENING_HOURS_MAX = 80
# Pickup points given with a new estate; more are added one by one on the estate's page.
NEW_ESTATE_POINTS_MAX = 10


def clean_text(raw: str) -> str:
    """Full-width forms folded (ＡＢ栋 → AB栋), control and format characters dropped (no bidi
    tricks in a name residents pick from), runs of whitespace (line breaks and tabs too) made one
    space, ends trimmed."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch)[0] != "C"
    )
    return " ".join(text.split())


def _text_error(value: str, maximum: int, required: bool, what: str) -> str | None:
    if required and not value:
        return f"请填写{what}"
    if len(value) > maximum:
        return f"{what}最多{maximum}个字"
    return None


def _errors(prefix: str, checks: list[tuple[str, str | None]]) -> list[FieldError]:
    return [FieldError(f"{prefix}{field}", message) for field, message in checks if message]


def estate_field_errors(name: str, city: str, district: str, address: str) -> list[FieldError]:
    """Expects cleaned texts. The address may stay blank (estates made before it existed)."""
    return _errors(
        "",
        [
            ("name", _text_error(name, NAME_MAX, True, "小区名称")),
            ("city", _text_error(city, CITY_MAX, True, "城市")),
            ("district", _text_error(district, DISTRICT_MAX, True, "区")),
            ("address", _text_error(address, ADDRESS_MAX, False, "地址")),
        ],
    )


def pickup_point_field_errors(
    name: str, address: str, opening_hours: str, prefix: str = ""
) -> list[FieldError]:
    """Expects cleaned texts; ``prefix`` places the fields in a list (``pickupPoints.0.``)."""
    return _errors(
        prefix,
        [
            ("name", _text_error(name, POINT_NAME_MAX, True, "自提点名称")),
            ("address", _text_error(address, ADDRESS_MAX, True, "自提点地址")),
            ("openingHours", _text_error(opening_hours, OPENING_HOURS_MAX, True, "开放时间")),
        ],
    )
