"""The audit log's reading side: filters by actor, by kind and by Shanghai calendar days, alone and
combined, with keyset paging; admins read back-office entries, moderators and hosts only the
moderation entries they read before."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from domain.audit import record_change
from domain.identity.models import Member, Role
from domain.posts.models import AuditLogEntry
from domain.posts.queries import AuditFilters, audit_filter_choices, audit_log_page
from tests.factories import make_member

pytestmark = pytest.mark.usefixtures("database_url")

# 2026-11-20 16:00 UTC is 2026-11-21 00:00 in Shanghai: the first instant of that Shanghai day.
SHANGHAI_MIDNIGHT = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)


async def entry(actor: Member, action: str, at: datetime, **values: Any) -> AuditLogEntry:
    return await record_change(
        actor_id=actor.id,
        action=action,
        target_type="INTEREST_TAG" if action.startswith("TAG_") else "POST",
        target_id=1,
        now=at,
        before=values.get("before"),
        after=values.get("after"),
    )


async def ids(actor: Member, filters: AuditFilters, first: int = 50) -> list[int]:
    return [e.id for e in await audit_log_page(actor, None, first, filters)]


async def test_filters_by_actor_kind_and_shanghai_days_alone_and_combined() -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN), display_name="管理员甲")
    other = await make_member(roles=(Role.RESIDENT, Role.ADMIN), display_name="管理员乙")
    late_20th = await entry(admin, "TAG_CREATED", SHANGHAI_MIDNIGHT - timedelta(seconds=1))
    early_21st = await entry(admin, "TAG_RENAMED", SHANGHAI_MIDNIGHT)
    other_21st = await entry(other, "TAG_CREATED", SHANGHAI_MIDNIGHT + timedelta(hours=23))
    on_22nd = await entry(admin, "TAG_CREATED", SHANGHAI_MIDNIGHT + timedelta(days=1))

    everything = [on_22nd.id, other_21st.id, early_21st.id, late_20th.id]
    assert await ids(admin, AuditFilters()) == everything
    assert await ids(admin, AuditFilters(actor_id=other.id)) == [other_21st.id]
    assert await ids(admin, AuditFilters(action="TAG_CREATED")) == [
        on_22nd.id,
        other_21st.id,
        late_20th.id,
    ]
    the_21st = date(2026, 11, 21)
    assert await ids(admin, AuditFilters(since=the_21st, until=the_21st)) == [
        other_21st.id,
        early_21st.id,
    ]
    assert await ids(admin, AuditFilters(since=the_21st)) == everything[:3]
    assert await ids(admin, AuditFilters(until=date(2026, 11, 20))) == [late_20th.id]
    combined = AuditFilters(actor_id=admin.id, action="TAG_CREATED", since=the_21st)
    assert await ids(admin, combined) == [on_22nd.id]
    assert await ids(admin, AuditFilters(since=date(2026, 11, 23))) == []
    assert await ids(admin, AuditFilters(action="X" * 41)) == []  # longer than any kind
    assert await ids(admin, AuditFilters(until=date.max, since=date.min)) == everything


async def test_pages_follow_each_other_with_the_filters_kept() -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    made = []
    for n in range(7):
        kind = "TAG_CREATED" if n % 2 == 0 else "TAG_RETIRED"
        made.append(await entry(admin, kind, SHANGHAI_MIDNIGHT + timedelta(minutes=n)))
    wanted = [e.id for e in reversed(made) if e.action == "TAG_CREATED"]
    filters = AuditFilters(action="TAG_CREATED")
    first = await audit_log_page(admin, None, 2, filters)
    assert [e.id for e in first] == wanted[:3]  # two and one more: there is a next page
    second = await audit_log_page(admin, first[1].id, 2, filters)
    assert [e.id for e in second] == wanted[2:]
    assert len(second) == 2  # no third page


async def test_back_office_entries_are_for_admins_and_moderation_entries_stay_as_they_were() -> (
    None
):
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN), display_name="管理员")
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR), display_name="版主")
    resident = await make_member()
    at = SHANGHAI_MIDNIGHT
    hidden = await entry(moderator, "HIDE", at)
    estate = await entry(admin, "ESTATE_APPROVED", at)
    tag = await entry(admin, "TAG_MERGED", at, before={"name": "咖啡"}, after={"name": "手冲"})
    role = await entry(admin, "ROLE_GRANTED", at)
    unknown = await entry(admin, "SOMETHING_NEW", at)

    assert await ids(admin, AuditFilters()) == [unknown.id, role.id, tag.id, estate.id, hidden.id]
    assert await ids(moderator, AuditFilters()) == [estate.id, hidden.id]
    assert await ids(moderator, AuditFilters(action="TAG_MERGED")) == []
    assert await ids(resident, AuditFilters()) == []
    moderator_choices = await audit_filter_choices(moderator)
    assert moderator_choices.actions == ["ESTATE_APPROVED", "HIDE"]
    assert [m.display_name for m in moderator_choices.actors] == ["版主", "管理员"]
    admin_choices = await audit_filter_choices(admin)
    assert admin_choices.actions == [
        "ESTATE_APPROVED",
        "HIDE",
        "ROLE_GRANTED",
        "SOMETHING_NEW",
        "TAG_MERGED",
    ]
