"""The perceptual hash of an image (dHash, 64 bits) and the distance that counts as the same
picture. Pure: takes bytes, returns a hex string. Re-encoding, resizing and light edits move a
dHash by a few bits; different pictures are ~32 bits apart."""

from __future__ import annotations

import io

from PIL import Image

SAME_PICTURE_BITS = 8


def dhash(data: bytes) -> str:
    with Image.open(io.BytesIO(data)) as image:
        small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
        pixels = list(small.tobytes())
    bits = 0
    for row in range(8):
        for col in range(8):
            left, right = pixels[row * 9 + col], pixels[row * 9 + col + 1]
            bits = (bits << 1) | (left > right)
    return f"{bits:016x}"


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def matches_any(candidate: str, rejected: list[str]) -> bool:
    return any(distance(candidate, known) <= SAME_PICTURE_BITS for known in rejected)
