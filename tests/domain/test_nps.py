"""The NPS question: 0-10, at most once a calendar quarter, even when answers race."""

from __future__ import annotations

import asyncio

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError
from domain.segments import nps
from domain.segments.errors import NpsAlreadyAnsweredError
from domain.segments.models import NpsResponse
from tests.factories import make_member


def test_quarters_follow_the_calendar() -> None:
    from datetime import date

    assert [nps.quarter_of(date(2026, m, 1)) for m in (1, 3, 4, 9, 10, 12)] == [
        "2026Q1",
        "2026Q1",
        "2026Q2",
        "2026Q3",
        "2026Q4",
        "2026Q4",
    ]


async def test_once_a_quarter_then_again_next_quarter(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    member = await make_member()
    assert await nps.may_answer(collaborators, member)
    await nps.submit_nps(collaborators, member, 9, "  团长很贴心  ")

    with pytest.raises(NpsAlreadyAnsweredError):
        await nps.submit_nps(collaborators, member, 3)
    assert not await nps.may_answer(collaborators, member)
    clock.advance(days=92)
    await nps.submit_nps(collaborators, member, 6)

    rows = await NpsResponse.filter(member_id=member.id).order_by("id")
    assert [(r.score, r.comment) for r in rows] == [(9, "团长很贴心"), (6, "")]
    assert rows[0].quarter != rows[1].quarter


@pytest.mark.parametrize("score", [-1, 11])
async def test_a_score_outside_0_to_10_is_refused_and_records_nothing(
    collaborators: Collaborators, score: int
) -> None:
    member = await make_member()
    with pytest.raises(InvalidInputError) as refused:
        await nps.submit_nps(collaborators, member, score)
    assert [e.field for e in refused.value.field_errors] == ["score"]
    assert await NpsResponse.all().count() == 0


@pytest.mark.postgres_only
async def test_racing_answers_record_one(collaborators: Collaborators) -> None:
    member = await make_member()
    results = await asyncio.gather(
        *(nps.submit_nps(collaborators, member, n) for n in range(10)), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, NpsAlreadyAnsweredError)]
    assert len(refused) == 9 and await NpsResponse.filter(member_id=member.id).count() == 1
