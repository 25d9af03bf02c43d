"""Programme settings: versioned earn rules that change future awards only (the ledger names the
version, ``linli reconcile`` stays clean), and the versioned privacy policy members consent to."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from domain.clock import SHANGHAI, FrozenClock
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, PermissionDeniedError
from domain.identity import services as identity
from domain.identity.models import Member, Role
from domain.points.models import CheckIn, LedgerEntry, PointsLot
from domain.points.reconcile import reconcile
from domain.points.services import award_points, check_in
from domain.posts import services as posts
from domain.posts.models import AuditLogEntry, Post, PostStatus, ReportReason
from domain.programme import queries
from domain.programme.errors import PolicyVersionTakenError, RulesChangedError
from domain.programme.models import PrivacyPolicy, ProgrammeRules
from domain.programme.services import publish_privacy_policy, update_programme_rules
from domain.purchases.services import record_purchases
from tests.domain.purchase_helpers import make_admin, order
from tests.domain.test_identity_services import IP, registration
from tests.domain.test_posts import story, veteran
from tests.factories import make_estate, make_member

POLICY = "我们只为登录和邻里活动保存你的手机号与昵称，并且不会出售任何数据。"
REFUSED_ROLES = (Role.RESIDENT, Role.HOST, Role.MODERATOR)


def end_of_year(year: int) -> datetime:
    return datetime(year, 12, 31, 23, 59, 59, 999999, tzinfo=SHANGHAI)


async def entry_of(key: str) -> LedgerEntry:
    return await LedgerEntry.get(idempotency_key=key)


# Saving a version ------------------------------------------------------------------------------


async def test_an_admin_saves_the_next_version_with_who_when_and_an_audited_before_and_after(
    collaborators: Collaborators,
) -> None:
    admin = await make_admin()
    saved = await update_programme_rules(
        collaborators, admin, {"post_published": 15, "reports_to_hide": 4}, "  春季活动  "
    )
    assert saved.version == 2 and saved.post_published == 15 and saved.reports_to_hide == 4
    row = await ProgrammeRules.get(version=2)
    assert row.created_by_id == admin.id and row.created_at == collaborators.clock.now()
    assert row.note == "春季活动" and row.rules["post_published"] == 15
    assert row.rules["referral"] == 100  # fields left out keep their value
    assert await queries.current_programme_rules() == saved
    [audit] = await AuditLogEntry.all()
    assert (audit.action, audit.target_type, audit.target_id) == (
        "PROGRAMME_RULES_CHANGED",
        "PROGRAMME_RULES",
        row.id,
    )
    assert audit.actor_id == admin.id and audit.reason == "春季活动"
    assert audit.before == {"version": 1, "post_published": 10, "reports_to_hide": 3}
    assert audit.after == {"version": 2, "post_published": 15, "reports_to_hide": 4}


async def test_the_history_lists_every_version_newest_first_with_the_built_in_one_last(
    collaborators: Collaborators,
    clock: FrozenClock,
) -> None:
    assert [r.rules.version for r in await queries.programme_rules_history()] == [1]
    admin = await make_admin()
    await update_programme_rules(collaborators, admin, {"vote_cast": 2}, None)
    clock.advance(hours=1)
    await update_programme_rules(collaborators, admin, {"vote_cast": 3}, "再提高")
    history = await queries.programme_rules_history()
    assert [(r.rules.version, r.rules.vote_cast, r.note) for r in history] == [
        (3, 3, "再提高"),
        (2, 2, None),
        (1, 1, None),
    ]
    assert history[0].created_by is not None and history[0].created_by.id == admin.id
    assert history[-1].created_at is None and history[-1].created_by is None


@pytest.mark.parametrize("role", REFUSED_ROLES)
async def test_anyone_but_an_admin_is_refused_and_nothing_is_saved(
    collaborators: Collaborators, role: Role
) -> None:
    member = await make_member(roles=(Role.RESIDENT, role))
    with pytest.raises(PermissionDeniedError):
        await update_programme_rules(collaborators, member, {"post_published": 99}, None)
    assert not await ProgrammeRules.exists() and not await AuditLogEntry.exists()
    assert (await queries.current_programme_rules()).post_published == 10


async def test_invalid_values_are_refused_field_by_field_and_nothing_is_saved(
    collaborators: Collaborators,
) -> None:
    admin = await make_admin()
    with pytest.raises(InvalidInputError) as refused:
        await update_programme_rules(
            collaborators, admin, {"daily_contribution_cap": 0, "expiry_years": 9}, None
        )
    assert {e.field for e in refused.value.field_errors} == {"dailyContributionCap", "expiryYears"}
    with pytest.raises(InvalidInputError) as long_note:
        await update_programme_rules(collaborators, admin, {"vote_cast": 2}, "长" * 201)
    assert long_note.value.field_errors[0].field == "note"
    assert not await ProgrammeRules.exists() and not await AuditLogEntry.exists()


async def test_saving_over_a_version_someone_else_saved_since_is_refused(
    collaborators: Collaborators,
) -> None:
    first, second = await make_admin(), await make_admin()
    await update_programme_rules(collaborators, first, {"vote_cast": 2}, None, base_version=1)
    with pytest.raises(RulesChangedError):
        await update_programme_rules(collaborators, second, {"referral": 50}, None, base_version=1)
    assert [r.version for r in await ProgrammeRules.all()] == [2]
    assert (await queries.current_programme_rules()).referral == 100


# Future awards only ----------------------------------------------------------------------------


async def test_a_rule_change_changes_future_awards_only_and_reconcile_stays_clean(
    collaborators: Collaborators,
) -> None:
    admin, member = await make_admin(), await make_member()
    await award_points(collaborators, member.id, "post_published", "post:1")
    await award_points(collaborators, member.id, "referral", "r-1")
    await update_programme_rules(collaborators, admin, {"post_published": 25, "referral": 40}, None)
    await award_points(collaborators, member.id, "post_published", "post:2")
    await award_points(collaborators, member.id, "referral", "r-2")
    entries = {e.idempotency_key: (e.amount, e.rule_version) for e in await LedgerEntry.all()}
    assert entries == {
        f"post_published:{member.id}:post:1": (10, 1),
        f"referral:{member.id}:r-1": (100, 1),
        f"post_published:{member.id}:post:2": (25, 2),
        f"referral:{member.id}:r-2": (40, 2),
    }
    report = await reconcile()
    assert report.clean, report.mismatches
    assert sum(a for a, _ in entries.values()) == 175


async def test_reconcile_reports_an_entry_naming_a_version_that_never_existed(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    await award_points(collaborators, member.id, "referral", "r-1")
    entry = await LedgerEntry.get(member_id=member.id)
    await LedgerEntry.create(
        member_id=member.id,
        amount=0,
        balance_after=entry.balance_after,
        reason=entry.reason,
        description="测试",
        idempotency_key="ghost",
        rule_version=7,
        created_at=collaborators.clock.now(),
    )
    assert (await reconcile()).mismatches == ["有积分流水引用了不存在的规则版本 v7"]


async def test_an_expiry_policy_change_dates_new_lots_only(collaborators: Collaborators) -> None:
    admin, member = await make_admin(), await make_member()
    await award_points(collaborators, member.id, "referral", "before")
    await update_programme_rules(collaborators, admin, {"expiry_years": 3}, "延长有效期")
    await award_points(collaborators, member.id, "referral", "after")
    before = await entry_of(f"referral:{member.id}:before")
    after = await entry_of(f"referral:{member.id}:after")
    assert before.expires_at == end_of_year(2027) and after.expires_at == end_of_year(2029)
    lots = {lot.entry_id: lot.expires_at for lot in await PointsLot.all()}
    assert lots == {before.id: end_of_year(2027), after.id: end_of_year(2029)}
    assert (await reconcile()).clean


async def test_a_lowered_daily_cap_applies_to_the_rest_of_today(
    collaborators: Collaborators,
    clock: FrozenClock,
) -> None:
    admin, member = await make_admin(), await make_member()
    for n in range(3):
        await award_points(collaborators, member.id, "post_featured", f"post:{n}")  # 150
    await update_programme_rules(collaborators, admin, {"daily_contribution_cap": 155}, None)
    partly = await award_points(collaborators, member.id, "post_published", "post:9")
    nothing = await award_points(collaborators, member.id, "vote_cast", "entry:1")
    assert partly is not None and nothing is not None
    assert (partly.amount, partly.rule_version) == (5, 2) and "上限" in partly.description
    assert nothing.amount == 0
    clock.advance(days=1)
    tomorrow = await award_points(collaborators, member.id, "post_published", "post:10")
    assert tomorrow is not None and tomorrow.amount == 10
    assert (await reconcile()).clean


async def test_check_in_pays_what_the_version_in_force_says_and_names_it(
    collaborators: Collaborators,
    clock: FrozenClock,
) -> None:
    admin, member = await make_admin(), await make_member()
    first = await check_in(collaborators, member)
    await update_programme_rules(
        collaborators,
        admin,
        {"check_in": 5, "check_in_streak_days": 2, "check_in_streak_bonus": 7},
        None,
    )
    clock.advance(days=1)
    second = await check_in(collaborators, member)
    assert (first.points_awarded, second.points_awarded, second.streak) == (2, 12, 2)
    versions = [e.rule_version for e in await LedgerEntry.all().order_by("id")]
    assert versions == [1, 2]
    assert [c.points for c in await CheckIn.all().order_by("day")] == [2, 12]


async def test_purchase_points_follow_the_rate_and_window_of_the_version_in_force(
    collaborators: Collaborators,
) -> None:
    admin, buyer = await make_admin(), await make_member()
    await record_purchases(collaborators, admin, [order(collaborators, "M-1", buyer, 10_000)])
    await update_programme_rules(
        collaborators, admin, {"purchase_points_per_yuan": 2, "purchase_pending_days": 7}, None
    )
    await record_purchases(collaborators, admin, [order(collaborators, "M-2", buyer, 10_000)])
    old = await entry_of(f"purchase:{buyer.id}:M-1")
    new = await entry_of(f"purchase:{buyer.id}:M-2")
    now = collaborators.clock.now()
    assert (old.amount, old.rule_version, old.available_at) == (100, 1, now + timedelta(days=15))
    assert (new.amount, new.rule_version, new.available_at) == (200, 2, now + timedelta(days=7))
    assert (await reconcile()).clean


async def test_the_report_threshold_of_the_version_in_force_hides_a_post(
    collaborators: Collaborators,
) -> None:
    admin = await make_admin()
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR))
    post = await posts.submit_post(collaborators, await veteran(collaborators), story())
    await posts.moderate_post(collaborators, moderator, post.id, "APPROVE")
    await update_programme_rules(collaborators, admin, {"reports_to_hide": 2}, None)
    for _ in range(2):
        reporter = await veteran(collaborators)
        await posts.report_post(collaborators, reporter, post.id, ReportReason.SPAM, None)
    assert (await Post.get(id=post.id)).status == PostStatus.HIDDEN
    hide = await AuditLogEntry.get(action="AUTO_HIDE")
    assert hide.reason == "2 位邻居举报"


# The privacy policy ----------------------------------------------------------------------------


async def test_the_built_in_policy_is_the_first_version_members_consented_to(
    collaborators: Collaborators,
) -> None:
    policy = await queries.current_privacy_policy(collaborators.settings.privacy_policy_version)
    assert policy.built_in and policy.version == "2026-11" and "手机号" in policy.body
    member = await identity.register_member(
        collaborators, registration((await make_estate()).id), IP
    )
    assert (await Member.get(id=member.id)).consent_version == "2026-11"


async def test_a_published_policy_is_in_force_and_recorded_as_new_members_consent(
    collaborators: Collaborators,
) -> None:
    admin = await make_admin()
    earlier = await make_member()
    await Member.filter(id=earlier.id).update(consent_version="2026-11")
    row = await publish_privacy_policy(collaborators, admin, " 2027-01 ", POLICY)
    assert (row.version, row.body, row.created_by_id) == ("2027-01", POLICY, admin.id)
    policy = await queries.current_privacy_policy("2026-11")
    assert (policy.version, policy.body, policy.built_in) == ("2027-01", POLICY, False)
    member = await identity.register_member(
        collaborators, registration((await make_estate()).id), IP
    )
    assert (await Member.get(id=member.id)).consent_version == "2027-01"
    assert (await Member.get(id=earlier.id)).consent_version == "2026-11"
    [audit] = await AuditLogEntry.all()
    assert (audit.action, audit.target_id, audit.actor_id) == (
        "PRIVACY_POLICY_PUBLISHED",
        row.id,
        admin.id,
    )
    assert audit.before is not None and audit.before["version"] == "2026-11"
    assert audit.after == {"version": "2027-01", "body": POLICY}


async def test_a_version_label_is_used_once_the_built_in_one_included(
    collaborators: Collaborators,
) -> None:
    admin = await make_admin()
    await publish_privacy_policy(collaborators, admin, "2027-01", POLICY)
    await publish_privacy_policy(collaborators, admin, "2027-02", POLICY + "补充")
    for label in ("2027-01", "2026-11", "2027-02"):
        with pytest.raises(PolicyVersionTakenError):
            await publish_privacy_policy(collaborators, admin, label, POLICY)
    assert [p.version for p in await PrivacyPolicy.all()] == ["2027-01", "2027-02"]
    assert await AuditLogEntry.all().count() == 2


@pytest.mark.parametrize("role", REFUSED_ROLES)
async def test_publishing_a_policy_is_refused_to_anyone_but_an_admin(
    collaborators: Collaborators, role: Role
) -> None:
    member = await make_member(roles=(Role.RESIDENT, role))
    with pytest.raises(PermissionDeniedError):
        await publish_privacy_policy(collaborators, member, "2027-01", POLICY)
    assert not await PrivacyPolicy.exists() and not await AuditLogEntry.exists()


async def test_an_invalid_policy_is_refused_field_by_field(collaborators: Collaborators) -> None:
    admin = await make_admin()
    with pytest.raises(InvalidInputError) as refused:
        await publish_privacy_policy(collaborators, admin, "新 版", "太短\x00")
    assert [e.field for e in refused.value.field_errors] == ["version", "body"]
    assert not await PrivacyPolicy.exists()


# Concurrency on PostgreSQL ---------------------------------------------------------------------


@pytest.mark.postgres_only
async def test_admins_saving_at_once_get_distinct_versions_or_a_clean_refusal(
    collaborators: Collaborators,
) -> None:
    admins = [await make_admin() for _ in range(8)]
    results = await asyncio.gather(
        *(
            update_programme_rules(collaborators, a, {"vote_cast": n + 2}, f"第{n}位")
            for n, a in enumerate(admins)
        ),
        return_exceptions=True,
    )
    saved = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, RulesChangedError)]
    assert len(saved) + len(refused) == 8 and saved, results
    versions = [r.version for r in await ProgrammeRules.all().order_by("version")]
    assert versions == list(range(2, 2 + len(saved)))
    assert sorted(r.version for r in saved) == versions
    assert await AuditLogEntry.all().count() == len(saved)


@pytest.mark.postgres_only
async def test_publishing_one_label_at_once_publishes_it_once(
    collaborators: Collaborators,
) -> None:
    admins = [await make_admin() for _ in range(6)]
    results = await asyncio.gather(
        *(publish_privacy_policy(collaborators, a, "2027-01", POLICY) for a in admins),
        return_exceptions=True,
    )
    assert sum(isinstance(r, PrivacyPolicy) for r in results) == 1, results
    assert sum(isinstance(r, PolicyVersionTakenError) for r in results) == 5
    assert await PrivacyPolicy.all().count() == 1 and await AuditLogEntry.all().count() == 1


@pytest.mark.postgres_only
async def test_an_award_started_after_a_version_commits_uses_it_in_every_connection(
    collaborators: Collaborators,
) -> None:
    admin = await make_admin()
    members = [await make_member() for _ in range(10)]
    await update_programme_rules(collaborators, admin, {"referral": 33}, None)
    entries = await asyncio.gather(
        *(award_points(collaborators, m.id, "referral", "after") for m in members)
    )
    assert {(e.amount, e.rule_version) for e in entries if e} == {(33, 2)}
