"""Uploads as the pages show them: the stored picture's address, and its renditions as ``srcset``
lists (WebP and JPEG) with the average colour shown while it loads (``_picture.html``)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.media.images import JPEG, WEBP, ImageFormat
from domain.media.models import Image
from domain.media.storage import ImageStorage, rendition_key

FALLBACK_WIDTH = 720  # the JPEG a browser without srcset loads


@dataclass(frozen=True)
class Picture:
    src: str
    width: int
    height: int
    webp: str  # a srcset ("" without renditions)
    jpeg: str
    colour: str | None


class MediaUrls:
    """What the templates get as ``media_url``: called with an upload, its address; with
    ``picture``, everything ``_picture.html`` draws it with."""

    def __init__(self, storage: ImageStorage) -> None:
        self._storage = storage

    def __call__(self, image: Image) -> str:
        return self._storage.url(image.storage_key)

    def picture(self, image: Image) -> Picture:
        widths = image.rendition_widths or []
        if not widths:
            url = self(image)
            return Picture(url, image.width, image.height, "", "", image.average_color)
        fallback = min(widths, key=lambda w: abs(w - FALLBACK_WIDTH))
        return Picture(
            src=self._url(image, fallback, JPEG),
            width=image.width,
            height=image.height,
            webp=self._srcset(image, widths, WEBP),
            jpeg=self._srcset(image, widths, JPEG),
            colour=image.average_color,
        )

    def _url(self, image: Image, width: int, fmt: ImageFormat) -> str:
        return self._storage.url(rendition_key(image.storage_key, width, fmt))

    def _srcset(self, image: Image, widths: list[int], fmt: ImageFormat) -> str:
        return ", ".join(f"{self._url(image, w, fmt)} {w}w" for w in widths)
