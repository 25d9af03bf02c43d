"""The portal's staff pages read under the same rules as GraphQL: a host's audit page shows their
own groups' entries only, and the host's check-in desk answers another group's code exactly like
an unknown one and a malformed code with a message, never an error page."""

from __future__ import annotations

import httpx
import pytest

from domain.collaborators import Collaborators
from domain.posts.models import AuditLogEntry
from tests.api.test_staff_scopes import MALFORMED, _audit_world, _seat_at_the_door, _unchanged
from tests.portal.test_points_pages import htmx, log_in


async def test_a_hosts_audit_page_lists_their_own_groups_entries_and_no_reporter_elsewhere(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    world = await _audit_world(collaborators)
    await log_in(client, world["host_a"])
    page = await client.get("/moderation/audit")
    assert page.status_code == 200
    assert f"#{world['posts']['a'].id}<" in page.text
    for other in ("b", "b2"):
        assert f"#{world['posts'][other].id}<" not in page.text
    assert "举报人小李" not in page.text and "主理人乙" not in page.text
    assert await AuditLogEntry.all().count() == 6  # the world's five and the campaign's creation


async def test_the_check_in_desk_answers_another_groups_code_like_an_unknown_one(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    _, other_host, seat = await _seat_at_the_door(collaborators)
    code = seat.check_in_code or ""
    unknown = next(x for x in ("ZZZZZZ", "YYYYYY") if x != code)
    csrf = await log_in(client, other_host)
    desk = "/host/events/check-in"
    foreign = await client.post(desk, data={"checkInCode": code}, headers=htmx(csrf))
    missing = await client.post(desk, data={"checkInCode": unknown}, headers=htmx(csrf))
    assert foreign.status_code == missing.status_code == 422
    # The form echoes what was typed; apart from that the two answers are the same.
    assert foreign.text.replace(code, "CODE") == missing.text.replace(unknown, "CODE")
    assert "签到码不存在" in foreign.text
    await _unchanged(seat)


@pytest.mark.parametrize(
    "typed", ["ABCDEFGHJ", "ABC\x00EF", MALFORMED[-3]], ids=lambda s: repr(s[:12])
)
async def test_the_check_in_desk_refuses_a_malformed_code_with_a_message(
    client: httpx.AsyncClient, collaborators: Collaborators, typed: str
) -> None:
    host, _, seat = await _seat_at_the_door(collaborators)
    csrf = await log_in(client, host)
    desk = await client.post(
        "/host/events/check-in", data={"checkInCode": typed}, headers=htmx(csrf)
    )
    assert desk.status_code == 422, desk.text[:300]
    assert "签到码是 6 位字母或数字" in desk.text
    await _unchanged(seat)
