"""Name search in the portal: the neighbours and groups whose names hold the query, above the
posts on the results page and in the header's results as you type."""

from __future__ import annotations

import httpx

from domain.collaborators import Collaborators
from tests.domain.search_helpers import author, publish
from tests.domain.test_groups import make_group
from tests.factories import make_estate, make_member
from tests.portal.test_points_pages import HTMX, log_in


async def test_neighbours_and_groups_come_above_the_posts(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    home, other = await make_estate("翠湖花园"), await make_estate("绿地小区")
    wang = await make_member(estate=home, display_name="邻居小王", phone="13811112222")
    await make_member(estate=other, display_name="小王同学", phone="13833334444")
    host = await make_member(estate=home, display_name="主理人")
    await make_group(collaborators, host, "小王的阳台")
    archived = await make_group(collaborators, host, "小王旧群")
    archived.archived_at = collaborators.clock.now()
    await archived.save(update_fields=["archived_at"])
    await publish(collaborators, await author(collaborators), "小王的番茄", "小王种的番茄熟了")
    signed_out = await client.get("/search", params={"q": "小王"})
    assert "<h2>小组</h2>" in signed_out.text and "<h2>邻居</h2>" not in signed_out.text
    await log_in(client, await make_member(estate=home, display_name="张阿姨"))
    found = await client.get("/search", params={"q": "小王"})
    text = found.text
    assert found.status_code == 200
    assert f'<a href="/members/{wang.id}">邻居<mark>小王</mark></a>' in text
    assert '<a href="/groups/g-小王的阳台"><mark>小王</mark>的阳台</a>' in text
    assert text.index("<h2>邻居</h2>") < text.index("<h2>小组</h2>") < text.index("search-hit")
    assert "小王同学" not in text and "旧群" not in text
    assert "1381111" not in text and "1383333" not in text
    typed = await client.get("/search/suggest", params={"q": "小王"}, headers=HTMX)
    assert f'href="/members/{wang.id}"' in typed.text and "/groups/g-小王的阳台" in typed.text
    assert "<html" not in typed.text and "1381111" not in typed.text
    initials = await client.get("/search/suggest", params={"q": "ljxw"}, headers=HTMX)
    assert f'<a href="/members/{wang.id}">邻居小王</a>' in initials.text


async def test_a_name_of_wildcards_is_found_literally_and_is_no_error(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    home = await make_estate()
    hundred = await make_member(estate=home, display_name="100%满意")
    await make_member(estate=home, display_name="100满意")
    await log_in(client, await make_member(estate=home, display_name="张阿姨"))
    found = await client.get("/search", params={"q": "%"})
    assert f'<a href="/members/{hundred.id}">100<mark>%</mark>满意</a>' in found.text
    assert "100满意" not in found.text and 'role="alert"' not in found.text
    nothing = await client.get("/search/suggest", params={"q": "红烧肉"}, headers=HTMX)
    assert "<li>" not in nothing.text and "name-hits" not in nothing.text
