"""/admin/playbooks: an admin makes a playbook, reads each arm's figures and switches it off and
on; a refused form comes back with the reasons and what was typed, nothing written; the staff
menu links the page for admins only; other roles get 403."""

from __future__ import annotations

import httpx

from domain.collaborators import Collaborators
from domain.identity.models import Role
from domain.playbooks.models import Playbook
from domain.playbooks.runner import run_playbook
from domain.posts.models import AuditLogEntry
from domain.segments.models import TierChange
from tests.domain.host_console_helpers import buys, moved
from tests.factories import make_member
from tests.portal.test_points_pages import log_in

FORM = {
    "name": "沉睡唤醒",
    "toTier": "DORMANT",
    "fromTier": "",
    "message": "好久不见，送你一份回归积分",
    "bonusPoints": "30",
    "bonusExpiryDays": "14",
    "holdoutPercent": "0",
    "addToWinback": "on",
}


async def test_an_admin_makes_a_playbook_reads_its_report_and_switches_it(
    collaborators: Collaborators, client: httpx.AsyncClient
) -> None:
    c = collaborators
    csrf = await log_in(client, await make_member(roles=(Role.ADMIN,)))
    made = await client.post("/admin/playbooks", data={"csrf_token": csrf, **FORM})
    assert made.status_code == 303
    playbook = await Playbook.get()
    assert (playbook.bonus_points, playbook.holdout_percent, playbook.add_to_winback) == (
        30,
        0,
        True,
    )
    back, away = await make_member(), await make_member()
    for member in (back, away):
        await moved(c, member, "DORMANT", days_ago=-1)
        await run_playbook(c, playbook, await TierChange.get(member_id=member.id))
    await buys(c, back, 1, 5_000, days_ago=-3)
    page = (await client.get("/admin/playbooks")).text
    section = page[page.index(f'id="playbook-{playbook.id}"') :]
    rows = section[
        section.index('<th scope="row">实验组') : section.index('<th scope="row">对照组')
    ]
    treatment = rows
    # 2 members, 1 came back: 50.0 %, 0.50 purchases each, 60 points per member won back.
    assert "<td>2</td>" in treatment and "50.0%" in treatment
    assert "0.50" in treatment and "60.0" in treatment
    chart = section[section.index(f'id="playbook-chart-{playbook.id}"') :].split("</div>")[0]
    assert "<svg" in chart and "实验组" in chart and "对照组" in chart
    assert "两组都有会员后显示" in section.split("</section>")[0]  # no holdout member yet
    csv = await client.get("/admin/playbooks.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("策略ID,名称,原等级,新等级,组别,")
    assert lines[1:] == [
        f"{playbook.id},沉睡唤醒,,DORMANT,实验组,2,2,1,50.0%,1,0.50,60,60.0,,,",
        f"{playbook.id},沉睡唤醒,,DORMANT,对照组,0,0,0,0.0%,0,0.00,0,,,,",
    ]
    off = await client.post(f"/admin/playbooks/{playbook.id}/deactivate", data={"csrf_token": csrf})
    assert off.status_code == 303 and not (await Playbook.get()).active
    assert f"/admin/playbooks/{playbook.id}/activate" in (await client.get("/admin/playbooks")).text
    on = await client.post(f"/admin/playbooks/{playbook.id}/activate", data={"csrf_token": csrf})
    assert on.status_code == 303 and (await Playbook.get()).active
    actions = [e.action for e in await AuditLogEntry.filter(target_type="PLAYBOOK").order_by("id")]
    assert actions == ["PLAYBOOK_CREATED", "PLAYBOOK_DEACTIVATED", "PLAYBOOK_ACTIVATED"]
    wrong = await client.post(f"/admin/playbooks/{playbook.id}/explode", data={"csrf_token": csrf})
    assert wrong.status_code == 404


async def test_a_refused_form_comes_back_with_the_reasons_and_nothing_is_written(
    client: httpx.AsyncClient,
) -> None:
    csrf = await log_in(client, await make_member(roles=(Role.ADMIN,)))
    bad = {**FORM, "holdoutPercent": "80", "bonusPoints": "abc"}
    refused = await client.post("/admin/playbooks", data={"csrf_token": csrf, **bad})
    assert refused.status_code == 422
    assert "对照组比例应在 0–50% 之间" in refused.text and "奖励积分应在" in refused.text
    assert 'value="沉睡唤醒"' in refused.text and 'value="80"' in refused.text
    assert not await Playbook.exists()


async def test_the_staff_menu_links_the_page_for_admins_and_other_roles_are_refused(
    client: httpx.AsyncClient,
) -> None:
    csrf = await log_in(client, await make_member(roles=(Role.HOST,)))
    assert 'href="/admin/playbooks"' not in (await client.get("/host")).text
    assert (await client.get("/admin/playbooks")).status_code == 403
    assert (await client.get("/admin/playbooks.csv")).status_code == 403
    posted = await client.post("/admin/playbooks", data={"csrf_token": csrf, **FORM})
    assert posted.status_code == 403
    assert not await Playbook.exists()


async def test_an_admin_finds_the_page_in_the_staff_menu(client: httpx.AsyncClient) -> None:
    await log_in(client, await make_member(roles=(Role.ADMIN,)))
    page = (await client.get("/me")).text
    assert 'href="/admin/playbooks"' in page and "等级运营策略" in page
