"""分享海报: a portrait PNG a resident saves and sends into a WeChat chat or Moments: the
picture, the title, who shared it, the brand and a QR code of the link. Pure drawing: the caller
reads the picture and chooses the words; Chinese needs a CJK font (Noto Sans CJK where Debian
puts it, or the ``POSTER_FONT`` setting); without one the poster is still drawn, with Pillow's
own font."""

from __future__ import annotations

import functools
import io
import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import segno
from PIL import Image, ImageDraw, ImageFont, ImageOps

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 750, 1334
MARGIN = 48
PICTURE_HEIGHT = 640
QR_SIZE = 240
TITLE_SIZE, TITLE_LINES, TITLE_LEADING = 48, 3, 64
BACKGROUND = (250, 248, 242)
INK = (35, 38, 31)
MUTED = (110, 112, 104)
GREEN = (47, 125, 79)
SCAN_HINT = "长按识别二维码"
NOTO_CANDIDATES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
)

Font: TypeAlias = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class Poster:
    title: str
    sharer: str  # the resident's display name
    brand: str
    link: str  # absolute; what the QR code opens


def shared_by(name: str) -> str:
    return f"{name} 分享"


@functools.cache
def cjk_font(configured: Path | None) -> Path | None:
    """The font file posters use: the configured one, else Noto Sans CJK, else any font
    fontconfig says covers Chinese. None (and one warning) when there is none."""
    if configured is not None:
        if configured.is_file():
            return configured
        log.warning("POSTER_FONT %s is not a file; looking for Noto Sans CJK", configured)
    found = next((path for path in NOTO_CANDIDATES if path.is_file()), None) or _fontconfig_cjk()
    if found is None:
        log.warning("no CJK font found: posters are drawn with Pillow's default font")
    return found


def _fontconfig_cjk() -> Path | None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listed = subprocess.run(  # noqa: S603 - a fixed command, no input of anyone's
            [fc_list, ":lang=zh-cn", "file"], capture_output=True, text=True, timeout=5
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(line.strip().rstrip(":") for line in listed.splitlines() if line.strip())
    return Path(files[0]) if files else None


def font(path: Path | None, size: int) -> Font:
    if path is None:
        return ImageFont.load_default(size)
    # Noto Sans CJK's collections hold JP, KR, SC, TC, HK faces in that order: SC for 简体.
    index = 2 if path.suffix == ".ttc" and path.name.startswith("Noto") else 0
    return ImageFont.truetype(str(path), size, index=index)


def wrap(text: str, face: Font, width: int, lines: int) -> list[str]:
    """``text`` broken by character (Chinese has no spaces to break at) into at most ``lines``
    lines no wider than ``width``; the last ends with "…" when the text did not fit."""
    made: list[str] = []
    current = ""
    for char in " ".join(text.split()):
        if face.getlength(current + char) <= width:
            current += char
            continue
        made.append(current)
        current = char.strip()
    if current:
        made.append(current)
    if len(made) > lines:
        last = made[lines - 1]
        while last and face.getlength(last + "…") > width:
            last = last[:-1]
        made = [*made[: lines - 1], last + "…"]
    return made


def qr_image(link: str, size: int) -> Image.Image:
    """``link`` as a QR code about ``size`` px square, with its quiet zone, sharp edged."""
    code = segno.make_qr(link, error="m")
    scale = max(1, size // code.symbol_size(scale=1, border=2)[0])
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=2, dark="#23261f")
    buffer.seek(0)
    with Image.open(buffer) as opened:
        return opened.convert("RGB")


def render_poster(poster: Poster, picture: bytes | None, font_path: Path | None) -> bytes:
    """The poster as PNG bytes, 750 × 1334. ``picture`` (an upload's bytes) fills the top;
    without one the brand's name does."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    _draw_top(canvas, draw, picture, poster.brand, font_path)
    y = PICTURE_HEIGHT + MARGIN
    title_face = font(font_path, TITLE_SIZE)
    for line in wrap(poster.title, title_face, WIDTH - 2 * MARGIN, TITLE_LINES):
        draw.text((MARGIN, y), line, font=title_face, fill=INK)
        y += TITLE_LEADING
    draw.text((MARGIN, y + 16), shared_by(poster.sharer), font=font(font_path, 30), fill=MUTED)
    qr = qr_image(poster.link, QR_SIZE)
    top = HEIGHT - MARGIN - qr.height
    canvas.paste(qr, (WIDTH - MARGIN - qr.width, top))
    draw.line((MARGIN, top - 32, WIDTH - MARGIN, top - 32), fill=(225, 222, 212), width=2)
    draw.text((MARGIN, top + 40), poster.brand, font=font(font_path, 44), fill=GREEN)
    draw.text((MARGIN, top + 120), SCAN_HINT, font=font(font_path, 28), fill=MUTED)
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _draw_top(
    canvas: Image.Image,
    draw: ImageDraw.ImageDraw,
    picture: bytes | None,
    brand: str,
    font_path: Path | None,
) -> None:
    if picture is not None:
        try:
            with Image.open(io.BytesIO(picture)) as opened:
                fitted = ImageOps.fit(opened.convert("RGB"), (WIDTH, PICTURE_HEIGHT))
            canvas.paste(fitted, (0, 0))
            return
        except (OSError, ValueError) as error:
            log.warning("poster drawn without its picture: %s", error)
    draw.rectangle((0, 0, WIDTH, PICTURE_HEIGHT), fill=GREEN)
    face = font(font_path, 120)
    box = draw.textbbox((0, 0), brand, font=face)
    x = (WIDTH - (box[2] - box[0])) / 2 - box[0]
    y = (PICTURE_HEIGHT - (box[3] - box[1])) / 2 - box[1]
    draw.text((x, y), brand, font=face, fill=(255, 255, 255))
