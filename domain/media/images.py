"""Upload rules without I/O: recognise JPEG, PNG and WebP by their bytes, refuse pixel bombs from
the header alone, and re-encode upright to at most 2,048 px with every piece of metadata left
behind (EXIF GPS above all)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from domain.media.errors import (
    InvalidImageError,
    TooManyPixelsError,
    UnsupportedMediaTypeError,
    UploadTooLargeError,
)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048
JPEG_QUALITY = 85
WEBP_QUALITY = 85

# Pillow itself refuses images past twice this on open; our own check refuses past once.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(frozen=True)
class ImageFormat:
    pillow_name: str
    content_type: str
    extension: str


JPEG = ImageFormat("JPEG", "image/jpeg", ".jpg")
PNG = ImageFormat("PNG", "image/png", ".png")
WEBP = ImageFormat("WEBP", "image/webp", ".webp")
FORMATS = (JPEG, PNG, WEBP)


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes
    format: ImageFormat
    width: int
    height: int


def sniff_format(head: bytes) -> ImageFormat | None:
    """The format the magic bytes announce; the filename and declared type are never asked."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def process_image(data: bytes) -> ProcessedImage:
    """The upload re-encoded in its own format, upright, ≤ ``MAX_SIDE``, without metadata."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadTooLargeError()
    fmt = sniff_format(data[:12])
    if fmt is None:
        raise UnsupportedMediaTypeError()
    image = open_checked(data, fmt)
    try:
        clean = _upright_and_bounded(image, fmt)
        encoded = _encode(clean, fmt)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise InvalidImageError() from error
    return ProcessedImage(encoded, fmt, clean.width, clean.height)


def open_checked(data: bytes, fmt: ImageFormat) -> Image.Image:
    """Open lazily (the header only) with the one plugin the magic bytes named; refuse bombs
    before a single pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt.pillow_name])
    except Image.DecompressionBombError as error:
        raise TooManyPixelsError() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise UnsupportedMediaTypeError() from error
    if image.format != fmt.pillow_name:
        raise UnsupportedMediaTypeError()
    width, height = image.size
    if width < 1 or height < 1:
        raise InvalidImageError()
    if width * height > MAX_PIXELS:
        raise TooManyPixelsError()
    return image


def _upright_and_bounded(image: Image.Image, fmt: ImageFormat) -> Image.Image:
    icc = image.info.get("icc_profile")
    if fmt is JPEG:
        image.draft(None, (MAX_SIDE, MAX_SIDE))  # let libjpeg decode big photos at 1/2, 1/4…
    upright = ImageOps.exif_transpose(image)  # orientation first: the EXIF goes away below
    alpha = fmt is not JPEG and upright.has_transparency_data
    converted = _to_srgb(upright, icc, alpha) if icc else None
    if converted is None:
        keep_grey = upright.mode == "L"
        converted = upright if keep_grey else upright.convert("RGBA" if alpha else "RGB")
    converted.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A fresh image carries no info dict: no EXIF, XMP, ICC, comments or PNG text chunks.
    clean = Image.new(converted.mode, converted.size)
    clean.paste(converted)
    return clean


def _to_srgb(image: Image.Image, icc: bytes, alpha: bool) -> Image.Image | None:
    """Colours converted to sRGB so the profile can be dropped; None when the profile does not
    fit the pixels (the profile is then dropped without converting)."""
    if image.mode not in ("RGB", "RGBA", "CMYK"):
        return None
    rgb_source = image.convert("RGB") if image.mode == "RGBA" else image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        converted = ImageCms.profileToProfile(rgb_source, source, srgb, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None
    if converted is None:
        return None
    if alpha:
        converted.putalpha(image.convert("RGBA").getchannel("A"))
    return converted


def _encode(image: Image.Image, fmt: ImageFormat) -> bytes:
    buffer = io.BytesIO()
    if fmt is JPEG:
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    elif fmt is PNG:
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=WEBP_QUALITY)
    return buffer.getvalue()


# Widths a picture is served at (phones' one and two columns, and a full-screen view), each as
# WebP with a JPEG for browsers without it.
RENDITION_WIDTHS = (360, 720, 1440)
RENDITION_QUALITY = 80


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    format: ImageFormat
    data: bytes


def make_renditions(processed: ProcessedImage) -> tuple[list[Rendition], str]:
    """The upload (already upright, bounded and without metadata) at each of
    ``RENDITION_WIDTHS`` it is wider than, and at its own width below the largest: WebP and JPEG
    (transparency on white). With the average colour (``#rrggbb``), shown while it loads."""
    with Image.open(io.BytesIO(processed.data), formats=[processed.format.pillow_name]) as opened:
        source = opened.convert("RGBA") if opened.has_transparency_data else opened.convert("RGB")
    flat = source
    if source.mode == "RGBA":
        flat = Image.new("RGB", source.size, (255, 255, 255))
        flat.paste(source, mask=source.getchannel("A"))
    red, green, blue = flat.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))  # type: ignore[misc]
    colour = f"#{red:02x}{green:02x}{blue:02x}"
    made: list[Rendition] = []
    for width in rendition_widths(source.width):
        height = max(1, round(source.height * width / source.width))
        scaled = (
            source
            if width == source.width
            else source.resize((width, height), Image.Resampling.LANCZOS)
        )
        flat_scaled = (
            flat if width == flat.width else flat.resize((width, height), Image.Resampling.LANCZOS)
        )
        webp = io.BytesIO()
        scaled.save(webp, "WEBP", quality=RENDITION_QUALITY, method=4)
        jpeg = io.BytesIO()
        flat_scaled.save(jpeg, "JPEG", quality=RENDITION_QUALITY, progressive=True, optimize=True)
        made.append(Rendition(width, height, WEBP, webp.getvalue()))
        made.append(Rendition(width, height, JPEG, jpeg.getvalue()))
    return made, colour


def rendition_widths(width: int) -> list[int]:
    """The widths made for a picture ``width`` wide: each standard width it exceeds, and its own
    when it is narrower than the largest (a picture is never enlarged)."""
    widths = [w for w in RENDITION_WIDTHS if w < width]
    if width <= RENDITION_WIDTHS[-1]:
        widths.append(width)
    return widths
