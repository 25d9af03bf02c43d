"""Pure rules of WeChat pushes: quiet hours at their edges, the budget day and slot, the back-off,
the message's words, and the templates setting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.notifications.models import NotificationKind
from domain.notifications.push_rules import (
    budget_day,
    due_at,
    free_slot,
    retry_after,
    template_data,
)
from settings import load_settings, parse_templates


def shanghai(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


@pytest.mark.parametrize(
    ("at", "due"),
    [
        (shanghai(21, 7, 59), shanghai(21, 8)),
        (shanghai(21, 8), shanghai(21, 8)),
        (shanghai(21, 21, 59), shanghai(21, 21, 59)),
        (shanghai(21, 22), shanghai(22, 8)),
        (shanghai(21, 23, 30), shanghai(22, 8)),
        (shanghai(22, 0, 10), shanghai(22, 8)),
    ],
)
def test_quiet_hours_hold_a_push_until_eight_in_shanghai(at: datetime, due: datetime) -> None:
    assert due_at(at, transactional=False) == due
    assert due_at(at, transactional=True) == at


def test_a_push_due_in_the_morning_spends_that_days_budget() -> None:
    assert budget_day(shanghai(22, 8)) == date(2026, 11, 22)
    assert budget_day(shanghai(21, 23, 59)) == date(2026, 11, 21)


def test_the_lowest_free_slot_is_taken_and_none_past_the_budget() -> None:
    assert free_slot(set(), 3) == 1
    assert free_slot({1, 3}, 3) == 2
    assert free_slot({1, 2, 3}, 3) is None
    assert free_slot(set(), 0) is None


def test_the_back_off_grows_fourfold() -> None:
    assert [retry_after(n) for n in (1, 2, 3)] == [
        timedelta(minutes=5),
        timedelta(minutes=20),
        timedelta(minutes=80),
    ]


def test_the_message_names_what_happened_within_wechats_twenty_characters() -> None:
    data = template_data(
        NotificationKind.COMMENT, {"title": "阳台种番茄的十个小窍门与经验"}, shanghai(21, 9, 5)
    )
    assert data["time2"] == {"value": "2026-11-21 09:05"}
    assert len(data["thing1"]["value"]) == 20
    assert data["thing1"]["value"].startswith("你的帖子有新评论：阳台")
    plain = template_data(NotificationKind.TIER_UP, {}, shanghai(21, 9))
    assert plain["thing1"] == {"value": "恭喜，你的会员等级提升了"}


def test_the_templates_setting_pairs_kinds_with_template_ids(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    assert parse_templates(" comment=tplA , WAITLIST_PROMOTED=tplB,") == (
        ("COMMENT", "tplA"),
        ("WAITLIST_PROMOTED", "tplB"),
    )
    for broken in ("COMMENT", "COMMENT=", "=tpl", "COMMENT=a,COMMENT=b"):
        with pytest.raises(ValueError, match="WECHAT_TEMPLATES"):
            parse_templates(broken)
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WECHAT_TEMPLATES", "COMMENT=tplA")
    monkeypatch.delenv("NOTIFICATION_PUSH_BUDGET", raising=False)
    loaded = load_settings()
    assert (loaded.template_for("COMMENT"), loaded.template_for("REPLY")) == ("tplA", None)
    assert loaded.template_ids == {"tplA"}
    assert loaded.notification_push_budget == 3
