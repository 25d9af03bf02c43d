"""The holdout is a stable hash of playbook and member, and holds out the share it says."""

from __future__ import annotations

import hashlib

import pytest

from domain.playbooks.rules import in_holdout, matches


def test_a_member_gets_the_same_arm_every_time() -> None:
    answers = {in_holdout(member, 7, 25) for member in [4242] * 50}
    assert len(answers) == 1
    assert [in_holdout(m, 7, 25) for m in range(200)] == [in_holdout(m, 7, 25) for m in range(200)]


@pytest.mark.parametrize("percent", [0, 5, 10, 25, 50])
def test_ten_thousand_members_are_held_out_in_the_share_asked_within_one_and_a_half_points(
    percent: int,
) -> None:
    held = sum(in_holdout(member, 3, percent) for member in range(1, 10_001))
    assert abs(held / 100 - percent) <= 1.5
    if percent == 0:
        assert held == 0


def test_different_playbooks_hold_out_different_members() -> None:
    first = {m for m in range(1, 2001) if in_holdout(m, 1, 50)}
    second = {m for m in range(1, 2001) if in_holdout(m, 2, 50)}
    assert first != second


def test_the_hash_is_of_playbook_then_member() -> None:
    # The first 8 bytes of sha256("1:1") mod 10,000 are 283: inside a 3 % holdout, not a 2 % one.
    bucket = int.from_bytes(hashlib.sha256(b"1:1").digest()[:8], "big") % 10_000
    assert bucket == 283
    assert in_holdout(1, 1, 3) is True
    assert in_holdout(1, 1, 2) is False


def test_a_playbook_matches_its_target_tier_from_any_tier_or_only_from_its_own() -> None:
    assert matches("DORMANT", None, "DORMANT", "POTENTIAL")
    assert matches("DORMANT", None, "DORMANT", None)
    assert matches("KOC", "HIGH_VALUE", "KOC", "HIGH_VALUE")
    assert not matches("KOC", "HIGH_VALUE", "KOC", "POTENTIAL")
    assert not matches("KOC", "HIGH_VALUE", "KOC", None)
    assert not matches("DORMANT", None, "NEWCOMER", "DORMANT")
