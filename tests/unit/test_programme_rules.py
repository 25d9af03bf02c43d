"""The programme's rule set: built-in values, field-by-field validation, the next version."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.clock import SHANGHAI
from domain.errors import InvalidInputError
from domain.programme.privacy import PolicyVersion, policy_errors
from domain.programme.rules import (
    DEFAULT_RULES,
    LIMITS,
    RULE_FIELDS,
    next_rules,
    rule_errors,
    rules_from_document,
)


def test_the_built_in_rules_are_version_one_with_the_values_the_programme_started_with() -> None:
    assert DEFAULT_RULES.version == 1
    assert DEFAULT_RULES.values() == {
        "post_published": 10,
        "recipe_published": 20,
        "post_featured": 50,
        "vote_cast": 1,
        "check_in": 2,
        "check_in_streak_bonus": 10,
        "check_in_streak_days": 7,
        "event_attended": 20,
        "campaign_won": 200,
        "referral": 100,
        "purchase_points_per_yuan": 1,
        "purchase_pending_days": 15,
        "daily_contribution_cap": 200,
        "expiry_years": 1,
        "reports_to_hide": 3,
    }


def test_every_rule_value_has_bounds_and_every_built_in_value_is_within_them() -> None:
    assert set(LIMITS) == set(RULE_FIELDS)
    assert rule_errors(DEFAULT_RULES.values()) == []


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"post_published": -1}, "postPublished", "0–1000"),
        ({"post_published": 1001}, "postPublished", "0–1000"),
        ({"daily_contribution_cap": 0}, "dailyContributionCap", "1–10000"),
        ({"reports_to_hide": 0}, "reportsToHide", "1–100"),
        ({"expiry_years": 0}, "expiryYears", "1–5"),
        ({"expiry_years": 6}, "expiryYears", "1–5"),
        ({"check_in_streak_days": 1}, "checkInStreakDays", "2–365"),
        ({"purchase_pending_days": 0}, "purchasePendingDays", "1–90"),
        ({"vote_cast": 2**31}, "voteCast", "0–100"),
        ({"referral": "100"}, "referral", "整数"),
        ({"referral": True}, "referral", "整数"),
        ({"no_such_rule": 1}, "noSuchRule", "没有这项规则"),
    ],
)
def test_a_value_out_of_bounds_is_refused_on_its_own_field(
    changes: dict[str, object], field: str, fragment: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        next_rules(DEFAULT_RULES, changes)
    [error] = refused.value.field_errors
    assert error.field == field and fragment in error.message


def test_every_bad_field_is_reported_at_once() -> None:
    errors = rule_errors({"post_published": -5, "expiry_years": 9, "reports_to_hide": 2})
    assert [e.field for e in errors] == ["postPublished", "expiryYears"]


def test_the_next_version_changes_only_the_fields_given() -> None:
    following = next_rules(DEFAULT_RULES, {"post_published": 15, "daily_contribution_cap": 150})
    assert following.version == 2
    assert (following.post_published, following.daily_contribution_cap) == (15, 150)
    unchanged = {
        k: v
        for k, v in following.values().items()
        if k not in ("post_published", "daily_contribution_cap")
    }
    assert unchanged == {
        k: v
        for k, v in DEFAULT_RULES.values().items()
        if k not in ("post_published", "daily_contribution_cap")
    }


def test_saving_the_same_values_again_is_refused_as_no_change() -> None:
    with pytest.raises(InvalidInputError) as refused:
        next_rules(DEFAULT_RULES, {"post_published": 10})
    assert refused.value.field_errors[0].field == "rules"


def test_a_stored_version_missing_a_newer_field_reads_the_built_in_value() -> None:
    rules = rules_from_document(4, {"post_published": 12})
    assert rules.version == 4 and rules.post_published == 12
    assert rules.reports_to_hide == DEFAULT_RULES.reports_to_hide


def test_check_in_points_follow_the_streak_length_and_bonus_of_the_version() -> None:
    rules = next_rules(
        DEFAULT_RULES, {"check_in": 3, "check_in_streak_bonus": 5, "check_in_streak_days": 3}
    )
    assert [rules.check_in_points(s) for s in (1, 2, 3, 6, 7)] == [3, 3, 8, 8, 3]


def test_purchase_points_are_whole_yuan_times_the_rate() -> None:
    rules = next_rules(DEFAULT_RULES, {"purchase_points_per_yuan": 3})
    assert rules.purchase_points(12_999) == 387
    assert DEFAULT_RULES.purchase_points(12_999) == 129
    assert DEFAULT_RULES.purchase_points(-100) == 0


def test_expiry_is_the_end_of_the_nth_calendar_year_after_availability_in_shanghai() -> None:
    on_new_years_eve = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)  # 2027-01-01 01:00 in Shanghai
    assert DEFAULT_RULES.expiry_for(on_new_years_eve) == datetime(
        2028, 12, 31, 23, 59, 59, 999999, tzinfo=SHANGHAI
    )
    three = next_rules(DEFAULT_RULES, {"expiry_years": 3})
    assert three.expiry_for(datetime(2026, 3, 5, tzinfo=UTC)) == datetime(
        2029, 12, 31, 23, 59, 59, 999999, tzinfo=SHANGHAI
    )


def test_a_privacy_policy_needs_a_plain_version_label_and_a_real_body() -> None:
    assert policy_errors("2027-01", "新的隐私政策正文，说明我们如何保存与使用你的数据。") == []
    fields = [e.field for e in policy_errors("版本 一", "太短")]
    assert fields == ["version", "body"]
    assert [e.field for e in policy_errors("x" * 21, "正" * 20)] == ["version"]
    assert [e.field for e in policy_errors("v2", "正" * 20_001)] == ["body"]


def test_a_policy_splits_into_paragraphs_on_blank_lines() -> None:
    policy = PolicyVersion("v2", "第一段\n仍是第一段\n\n \n第二段")
    assert policy.paragraphs() == ["第一段\n仍是第一段", "第二段"] and policy.built_in
