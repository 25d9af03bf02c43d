"""Pure event rules: check-in codes, input checks, the check-in window. No I/O."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from domain.errors import FieldError

# No 0/O/1/I: read aloud or typed by the host at the door.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 6
MAX_TYPED_CODE = 64  # spaces and all: anything longer is not a typing slip
CHECK_IN_OPENS_BEFORE = timedelta(hours=2)
MAX_CAPACITY = 10_000
MAX_DURATION = timedelta(days=7)


def new_check_in_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    return "".join((raw or "").split()).upper()


def check_in_code_error(raw: str) -> str | None:
    """Why what the host typed cannot be a check-in code, or None. Decided on the text alone, so
    it says nothing about which codes exist."""
    code = normalise_code(raw) if len(raw) <= MAX_TYPED_CODE else ""
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return "签到码是 6 位字母或数字（不含 0、O、1、I）"
    return None


def check_in_open(starts_at: datetime, ends_at: datetime, now: datetime) -> bool:
    """From two hours before the start until the end; after that no-shows are recorded."""
    return starts_at - CHECK_IN_OPENS_BEFORE <= now < ends_at


def registration_open(starts_at: datetime, now: datetime) -> bool:
    return now < starts_at


def event_field_errors(
    title: str,
    description: str,
    location: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    now: datetime,
    *,
    start_unchanged: bool = False,
) -> list[FieldError]:
    """``start_unchanged``: an edit that keeps the start time need not start in the future (an
    event under way can still have its description corrected)."""
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        naive = [f for f, t in (("startsAt", starts_at), ("endsAt", ends_at)) if t.tzinfo is None]
        return [FieldError(field, "时间需要带时区") for field in naive]
    checks = [
        ("title", not 2 <= len(title.strip()) <= 60, "标题应为 2–60 个字"),
        ("description", not 1 <= len(description.strip()) <= 2000, "请填写 1–2000 字的介绍"),
        ("location", not 2 <= len(location.strip()) <= 100, "地点应为 2–100 个字"),
        ("startsAt", starts_at <= now and not start_unchanged, "开始时间应晚于现在"),
        ("endsAt", ends_at <= starts_at, "结束时间应晚于开始时间"),
        ("endsAt", ends_at - starts_at > MAX_DURATION, "活动最长 7 天"),
        ("capacity", not 1 <= capacity <= MAX_CAPACITY, f"名额应在 1 到 {MAX_CAPACITY:,} 之间"),
    ]
    return [FieldError(field, message) for field, bad, message in checks if bad]
