"""Hostile values per input kind: a named catalogue (each case of issue 12 points 13–15 and their
neighbours) plus values drawn by hypothesis, derandomised so every run sends the same ones."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)


@dataclass(frozen=True)
class Hostile:
    kind: str  # a short name for the class of value, e.g. "id-2^31", "string-nul", "drawn"
    value: Any


def gid(type_name: str, node_id: object) -> str:
    return base64.b64encode(f"{type_name}:{node_id}".encode()).decode()


def type_name_of(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[0]


def _draw(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """``count`` values of ``strategy``, the same ones on every run (derandomised, no database)."""
    drawn: list[Any] = []

    @settings(
        max_examples=count * 3,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        if len(drawn) < count and value not in drawn:
            drawn.append(value)

    collect()
    return drawn


# -- drawn values -------------------------------------------------------------------------------

_HOSTILE_CHARS = st.characters(
    categories=("Cc", "Cf", "Cs", "Co", "Zs", "Zl", "Zp", "Mn", "So", "Nd", "No", "Lo"),
)
_TEXT = st.text(_HOSTILE_CHARS, min_size=1, max_size=300)
_OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_DATETIMES = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.one_of(st.none(), _OFFSETS),
).map(lambda moment: moment.isoformat())


def drawn_ids(type_name: str, count: int) -> list[Hostile]:
    strategy = st.one_of(
        st.integers(min_value=-(2**80), max_value=2**80).map(lambda n: gid(type_name, n)),
        _TEXT.map(lambda text: gid(type_name, text)),
        _TEXT,
    )
    return [Hostile("id-drawn", v) for v in _draw(strategy, count)]


def drawn_strings(count: int) -> list[Hostile]:
    return [Hostile("string-drawn", v) for v in _draw(_TEXT, count)]


def drawn_ints(count: int) -> list[Hostile]:
    strategy = st.one_of(
        st.integers(min_value=INT32_MIN, max_value=INT32_MAX), st.integers(), st.floats()
    )
    return [Hostile("int-drawn", v) for v in _draw(strategy, count)]


def drawn_datetimes(count: int) -> list[Hostile]:
    return [Hostile("datetime-drawn", v) for v in _draw(_DATETIMES, count)]


def drawn_dates(count: int) -> list[Hostile]:
    strategy = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
    return [Hostile("date-drawn", v.isoformat()) for v in _draw(strategy, count)]


# -- the named catalogue ------------------------------------------------------------------------


def id_catalogue(type_name: str) -> list[Hostile]:
    other = "Member" if type_name != "Member" else "Post"
    return [
        Hostile("id-2^31", gid(type_name, 2**31)),
        Hostile("id-2^63", gid(type_name, 2**63)),
        Hostile("id-10^30", gid(type_name, 10**30)),
        Hostile("id-99999999999", gid(type_name, 99999999999)),
        Hostile("id-minus-1", gid(type_name, -1)),
        Hostile("id-zero", gid(type_name, 0)),
        Hostile("id-space-before-digit", gid(type_name, " 1")),
        Hostile("id-arabic-indic-digit", gid(type_name, "١")),
        Hostile("id-fullwidth-digit", gid(type_name, "１")),
        Hostile("id-superscript-digit", gid(type_name, "²")),
        Hostile("id-plus-sign", gid(type_name, "+1")),
        Hostile("id-nul-after-digit", gid(type_name, "1\x00")),
        Hostile("id-empty-node", gid(type_name, "")),
        Hostile("id-wrong-type", gid(other, 1)),
        Hostile("id-unknown-type", gid("Nope", 1)),
        Hostile("id-not-base64", f"{type_name}:1"),
        Hostile("id-raw-number-string", "2147483648"),
        Hostile("id-json-number", 2**31),
        Hostile("id-empty", ""),
        Hostile("id-nul", "\x00"),
        Hostile("id-lone-surrogate", "\ud800"),
        Hostile("id-long", "A" * 5000),
        Hostile("id-json-object", {"id": 1}),
    ]


def string_catalogue() -> list[Hostile]:
    return [
        Hostile("string-nul", "a\x00b"),
        Hostile("string-control", "\x01\x07\x08\x1b[31m\x7f"),
        Hostile("string-rtl-override", "\u202egnp.exe\u202c"),
        Hostile("string-emoji-zwj", "👨‍👩‍👧‍👦🏳️‍🌈"),
        Hostile("string-zero-width", "\u200b\ufeff\u2060"),
        Hostile("string-empty", ""),
        Hostile("string-whitespace", " \t\r\n\u3000"),
        Hostile("string-lone-surrogate", "x\ud800y"),
        Hostile("string-7-digits", "1234567"),
        Hostile("string-9-digits", "123456789"),
        Hostile("string-12-digits", "139000000001"),
        Hostile("string-fullwidth-digits", "１３９００００００００"),
        Hostile("string-sql", "' OR 1=1; --"),
        Hostile("string-markup", '<img src=x onerror="alert(1)">{{7*7}}%s%n'),
        Hostile("string-40k-ascii", "a" * 40_000),
        Hostile("string-15k-cjk", "邻" * 15_000),
        Hostile("string-100k", "a" * 100_000),
        Hostile("string-json-number", 123),
        Hostile("string-json-list", ["a"]),
    ]


def int_catalogue() -> list[Hostile]:
    return [
        Hostile("int-2^31", 2**31),
        Hostile("int-below-int32", INT32_MIN - 1),
        Hostile("int-2^63", 2**63),
        Hostile("int-int32-max", INT32_MAX),
        Hostile("int-int32-min", INT32_MIN),
        Hostile("int-minus-1", -1),
        Hostile("int-zero", 0),
        Hostile("int-float", 1.5),
        Hostile("int-string", "1"),
    ]


def datetime_catalogue() -> list[Hostile]:
    return [
        Hostile("datetime-naive", "2026-11-25T10:00:00"),
        Hostile("datetime-9999-minus-12", "9999-12-31T23:59:59-12:00"),
        Hostile("datetime-0001-plus-14", "0001-01-01T00:00:00+14:00"),
        Hostile("datetime-year-1-utc", "0001-01-01T00:00:00+00:00"),
        Hostile("datetime-year-9999-utc", "9999-12-31T23:59:59.999999+00:00"),
        Hostile("datetime-feb-30", "2026-02-30T10:00:00+08:00"),
        Hostile("datetime-offset-24h", "2026-11-25T10:00:00+24:00"),
        Hostile("datetime-date-only", "2026-11-25"),
        Hostile("datetime-basic-format", "20261125T100000+0800"),
        Hostile("datetime-nanoseconds", "2026-11-25T10:00:00.123456789+08:00"),
        Hostile("datetime-garbage", "garbage"),
        Hostile("datetime-empty", ""),
        Hostile("datetime-epoch-number", 1_764_000_000),
    ]


def date_catalogue() -> list[Hostile]:
    return [
        Hostile("date-9999-12-31", "9999-12-31"),
        Hostile("date-0001-01-01", "0001-01-01"),
        Hostile("date-feb-30", "2026-02-30"),
        Hostile("date-with-time", "2026-11-25T10:00:00+08:00"),
        Hostile("date-basic-format", "20261125"),
        Hostile("date-garbage", "garbage"),
        Hostile("date-empty", ""),
    ]


def enum_catalogue(first_value: str) -> list[Hostile]:
    return [
        Hostile("enum-unknown", "NOPE"),
        Hostile("enum-lowercase", first_value.lower()),
        Hostile("enum-empty", ""),
        Hostile("enum-number", 1),
    ]


def boolean_catalogue() -> list[Hostile]:
    return [Hostile("boolean-string", "true"), Hostile("boolean-number", 1)]


DRAWN_PER_LEAF = 2

_CATALOGUE: dict[str, Callable[[], list[Hostile]]] = {
    "String": lambda: string_catalogue() + drawn_strings(DRAWN_PER_LEAF),
    "Int": lambda: int_catalogue() + drawn_ints(DRAWN_PER_LEAF),
    "DateTime": lambda: datetime_catalogue() + drawn_datetimes(DRAWN_PER_LEAF),
    "Date": lambda: date_catalogue() + drawn_dates(DRAWN_PER_LEAF),
    "Boolean": boolean_catalogue,
}


def hostile_values(kind: str, good: Any, first_enum_value: str | None = None) -> list[Hostile]:
    """What to send in a position of ``kind`` whose well-formed value is ``good``."""
    if kind == "ID":
        type_name = type_name_of(good) if isinstance(good, str) else "Node"
        return id_catalogue(type_name) + drawn_ids(type_name, DRAWN_PER_LEAF)
    if kind == "enum":
        return enum_catalogue(first_enum_value or "X")
    if kind in _CATALOGUE:
        return _CATALOGUE[kind]()
    return string_catalogue()


def now_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
