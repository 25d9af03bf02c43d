"""Portal: the back office's group pages (/admin/groups, /admin/groups/{id}): admins create with a
host found by phone, edit, appoint and remove hosts, archive and restore; every other role is
refused with nothing changed; mistakes come back at 422 with the message."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from domain.collaborators import Collaborators
from domain.groups import admin
from domain.groups.models import GroupHost, GroupMembership, InterestGroup
from domain.identity.models import Estate, Member, Role
from domain.media.models import Image
from domain.posts.models import AuditLogEntry
from tests.domain.test_groups_admin import group_input
from tests.domain.test_images import encoded
from tests.factories import make_estate, make_image, make_member
from tests.portal.test_points_pages import htmx, log_in, visitor_csrf
from web.ids import encode_id

CREATE = {
    "name": "亲子烘焙",
    "slug": "kids-baking",
    "description": "周末和孩子一起揉面团",
    "visibility": "public",
    "hostPhone": "13811112222",
}


@pytest.fixture
async def world(collaborators: Collaborators) -> dict[str, Any]:
    boss = await make_member(display_name="运营小林", roles=(Role.RESIDENT, Role.ADMIN))
    lead = await make_member(phone="13811112222", display_name="陈姐")
    other = await make_member(phone="13833334444", display_name="阿哲")
    group = await admin.create_group(collaborators, boss, group_input(), [lead.id])
    return {"admin": boss, "lead": lead, "other": other, "group": group}


async def snapshot() -> tuple[Any, ...]:
    fields = ("name", "slug", "archived_at", "host_id", "cover_url")
    groups = await InterestGroup.all().order_by("id").values_list(*fields)
    hosts = await GroupHost.all().order_by("id").values_list("group_id", "member_id")
    return (groups, hosts, await AuditLogEntry.all().count())


def requests(world: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    g, other, lead = world["group"].id, world["other"], world["lead"]
    return [
        ("GET", "/admin/groups", {}),
        ("POST", "/admin/groups", CREATE),
        ("GET", f"/admin/groups/{g}", {}),
        ("POST", f"/admin/groups/{g}", {**CREATE, "hostPhone": ""}),
        ("POST", f"/admin/groups/{g}/hosts/appoint", {"phone": other.phone}),
        ("POST", f"/admin/groups/{g}/hosts/{lead.id}/remove", {}),
        ("POST", f"/admin/groups/{g}/hosts/{other.id}/lead", {}),
        ("POST", f"/admin/groups/{g}/archive", {}),
        ("POST", f"/admin/groups/{g}/restore", {}),
    ]


@pytest.mark.parametrize(
    "roles",
    [(Role.RESIDENT,), (Role.RESIDENT, Role.HOST), (Role.RESIDENT, Role.MODERATOR), ()],
    ids=["resident", "host", "moderator", "anonymous"],
)
async def test_every_group_page_is_refused_to_anyone_but_admins(
    client: httpx.AsyncClient,
    collaborators: Collaborators,
    world: dict[str, Any],
    roles: tuple[Role, ...],
) -> None:
    await admin.appoint_host(collaborators, world["admin"], world["group"].id, world["other"].id)
    # A signed-out visitor's token is valid, so the sign-in check is what refuses them.
    csrf = await log_in(client, await make_member(roles=roles)) if roles else ""
    csrf = csrf or await visitor_csrf(client)
    before = await snapshot()
    for method, url, data in requests(world):
        response = await client.request(method, url, data=data or None, headers=htmx(csrf))
        if roles:
            assert response.status_code == 403, (method, url)
        else:
            assert response.headers.get("HX-Redirect") == "/login", (method, url)
    assert await snapshot() == before


async def test_an_admin_creates_a_group_with_a_host_found_by_phone(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    estate = await make_estate("阳光花园")
    csrf = await log_in(client, world["admin"])
    home = await client.get("/admin")
    assert 'href="/admin/groups"' in home.text
    listing = await client.get("/admin/groups")
    assert listing.status_code == 200 and "阳台种菜" in listing.text and "陈姐" in listing.text
    assert "阳光花园" in listing.text  # the estate select lists active estates
    form = {**CREATE, "visibility": "estate", "estateId": str(estate.id)}
    created = await client.post("/admin/groups", data=form, headers=htmx(csrf))
    group = await InterestGroup.get(slug="kids-baking")
    assert created.status_code == 200
    assert created.headers["HX-Redirect"] == f"/admin/groups/{group.id}"
    assert (group.estate_id, group.host_id) == (estate.id, world["lead"].id)
    assert await GroupHost.exists(group_id=group.id, member_id=world["lead"].id)
    page = await client.get(f"/admin/groups/{group.id}")
    assert page.status_code == 200 and "亲子烘焙" in page.text and "138****2222" in page.text


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"hostPhone": "13999999999"}, "没有使用这个手机号的成员"),
        ({"slug": "balcony-garden"}, "这个网址名已被其他小组使用"),
        ({"slug": "Kids Baking"}, "网址名须为"),
        ({"visibility": "estate", "estateId": ""}, "请选择小区"),
        ({"visibility": "estate", "estateId": "archived"}, "该小区已停用，小组不能设在这里"),
    ],
    ids=["unknown-phone", "taken-slug", "bad-slug", "no-estate", "archived-estate"],
)
async def test_a_refused_creation_comes_back_at_422_with_the_message(
    client: httpx.AsyncClient,
    collaborators: Collaborators,
    world: dict[str, Any],
    changes: dict[str, str],
    field_message: str,
) -> None:
    if changes.get("estateId") == "archived":
        closed = await make_estate("旧小区")
        await Estate.filter(id=closed.id).update(archived_at=collaborators.clock.now())
        changes = {**changes, "estateId": str(closed.id)}
    csrf = await log_in(client, world["admin"])
    refused = await client.post("/admin/groups", data={**CREATE, **changes}, headers=htmx(csrf))
    assert refused.status_code == 422
    assert field_message in refused.text and 'id="create-group-form"' in refused.text
    assert "周末和孩子一起揉面团" in refused.text  # the form keeps what was typed
    assert await InterestGroup.all().count() == 1


async def test_an_admin_edits_appoints_removes_and_archives_on_the_group_page(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    group, lead, other = world["group"], world["lead"], world["other"]
    csrf = await log_in(client, world["admin"])
    base = f"/admin/groups/{group.id}"
    edit = {"name": "阳台菜园", "slug": "balcony", "description": "新简介", "visibility": "public"}
    saved = await client.post(base, data=edit, headers=htmx(csrf))
    assert saved.status_code == 200 and "已保存" in saved.text
    assert (await InterestGroup.get(id=group.id)).slug == "balcony"
    bad = await client.post(base, data={**edit, "slug": "-"}, headers=htmx(csrf))
    assert bad.status_code == 422 and "网址名须为" in bad.text

    unknown = await client.post(
        f"{base}/hosts/appoint", data={"phone": "13999999999"}, headers=htmx(csrf)
    )
    assert unknown.status_code == 422 and "没有使用这个手机号的成员" in unknown.text
    appointed = await client.post(
        f"{base}/hosts/appoint", data={"phone": other.phone}, headers=htmx(csrf)
    )
    assert appointed.status_code == 200 and "阿哲" in appointed.text
    assert await GroupHost.exists(group_id=group.id, member_id=other.id)
    assert (await Member.get(id=other.id)).has_role(Role.HOST)
    assert await GroupMembership.exists(group_id=group.id, member_id=other.id)

    removed = await client.post(f"{base}/hosts/{lead.id}/remove", headers=htmx(csrf))
    assert removed.status_code == 200 and "陈姐" not in removed.text
    assert (await InterestGroup.get(id=group.id)).host_id == other.id
    last = await client.post(f"{base}/hosts/{other.id}/remove", headers=htmx(csrf))
    assert last.status_code == 422 and "小组至少要有一位主理人" in last.text
    assert await GroupHost.filter(group_id=group.id).count() == 1

    archived = await client.post(f"{base}/archive", headers=htmx(csrf))
    assert archived.status_code == 200 and "恢复小组" in archived.text
    assert (await InterestGroup.get(id=group.id)).archived_at is not None
    assert "已归档" in (await client.get("/admin/groups")).text
    restored = await client.post(f"{base}/restore", headers=htmx(csrf))
    assert restored.status_code == 200 and "归档小组" in restored.text
    assert (await InterestGroup.get(id=group.id)).archived_at is None


async def test_an_archived_group_shows_as_archived_takes_no_joins_and_leaves_the_composer(
    client: httpx.AsyncClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    group = world["group"]
    await admin.archive_group(collaborators, world["admin"], group.id)
    resident = await make_member()
    csrf = await log_in(client, resident)
    page = await client.get(f"/groups/{group.slug}")
    assert page.status_code == 200 and "这个小组已归档" in page.text
    assert f"/groups/{group.id}/join" not in page.text
    assert "已归档" in (await client.get("/groups")).text
    joined = await client.post(f"/groups/{group.id}/join", headers=htmx(csrf))
    assert joined.status_code == 422 and "这个小组已归档" in joined.text
    assert not await GroupMembership.exists(group_id=group.id, member_id=resident.id)
    share = await client.get("/share")
    assert f'<option value="{group.id}"' not in share.text


async def test_an_admin_makes_a_co_host_the_lead_and_a_non_host_cannot_be_made_lead(
    client: httpx.AsyncClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    group, lead, other = world["group"], world["lead"], world["other"]
    csrf = await log_in(client, world["admin"])
    base = f"/admin/groups/{group.id}"
    before = await snapshot()
    stranger = await client.post(f"{base}/hosts/{other.id}/lead", headers=htmx(csrf))
    assert stranger.status_code == 422 and "这位成员不是本组的主理人" in stranger.text
    assert await snapshot() == before

    await admin.appoint_host(collaborators, world["admin"], group.id, other.id)
    made = await client.post(f"{base}/hosts/{other.id}/lead", headers=htmx(csrf))
    assert made.status_code == 200
    assert f'/hosts/{lead.id}/lead"' in made.text  # the former lead can be made lead again
    assert f'/hosts/{other.id}/lead"' not in made.text
    assert (await InterestGroup.get(id=group.id)).host_id == other.id
    assert await GroupHost.exists(group_id=group.id, member_id=lead.id)  # still a co-host
    entry = await AuditLogEntry.get(action="LEAD_HOST_SET")
    assert (entry.actor_id, entry.target_id) == (world["admin"].id, group.id)
    assert (entry.before, entry.after) == ({"host_id": lead.id}, {"host_id": other.id})


async def upload(client: httpx.AsyncClient, csrf: str) -> str:
    """An image uploaded the way the group form's cover field does it; its id."""
    files = {"file": ("cover.jpg", encoded((320, 200)), "image/jpeg")}
    response = await client.post("/api/uploads", files=files, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def cover_form_url(world: dict[str, Any], form: str) -> str:
    return "/admin/groups" if form == "create" else f"/admin/groups/{world['group'].id}"


@pytest.mark.parametrize("form", ["create", "edit"])
async def test_the_cover_is_set_from_an_image_uploaded_in_the_group_form(
    client: httpx.AsyncClient, world: dict[str, Any], form: str
) -> None:
    csrf = await log_in(client, world["admin"])
    cover_id = await upload(client, csrf)
    image = await Image.get(owner_id=world["admin"].id)
    data = {**CREATE, "coverImageId": cover_id}
    response = await client.post(cover_form_url(world, form), data=data, headers=htmx(csrf))
    assert response.status_code == 200, response.text
    group = await InterestGroup.get(slug="kids-baking")
    assert group.cover_url == f"/media/{image.storage_key}"
    page = await client.get(f"/admin/groups/{group.id}")
    assert f'src="/media/{image.storage_key}"' in page.text
    assert (await client.get(group.cover_url)).status_code == 200


@pytest.mark.parametrize("cover", ["unknown", "someone else's", "not an id"])
@pytest.mark.parametrize("form", ["create", "edit"])
async def test_a_cover_that_is_not_the_admins_upload_comes_back_at_422_changing_nothing(
    client: httpx.AsyncClient, world: dict[str, Any], form: str, cover: str
) -> None:
    covers = {
        "unknown": encode_id("Image", 999_999),
        "someone else's": encode_id("Image", (await make_image(world["other"])).id),
        "not an id": "not-an-image",
    }
    csrf = await log_in(client, world["admin"])
    before = await snapshot()
    data = {**CREATE, "coverImageId": covers[cover]}
    refused = await client.post(cover_form_url(world, form), data=data, headers=htmx(csrf))
    assert refused.status_code == 422
    message = "编号无效" if cover == "not an id" else "图片不存在，请重新上传"
    assert message in refused.text
    assert await snapshot() == before
