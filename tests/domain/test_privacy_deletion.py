"""Deleting an account: tokens die at once, signing in within 7 days keeps the account, and then
what identifies the member is gone from every table while the ledger, orders, votes and the KPIs
of past months stay as they were."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from tortoise import Tortoise, connections

from domain.campaigns.models import Vote
from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError
from domain.events import services as events
from domain.events.models import EventRegistration, RegistrationStatus
from domain.exposures.models import ExposureSource, PostExposure
from domain.identity import services
from domain.identity.models import AuthToken, Member, Role, TokenKind, WechatIdentity
from domain.jobs import run_due_jobs
from domain.kpis.dashboard import kpis
from domain.kpis.metrics import Period, Scope
from domain.points.models import LedgerEntry, LedgerReason, PointsAccount
from domain.points.reconcile import reconcile
from domain.posts.drafts import save_share_draft
from domain.posts.models import Post, PostStatus, ShareDraft
from domain.privacy import deletion
from domain.privacy.deletion import DeletingHostError, DeletionAlreadyPendingError
from domain.privacy.request_models import AccountDeletion, DeletionStatus
from domain.purchases.models import Purchase
from domain.rewards.models import Redemption
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.domain.privacy_helpers import NAME, OPENID, PHONE, UNIONID, lived_in
from tests.factories import PASSWORD, make_member

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))


async def rows_mentioning(*values: str) -> list[str]:
    """Every (table, row) of the database whose text holds one of ``values``."""
    client = connections.get("default")
    found = []
    for model in Tortoise.apps["linli"].values():
        table = model._meta.db_table
        for row in await client.execute_query_dict(f'SELECT * FROM "{table}"'):
            text = " ".join(str(v) for v in row.values())
            found += [f"{table}#{row.get('id')}: {v}" for v in values if v in text]
    return found


async def test_tokens_die_at_once_and_a_second_request_is_refused(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    member = await make_member()
    pair = await services.issue_api_tokens(c, member)
    session = await services.start_portal_session(c, member)

    asked = await deletion.request_account_deletion(c, member, keep_posts=True)

    assert asked.due_at == c.clock.now() + timedelta(days=7)
    assert await services.authenticate(c, pair.access_token, TokenKind.ACCESS) is None
    assert await services.authenticate(c, session, TokenKind.SESSION) is None
    assert await AuthToken.filter(member_id=member.id, revoked_at__isnull=True).count() == 0
    with pytest.raises(DeletionAlreadyPendingError):
        await deletion.request_account_deletion(c, member, keep_posts=False)
    assert await AccountDeletion.filter(member_id=member.id).count() == 1


async def test_admins_and_hosts_of_groups_cannot_delete_their_account(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    with pytest.raises(InvalidInputError):
        await deletion.request_account_deletion(c, admin, keep_posts=True)
    host = await make_host()
    await make_group(host)
    with pytest.raises(DeletingHostError):
        await deletion.request_account_deletion(c, host, keep_posts=True)
    assert await AccountDeletion.all().count() == 0


async def test_signing_in_again_within_the_grace_period_keeps_the_account(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    member = await make_member(phone="13911112222")
    await deletion.request_account_deletion(c, member, keep_posts=True)
    clock.advance(days=6)

    await services.log_in(c, "13911112222", PASSWORD, "203.0.113.9")

    request = await AccountDeletion.get(member_id=member.id)
    assert request.status == DeletionStatus.CANCELLED and request.cancelled_at == c.clock.now()
    clock.advance(days=2)
    assert (await run_due_jobs(c))["accounts_erased"] == 0
    assert (await Member.get(id=member.id)).phone == "13911112222"


async def test_signing_in_with_wechat_within_the_grace_period_keeps_the_account(
    collaborators: Collaborators, wechat_url: str
) -> None:
    c = collaborators
    member = await make_member()
    now = c.clock.now()
    await WechatIdentity.create(
        openid="o-known", session_key="old", member=member, created_at=now, updated_at=now
    )
    await deletion.request_account_deletion(c, member, keep_posts=True)
    await services.wechat_log_in(c, "ok-o-known", None, "203.0.113.9")
    assert (await AccountDeletion.get(member_id=member.id)).status == DeletionStatus.CANCELLED


async def test_after_the_grace_period_the_member_is_gone_and_every_count_holds(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    world = await lived_in(c)
    member_id = world.member.id
    await PostExposure.create(
        member=world.member,
        post=world.own_post,
        day=clock.today(),
        source=ExposureSource.DETAIL,
        seen_at=clock.now(),
    )
    assert len(await rows_mentioning(PHONE, NAME, OPENID, UNIONID)) >= 4
    october_before = await kpis(Scope(), OCTOBER)
    estate_before = await kpis(Scope(estate_id=world.member.estate_id), OCTOBER)
    counts_before = await _counts(member_id)
    assert (await reconcile()).clean
    await save_share_draft(c, world.member, {"values": {"title": "还没写完的面包日记"}})

    await deletion.request_account_deletion(c, world.member, keep_posts=True)
    clock.advance(days=7, minutes=-1)
    assert (await run_due_jobs(c))["accounts_erased"] == 0
    assert await rows_mentioning(PHONE)
    clock.advance(minutes=1)
    assert (await run_due_jobs(c))["accounts_erased"] == 1

    assert await rows_mentioning(PHONE, NAME, OPENID, UNIONID) == []
    assert not await PostExposure.filter(member_id=member_id).exists()  # what they read went
    assert not await ShareDraft.filter(member_id=member_id).exists()
    member = await Member.get(id=member_id)
    assert (member.phone, member.password_hash, member.avatar_url) == (None, None, None)
    assert member.display_name == deletion.ANONYMOUS_NAME
    report = await reconcile()
    assert report.clean, report.mismatches
    account = await PointsAccount.get(member_id=member_id)
    assert (account.balance, account.pending) == (0, 0)
    expiry = await LedgerEntry.get(member_id=member_id, reason=LedgerReason.EXPIRY)
    assert expiry.amount < 0 and expiry.balance_after == 0
    assert await kpis(Scope(), OCTOBER) == october_before
    assert await kpis(Scope(estate_id=member.estate_id), OCTOBER) == estate_before
    assert await _counts(member_id) == counts_before
    kept = await Post.get(id=world.own_post.id)
    assert kept.title == "我家的酸面包" and kept.status == PostStatus.PUBLISHED
    assert (await run_due_jobs(c))["accounts_erased"] == 0  # done once


async def test_a_member_who_chose_so_has_their_posts_deleted_without_changing_past_counts(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    world = await lived_in(c)
    october_before = await kpis(Scope(), OCTOBER)
    await deletion.request_account_deletion(c, world.member, keep_posts=False)
    clock.advance(days=8)
    await run_due_jobs(c)

    post = await Post.get(id=world.own_post.id)
    assert post.status == PostStatus.HIDDEN and post.body == "" and "酸面包" not in post.title
    assert await rows_mentioning("酸面包", "发酵两天", PHONE, NAME) == []
    assert await kpis(Scope(), OCTOBER) == october_before
    assert (await reconcile()).clean


async def _counts(member_id: int) -> dict[str, Any]:
    return {
        "votes": await Vote.filter(member_id=member_id).count(),
        "purchases": await Purchase.filter(member_id=member_id).count(),
        "redemptions": await Redemption.filter(member_id=member_id).count(),
        "posts": await Post.filter(author_id=member_id).count(),
    }


@pytest.mark.postgres_only
async def test_concurrent_deletion_requests_make_one_and_refuse_the_rest(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    results = await asyncio.gather(
        *(deletion.request_account_deletion(collaborators, member, True) for _ in range(6)),
        return_exceptions=True,
    )
    made = [r for r in results if isinstance(r, AccountDeletion)]
    refused = [r for r in results if isinstance(r, DeletionAlreadyPendingError)]
    assert len(made) == 1 and len(refused) == 5
    assert await AccountDeletion.filter(member_id=member.id).count() == 1


@pytest.mark.postgres_only
async def test_concurrent_erasure_runs_erase_once_and_the_ledger_still_adds_up(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    world = await lived_in(c)
    await deletion.request_account_deletion(c, world.member, keep_posts=True)
    clock.advance(days=8)
    erased = await asyncio.gather(
        *(deletion.erase_due_accounts(c, c.clock.now()) for _ in range(4))
    )
    assert sum(erased) == 1
    assert (
        await LedgerEntry.filter(member_id=world.member.id, reason=LedgerReason.EXPIRY).count() == 1
    )
    assert (await reconcile()).clean


async def test_a_seat_at_an_event_still_to_come_goes_to_the_neighbour_waiting(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    event = await make_event(c, None, capacity=1, starts_in=timedelta(days=30))
    leaving, waiting = await make_member(), await make_member()
    await events.register_for_event(c, leaving, event.id)
    queued = await events.register_for_event(c, waiting, event.id)
    assert queued.status == RegistrationStatus.WAITLISTED
    await deletion.request_account_deletion(c, leaving, keep_posts=True)
    clock.advance(days=8)

    await run_due_jobs(c)

    assert (await EventRegistration.get(id=queued.id)).status == RegistrationStatus.CONFIRMED
    left = await EventRegistration.get(member_id=leaving.id)
    assert left.status == RegistrationStatus.CANCELLED
