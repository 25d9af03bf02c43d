from __future__ import annotations

import pytest

from api.errors import ClientError
from api.pagination import check_first, decode_cursor, encode_cursor
from logs import scrub


def test_a_cursor_round_trips_its_sort_key() -> None:
    cursor = encode_cursor(True, "2026-11-21T10:00:00+00:00", 42)
    assert decode_cursor(cursor, 3) == [True, "2026-11-21T10:00:00+00:00", 42]
    assert decode_cursor(None, 3) is None


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
