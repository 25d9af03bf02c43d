"""The brand as the mini-program shows it."""

from __future__ import annotations

import strawberry

from domain.programme.brand import Brand as BrandView


@strawberry.type(description="The programme's brand: its name, logo and about page.")
class Brand:
    name: str = strawberry.field(
        description="The programme's name, shown where the app names itself (邻里 until set)."
    )
    logo_url: str | None = strawberry.field(
        description="The logo, a path on this server (`/media/…`); null when there is none."
    )
    about: str = strawberry.field(
        description="The about page as plain text; a blank line separates paragraphs. Show it "
        "as text, never as HTML."
    )
    version: int = strawberry.field(
        description="The brand's version, raised by every change; 0 before an admin set it."
    )

    @classmethod
    def from_view(cls, brand: BrandView) -> Brand:
        return cls(
            name=brand.name, logo_url=brand.logo_url, about=brand.about, version=brand.version
        )
