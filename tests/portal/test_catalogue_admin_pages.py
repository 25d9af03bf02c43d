"""The back office's reward and event pages: edit, picture, retire; edit and cancel an event;
for the allowed roles, refused for the others, 422 re-renders with the message, the database."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from PIL import Image as PillowImage

from domain.collaborators import Collaborators
from domain.events import services as events
from domain.events.models import Event, EventRegistration, RegistrationStatus
from domain.identity.models import Member, Role
from domain.media.models import Image
from domain.posts.models import AuditLogEntry
from domain.rewards.models import Reward
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.factories import make_member
from tests.portal.test_points_pages import htmx, log_in, sent_to_log_in, visitor_csrf
from tests.portal.test_rewards_pages import make_reward

REFUSED = [Role.RESIDENT, Role.HOST, Role.MODERATOR]


async def admin() -> Member:
    return await make_member(roles=(Role.RESIDENT, Role.ADMIN))


def reward_form(**changes: str) -> dict[str, str]:
    form = {
        "name": "有机小番茄",
        "description": "崇明农场直送，一份 500 克",
        "costPoints": "30",
        "perMemberLimit": "",
        "availableFrom": "",
        "availableUntil": "",
    }
    return form | changes


@pytest.fixture
async def another(client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser on the same app."""
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as c:
        yield c


# Rewards ---------------------------------------------------------------------------------------


async def test_an_admin_edits_a_reward_from_the_rewards_page(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    reward = await make_reward(collaborators)
    csrf = await log_in(client, await admin())
    listing = await client.get("/admin/rewards")
    assert f'href="/admin/rewards/{reward.id}"' in listing.text
    form_page = await client.get(f"/admin/rewards/{reward.id}")
    assert form_page.status_code == 200 and 'value="有机小番茄"' in form_page.text

    saved = await client.post(
        f"/admin/rewards/{reward.id}",
        data=reward_form(name="樱桃番茄", costPoints="45", perMemberLimit="2"),
        headers=htmx(csrf),
    )

    assert saved.status_code == 200 and "已保存" in saved.text and "<html" not in saved.text
    stored = await Reward.get(id=reward.id)
    assert (stored.name, stored.cost_points, stored.per_member_limit) == ("樱桃番茄", 45, 2)
    assert await AuditLogEntry.filter(action="REWARD_UPDATED", target_id=reward.id).exists()


async def test_a_bad_reward_edit_is_shown_at_422_and_changes_nothing(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    reward = await make_reward(collaborators)
    csrf = await log_in(client, await admin())
    zero = await client.post(
        f"/admin/rewards/{reward.id}", data=reward_form(costPoints="0"), headers=htmx(csrf)
    )
    assert zero.status_code == 422 and "所需积分应在 1 到 1,000,000 之间" in zero.text
    assert 'value="0"' in zero.text  # what was typed comes back
    backwards = await client.post(
        f"/admin/rewards/{reward.id}",
        data=reward_form(availableFrom="2026-12-10T10:00", availableUntil="2026-12-01T10:00"),
        headers=htmx(csrf),
    )
    assert backwards.status_code == 422 and "结束时间应晚于开始时间" in backwards.text
    stored = await Reward.get(id=reward.id)
    assert (stored.cost_points, stored.available_from) == (30, None)
    assert not await AuditLogEntry.all().exists()


async def test_an_admin_uploads_a_picture_stripped_of_its_metadata(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    reward = await make_reward(collaborators)
    csrf = await log_in(client, await admin())
    photo = PillowImage.new("RGB", (40, 30), "tomato")
    exif = PillowImage.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif)
    assert b"PhoneMaker" in buffer.getvalue()

    uploaded = await client.post(
        f"/admin/rewards/{reward.id}/picture",
        files={"file": ("tomato.jpg", buffer.getvalue(), "image/jpeg")},
        headers=htmx(csrf),
    )

    assert uploaded.status_code == 200 and "图片已保存" in uploaded.text
    stored = await Reward.get(id=reward.id)
    image = await Image.get()
    assert stored.image_url == f"/media/{image.storage_key}"
    served = await client.get(stored.image_url)
    assert served.status_code == 200 and b"PhoneMaker" not in served.content
    junk = await client.post(
        f"/admin/rewards/{reward.id}/picture",
        files={"file": ("notes.txt", b"not a picture at all", "text/plain")},
        headers=htmx(csrf),
    )
    assert junk.status_code == 422 and 'role="alert"' in junk.text
    assert (await Reward.get(id=reward.id)).image_url == stored.image_url


async def test_an_admin_retires_a_reward_and_it_leaves_the_mall(
    client: httpx.AsyncClient, collaborators: Collaborators, another: httpx.AsyncClient
) -> None:
    reward = await make_reward(collaborators)
    csrf = await log_in(client, await admin())
    retired = await client.post(f"/admin/rewards/{reward.id}/retire", headers=htmx(csrf))
    assert retired.status_code == 200 and "下架" in retired.text
    assert (await Reward.get(id=reward.id)).retired_at is not None
    listing = await client.get("/admin/rewards")
    assert "已下架" in listing.text.split(f'id="admin-reward-{reward.id}"')[1]
    refused = await client.post(
        f"/admin/rewards/{reward.id}", data=reward_form(costPoints="5"), headers=htmx(csrf)
    )
    assert refused.status_code == 422 and "已下架，不能再修改" in refused.text
    await log_in(another, await make_member())
    assert "有机小番茄" not in (await another.get("/mall")).text


@pytest.mark.parametrize("role", REFUSED)
async def test_other_roles_are_refused_the_reward_pages(
    client: httpx.AsyncClient, collaborators: Collaborators, role: Role
) -> None:
    reward = await make_reward(collaborators)
    csrf = await log_in(client, await make_member(roles=(role,)))
    assert (await client.get(f"/admin/rewards/{reward.id}")).status_code == 403
    edit = await client.post(
        f"/admin/rewards/{reward.id}", data=reward_form(costPoints="5"), headers=htmx(csrf)
    )
    assert edit.status_code == 403
    retire = await client.post(f"/admin/rewards/{reward.id}/retire", headers=htmx(csrf))
    assert retire.status_code == 403
    picture = await client.post(
        f"/admin/rewards/{reward.id}/picture",
        files={"file": ("a.png", b"\x89PNG\r\n\x1a\n", "image/png")},
        headers=htmx(csrf),
    )
    assert picture.status_code == 403
    stored = await Reward.get(id=reward.id)
    assert (stored.cost_points, stored.retired_at, stored.image_url) == (30, None, None)
    assert not await Image.all().exists()


async def test_visitors_are_sent_to_log_in_from_the_reward_and_event_pages(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    reward = await make_reward(collaborators)
    event = await make_event(collaborators, None)
    for path in (f"/admin/rewards/{reward.id}", f"/host/events/{event.id}/edit"):
        response = await client.get(path)
        assert response.status_code in (302, 303) and "/login" in response.headers["location"]


# Events ----------------------------------------------------------------------------------------


def event_form(event: Event, **changes: str) -> dict[str, str]:
    form = {
        "title": event.title,
        "description": event.description,
        "location": event.location,
        "startsAt": "2026-11-24T18:00",
        "endsAt": "2026-11-24T20:00",
        "capacity": str(event.capacity),
    }
    return form | changes


@pytest.mark.parametrize(
    "action", ["reward-edit", "reward-retire", "reward-picture", "event-edit", "event-cancel"]
)
async def test_a_signed_out_post_with_a_valid_csrf_token_is_sent_to_log_in_changing_nothing(
    client: httpx.AsyncClient, collaborators: Collaborators, action: str
) -> None:
    reward = await make_reward(collaborators)
    event = await make_event(collaborators, None)
    picture = io.BytesIO()
    PillowImage.new("RGB", (64, 48), (200, 30, 30)).save(picture, "PNG")
    posts: dict[str, tuple[str, dict[str, Any]]] = {
        "reward-edit": (f"/admin/rewards/{reward.id}", {"data": reward_form(costPoints="5")}),
        "reward-retire": (f"/admin/rewards/{reward.id}/retire", {}),
        "reward-picture": (
            f"/admin/rewards/{reward.id}/picture",
            {"files": {"file": ("a.png", picture.getvalue(), "image/png")}},
        ),
        "event-edit": (f"/host/events/{event.id}/edit", {"data": event_form(event, title="改名")}),
        "event-cancel": (
            f"/host/events/{event.id}/cancel",
            {"data": {"reason": "不办了", "confirm": "yes"}},
        ),
    }
    path, body = posts[action]
    csrf = await visitor_csrf(client)
    response = await client.post(path, headers={"X-CSRF-Token": csrf}, **body)
    assert sent_to_log_in(response), (path, response.status_code, response.text[:200])
    stored = await Reward.get(id=reward.id)
    assert (stored.cost_points, stored.retired_at, stored.image_url) == (30, None, None)
    assert not await Image.all().exists()
    saved = await Event.get(id=event.id)
    assert (saved.title, saved.cancelled_at) == (event.title, None)
    assert await AuditLogEntry.all().count() == 0


async def test_the_host_edits_an_event_from_its_page_and_the_console(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    host = await make_host()
    event = await make_event(collaborators, await make_group(host), capacity=1)
    waiting = await make_member()
    await events.register_for_event(collaborators, await make_member(), event.id)
    await events.register_for_event(collaborators, waiting, event.id)
    csrf = await log_in(client, host)
    assert f'href="/host/events/{event.id}/edit"' in (await client.get(f"/events/{event.id}")).text
    assert f'href="/host/events/{event.id}/edit"' in (await client.get("/host/events")).text
    form_page = await client.get(f"/host/events/{event.id}/edit")
    assert form_page.status_code == 200 and 'value="咖啡品鉴会"' in form_page.text

    saved = await client.post(
        f"/host/events/{event.id}/edit",
        data=event_form(event, title="秋日品鉴", capacity="2"),
        headers=htmx(csrf),
    )

    assert saved.status_code == 200 and "已保存" in saved.text
    stored = await Event.get(id=event.id)
    assert (stored.title, stored.capacity, stored.seats_taken) == ("秋日品鉴", 2, 2)
    assert stored.starts_at.isoformat() == "2026-11-24T10:00:00+00:00"
    promoted = await EventRegistration.get(event_id=event.id, member_id=waiting.id)
    assert promoted.status == RegistrationStatus.CONFIRMED


async def test_bad_event_edits_are_shown_at_422_and_change_nothing(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    host = await make_host()
    event = await make_event(collaborators, await make_group(host), capacity=5)
    for _ in range(3):
        await events.register_for_event(collaborators, await make_member(), event.id)
    csrf = await log_in(client, host)
    backwards = await client.post(
        f"/host/events/{event.id}/edit",
        data=event_form(event, endsAt="2026-11-24T17:00"),
        headers=htmx(csrf),
    )
    assert backwards.status_code == 422 and "结束时间应晚于开始时间" in backwards.text
    below = await client.post(
        f"/host/events/{event.id}/edit", data=event_form(event, capacity="2"), headers=htmx(csrf)
    )
    assert below.status_code == 422 and "名额不能少于已占的 3 个" in below.text
    stored = await Event.get(id=event.id)
    assert (stored.capacity, stored.starts_at) == (5, event.starts_at)
    assert not await AuditLogEntry.all().exists()


async def test_cancelling_needs_a_reason_and_a_confirmation_then_shows_everywhere(
    client: httpx.AsyncClient, collaborators: Collaborators, another: httpx.AsyncClient
) -> None:
    host = await make_host()
    event = await make_event(collaborators, await make_group(host))
    member = await make_member()
    await events.register_for_event(collaborators, member, event.id)
    csrf = await log_in(client, host)
    unconfirmed = await client.post(
        f"/host/events/{event.id}/cancel", data={"reason": "场地维修"}, headers=htmx(csrf)
    )
    assert unconfirmed.status_code == 422 and "请勾选确认" in unconfirmed.text
    no_reason = await client.post(
        f"/host/events/{event.id}/cancel", data={"reason": "", "confirm": "yes"}, headers=htmx(csrf)
    )
    assert no_reason.status_code == 422 and "请写明取消原因" in no_reason.text
    assert (await Event.get(id=event.id)).cancelled_at is None

    done = await client.post(
        f"/host/events/{event.id}/cancel",
        data={"reason": "场地维修", "confirm": "yes"},
        headers=htmx(csrf),
    )

    assert done.status_code == 200 and done.headers["HX-Redirect"] == f"/events/{event.id}"
    stored = await Event.get(id=event.id)
    assert stored.cancelled_at is not None and stored.cancel_reason == "场地维修"
    mine = await EventRegistration.get(event_id=event.id, member_id=member.id)
    assert mine.status == RegistrationStatus.CANCELLED
    await log_in(another, member)
    event_page = await another.get(f"/events/{event.id}")
    assert (
        "活动已取消：场地维修" in event_page.text and 'id="register-button"' not in event_page.text
    )
    assert "编辑或取消活动" not in event_page.text
    listing = await another.get("/events")
    assert "已取消" in listing.text.split(f'id="event-{event.id}"')[1]
    console = await client.get("/host/events")
    assert "已取消" in console.text


async def test_others_are_refused_the_event_edit_and_cancel_pages(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    event = await make_event(collaborators, await make_group(await make_host()))
    other_host = await make_host("王叔")
    await make_group(other_host, "家常菜研究所", "home-cooking")
    for member in (
        other_host,
        await make_member(roles=(Role.RESIDENT, Role.MODERATOR)),
        await make_member(),
    ):
        csrf = await log_in(client, member)
        assert (await client.get(f"/host/events/{event.id}/edit")).status_code == 403
        edit = await client.post(
            f"/host/events/{event.id}/edit",
            data=event_form(event, title="改名"),
            headers=htmx(csrf),
        )
        assert edit.status_code == 403
        cancel = await client.post(
            f"/host/events/{event.id}/cancel",
            data={"reason": "不办了", "confirm": "yes"},
            headers=htmx(csrf),
        )
        assert cancel.status_code == 403
        assert "编辑或取消活动" not in (await client.get(f"/events/{event.id}")).text
        await client.post("/logout", headers=htmx(csrf))
    stored = await Event.get(id=event.id)
    assert (stored.title, stored.cancelled_at) == ("咖啡品鉴会", None)


async def test_an_admin_edits_any_event_and_the_back_office_links_here(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    event = await make_event(collaborators, None, starts_in=timedelta(days=2))
    csrf = await log_in(client, await admin())
    home = await client.get("/admin")
    assert 'href="/admin/rewards"' in home.text and 'href="/host/events"' in home.text
    saved = await client.post(
        f"/host/events/{event.id}/edit",
        data=event_form(event, location="会所三楼"),
        headers=htmx(csrf),
    )
    assert saved.status_code == 200 and (await Event.get(id=event.id)).location == "会所三楼"


async def test_without_htmx_a_refused_edit_answers_the_whole_page_with_the_message(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    reward = await make_reward(collaborators)
    csrf = await log_in(client, await admin())
    plain = await client.post(
        f"/admin/rewards/{reward.id}", data=reward_form(costPoints="0", csrf_token=csrf)
    )
    assert plain.status_code == 422 and "<html" in plain.text
    assert "所需积分应在 1 到 1,000,000 之间" in plain.text and "下架好物" in plain.text
