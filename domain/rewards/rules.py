"""Pure points-mall rules: pickup codes, request fingerprints, reward input checks."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import datetime

from domain.errors import FieldError

PICKUP_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O/1/I: read aloud at the pickup point
PICKUP_CODE_LENGTH = 6
MAX_QUANTITY = 10
_PICKUP_SET = frozenset(PICKUP_ALPHABET)
IDEMPOTENCY_KEY_MIN = 8
IDEMPOTENCY_KEY_MAX = 64


def new_pickup_code() -> str:
    return "".join(secrets.choice(PICKUP_ALPHABET) for _ in range(PICKUP_CODE_LENGTH))


def normalise_pickup_code(raw: str) -> str:
    return (raw or "").strip().upper().replace(" ", "")


def pickup_code_error(code: str) -> str | None:
    """Expects ``normalise_pickup_code`` output: 6 characters of the pickup alphabet, so nothing
    else (a wrong length, NUL, control characters, broken UTF-16) reaches the database."""
    if len(code) != PICKUP_CODE_LENGTH or not set(code) <= _PICKUP_SET:
        return f"兑换码为 {PICKUP_CODE_LENGTH} 位字母和数字"
    return None


def _unstorable(text: str) -> bool:
    """Control characters (NUL included) and lone surrogates, which UTF-8 cannot store."""
    return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)


def request_hash(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def redemption_field_errors(quantity: int, idempotency_key: str) -> list[FieldError]:
    errors = []
    if not 1 <= quantity <= MAX_QUANTITY:
        errors.append(FieldError("quantity", f"数量应在 1 到 {MAX_QUANTITY} 之间"))
    if bad_idempotency_key(idempotency_key):
        errors.append(FieldError("idempotencyKey", "请求编号应为 8–64 个可见字符"))
    return errors


def bad_idempotency_key(key: str) -> bool:
    return not IDEMPOTENCY_KEY_MIN <= len(key) <= IDEMPOTENCY_KEY_MAX or _unstorable(key)


def reward_field_errors(
    name: str,
    description: str,
    cost_points: int,
    stock: int,
    per_member_limit: int | None,
    available_from: datetime | None,
    available_until: datetime | None,
) -> list[FieldError]:
    checks = [
        ("name", not 2 <= len(name.strip()) <= 60, "名称应为 2–60 个字"),
        ("description", not 1 <= len(description.strip()) <= 2000, "请填写 1–2000 字的介绍"),
        ("costPoints", not 1 <= cost_points <= 1_000_000, "所需积分应在 1 到 1,000,000 之间"),
        ("stock", not 0 <= stock <= 1_000_000, "库存应在 0 到 1,000,000 之间"),
        (
            "perMemberLimit",
            per_member_limit is not None and per_member_limit < 1,
            "每人限兑至少 1 件",
        ),
        (
            "availableUntil",
            bool(available_from and available_until and available_until <= available_from),
            "结束时间应晚于开始时间",
        ),
    ]
    return [FieldError(field, message) for field, bad, message in checks if bad]


def is_available(
    active: bool, available_from: datetime | None, available_until: datetime | None, now: datetime
) -> bool:
    return (
        active
        and (available_from is None or available_from <= now)
        and (available_until is None or now < available_until)
    )
