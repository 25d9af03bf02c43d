"""A member's copy of their data: every category in one JSON and a CSV each, built by the worker,
downloadable by its member only and for 24 hours."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest

from domain.clock import SHANGHAI, FrozenClock
from domain.collaborators import Collaborators
from domain.errors import NotFoundError
from domain.privacy import export
from domain.privacy.export import CATEGORIES, ExportInProgressError
from domain.privacy.request_models import DataExport, ExportStatus
from tests.domain.privacy_helpers import NAME, OPENID, PHONE, lived_in


class RecordingJobs:
    def __init__(self) -> None:
        self.kicked: list[tuple[str, tuple[int | str, ...]]] = []

    async def kick(self, task_name: str, *args: int | str) -> None:
        self.kicked.append((task_name, args))


async def test_the_export_of_a_lived_in_member_holds_every_category_as_json_and_csv(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    world = await lived_in(c)
    jobs = RecordingJobs()
    c.jobs = jobs
    requested = await export.request_data_export(c, world.member)
    assert jobs.kicked == [(export.EXPORT_TASK, (requested.id,))]
    assert (await DataExport.get(id=requested.id)).status == ExportStatus.PENDING

    assert await export.build_data_export(requested.id, c.clock.now())
    name, archive = await export.export_archive(world.member, requested.id, c.clock.now())

    assert name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert sorted(opened.namelist()) == sorted(
            ["linli-data.json", *(f"{k}.csv" for k in CATEGORIES)]
        )
        data = json.loads(opened.read("linli-data.json"))
        for category in CATEGORIES:
            assert data[category], f"{category} is empty"
            rows = list(csv.DictReader(io.StringIO(opened.read(f"{category}.csv").decode())))
            assert len(rows) == len(data[category]), category
    profile = data["profile"][0]
    assert (profile["phone"], profile["display_name"]) == (PHONE, NAME)
    assert profile["wechat_openids"] == [OPENID] and profile["interest_tags"] == ["烘焙"]
    assert {r["reason"] for r in data["points"]} >= {"CAMPAIGN_WON", "REDEMPTION", "PURCHASE"}
    assert {r["role"] for r in data["referrals"]} == {"referrer", "invitee"}
    assert data["purchases"][0]["order_id"] == "PRIV-ORDER-1"
    assert data["posts"][0]["title"] == "我家的酸面包"
    assert [d["content"] for d in data["share_draft"]] == [{"values": {"title": "周末想做的贝果"}}]
    (seen,) = data["post_views"]
    assert (seen["post_title"], seen["source"]) == ("收纳小妙招", "FEED")
    assert seen["day"] == (clock.now() - timedelta(days=35)).astimezone(SHANGHAI).date().isoformat()
    assert seen["seen_at"] == (clock.now() - timedelta(days=35)).isoformat()


async def test_another_member_and_an_expired_export_are_not_found(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    world = await lived_in(c)
    made = await export.request_data_export(c, world.member)  # no queue: built after commit
    assert (await DataExport.get(id=made.id)).status == ExportStatus.READY
    with pytest.raises(NotFoundError):
        await export.export_archive(world.neighbour, made.id, c.clock.now())

    later = c.clock.now() + timedelta(hours=24)
    with pytest.raises(NotFoundError):
        await export.export_archive(world.member, made.id, later)
    assert await export.drop_expired_exports(later) == 1
    assert (await DataExport.get(id=made.id)).archive is None


async def test_asking_again_while_one_is_being_built_is_refused_and_changes_nothing(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    c = collaborators
    world = await lived_in(c)
    c.jobs = RecordingJobs()
    first = await export.request_data_export(c, world.member)
    with pytest.raises(ExportInProgressError):
        await export.request_data_export(c, world.member)
    assert [e.id for e in await DataExport.filter(member_id=world.member.id)] == [first.id]

    await export.build_data_export(first.id, c.clock.now())
    second = await export.request_data_export(c, world.member)  # a new copy replaces the old
    assert [e.id for e in await DataExport.filter(member_id=world.member.id)] == [second.id]
    assert not await export.build_data_export(first.id, c.clock.now())

    clock.advance(minutes=15)  # the build of ``second`` was lost: asking again is allowed
    third = await export.request_data_export(c, world.member)
    assert [e.id for e in await DataExport.filter(member_id=world.member.id)] == [third.id]
