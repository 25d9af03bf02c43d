"""Product rules without I/O: what a valid SKU, name and price are, how a price reads, and the
mall link made from the configured template."""

from __future__ import annotations

import re

from domain.errors import FieldError

MAX_TAGS_PER_POST = 5
MAX_PRICE_FEN = 10_000_000  # ¥100,000.00
SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
NAME_MAX = 60


def clean_sku(raw: str) -> str:
    """SKUs compare without surrounding spaces and case (the order system writes capitals)."""
    return raw.strip().upper()


def looks_like_sku(raw: str) -> bool:
    return bool(SKU.fullmatch(raw.strip()))


def shown_sku(raw: str) -> str:
    """A refused SKU as a message repeats it: cut short when it is longer than any SKU."""
    return raw if len(raw) <= 40 else raw[:40] + "…"


def product_field_errors(sku: str, name: str, price_fen: int) -> list[FieldError]:
    errors = []
    if not looks_like_sku(sku):
        errors.append(FieldError("sku", "商品编码为 1–40 位字母、数字、点、横线或下划线"))
    if not name.strip() or len(name.strip()) > NAME_MAX:
        errors.append(FieldError("name", f"商品名称为 1–{NAME_MAX} 个字"))
    if not 0 <= price_fen <= MAX_PRICE_FEN:
        errors.append(FieldError("priceFen", "价格应在 0 到 100000 元之间"))
    return errors


def yuan(price_fen: int) -> str:
    """``1990`` → ``"19.90"``: the price as the pages write it after ¥."""
    return f"{price_fen // 100}.{price_fen % 100:02d}"


def parse_yuan(raw: str) -> int | None:
    """``"19.9"`` → ``1990``; None for anything that is not a non-negative amount in yuan."""
    match = re.fullmatch(r"\s*(\d{1,7})(?:\.(\d{1,2}))?\s*", raw)
    if match is None:
        return None
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


def product_url(template: str, sku: str) -> str:
    """The mall page of a product: ``{sku}`` in the template replaced by the SKU."""
    return template.replace("{sku}", sku)
