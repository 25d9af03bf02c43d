from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from api.errors import ClientError
from api.pagination import check_first, decode_cursor, encode_cursor
from api.posts.queries import feed_cursor, feed_key
from logs import scrub
from web.ids import encode_id, parse_global_id


def test_a_cursor_round_trips_its_sort_key() -> None:
    cursor = encode_cursor(True, "2026-11-21T10:00:00+00:00", 42)
    assert decode_cursor(cursor, 3) == [True, "2026-11-21T10:00:00+00:00", 42]
    assert decode_cursor(None, 3) is None


def test_a_kept_feed_cursor_is_spelled_as_its_own_zone_says() -> None:
    """Feed cursors are kept per process: the same instant in another zone is another key."""
    utc = datetime(2026, 12, 1, tzinfo=UTC)
    shanghai = utc.astimezone(ZoneInfo("Asia/Shanghai"))
    assert decode_cursor(feed_cursor(True, utc, 5), 3) == [True, "2026-12-01T00:00:00+00:00", 5]
    assert decode_cursor(feed_cursor(True, shanghai, 5), 3) == [True, shanghai.isoformat(), 5]
    assert feed_key(feed_cursor(True, shanghai, 5)) == (True, utc, 5)


def test_a_kept_id_is_spelled_for_its_own_type_and_value() -> None:
    assert parse_global_id(encode_id("Post", 1)) == ("Post", 1)
    assert parse_global_id(encode_id("Member", 1)) == ("Member", 1)
    assert encode_id("Post", True) != encode_id("Post", 1)  # a bool is an int to a plain cache


@pytest.mark.parametrize("cursor", ["not-base64!!", encode_cursor(1, 2), "e30"])
def test_a_malformed_cursor_is_the_clients_error(cursor: str) -> None:
    with pytest.raises(ClientError) as raised:
        decode_cursor(cursor, 3)
    assert raised.value.extensions["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("first", [0, -1, 51])
def test_first_must_be_between_one_and_fifty(first: int) -> None:
    with pytest.raises(ClientError):
        check_first(first)
    assert check_first(50) == 50


def test_log_lines_never_carry_phone_numbers_or_tokens() -> None:
    line = scrub("login 13812345678 with a_AbCdEfGhIjKlMnOpQrStUvWxYz012345 ok")
    assert "13812345678" not in line and "138****5678" in line
    assert "AbCdEfGhIjKlMnOpQrStUvWxYz" not in line
