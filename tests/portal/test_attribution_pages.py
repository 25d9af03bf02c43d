"""The dashboard's 种草带货 table: admins see the posts credited with the period's purchases, as
the attribution report computes them; hosts, whose dashboard is their groups', do not."""

from __future__ import annotations

import httpx

from domain.collaborators import Collaborators
from domain.identity.models import Role
from tests.domain.events_helpers import make_group, make_host
from tests.domain.test_attribution_report import worked_example
from tests.factories import make_member
from tests.portal.test_points_pages import log_in

NOVEMBER = "/admin/dashboard?from=2026-11-01&to=2026-11-21"  # the clock stands at 21 November


async def test_an_admin_sees_which_posts_sold_in_the_period(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    p1, p2, p3 = await worked_example(collaborators)
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    page = await client.get(NOVEMBER)
    assert page.status_code == 200
    table = page.text.split('id="top-posts"')[1].split("</section>")[0]
    assert "种草带货" in page.text
    rows = table.split("<tbody>")[1].split("</tr>")
    assert f'href="/posts/{p2.id}"' in rows[0] and "¥100.00" in rows[0] and "¥75.00" in rows[0]
    assert "50.0%" in rows[0]
    assert f'href="/posts/{p3.id}"' in rows[1] and "¥30.00" in rows[1]
    assert f'href="/posts/{p1.id}"' in rows[2] and "¥0.00" in rows[2] and "¥25.00" in rows[2]

    october = await client.get("/admin/dashboard?from=2026-10-01&to=2026-10-31")
    assert "给帖子标注商品" in october.text.split('id="top-posts"')[1]


async def test_a_host_does_not_see_the_brand_wide_table(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    await worked_example(collaborators)
    host = await make_host()
    group = await make_group(host)
    await log_in(client, host)
    page = await client.get(f"{NOVEMBER}&group={group.id}")
    assert page.status_code == 200 and 'id="top-posts"' not in page.text
