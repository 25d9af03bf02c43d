"""Portal: /me/data asks for a copy, polls its status with htmx and links the download (the
member's own only); /me/delete asks for the deletion, ends the session and re-renders refusals."""

from __future__ import annotations

from datetime import timedelta

import httpx

from domain.collaborators import Collaborators
from domain.identity.models import AuthToken, Member
from domain.privacy import export
from domain.privacy.request_models import AccountDeletion, DataExport, ExportStatus
from tests.domain.privacy_helpers import lived_in
from tests.domain.test_privacy_export import RecordingJobs
from tests.factories import make_member
from tests.portal.test_points_pages import htmx, log_in, sent_to_log_in


async def test_asking_for_a_copy_polls_until_ready_then_links_a_download_only_its_member_gets(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    c = collaborators
    world = await lived_in(c)
    c.jobs = RecordingJobs()  # the worker builds it: the page waits for it
    csrf = await log_in(client, world.member)
    assert "生成我的数据副本" in (await client.get("/me/data")).text

    asked = await client.post("/me/data", headers=htmx(csrf))

    assert asked.status_code == 200 and 'hx-get="/me/data/status"' in asked.text
    assert "正在生成" in asked.text
    made = await DataExport.get(member_id=world.member.id)
    await export.build_data_export(made.id, c.clock.now())
    ready = await client.get("/me/data/status", headers=htmx(csrf))
    assert "hx-trigger" not in ready.text and f"/me/data/{made.id}/download" in ready.text
    download = await client.get(f"/me/data/{made.id}/download")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    await client.post("/logout", data={"csrf_token": csrf})

    await log_in(client, world.neighbour)
    assert (await client.get(f"/me/data/{made.id}/download")).status_code == 404
    assert (await client.get(f"/me/data/{2**40}/download")).status_code == 404


async def test_asking_again_while_building_re_renders_the_block_with_the_reason(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    member = await make_member()
    collaborators.jobs = RecordingJobs()
    await DataExport.create(member=member, requested_at=collaborators.clock.now())
    csrf = await log_in(client, member)
    refused = await client.post("/me/data", headers=htmx(csrf))
    assert refused.status_code == 422 and "正在生成" in refused.text
    assert await DataExport.filter(member=member, status=ExportStatus.PENDING).count() == 1
    no_token = await client.post("/me/data", headers={"HX-Request": "true"})
    assert no_token.status_code == 403


async def test_deleting_needs_the_confirmation_and_then_ends_every_session(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    member = await make_member()
    csrf = await log_in(client, member)
    page = await client.get("/me/delete")
    assert page.status_code == 200 and "注销账户" in page.text

    unconfirmed = await client.post("/me/delete", data={"posts": "keep"}, headers=htmx(csrf))
    assert unconfirmed.status_code == 422 and "请勾选确认注销" in unconfirmed.text
    assert await AccountDeletion.filter(member=member).count() == 0

    done = await client.post(
        "/me/delete", data={"posts": "delete", "confirm": "on"}, headers=htmx(csrf)
    )

    assert done.status_code == 200 and "重新登录即可撤销注销" in done.text
    request = await AccountDeletion.get(member=member)
    assert request.keep_posts is False
    assert await AuthToken.filter(member=member, revoked_at__isnull=True).count() == 0
    assert sent_to_log_in(await client.get("/me/data"))


async def test_signed_out_visitors_are_sent_to_log_in(client: httpx.AsyncClient) -> None:
    assert sent_to_log_in(await client.get("/me/data"))
    assert sent_to_log_in(await client.get("/me/delete"))


async def test_a_suspended_member_may_still_ask_for_a_copy_and_delete_the_account(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    member = await make_member()
    csrf = await log_in(client, member)
    until = collaborators.clock.now() + timedelta(days=3)
    await Member.filter(id=member.id).update(suspended=True, suspended_until=until)
    asked = await client.post("/me/data", headers=htmx(csrf))
    assert asked.status_code == 200 and (await DataExport.filter(member=member).count()) == 1
    done = await client.post(
        "/me/delete", data={"posts": "keep", "confirm": "on"}, headers=htmx(csrf)
    )
    assert done.status_code == 200 and await AccountDeletion.filter(member=member).count() == 1
