"""Pure campaign rules: status by the windows, the voting window's edges, eligibility, inputs and
the winner with its tie-break."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.campaigns.rules import (
    CampaignStatus,
    Standing,
    Windows,
    campaign_field_errors,
    ineligibility,
    is_proposal_open,
    is_voting_open,
    results_visible,
    winner_of,
)

T = datetime(2026, 4, 10, 2, 0, tzinfo=UTC)
H = timedelta(hours=1)


def windows(closed: datetime | None = None) -> Windows:
    return Windows(T, T + 24 * H, T + 48 * H, T + 96 * H, closed)


def test_status_follows_the_windows_and_closing() -> None:
    from domain.campaigns.rules import status_at

    w = windows()
    assert status_at(w, T - H) == CampaignStatus.DRAFT
    assert status_at(w, T) == CampaignStatus.PROPOSING
    assert status_at(w, T + 48 * H) == CampaignStatus.VOTING
    assert status_at(windows(closed=T + 50 * H), T + 50 * H) == CampaignStatus.CLOSED


def test_voting_opens_at_its_start_and_shuts_at_its_end() -> None:
    w = windows()
    assert not is_voting_open(w, T + 48 * H - timedelta(microseconds=1))
    assert is_voting_open(w, T + 48 * H)
    assert not is_voting_open(w, T + 96 * H)
    assert not is_voting_open(windows(closed=T + 49 * H), T + 50 * H)
    assert is_proposal_open(w, T) and not is_proposal_open(w, T + 24 * H)


def test_eligibility_needs_72_hours_no_suspension_and_the_right_estate() -> None:
    assert ineligibility(T - 72 * H, False, 1, 1, T) is None
    assert ineligibility(T - 71 * H, False, 1, None, T) is not None
    assert ineligibility(T - 100 * H, True, 1, None, T) is not None
    assert ineligibility(T - 100 * H, False, 2, 1, T) is not None
    assert ineligibility(T - 100 * H, False, None, None, T) is None


def test_hidden_results_show_only_after_close() -> None:
    assert results_visible(False, False) and results_visible(True, True)
    assert not results_visible(True, False)


def test_most_votes_win_and_a_tie_goes_to_the_earlier_entry() -> None:
    assert winner_of([]) is None
    assert winner_of([Standing(1, 3, T), Standing(2, 5, T + H)]) == 2
    assert winner_of([Standing(7, 5, T + H), Standing(8, 5, T)]) == 8
    assert winner_of([Standing(4, 0, T), Standing(3, 0, T)]) == 3


def test_campaign_inputs_are_checked_together() -> None:
    errors = campaign_field_errors("春", "", T + H, T, T + H, T, 0)
    assert {e.field for e in errors} == {
        "title",
        "description",
        "votingEndsAt",
        "proposalEndsAt",
        "votesPerMember",
    }
