"""Portal pages: Chinese pages, CSRF, htmx fragments at 422, the session, security headers."""

from __future__ import annotations

import re

import httpx

from domain.identity.models import Member, MemberInterestTag
from tests.factories import PASSWORD, make_estate, make_image, make_member, make_tag
from web.ids import encode_id

HTMX = {"HX-Request": "true"}


async def csrf_of(client: httpx.AsyncClient, path: str = "/register") -> str:
    page = await client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def register_form(csrf: str, estate_id: int, **changes: str) -> dict[str, str]:
    form = {
        "csrf_token": csrf,
        "phone": "13812345678",
        "password": PASSWORD,
        "displayName": "邻居小王",
        "estateId": str(estate_id),
        "acceptPrivacyPolicy": "on",
    }
    form.update(changes)
    return form


async def test_pages_are_in_chinese_with_the_pinned_htmx_and_no_inline_script(
    client: httpx.AsyncClient,
) -> None:
    await make_estate()
    for path in ("/", "/register", "/login", "/privacy"):
        page = await client.get(path)
        assert page.status_code == 200
        assert '<html lang="zh-CN">' in page.text
        assert "/static/htmx-2.0.11.min.js" in page.text
        assert "<script>" not in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-content-type-options"] == "nosniff"
    assert "加入邻里社区" in (await client.get("/register")).text
    assert "翠湖花园" in (await client.get("/register")).text


async def test_the_vendored_htmx_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/htmx-2.0.11.min.js")
    assert response.status_code == 200 and "htmx" in response.text[:2000]


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    estate = await make_estate()
    await client.get("/register")
    response = await client.post("/register", data=register_form("forged", estate.id))
    assert response.status_code == 403
    assert await Member.all().count() == 0


async def test_registering_signs_the_resident_in_and_shows_their_profile(
    client: httpx.AsyncClient,
) -> None:
    estate = await make_estate()
    csrf = await csrf_of(client)
    response = await client.post("/register", data=register_form(csrf, estate.id))
    assert response.status_code == 303 and response.headers["location"] == "/profile"
    profile = await client.get("/profile")
    assert profile.status_code == 200
    assert "邻居小王" in profile.text and "13812345678" in profile.text
    assert "138****5678" in profile.text


async def test_bad_registration_rerenders_the_form_fragment_at_422_keeping_what_was_typed(
    client: httpx.AsyncClient,
) -> None:
    estate = await make_estate()
    csrf = await csrf_of(client)
    form = register_form(csrf, estate.id, phone="12345", password="short", displayName="阿花")
    response = await client.post("/register", data=form, headers=HTMX | {"X-CSRF-Token": csrf})
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="register-form"')
    assert "请输入11位中国大陆手机号" in response.text and "密码至少8位" in response.text
    assert 'value="阿花"' in response.text and "short" not in response.text
    assert await Member.all().count() == 0


async def test_inline_validation_checks_one_field(client: httpx.AsyncClient) -> None:
    await make_member(phone="13812345678")
    csrf = await csrf_of(client)
    headers = HTMX | {"X-CSRF-Token": csrf}
    taken = await client.post(
        "/register/check?field=phone", data={"phone": "13812345678"}, headers=headers
    )
    assert "已注册" in taken.text
    fine = await client.post(
        "/register/check?field=phone", data={"phone": "13912345678"}, headers=headers
    )
    assert fine.text.strip() == '<p id="msg-phone" class="field-message" aria-live="polite"></p>'


async def test_logging_in_and_out(client: httpx.AsyncClient) -> None:
    await make_member(phone="13812345678", display_name="老张")
    csrf = await csrf_of(client, "/login")
    wrong = await client.post(
        "/login", data={"csrf_token": csrf, "phone": "13812345678", "password": "nope-nope"}
    )
    assert wrong.status_code == 422 and "手机号或密码不正确" in wrong.text
    ok = await client.post(
        "/login", data={"csrf_token": csrf, "phone": "13812345678", "password": PASSWORD}
    )
    assert ok.status_code == 303
    home = await client.get("/")
    assert "你好，老张" in home.text
    new_csrf = re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)  # type: ignore[union-attr]
    assert new_csrf != csrf  # rotated at login
    out = await client.post("/logout", data={"csrf_token": new_csrf})
    assert out.status_code == 303
    assert (await client.get("/profile")).headers.get("location") == "/login"


async def test_flooding_the_login_form_is_rate_limited_with_retry_after(
    client: httpx.AsyncClient,
) -> None:
    csrf = await csrf_of(client, "/login")
    statuses = []
    for _ in range(11):
        response = await client.post(
            "/login", data={"csrf_token": csrf, "phone": "13812345678", "password": "wrong-pw"}
        )
        statuses.append(response.status_code)
    assert statuses == [422] * 10 + [429]
    assert int(response.headers["retry-after"]) >= 1 and "操作太频繁" in response.text


async def test_editing_the_profile_saves_and_bad_input_shows_messages(
    client: httpx.AsyncClient,
) -> None:
    estate = await make_estate()
    tag = await make_tag("烘焙达人")
    member = await make_member(phone="13812345678", estate=estate)
    csrf = await csrf_of(client, "/login")
    await client.post(
        "/login", data={"csrf_token": csrf, "phone": "13812345678", "password": PASSWORD}
    )
    csrf = await csrf_of(client, "/profile")
    headers = HTMX | {"X-CSRF-Token": csrf}
    saved = await client.post(
        "/profile",
        data={"displayName": "烘焙妈妈", "estateId": str(estate.id), "interestTagIds": str(tag.id)},
        headers=headers,
    )
    assert saved.status_code == 200 and "已保存" in saved.text
    assert (await Member.get(id=member.id)).display_name == "烘焙妈妈"
    assert await MemberInterestTag.filter(member=member, tag=tag).exists()
    bad = await client.post(
        "/profile", data={"displayName": "", "estateId": "999"}, headers=headers
    )
    assert bad.status_code == 422 and "请填写昵称" in bad.text and "小区不存在" in bad.text
    assert (await Member.get(id=member.id)).display_name == "烘焙妈妈"


async def test_a_resident_sets_an_avatar_from_their_own_upload_on_the_profile_page(
    client: httpx.AsyncClient,
) -> None:
    member = await make_member(phone="13812345678", estate=await make_estate())
    neighbours = await make_image(await make_member())
    mine = await make_image(member)
    csrf = await csrf_of(client, "/login")
    await client.post(
        "/login", data={"csrf_token": csrf, "phone": "13812345678", "password": PASSWORD}
    )
    page = await client.get("/profile")
    assert 'data-upload-name="avatarImageId"' in page.text and "linli.js" in page.text
    headers = HTMX | {"X-CSRF-Token": await csrf_of(client, "/profile")}
    form = {"displayName": "邻居", "estateId": str(member.estate_id)}
    for refused, message in ((encode_id("Image", neighbours.id), "图片不存在"), ("x", "编号无效")):
        bad = await client.post("/profile", data=form | {"avatarImageId": refused}, headers=headers)
        assert bad.status_code == 422 and message in bad.text
    assert (await Member.get(id=member.id)).avatar_url is None
    saved = await client.post(
        "/profile", data=form | {"avatarImageId": encode_id("Image", mine.id)}, headers=headers
    )
    assert saved.status_code == 200 and f'src="/media/{mine.storage_key}"' in saved.text
    assert (await Member.get(id=member.id)).avatar_url == f"/media/{mine.storage_key}"


async def test_healthz_reports_database_redis_and_migrations(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "redis": "ok"},
    }


async def test_a_bearer_authenticated_post_needs_no_csrf_token_but_a_cookie_one_does(
    client: httpx.AsyncClient,
) -> None:
    """A bearer header cannot be forged cross-site, a session cookie can: it needs the token."""
    member = await make_member(phone="13812345678")
    csrf = await csrf_of(client, "/login")
    await client.post(
        "/login", data={"csrf_token": csrf, "phone": "13812345678", "password": PASSWORD}
    )
    with_cookie_only = await client.post("/profile", data={"displayName": "伪造"})
    assert with_cookie_only.status_code == 403
    bearer = await client.post(
        "/profile", data={"displayName": "伪造"}, headers={"Authorization": "Bearer nothing"}
    )
    assert bearer.status_code != 403
    assert (await Member.get(id=member.id)).display_name != "伪造"
