"""The portal as an installable web app: the manifest a phone reads for "add to home screen" and
its icons, drawn here with Pillow (a white roof and door on the brand green) so nothing is
downloaded or committed as a binary."""

from __future__ import annotations

import io
from functools import cache
from typing import Any

from PIL import Image, ImageDraw

THEME_COLOUR = "#2f7d4f"  # --green in linli.css
BACKGROUND_COLOUR = "#fbf8f2"  # --cream
ICON_SIZES = (180, 192, 512)  # 180: apple-touch-icon, 192 and 512: the manifest's


def manifest(brand_name: str) -> dict[str, Any]:
    return {
        "name": brand_name,
        "short_name": brand_name[:12],
        "lang": "zh-CN",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": f"/icons/icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png"}
            for size in (192, 512)
        ]
        + [
            {
                "src": "/icons/icon-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            }
        ],
    }


@cache
def icon_png(size: int) -> bytes:
    """A square icon whose drawing stays inside the maskable safe zone (the middle 80%)."""
    if size not in ICON_SIZES:
        raise ValueError(f"no icon of {size} px")
    image = Image.new("RGB", (size, size), THEME_COLOUR)
    draw = ImageDraw.Draw(image)
    u = size / 100
    draw.polygon([(50 * u, 24 * u), (76 * u, 46 * u), (24 * u, 46 * u)], fill="white")
    draw.rectangle([(31 * u, 46 * u), (69 * u, 74 * u)], fill="white")
    draw.rectangle([(45 * u, 56 * u), (55 * u, 74 * u)], fill=THEME_COLOUR)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
