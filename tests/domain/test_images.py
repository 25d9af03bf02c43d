"""Image processing (recognition, bombs, re-encoding without metadata), local storage and the
upload service."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from domain.collaborators import Collaborators
from domain.errors import RateLimitedError
from domain.media import images
from domain.media.errors import (
    ImageNotFoundError,
    InvalidImageError,
    TooManyPixelsError,
    UnsupportedMediaTypeError,
    UploadTooLargeError,
)
from domain.media.images import JPEG, PNG, WEBP, process_image
from domain.media.models import Image as ImageRow
from domain.media.services import upload_image
from domain.media.storage import LocalImageStorage, is_valid_key
from tests.factories import make_member

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def encoded(
    size: tuple[int, int] = (64, 48),
    fmt: str = "JPEG",
    mode: str = "RGB",
    colour: int | tuple[int, ...] = (200, 30, 30),
    **params: object,
) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, fmt, **params)
    return buffer.getvalue()


def exif_with_gps(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (31.0, 14.0, 5.0)
    gps[3] = "E"
    gps[4] = (121.0, 28.0, 9.0)
    if orientation is not None:
        exif[ORIENTATION] = orientation
    return exif


def png_header_bomb(width: int, height: int) -> bytes:
    """A complete, valid 1-bit PNG of ``width`` × ``height`` zero pixels that compresses to little:
    made by hand, because Pillow would need a byte per pixel to build it."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return png_header_bomb(30_000, 30_000)


def forbid_decoding(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    attempts: list[tuple[int, int]] = []

    def refuse(self: Image.Image) -> None:
        attempts.append(self.size)
        raise AssertionError("Pillow was asked to decode the pixels")

    monkeypatch.setattr(Image.Image, "load", refuse)
    return attempts


def test_the_formats_are_recognised_by_their_bytes_alone() -> None:
    assert images.sniff_format(encoded(fmt="JPEG")[:12]) is JPEG
    assert images.sniff_format(encoded(fmt="PNG")[:12]) is PNG
    assert images.sniff_format(encoded(fmt="WEBP")[:12]) is WEBP
    assert images.sniff_format(encoded(fmt="GIF", mode="P", colour=1)[:12]) is None
    assert images.sniff_format(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"<!DOCTYPE html><html><body>hi</body></html>",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"",
        b"\x89PNG\r\n\x1a\n but then no PNG at all",
        b"RIFF\x00\x00\x00\x00WEBPVP8 nothing",
    ],
    ids=["svg", "html", "gif", "empty", "png-magic-only", "webp-magic-only"],
)
def test_anything_but_a_real_jpeg_png_or_webp_is_unsupported(data: bytes) -> None:
    with pytest.raises(UnsupportedMediaTypeError) as refused:
        process_image(data)
    assert refused.value.code == "UNSUPPORTED_MEDIA_TYPE" and "JPEG" in refused.value.message


def test_a_real_gif_is_unsupported() -> None:
    with pytest.raises(UnsupportedMediaTypeError):
        process_image(encoded(fmt="GIF", mode="P", colour=1))


def test_a_truncated_jpeg_is_an_invalid_image() -> None:
    whole = encoded((400, 300))
    with pytest.raises(InvalidImageError):
        process_image(whole[: len(whole) // 2])


def test_more_than_ten_megabytes_is_refused() -> None:
    with pytest.raises(UploadTooLargeError):
        process_image(b"\xff\xd8\xff" + b"\x00" * images.MAX_UPLOAD_BYTES)


def test_a_pixel_bomb_is_refused_from_its_header_without_decoding(
    bomb: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(bomb) < images.MAX_UPLOAD_BYTES  # small on the wire: only the pixel count betrays it
    attempts = forbid_decoding(monkeypatch)
    with pytest.raises(TooManyPixelsError):
        process_image(bomb)
    assert attempts == []
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS


def test_just_over_forty_megapixels_is_refused_by_our_own_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pillow only raises past twice MAX_IMAGE_PIXELS; between once and twice it is our check."""
    attempts = forbid_decoding(monkeypatch)
    with pytest.raises(TooManyPixelsError):
        process_image(png_header_bomb(8_000, 5_001))
    assert attempts == []


def test_exactly_forty_megapixels_is_allowed_through_the_header_check() -> None:
    image = images.open_checked(png_header_bomb(8_000, 5_000), PNG)
    assert image.size == (8_000, 5_000)


def test_gps_exif_is_gone_from_a_re_encoded_jpeg() -> None:
    original = encoded((640, 480), exif=exif_with_gps(), comment=b"taken at home")
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test is honest
    result = process_image(original)
    assert (result.width, result.height, result.format) == (640, 480, JPEG)
    reopened = Image.open(io.BytesIO(result.data))
    assert reopened.format == "JPEG" and reopened.size == (640, 480)
    assert dict(reopened.getexif()) == {}
    assert "exif" not in reopened.info and "comment" not in reopened.info
    assert reopened.info.get("progressive") == 1
    for marker in (b"Exif", b"PhoneMaker", b"taken at home", b"http://ns.adobe.com/xap"):
        assert marker not in result.data


def test_exif_orientation_is_applied_before_the_metadata_is_dropped() -> None:
    # Orientation 6: the camera was turned; viewers rotate 90° clockwise to show it upright.
    sideways = encoded((400, 100), exif=exif_with_gps(orientation=6))
    result = process_image(sideways)
    assert (result.width, result.height) == (100, 400)
    assert dict(Image.open(io.BytesIO(result.data)).getexif()) == {}


def test_a_large_photo_is_scaled_to_2048_on_the_long_side_keeping_its_aspect() -> None:
    result = process_image(encoded((4000, 3000), quality=70))
    assert (result.width, result.height) == (2048, 1536)
    assert Image.open(io.BytesIO(result.data)).size == (2048, 1536)
    tall = process_image(encoded((1000, 3000), fmt="PNG"))
    assert (tall.width, tall.height) == (683, 2048)


def test_png_stays_png_with_its_transparency_and_without_text_chunks() -> None:
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "secret location")
    text.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>gps</x:xmpmeta>")
    original = encoded((300, 200), fmt="PNG", mode="RGBA", colour=(0, 0, 255, 0), pnginfo=text)
    result = process_image(original)
    reopened = Image.open(io.BytesIO(result.data))
    assert reopened.format == "PNG" and reopened.mode == "RGBA" and result.format is PNG
    assert reopened.getpixel((0, 0)) == (0, 0, 255, 0)
    assert not getattr(reopened, "text", {}) and b"secret location" not in result.data
    assert b"tEXt" not in result.data and b"iTXt" not in result.data and b"eXIf" not in result.data


def test_webp_stays_webp_without_exif() -> None:
    original = encoded((500, 400), fmt="WEBP", exif=exif_with_gps())
    assert b"Exif" in original or b"EXIF" in original
    result = process_image(original)
    reopened = Image.open(io.BytesIO(result.data))
    assert reopened.format == "WEBP" and result.format is WEBP and reopened.size == (500, 400)
    assert dict(reopened.getexif()) == {}
    assert b"EXIF" not in result.data and b"PhoneMaker" not in result.data


def test_an_icc_profile_is_converted_to_srgb_and_not_kept() -> None:
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    result = process_image(encoded((64, 64), icc_profile=profile))
    reopened = Image.open(io.BytesIO(result.data))
    assert "icc_profile" not in reopened.info
    red, green, blue = reopened.convert("RGB").getpixel((10, 10))  # type: ignore[misc]
    assert red > 180 and green < 60 and blue < 60


def test_keys_are_random_hex_with_our_extension_only() -> None:
    assert is_valid_key("0123456789abcdef0123456789abcdef.jpg")
    for bad in (
        "../secret_key",
        "0123456789abcdef0123456789abcdef.svg",
        "0123456789ABCDEF0123456789ABCDEF.png",
        "0123456789abcdef0123456789abcdef.png\n",
        "..%2Fsecret_key",
        "x.jpg",
    ):
        assert not is_valid_key(bad), bad


async def test_local_storage_saves_opens_and_refuses_unknown_or_malformed_keys(
    tmp_path: Path,
) -> None:
    root = tmp_path / "media" / "nested"
    storage = LocalImageStorage(root)
    key = "0123456789abcdef0123456789abcdef.png"
    await storage.save(key, b"\x89PNG...", "image/png")
    assert (root / key).read_bytes() == b"\x89PNG..."
    assert [p.name for p in root.iterdir()] == [key]  # no temporary file left behind
    stored = await storage.open(key)
    assert (stored.data, stored.content_type) == (b"\x89PNG...", "image/png")
    assert storage.url(key) == f"/media/{key}"
    (tmp_path / "secret_key").write_text("s3cret")
    for missing in ("f" * 32 + ".png", "../../secret_key", "../nested/" + key):
        with pytest.raises(ImageNotFoundError):
            await storage.open(missing)
    with pytest.raises(ValueError):
        await storage.save("../../evil.png", b"x", "image/png")
    with pytest.raises(ValueError):
        await storage.save("0123456789abcdef0123456789abcdef.png", b"x", "text/html")


async def test_uploading_records_the_image_and_stores_the_clean_file(
    collaborators: Collaborators, tmp_path: Path
) -> None:
    member = await make_member()
    storage = LocalImageStorage(tmp_path)
    original = encoded((4000, 3000), exif=exif_with_gps())

    async def read_file(limit: int) -> bytes:
        assert limit == images.MAX_UPLOAD_BYTES
        return original

    image = await upload_image(collaborators, storage, member, read_file)
    row = await ImageRow.get(id=image.id)
    assert (row.owner_id, row.content_type, row.width, row.height) == (
        member.id,
        "image/jpeg",
        2048,
        1536,
    )
    assert row.created_at == collaborators.clock.now()
    assert is_valid_key(row.storage_key) and row.storage_key.endswith(".jpg")
    stored = (tmp_path / row.storage_key).read_bytes()
    assert row.size_bytes == len(stored) and b"Exif" not in stored


async def test_the_thirty_first_upload_in_ten_minutes_is_rate_limited_before_reading(
    collaborators: Collaborators, tmp_path: Path
) -> None:
    member = await make_member()
    storage = LocalImageStorage(tmp_path)
    small = encoded((8, 8))
    reads = 0

    async def read_file(limit: int) -> bytes:
        nonlocal reads
        reads += 1
        return small

    for _ in range(30):
        await upload_image(collaborators, storage, member, read_file)
    with pytest.raises(RateLimitedError) as refused:
        await upload_image(collaborators, storage, member, read_file)
    assert 0 < refused.value.retry_after_seconds <= 600
    assert reads == 30 and await ImageRow.filter(owner_id=member.id).count() == 30
    other = await make_member()
    await upload_image(collaborators, storage, other, read_file)  # the limit is per member
