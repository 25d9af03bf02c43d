"""``POST /api/uploads`` and ``GET /media/{key}`` over HTTP: both ways of signing in, CSRF for the
cookie, formats by content, size and pixel limits, metadata stripped, the rate limit, serving."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from domain.collaborators import Collaborators
from domain.identity.services import issue_api_tokens
from domain.media import images
from domain.media.models import Image as ImageRow
from tests.domain.test_images import encoded, exif_with_gps, forbid_decoding, png_header_bomb
from tests.factories import PASSWORD, make_member
from web.ids import encode_id

BOUNDARY = "linli-test-boundary"


@pytest.fixture
def media_root(collaborators: Collaborators) -> Path:
    return collaborators.settings.media_root


@pytest.fixture
def planted_secrets(media_root: Path) -> Path:
    """Files a path traversal would love to reach, in and next to the media folder."""
    media_root.mkdir(parents=True, exist_ok=True)
    (media_root / "secret_key").write_text("s3cret")
    (media_root.parent / "secret_key").write_text("s3cret")
    return media_root


async def bearer(collaborators: Collaborators) -> dict[str, str]:
    member = await make_member()
    tokens = await issue_api_tokens(collaborators, member)
    return {"Authorization": f"Bearer {tokens.access_token}"}


def multipart(data: bytes, filename: str = "photo.jpg", content_type: str = "image/jpeg") -> bytes:
    return (
        (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


MULTIPART = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


async def post_file(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    data: bytes,
    filename: str = "photo.jpg",
    content_type: str = "image/jpeg",
) -> httpx.Response:
    files = {"file": (filename, data, content_type)}
    return await client.post("/api/uploads", files=files, headers=headers)


def stored_files(root: Path) -> list[Path]:
    return sorted(root.iterdir()) if root.exists() else []


async def test_a_bearer_upload_is_re_encoded_recorded_stored_and_served(
    client: httpx.AsyncClient, collaborators: Collaborators, media_root: Path
) -> None:
    headers = await bearer(collaborators)
    response = await post_file(client, headers, encoded((4000, 3000), exif=exif_with_gps()))
    assert response.status_code == 201, response.text
    body = response.json()
    row = await ImageRow.get()
    assert body == {
        "id": encode_id("Image", row.id),
        "url": f"/media/{row.storage_key}",
        "width": 2048,
        "height": 1536,
    }
    assert (row.content_type, row.width, row.height) == ("image/jpeg", 2048, 1536)
    assert row.created_at == collaborators.clock.now()
    stored = (media_root / row.storage_key).read_bytes()
    assert row.size_bytes == len(stored)

    served = await client.get(body["url"])
    assert served.status_code == 200 and served.content == stored
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    reopened = Image.open(io.BytesIO(served.content))
    assert reopened.size == (2048, 1536) and dict(reopened.getexif()) == {}
    assert b"Exif" not in served.content and b"PhoneMaker" not in served.content


async def test_gps_exif_never_reaches_the_stored_file(
    client: httpx.AsyncClient, collaborators: Collaborators, media_root: Path
) -> None:
    original = encoded((800, 600), exif=exif_with_gps())
    assert b"Exif" in original
    response = await post_file(client, await bearer(collaborators), original)
    assert response.status_code == 201
    assert (response.json()["width"], response.json()["height"]) == (800, 600)
    row = await ImageRow.get()
    stored = (media_root / row.storage_key).read_bytes()
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}
    assert b"Exif" not in stored and b"PhoneMaker" not in stored


async def test_the_format_comes_from_the_bytes_not_the_name_or_declared_type(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    headers = await bearer(collaborators)
    png = encoded((30, 20), fmt="PNG")
    response = await post_file(client, headers, png, "drawing.svg", "image/svg+xml")
    assert response.status_code == 201
    row = await ImageRow.get()
    assert row.content_type == "image/png" and row.storage_key.endswith(".png")
    assert "drawing" not in row.storage_key
    served = await client.get(response.json()["url"])
    assert served.headers["content-type"] == "image/png"


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "a.svg", "image/svg+xml"),
        (b"<html><script>alert(1)</script></html>", "photo.jpg", "image/jpeg"),
        (encoded((10, 10), fmt="GIF", mode="P", colour=1), "cat.gif", "image/gif"),
        (b"%PDF-1.7\n", "photo.png", "image/png"),
    ],
    ids=["svg", "html-named-jpg", "gif", "pdf-named-png"],
)
async def test_anything_else_is_415_and_stores_nothing(
    client: httpx.AsyncClient,
    collaborators: Collaborators,
    media_root: Path,
    data: bytes,
    filename: str,
    content_type: str,
) -> None:
    before = stored_files(media_root)
    response = await post_file(client, await bearer(collaborators), data, filename, content_type)
    assert response.status_code == 415
    assert response.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert "只支持" in response.json()["message"]
    assert await ImageRow.all().count() == 0 and stored_files(media_root) == before


async def test_a_bad_bearer_token_or_an_anonymous_session_is_401(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    data = encoded()
    for token in ("not-a-token", ""):
        response = await post_file(client, {"Authorization": f"Bearer {token}"}, data)
        assert response.status_code == 401, token
        assert response.json() == {"code": "UNAUTHENTICATED", "message": "请先登录"}
    page = await client.get("/login")  # an anonymous session with a CSRF token, nobody signed in
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    anonymous = await post_file(client, {"X-CSRF-Token": csrf}, data)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "UNAUTHENTICATED"
    assert await ImageRow.all().count() == 0


async def test_an_access_token_is_required_not_a_refresh_token(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    tokens = await issue_api_tokens(collaborators, await make_member())
    headers = {"Authorization": f"Bearer {tokens.refresh_token}"}
    assert (await post_file(client, headers, encoded())).status_code == 401


async def log_in_to_the_portal(client: httpx.AsyncClient) -> str:
    """Signs a new member in through the portal; the CSRF token of the signed-in session."""
    member = await make_member()
    page = await client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    login = await client.post(
        "/login", data={"csrf_token": csrf, "phone": member.phone, "password": PASSWORD}
    )
    assert login.status_code == 303
    home = await client.get("/")
    return re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)  # type: ignore[union-attr]


async def test_a_cookie_upload_needs_the_csrf_header(client: httpx.AsyncClient) -> None:
    csrf = await log_in_to_the_portal(client)
    refused = await post_file(client, {}, encoded())
    assert refused.status_code == 403
    assert await ImageRow.all().count() == 0
    accepted = await post_file(client, {"X-CSRF-Token": csrf}, encoded())
    assert accepted.status_code == 201, accepted.text
    assert await ImageRow.all().count() == 1


async def test_a_declared_length_over_the_limit_is_refused_before_reading(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    pulled = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal pulled
        pulled += 1
        yield multipart(encoded())

    headers = await bearer(collaborators) | MULTIPART | {"Content-Length": str(11 * 1024 * 1024)}
    response = await client.post("/api/uploads", content=body(), headers=headers)
    assert response.status_code == 413 and response.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert pulled == 0 and await ImageRow.all().count() == 0


def endless_file(chunks_pulled: list[int]) -> AsyncIterator[bytes]:
    """A multipart body whose file part goes on for 50 MB, one megabyte per chunk."""

    async def body() -> AsyncIterator[bytes]:
        chunks_pulled.append(0)
        yield multipart(b"")[: -len(f"\r\n--{BOUNDARY}--\r\n")] + b"\xff\xd8\xff"
        for _ in range(50):
            chunks_pulled.append(0)
            yield b"\x00" * (1024 * 1024)

    return body()


@pytest.mark.parametrize("declared", [None, "4096"], ids=["chunked", "lying-length"])
async def test_a_body_is_cut_off_at_ten_megabytes_whatever_its_length_says(
    client: httpx.AsyncClient, collaborators: Collaborators, declared: str | None
) -> None:
    pulled: list[int] = []
    headers = await bearer(collaborators) | MULTIPART
    if declared:
        headers["Content-Length"] = declared
    response = await client.post("/api/uploads", content=endless_file(pulled), headers=headers)
    assert response.status_code == 413 and response.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert len(pulled) <= 12  # the header chunk and ten or eleven megabytes, not fifty
    assert await ImageRow.all().count() == 0


async def test_exactly_ten_megabytes_of_file_is_within_the_limit_of_the_stream(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    """At the limit the body is read whole and judged as an image (here: not one)."""
    data = b"\xff\xd8\xff" + b"\x00" * (images.MAX_UPLOAD_BYTES - 3)
    response = await post_file(client, await bearer(collaborators), data)
    assert response.status_code == 415


async def test_a_pixel_bomb_is_refused_without_decoding(
    client: httpx.AsyncClient, collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = png_header_bomb(30_000, 30_000)
    attempts = forbid_decoding(monkeypatch)
    response = await post_file(client, await bearer(collaborators), bomb, "bomb.png", "image/png")
    assert response.status_code == 422
    assert response.json()["code"] == "IMAGE_TOO_LARGE" and "万像素" in response.json()["message"]
    assert attempts == [] and await ImageRow.all().count() == 0


async def test_a_body_without_a_file_field_is_bad_input(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    headers = await bearer(collaborators)
    no_file = await client.post("/api/uploads", data={"photo": "x"}, headers=headers)
    assert no_file.status_code == 400 and no_file.json()["code"] == "INVALID_INPUT"
    as_json = await client.post("/api/uploads", json={"file": "x"}, headers=headers)
    assert as_json.status_code == 400 and as_json.json()["code"] == "INVALID_INPUT"


async def test_the_thirty_first_upload_in_ten_minutes_is_rate_limited(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    headers = await bearer(collaborators)
    small = encoded((8, 8))
    for _ in range(30):
        assert (await post_file(client, headers, small)).status_code == 201
    refused = await post_file(client, headers, small)
    assert refused.status_code == 429 and refused.json()["code"] == "RATE_LIMITED"
    assert 0 < int(refused.headers["retry-after"]) <= 600
    assert await ImageRow.all().count() == 30


@pytest.mark.parametrize(
    "path",
    [
        "/media/" + "0" * 32 + ".jpg",
        "/media/" + "0" * 32 + ".svg",
        "/media/secret_key",
        "/media/..%2Fsecret_key",
        "/media/%2E%2E%2Fsecret_key",
        "/media/..%5Csecret_key",
    ],
)
async def test_unknown_or_malformed_media_keys_are_404(
    client: httpx.AsyncClient, planted_secrets: Path, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 404 and "s3cret" not in response.text
    if response.headers["content-type"] == "application/json":
        assert response.json()["code"] == "NOT_FOUND"
