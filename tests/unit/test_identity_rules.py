from __future__ import annotations

import pytest

from domain.identity import rules


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
    ],
)
def test_phone_numbers_are_normalised_to_eleven_digits(raw: str, expected: str) -> None:
    assert rules.normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "phone", ["1381234567", "23812345678", "12812345678", "138123456789", "abc"]
)
def test_anything_but_a_mainland_mobile_number_is_refused(phone: str) -> None:
    assert rules.phone_error(phone) is not None


def test_a_mainland_mobile_number_is_accepted() -> None:
    assert rules.phone_error("19912345678") is None


def test_phone_numbers_are_masked_in_the_middle() -> None:
    assert rules.mask_phone("13812345678") == "138****5678"
    assert rules.mask_phone(None) is None


@pytest.mark.parametrize(
    ("password", "ok"), [("short1", False), ("aaaaaaaaaa", False), ("neighbour-2026", True)]
)
def test_passwords_need_eight_characters_and_some_variety(password: str, ok: bool) -> None:
    assert (rules.password_error(password) is None) is ok


def test_display_names_are_trimmed_folded_and_stripped_of_control_characters() -> None:
    assert rules.clean_display_name("  小王\u202e  ＡＢ\u0007 ") == "小王 AB"
    assert rules.display_name_error("") is not None
    assert rules.display_name_error("邻" * 21) is not None
    assert rules.display_name_error("邻" * 20) is None


def test_invite_codes_avoid_characters_people_confuse() -> None:
    codes = {rules.new_invite_code() for _ in range(200)}
    assert all(len(code) == rules.INVITE_CODE_LENGTH for code in codes)
    assert not set("".join(codes)) & set("0O1I")
    assert len(codes) == 200


def test_registration_reports_every_bad_field_at_once() -> None:
    errors = rules.registration_field_errors("123", "short", "", accepted_privacy_policy=False)
    assert [e.field for e in errors] == ["phone", "password", "displayName", "acceptPrivacyPolicy"]
