"""Where image bytes live, behind a small interface: a local folder today, object storage later.
Keys are generated here, never taken from the uploader, and checked against a strict pattern
before any path is built from them."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from domain.media.errors import ImageNotFoundError
from domain.media.images import FORMATS, ImageFormat

# An upload's key, and its renditions' (the same stem with the width: ``<stem>-720.webp``).
KEY_PATTERN = re.compile(r"\A[0-9a-f]{32}(?:-[1-9][0-9]{0,3})?\.(?:jpg|png|webp)\Z")
CONTENT_TYPES = {fmt.extension: fmt.content_type for fmt in FORMATS}


@dataclass(frozen=True)
class StoredImage:
    data: bytes
    content_type: str


class ImageStorage(Protocol):
    async def save(self, key: str, data: bytes, content_type: str) -> None: ...

    async def open(self, key: str) -> StoredImage:
        """The stored bytes; ``ImageNotFoundError`` for an unknown or malformed key."""
        ...

    def url(self, key: str) -> str: ...

    async def delete(self, key: str) -> None:
        """Remove the stored image; one already gone is not an error."""
        ...


def new_key(fmt: ImageFormat) -> str:
    return secrets.token_hex(16) + fmt.extension


def rendition_key(key: str, width: int, fmt: ImageFormat) -> str:
    """The key of an upload's rendition ``width`` wide in ``fmt``."""
    return f"{key.rsplit('.', 1)[0]}-{width}{fmt.extension}"


def is_valid_key(key: str) -> bool:
    return KEY_PATTERN.match(key) is not None


class LocalImageStorage:
    """Files named by their key in one folder, created on first save."""

    def __init__(self, root: Path) -> None:
        self.root = root

    async def save(self, key: str, data: bytes, content_type: str) -> None:
        if not is_valid_key(key) or CONTENT_TYPES[Path(key).suffix] != content_type:
            raise ValueError(f"refusing to store {key!r} as {content_type!r}")
        await asyncio.to_thread(self._write, key, data)

    async def open(self, key: str) -> StoredImage:
        if not is_valid_key(key):
            raise ImageNotFoundError()
        try:
            data = await asyncio.to_thread((self.root / key).read_bytes)
        except FileNotFoundError as error:
            raise ImageNotFoundError() from error
        return StoredImage(data, CONTENT_TYPES[Path(key).suffix])

    def url(self, key: str) -> str:
        return f"/media/{key}"

    async def delete(self, key: str) -> None:
        if is_valid_key(key):
            await asyncio.to_thread((self.root / key).unlink, missing_ok=True)

    def _write(self, key: str, data: bytes) -> None:
        """Write to a temporary file and rename, so a reader never sees half an image."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(temporary, 0o644)  # mkstemp makes 0600; these images are public
            os.replace(temporary, self.root / key)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
