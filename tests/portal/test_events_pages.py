"""活动 pages: the list, an event's page with register and cancel in place, the check-in QR, the
host's console, attendees and check-in desk, and the create-event page; 422s and the database."""

from __future__ import annotations

from datetime import timedelta

import httpx

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.events import services
from domain.events.models import Event, EventRegistration, RegistrationStatus
from domain.identity.models import Role
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.factories import make_member
from tests.portal.test_points_pages import HTMX, balance, htmx, log_in


async def test_the_events_list_shows_seats_the_waitlist_and_my_status(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    full = await make_event(collaborators, None, capacity=1, title="咖啡品鉴会")
    await make_event(collaborators, None, capacity=12, title="亲子烘焙课")
    await make_event(collaborators, None, starts_in=timedelta(days=-3), title="春日邻里市集")
    member, other = await make_member(), await make_member()
    await services.register_for_event(collaborators, other, full.id)
    await services.register_for_event(collaborators, member, full.id)
    anonymous = await client.get("/events")
    assert anonymous.status_code == 200 and "咖啡品鉴会" in anonymous.text
    await log_in(client, member)
    response = await client.get("/events")
    assert "名额已满 · 1 人候补" in response.text
    assert "剩余 12 / 12 个名额" in response.text
    assert "往期活动" in response.text and "春日邻里市集" in response.text
    assert "候补中" in response.text


async def test_registering_and_cancelling_swap_the_registration_block_in_place(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    event = await make_event(collaborators, None, capacity=1)
    member = await make_member()
    csrf = await log_in(client, member)
    page = await client.get(f"/events/{event.id}")
    assert page.status_code == 200 and "立即报名" in page.text and "<html" in page.text
    done = await client.post(f"/events/{event.id}/register", headers=htmx(csrf))
    assert done.status_code == 200 and "<html" not in done.text
    registration = await EventRegistration.get(member_id=member.id)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.check_in_code and registration.check_in_code in done.text
    assert "<svg" in done.text
    assert "报名成功，活动见！" in done.text and "名额已满 · 0 人候补" in done.text
    again = await client.post(f"/events/{event.id}/register", headers=htmx(csrf))
    assert again.status_code == 422 and "你已经报名了这个活动" in again.text
    cancelled = await client.post(
        f"/events/registrations/{registration.id}/cancel", headers=htmx(csrf)
    )
    assert cancelled.status_code == 200 and "已取消报名" in cancelled.text
    assert (await EventRegistration.get(id=registration.id)).status == RegistrationStatus.CANCELLED
    assert (await Event.get(id=event.id)).seats_taken == 0
    refused = await client.post(
        f"/events/registrations/{registration.id}/cancel", headers=htmx(csrf)
    )
    assert refused.status_code == 422
    no_csrf = await client.post(f"/events/{event.id}/register", headers=HTMX)
    assert no_csrf.status_code == 403
    assert (await client.get("/events/9999")).status_code == 404


async def test_a_waitlisted_member_sees_the_position_and_the_block_polls_for_promotion(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    event = await make_event(collaborators, None, capacity=1)
    first, member = await make_member(), await make_member()
    seat = await services.register_for_event(collaborators, first, event.id)
    csrf = await log_in(client, member)
    waiting = await client.post(f"/events/{event.id}/register", headers=htmx(csrf))
    assert "候补第 1 位" in waiting.text and 'hx-trigger="every 5s"' in waiting.text
    await services.cancel_registration(collaborators, first, seat.id)
    polled = await client.get(f"/events/{event.id}", headers=HTMX)
    assert "<html" not in polled.text and "报名成功" in polled.text
    assert "every 5s" not in polled.text and "<svg" in polled.text


async def test_the_host_checks_in_by_code_and_sees_attendance_and_others_are_refused(
    client: httpx.AsyncClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    host, other_host = await make_host(), await make_host("王叔")
    event = await make_event(collaborators, await make_group(host), starts_in=timedelta(hours=1))
    member = await make_member(display_name="小王")
    seat = await services.register_for_event(collaborators, member, event.id)
    csrf = await log_in(client, host)
    console = await client.get("/host/events")
    assert console.status_code == 200 and event.title in console.text
    desk = await client.post(
        "/host/events/check-in",
        data={"checkInCode": (seat.check_in_code or "").lower()},
        headers=htmx(csrf),
    )
    assert desk.status_code == 200 and "签到成功：小王" in desk.text
    twice = await client.post(
        "/host/events/check-in", data={"checkInCode": seat.check_in_code}, headers=htmx(csrf)
    )
    assert twice.status_code == 422 and "已经签到过了" in twice.text
    assert await balance(member) == 20
    attendees = await client.get(f"/host/events/{event.id}")
    assert attendees.status_code == 200 and "小王" in attendees.text
    assert '<dd id="count-checked_in">1</dd>' in attendees.text

    other = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    async with other:
        await log_in(other, other_host)
        assert (await other.get(f"/host/events/{event.id}")).status_code == 403
    resident = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    async with resident:
        await log_in(resident, member)
        assert (await resident.get("/host/events")).status_code == 403
        assert (await resident.get("/host/events/new")).status_code == 403


async def test_a_host_creates_an_event_for_their_group_and_bad_input_is_shown(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    host, other_host = await make_host(), await make_host("王叔")
    mine = await make_group(host)
    theirs = await make_group(other_host, "家常菜研究所", "home-cooking")
    csrf = await log_in(client, host)
    form_page = await client.get("/host/events/new")
    assert mine.name in form_page.text and theirs.name not in form_page.text
    good = {
        "title": "亲子烘焙课",
        "description": "和孩子一起做司康",
        "location": "社区活动室",
        "groupId": str(mine.id),
        "startsAt": "2026-11-28T14:00",
        "endsAt": "2026-11-28T16:00",
        "capacity": "12",
    }
    created = await client.post("/host/events/new", data=good, headers=htmx(csrf))
    event = await Event.get(title="亲子烘焙课")
    assert created.headers["HX-Redirect"] == f"/events/{event.id}"
    assert (event.group_id, event.capacity, event.created_by_id) == (mine.id, 12, host.id)
    bad = await client.post(
        "/host/events/new", data={**good, "title": "x", "capacity": "many"}, headers=htmx(csrf)
    )
    assert bad.status_code == 422 and "标题应为 2–60 个字" in bad.text
    assert "名额应在 1 到" in bad.text
    no_time = await client.post(
        "/host/events/new", data={**good, "startsAt": ""}, headers=htmx(csrf)
    )
    assert no_time.status_code == 422 and "请选择有效的日期和时间" in no_time.text
    foreign = await client.post(
        "/host/events/new", data={**good, "groupId": str(theirs.id)}, headers=htmx(csrf)
    )
    assert foreign.status_code == 422 and "只能为自己主理的小组创建活动" in foreign.text
    assert await Event.all().count() == 1


async def test_admins_see_every_event_in_the_console(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    host = await make_host()
    event = await make_event(collaborators, await make_group(host), title="春日邻里市集")
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    await log_in(client, admin)
    console = await client.get("/host/events")
    assert console.status_code == 200 and "春日邻里市集" in console.text
    assert (await client.get(f"/host/events/{event.id}")).status_code == 200
