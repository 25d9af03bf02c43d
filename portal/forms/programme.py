"""The brand form: text fields as typed, the logo as the id of an image uploaded on the page."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData

from domain.errors import InvalidInputError
from portal.forms.posts import decode_image


@dataclass(frozen=True)
class BrandForm:
    name: str
    about: str
    logo_image_id: int | None
    remove_logo: bool


def brand_form(form: FormData) -> BrandForm:
    """The last uploaded image is the new logo (the upload script adds one ``imageIds`` each)."""
    uploaded = [str(raw) for raw in form.getlist("imageIds") if str(raw)]
    logo_image_id = None
    if uploaded:
        logo_image_id = decode_image(uploaded[-1])
        if logo_image_id is None:
            raise InvalidInputError.single("logoImageId", "请重新上传标志图片")
    name, about = str(form.get("name", "")), str(form.get("about", ""))
    return BrandForm(
        name=name,
        about=about,
        logo_image_id=logo_image_id,
        remove_logo=form.get("removeLogo") == "on",
    )
