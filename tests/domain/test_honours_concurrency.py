"""Badges awarded once under concurrency, on PostgreSQL with separate connections: racing
awards of a rule badge (after-commit listeners and the nightly sweep at once) leave one row;
racing grants of a manual badge leave one row, one success and the others BADGE_ALREADY_HELD."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from domain.collaborators import Collaborators
from domain.honours import services
from domain.honours.errors import BadgeAlreadyHeldError
from domain.honours.models import BadgeAward
from domain.identity.models import Role
from domain.posts.models import AuditLogEntry, Post, PostKind, PostStatus
from tests.factories import CLOCK_START, make_member

pytestmark = pytest.mark.postgres_only


def _unexpected(results: Sequence[object]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException)]


async def test_racing_awards_of_a_rule_badge_and_the_sweep_leave_one_award(
    collaborators: Collaborators,
) -> None:
    cooks = [await make_member() for _ in range(5)]
    for cook in cooks:
        await Post.create(
            author=cook,
            kind=PostKind.RECIPE,
            title="番茄炒蛋",
            body="番茄切块，鸡蛋炒熟。",
            body_html="<p>番茄切块，鸡蛋炒熟。</p>",
            excerpt="番茄切块，鸡蛋炒熟。",
            status=PostStatus.PUBLISHED,
            created_at=CLOCK_START,
            published_at=CLOCK_START,
        )

    async def award(n: int) -> object:
        await asyncio.sleep(0.0003 * n)
        await services.award_due(collaborators, cooks[n % len(cooks)].id, ("FIRST_RECIPE",))
        return None

    async def sweep() -> object:
        await asyncio.sleep(0.002)
        return await services.sweep_badges(collaborators, CLOCK_START)

    results = await asyncio.gather(
        *(award(n) for n in range(40)), sweep(), sweep(), return_exceptions=True
    )

    assert not _unexpected(results), _unexpected(results)[:3]
    rows = await BadgeAward.all().values_list("member_id", "code")
    assert sorted(rows) == sorted((cook.id, "FIRST_RECIPE") for cook in cooks)


async def test_racing_grants_of_a_manual_badge_grant_it_once(
    collaborators: Collaborators,
) -> None:
    admins = [await make_member(roles=(Role.RESIDENT, Role.ADMIN)) for _ in range(4)]
    member = await make_member()

    async def grant(n: int) -> object:
        await asyncio.sleep(0.0003 * n)
        admin = admins[n % len(admins)]
        return await services.grant_badge(
            collaborators, admin, member.id, "NEIGHBOUR_HERO", f"第{n}次"
        )

    results = await asyncio.gather(*(grant(n) for n in range(20)), return_exceptions=True)

    refused = [r for r in results if isinstance(r, BadgeAlreadyHeldError)]
    granted = [r for r in results if isinstance(r, BadgeAward)]
    assert len(granted) == 1 and len(refused) == 19, results[:3]
    assert await BadgeAward.filter(member_id=member.id).count() == 1
    assert await AuditLogEntry.filter(action="BADGE_GRANTED").count() == 1
