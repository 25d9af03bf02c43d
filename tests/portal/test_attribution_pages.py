"""The attribution pages: the dashboard's 带货食谱榜 (loaded after the page) and /admin/attribution
with its CSV for admins, by post, group, host and product as the report computes them; the host
console's figure for the host's own groups; hosts and residents do not see the brand-wide tables."""

from __future__ import annotations

import httpx

from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.posts.models import Post, PostKind
from tests.domain.events_helpers import make_group, make_host
from tests.domain.test_attribution_report import groups_and_hosts, worked_example
from tests.factories import make_member
from tests.portal.test_points_pages import log_in

NOVEMBER = "/admin/dashboard?from=2026-11-01&to=2026-11-21"  # the clock stands at 21 November
RECIPES = "/admin/attribution/recipes?from=2026-11-01&to=2026-11-21"


async def test_an_admin_sees_which_recipes_sold_in_the_period(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    p1, p2, p3 = await worked_example(collaborators)
    await Post.filter(id__in=[p1.id, p2.id, p3.id]).update(kind=PostKind.RECIPE)
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    page = await client.get(NOVEMBER)
    assert page.status_code == 200
    # The dashboard asks for the table after it has loaded, for the period it shows.
    section = page.text.split('id="top-posts"')[1].split("</section>")[0]
    assert 'hx-get="/admin/attribution/recipes?from=2026-11-01&amp;to=2026-11-21"' in section
    assert 'hx-trigger="load"' in section and "带货食谱榜" in section

    fragment = await client.get(RECIPES)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    rows = fragment.text.split("<tbody>")[1].split("</tr>")
    assert f'href="/posts/{p2.id}"' in rows[0] and "¥100.00" in rows[0] and "¥75.00" in rows[0]
    assert "50.0%" in rows[0]
    assert f'href="/posts/{p3.id}"' in rows[1] and "¥30.00" in rows[1]
    assert f'href="/posts/{p1.id}"' in rows[2] and "¥0.00" in rows[2] and "¥25.00" in rows[2]

    october = await client.get("/admin/attribution/recipes?from=2026-10-01&to=2026-10-31")
    assert "给食谱标注商品" in october.text
    await Post.filter(id=p2.id).update(kind=PostKind.STORY)  # the table lists recipes only
    assert f'href="/posts/{p2.id}"' not in (await client.get(RECIPES)).text
    bad = await client.get("/admin/attribution/recipes?from=2026-11-21&to=2026-11-01")
    assert bad.status_code == 422


async def test_a_host_does_not_see_the_brand_wide_table(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    await worked_example(collaborators)
    host = await make_host()
    group = await make_group(host)
    await log_in(client, host)
    page = await client.get(f"{NOVEMBER}&group={group.id}")
    assert page.status_code == 200 and 'id="top-posts"' not in page.text
    assert (await client.get(RECIPES)).status_code == 403


REPORT = "/admin/attribution?from=2026-11-01&to=2026-11-21"


async def test_the_report_by_group_host_and_product_with_its_csv(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    _g1, _g2, h1, _h2 = await groups_and_hosts(collaborators)
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))

    groups = await client.get(f"{REPORT}&by=GROUP")
    assert groups.status_code == 200
    rows = groups.text.split('id="attribution-rows"')[1].split("<tbody>")[1].split("</tr>")
    assert 'href="/groups/coffee"' in rows[0] and "¥100.00" in rows[0] and "¥75.00" in rows[0]
    assert 'href="/groups/baking"' in rows[1] and "¥30.00" in rows[1] and "¥55.00" in rows[1]
    assert "<svg" in groups.text.split('id="attribution-chart"')[1].split("</section>")[0]
    assert "selected>小组" in groups.text

    hosts = await client.get(f"{REPORT}&by=host")  # any case
    first = hosts.text.split("<tbody>")[1].split("</tr>")[0]
    assert f'href="/admin/members/{h1}"' in first and "¥130.00" in first and "50.0%" in first

    csv = await client.get("/admin/attribution.csv?from=2026-11-01&to=2026-11-21&by=PRODUCT")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attribution-product-20261101-20261121.csv" in csv.headers["content-disposition"]
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("SKU,名称,")
    assert lines[1:] == [
        "BEAN,BEAN,50.00,50.00,0.50,1,3,33.3%",
        "MUG,MUG,50.00,50.00,0.50,1,2,50.0%",
        "FLOUR,FLOUR,30.00,30.00,1.00,1,1,100.0%",
    ]


async def test_a_bad_query_re_renders_the_form_and_residents_are_refused(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    bad = await client.get(f"{REPORT}&by=STORE")
    assert bad.status_code == 422 and "请从列表中选择" in bad.text
    assert 'id="attribution-filters"' in bad.text and 'id="attribution-rows"' not in bad.text
    late = await client.get("/admin/attribution?from=2026-11-01&to=2026-12-31")
    assert late.status_code == 422 and "结束日期不能晚于今天" in late.text
    assert (await client.get("/admin/attribution.csv?by=STORE")).status_code == 422

    await log_in(client, await make_member())
    for path in (REPORT, "/admin/attribution.csv"):
        refused = await client.get(path, follow_redirects=False)
        assert refused.status_code in (302, 303, 403)
        assert "text/csv" not in refused.headers.get("content-type", "")


async def test_a_title_that_looks_like_a_formula_stays_text_in_the_csv(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    _p1, p2, _p3 = await worked_example(collaborators)
    await Post.filter(id=p2.id).update(title="=HYPERLINK(1)")
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    csv = await client.get("/admin/attribution.csv?from=2026-11-01&to=2026-11-21")
    assert f"{p2.id},'=HYPERLINK(1),100.00,75.00" in csv.content.decode("utf-8-sig")


async def test_the_host_console_shows_each_groups_attributed_gmv(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    g1, g2, h1, h2 = await groups_and_hosts(collaborators)
    await log_in(client, await Member.get(id=h2))  # co-host of 烘焙 only
    page = await client.get("/host")
    assert page.status_code == 200
    figure = page.text.split(f'id="host-attributed-{g2.id}"')[1].split("</dd>")[0]
    assert "¥30.00" in figure and "¥55.00" in figure
    assert f'id="host-attributed-{g1.id}"' not in page.text

    await log_in(client, await Member.get(id=h1))
    both = await client.get("/host")
    assert "¥100.00" in both.text.split(f'id="host-attributed-{g1.id}"')[1].split("</dd>")[0]


async def test_post_rows_of_one_kind_and_their_csv(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    _p1, p2, p3 = await worked_example(collaborators)
    await Post.filter(id=p3.id).update(kind=PostKind.RECIPE)
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    page = await client.get(f"{REPORT}&kind=recipe")
    rows = page.text.split('id="attribution-rows"')[1].split("</table>")[0]
    assert f'href="/posts/{p3.id}"' in rows and f'href="/posts/{p2.id}"' not in rows
    assert "kind=RECIPE" in page.text  # the CSV link keeps the choice
    csv = await client.get("/admin/attribution.csv?from=2026-11-01&to=2026-11-21&kind=RECIPE")
    assert [line.split(",")[0] for line in csv.content.decode("utf-8-sig").splitlines()[1:]] == [
        str(p3.id)
    ]
    bad = await client.get(f"{REPORT}&kind=VIDEO")
    assert bad.status_code == 422 and 'id="msg-kind"' in bad.text and "请从列表中选择" in bad.text
