"""The first run's pages (the setup page in front of everything while there is no admin), the
brand in every page's header, the public about page and the brand's admin page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest
import pytest_asyncio

from asgi import create_app
from domain.collaborators import Collaborators
from domain.groups.models import InterestGroup
from domain.identity.models import Member, PickupPoint, Role
from domain.posts.models import AuditLogEntry
from domain.programme import brand, first_run
from domain.programme.models import BrandProfile
from tests.factories import CLOCK_START, make_estate, make_member
from tests.portal.test_points_pages import HTMX, htmx, log_in, sent_to_log_in, visitor_csrf
from tests.sqlcount import count_sql


@pytest_asyncio.fixture
async def fresh(collaborators: Collaborators) -> AsyncIterator[httpx.AsyncClient]:
    """A server started without the demo (``linli serve --no-demo`` / ``LINLI_DEMO=0``)."""
    c = replace(collaborators, settings=collaborators.settings.with_overrides(demo=False))
    app = create_app(c.settings, c, manage_stores=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def setup_fields(code: str, **changes: str) -> dict[str, str]:
    return {
        "setupCode": code,
        "brandName": "青禾邻里",
        "phone": "13700000001",
        "displayName": "运营小王",
        "password": "first-admin-2026",
        **changes,
    }


async def test_every_page_leads_to_the_setup_page_while_there_is_no_admin(
    fresh: httpx.AsyncClient,
) -> None:
    for path in ("/", "/groups", "/login", "/admin", "/admin/brand", "/about"):
        response = await fresh.get(path)
        assert (response.status_code, response.headers.get("location")) == (303, "/setup"), path
    fragment = await fresh.get("/groups", headers=HTMX)
    assert fragment.headers["HX-Redirect"] == "/setup"
    setup = await fresh.get("/setup")
    assert setup.status_code == 200
    for element in ('id="setup-form"', 'id="f-setupCode"', 'id="f-brandName"', 'id="f-phone"'):
        assert element in setup.text
    # Static files, health and GraphQL work as always.
    assert (await fresh.get("/static/linli.css")).status_code == 200
    assert (await fresh.get("/healthz")).status_code == 200
    graphql = await fresh.post("/graphql", json={"query": "{ brand { name } }"})
    assert graphql.json() == {"data": {"brand": {"name": "邻里"}}}


async def test_the_setup_page_creates_the_admin_and_the_brand_and_signs_in(
    fresh: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    code = await first_run.issue_setup_code(collaborators)
    assert code is not None
    csrf = csrf_of((await fresh.get("/setup")).text)
    done = await fresh.post("/setup", data={"csrf_token": csrf, **setup_fields(code)})
    assert (done.status_code, done.headers["location"]) == (303, "/admin")
    admin = await Member.get(phone="13700000001")
    assert admin.has_role(Role.ADMIN) and admin.display_name == "运营小王"
    assert (await BrandProfile.get()).name == "青禾邻里"
    home = await fresh.get("/admin")  # signed in as the new admin
    assert home.status_code == 200
    assert 'id="getting-started"' in home.text
    assert 'href="/admin/estates"' in home.text and 'href="/admin/groups"' in home.text
    assert '<a class="brand" id="brand" href="/">青禾邻里</a>' in home.text
    assert "<title>后台 · 青禾邻里</title>" in home.text
    assert (await fresh.get("/")).status_code == 200  # the setup page no longer stands in front


async def test_a_wrong_setup_code_is_refused_with_the_form_again(
    fresh: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    code = await first_run.issue_setup_code(collaborators)
    csrf = csrf_of((await fresh.get("/setup")).text)
    refused = await fresh.post(
        "/setup", data=setup_fields("WRONG-CODE-0000-0000"), headers=htmx(csrf)
    )
    assert refused.status_code == 422
    assert "设置码不正确" in refused.text and 'id="setup-form"' in refused.text
    assert "<html" not in refused.text and 'value="13700000001"' in refused.text
    assert await Member.all().count() == 0 and not await BrandProfile.exists()
    assert await collaborators.redis.get(first_run.CODE_KEY) == code


async def test_the_setup_page_is_closed_once_an_admin_exists(
    fresh: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    code = await first_run.issue_setup_code(collaborators)
    assert code is not None
    csrf = csrf_of((await fresh.get("/setup")).text)
    await make_member(roles=(Role.ADMIN,))
    again = await fresh.post("/setup", data={"csrf_token": csrf, **setup_fields(code)})
    assert (again.status_code, again.headers["location"]) == (303, "/admin")
    assert (await fresh.get("/setup")).headers["location"] == "/admin"
    assert await Member.all().count() == 1 and not await BrandProfile.exists()


async def test_with_the_demo_setting_on_pages_work_without_an_admin(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/groups")).status_code == 200


async def test_the_getting_started_checklist_goes_once_there_is_an_estate_and_a_group(
    client: httpx.AsyncClient,
) -> None:
    estate = await make_estate()
    admin = await make_member(estate=estate, roles=(Role.ADMIN,))
    await log_in(client, admin)
    assert 'id="getting-started"' in (await client.get("/admin")).text
    await PickupPoint.create(
        estate=estate, name="东门", address="东门岗亭", opening_hours="9-18", created_at=CLOCK_START
    )
    await InterestGroup.create(
        name="阳台种菜", slug="balcony", description="", host=admin, created_at=CLOCK_START
    )
    home = await client.get("/admin")
    assert home.status_code == 200 and 'id="getting-started"' not in home.text
    assert 'href="/admin/brand"' in home.text


# The brand on every page ---------------------------------------------------------------------


async def test_the_brand_name_and_logo_replace_the_default_in_the_header(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    before = await client.get("/groups")
    assert '<a class="brand" id="brand" href="/">邻里</a>' in before.text
    admin = await make_member(roles=(Role.ADMIN,))
    await brand.update_brand(collaborators, admin, "青禾<邻里>", "")
    await BrandProfile.filter(version=1).update(logo_url="/media/logo.png")
    await brand.forget_current_brand(collaborators)
    after = await client.get("/groups")
    assert '<img class="brand-logo" src="/media/logo.png" alt="">青禾&lt;邻里&gt;</a>' in after.text
    assert "· 青禾&lt;邻里&gt;</title>" in after.text


async def test_the_about_page_shows_the_text_as_escaped_paragraphs(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=(Role.ADMIN,))
    about = "我们是邻居。<script>alert(1)</script>\n第一段第二行\n\n<b>第二段</b>"
    await brand.update_brand(collaborators, admin, "青禾", about)
    page = await client.get("/about")
    assert page.status_code == 200
    assert "<p>我们是邻居。&lt;script&gt;alert(1)&lt;/script&gt;\n第一段第二行</p>" in page.text
    assert "<p>&lt;b&gt;第二段&lt;/b&gt;</p>" in page.text and "<script>alert" not in page.text


async def test_a_page_sends_no_sql_for_the_brand_once_it_is_kept(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=(Role.ADMIN,))
    await brand.update_brand(collaborators, admin, "青禾", "关于我们")
    with count_sql() as cold:
        assert (await client.get("/about")).status_code == 200
    with count_sql() as warm:
        assert "关于我们" in (await client.get("/about")).text
    assert len(cold) == 1 and warm == []


# The brand's admin page ----------------------------------------------------------------------


async def test_an_admin_saves_the_brand_from_its_page_and_sees_the_versions(
    client: httpx.AsyncClient,
) -> None:
    admin = await make_member(display_name="运营小林", roles=(Role.ADMIN,))
    csrf = await log_in(client, admin)
    form = await client.get("/admin/brand")
    assert form.status_code == 200 and 'id="brand-form"' in form.text
    saved = await client.post(
        "/admin/brand", data={"csrf_token": csrf, "name": "青禾邻里", "about": "你好"}
    )
    assert (saved.status_code, saved.headers["location"]) == (303, "/admin/brand?saved=1")
    row = await BrandProfile.get()
    assert (row.version, row.name, row.about, row.created_by_id) == (
        1,
        "青禾邻里",
        "你好",
        admin.id,
    )
    assert await AuditLogEntry.filter(action="BRAND_UPDATED").count() == 1
    page = await client.get("/admin/brand?saved=1")
    assert 'id="brand-saved"' in page.text and "v1 · 青禾邻里" in page.text
    assert "运营小林" in page.text and 'value="青禾邻里"' in page.text


async def test_a_blank_brand_name_re_renders_the_form_with_the_message(
    client: httpx.AsyncClient,
) -> None:
    csrf = await log_in(client, await make_member(roles=(Role.ADMIN,)))
    refused = await client.post(
        "/admin/brand", data={"name": " ", "about": "留着"}, headers=htmx(csrf)
    )
    assert refused.status_code == 422
    assert "请填写品牌名称" in refused.text and 'id="brand-form"' in refused.text
    assert "<html" not in refused.text and "留着" in refused.text
    assert not await BrandProfile.exists()


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.HOST, Role.MODERATOR])
async def test_every_other_role_is_refused_the_brand_page(
    client: httpx.AsyncClient, role: Role
) -> None:
    csrf = await log_in(client, await make_member(roles=(role,)))
    assert (await client.get("/admin/brand")).status_code == 403
    posted = await client.post("/admin/brand", data={"csrf_token": csrf, "name": "夺权"})
    assert posted.status_code == 403
    assert not await BrandProfile.exists() and not await AuditLogEntry.exists()


async def test_a_visitor_is_sent_to_log_in_from_the_brand_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin/brand")
    assert response.status_code == 303 and response.headers["location"] == "/login"


@pytest.mark.parametrize("htmx_request", [False, True], ids=["plain-form", "htmx"])
async def test_a_signed_out_post_with_a_valid_csrf_token_is_sent_to_log_in_changing_nothing(
    client: httpx.AsyncClient, htmx_request: bool
) -> None:
    csrf = await visitor_csrf(client)
    data = {"name": "夺权", "about": "改掉介绍"}
    if htmx_request:
        posted = await client.post("/admin/brand", data=data, headers=htmx(csrf))
        assert (posted.status_code, posted.headers.get("HX-Redirect")) == (200, "/login")
    else:
        posted = await client.post("/admin/brand", data={**data, "csrf_token": csrf})
        assert sent_to_log_in(posted), (posted.status_code, posted.text[:200])
    assert not await BrandProfile.exists() and not await AuditLogEntry.exists()
