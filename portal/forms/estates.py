"""Portal forms of the estates back office: posted fields into the estate services' inputs.

Field names are the services' field paths (``name``, ``pickupPoints.0.openingHours``), so an
``InvalidInputError`` lands next to the field it names without a mapping."""

from __future__ import annotations

from starlette.datastructures import FormData

from domain.identity.estates import EstateInput, PickupPointInput

FIRST_POINT = "pickupPoints.0."


def _text(form: FormData, name: str) -> str:
    return str(form.get(name, ""))


def estate_input(form: FormData) -> EstateInput:
    return EstateInput(
        _text(form, "name"), _text(form, "city"), _text(form, "district"), _text(form, "address")
    )


def pickup_point_input(form: FormData, prefix: str = "") -> PickupPointInput:
    return PickupPointInput(
        _text(form, f"{prefix}name"),
        _text(form, f"{prefix}address"),
        _text(form, f"{prefix}openingHours"),
    )


def first_pickup_points(form: FormData) -> list[PickupPointInput]:
    """The optional first pickup point of a new estate: none when its fields are all blank."""
    point = pickup_point_input(form, FIRST_POINT)
    if not any(value.strip() for value in (point.name, point.address, point.opening_hours)):
        return []
    return [point]


def form_values(form: FormData) -> dict[str, str]:
    """What to put back into a re-rendered form."""
    return {key: str(value) for key, value in form.items() if key != "csrf_token"}
