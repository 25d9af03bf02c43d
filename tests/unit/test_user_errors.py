"""A domain outcome becomes a member of the mutation's result union, or is re-raised as a bug."""

from __future__ import annotations

import pytest

from api.campaigns.mutations.cast_vote import CastVoteResult
from api.errors import AlreadyVoted, InvalidInput, as_user_error
from domain.campaigns.errors import AlreadyVotedError
from domain.errors import InvalidInputError
from domain.rewards.errors import RewardSoldOutError


def test_an_outcome_the_union_lists_becomes_its_member() -> None:
    outcome = as_user_error(AlreadyVotedError(), CastVoteResult)

    assert isinstance(outcome, AlreadyVoted)
    assert (outcome.code, outcome.message) == (AlreadyVotedError.code, AlreadyVotedError.message)


def test_an_outcome_keeps_its_details() -> None:
    outcome = as_user_error(InvalidInputError.single("entryId", "编号无效"), CastVoteResult)

    assert isinstance(outcome, InvalidInput)
    assert [(f.field, f.message) for f in outcome.field_errors] == [("entryId", "编号无效")]


def test_an_outcome_the_union_lacks_is_re_raised() -> None:
    sold_out = RewardSoldOutError()

    with pytest.raises(RewardSoldOutError) as raised:
        as_user_error(sold_out, CastVoteResult)

    assert raised.value is sold_out
