"""How an audit entry's before/after values read: only what changed, in recorded order, times in
Shanghai, nothing as "—", and any shape of value shown without failing."""

from __future__ import annotations

from domain.audit_display import Change, changes_of, display_value, raw_json


def test_only_the_fields_that_changed_are_listed_in_the_order_recorded() -> None:
    before = {"name": "咖啡", "retired_at": None, "merged_into_id": None}
    after = {"name": "咖啡", "retired_at": "2026-11-21T02:00:00+00:00", "merged_into_id": 7}
    assert changes_of(before, after) == [
        Change("retired_at", "—", "2026-11-21 10:00"),
        Change("merged_into_id", "—", "7"),
    ]


def test_a_creation_reads_from_nothing_and_a_field_on_one_side_only_too() -> None:
    assert changes_of(None, {"name": "烘焙", "public": True}) == [
        Change("name", "—", "烘焙"),
        Change("public", "—", "是"),
    ]
    assert changes_of({"host_id": 3}, {"co_hosts": [4, 5]}) == [
        Change("host_id", "3", "—"),
        Change("co_hosts", "—", "4、5"),
    ]


def test_odd_values_are_shown_and_never_fail() -> None:
    assert changes_of("not a mapping", 12) == []
    assert display_value({"b": 1, "a": "甲"}) == '{"a": "甲", "b": 1}'
    assert display_value("2026-13-45T99:00") == "2026-13-45T99:00"  # looks like a time, is not
    assert display_value("2026-11-21T10:00:00") == "2026-11-21T10:00:00"  # no zone: as given
    assert display_value("长" * 300).endswith("…") and len(display_value("长" * 300)) == 200
    assert display_value(False) == "否" and display_value("") == "—"


def test_the_raw_values_are_json_for_programs() -> None:
    assert raw_json(None) is None
    assert raw_json({"name": "咖啡", "n": 1}) == '{"n": 1, "name": "咖啡"}'
