"""Portal forms of the product catalogue: posted fields into the services' inputs. Prices are
typed in yuan (``59.9``); one that does not parse becomes a price the service refuses, so people
see the service's own message for it."""

from __future__ import annotations

from starlette.datastructures import FormData

from domain.edits import KEEP
from domain.errors import FieldError, InvalidInputError
from domain.products import rules
from domain.products.services import NewProduct, ProductChanges
from web.ids import decode_id

NOT_A_PRICE = -1


def price_fen(raw: object) -> int:
    parsed = rules.parse_yuan(str(raw or ""))
    return NOT_A_PRICE if parsed is None else parsed


def _image_id(form: FormData) -> int | None:
    errors: list[FieldError] = []
    picture = str(form.get("imageId", "")).strip() or None
    image_id = decode_id(picture, "Image", "imageId", errors)
    if errors:
        raise InvalidInputError(errors)
    return image_id


def new_product(form: FormData) -> NewProduct:
    """Raises InvalidInputError when the uploaded picture's id is garbled."""
    return NewProduct(
        sku=str(form.get("sku", "")),
        name=str(form.get("name", "")),
        price_fen=price_fen(form.get("price")),
        image_id=_image_id(form),
    )


def product_changes(form: FormData) -> ProductChanges:
    """The edit form posts the name and the price; the picture only when a new one was
    uploaded."""
    picture = str(form.get("imageId", "")).strip()
    return ProductChanges(
        name=str(form.get("name", "")),
        price_fen=price_fen(form.get("price")),
        image_id=_image_id(form) if picture else KEEP,
    )


def chosen_skus(form: FormData) -> list[str]:
    """The share form's product chips: one hidden ``sku`` input each."""
    return [str(value) for value in form.getlist("sku") if str(value).strip()]


def values(form: FormData) -> dict[str, str]:
    return {key: str(form.get(key, "")) for key in ("sku", "name", "price", "imageId")}
