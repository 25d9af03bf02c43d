"""邀请邻居 (link, QR, poster, invitees with masked phones and status) and the admin purchase
import page (per-row result with line numbers, the database after)."""

from __future__ import annotations

from datetime import timedelta

import httpx

from domain.collaborators import Collaborators
from domain.columns import column
from domain.identity.models import Role
from domain.purchases.models import Purchase
from domain.purchases.services import record_purchases
from tests.domain.purchase_helpers import make_admin, order, refer
from tests.factories import make_member
from tests.portal.test_points_pages import htmx, log_in


async def test_the_invite_page_shows_link_qr_and_invitees_with_masked_phones(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    inviter = await make_member(display_name="邀请人")
    bought = await make_member(phone="13711112222", display_name="已下单邻居")
    waiting = await make_member(phone="13733334444", display_name="新来的邻居")
    await refer(collaborators, inviter, bought)
    await refer(collaborators, inviter, waiting)
    await record_purchases(collaborators, await make_admin(), [order(collaborators, "I-1", bought)])
    await log_in(client, inviter)
    response = await client.get("/invite")
    assert response.status_code == 200
    html = response.text
    assert f"/register?invite={inviter.invite_code}" in html
    assert "<svg viewBox" in html and "邀请邻居" in html
    assert "已下单邻居" in html and "137****2222" in html and "13711112222" not in html
    assert "各得 100 积分" in html and "等待首单" in html
    assert "已有 2 位邻居加入，1 位完成首单" in html
    poster = await client.get("/invite/poster")
    assert poster.status_code == 200 and "<svg viewBox" in poster.text
    assert inviter.invite_code in poster.text and "邀请人：邀请人" in poster.text


async def test_the_invite_link_prefills_the_registration_form(client: httpx.AsyncClient) -> None:
    inviter = await make_member()
    response = await client.get(f"/register?invite={inviter.invite_code}")
    assert f'value="{inviter.invite_code}"' in response.text


async def test_signed_out_visitors_are_sent_to_log_in(client: httpx.AsyncClient) -> None:
    for path in ("/invite", "/invite/poster", "/admin/purchases/import"):
        response = await client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login"


def _csv(c: Collaborators, phone: str) -> bytes:
    at = (c.clock.now() - timedelta(days=1)).isoformat()
    return (
        "order_id,phone,amount_cents,purchased_at,items\n"
        f"W-1,{phone},2000,{at},咖啡豆\n"
        f"W-2,{phone},lots,{at},\n"
        f"W-3,{phone},3000,{at},帆布袋|种子包\n"
    ).encode()


async def test_an_admin_imports_a_csv_and_sees_bad_rows_by_line(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    buyer = await make_member()
    csrf = await log_in(client, admin)
    page = await client.get("/admin/purchases/import")
    assert page.status_code == 200 and 'hx-encoding="multipart/form-data"' in page.text
    files = {"file": ("orders.csv", _csv(collaborators, buyer.phone or ""), "text/csv")}
    response = await client.post("/admin/purchases/import", files=files, headers=htmx(csrf))
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html  # the result fragment only
    assert "已导入 orders.csv" in html
    assert "<td>3</td><td><code>amount_cents</code></td>" in html
    assert set(await column(Purchase.all(), "order_id")) == {"W-1", "W-3"}
    again = await client.post("/admin/purchases/import", files=files, headers=htmx(csrf))
    assert "<dt>已记录过（跳过）</dt><dd>2</dd>" in again.text
    assert await Purchase.all().count() == 2


async def test_an_admin_imports_a_gb18030_file_with_hostile_rows_and_every_good_row_lands(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    buyer = await make_member()
    csrf = await log_in(client, admin)
    at = (collaborators.clock.now() - timedelta(days=1)).isoformat()
    body = (
        "order_id,phone,member_id,amount_cents,purchased_at,items\r\n"
        f'X-1,{buyer.phone},,1000,{at},"冷萃, 大杯\r\n'  # the quote is never closed
        f"X-2,{buyer.phone},,2000,{at},挂耳咖啡\r\n"
        f"X-3,,2147483648,3000,{at},\r\n"
        f"X-4,,²,3000,{at},\r\n"
        f"X-5,{buyer.phone},,4000,{at},豆\x00浆\r\n"
        f"X-6,{buyer.phone},,5000,{at},{'长' * 131_072}\r\n"
        f"X-7,{buyer.phone},,6000,{at},帆布袋\r\n"
    ).encode("gb18030")
    files = {"file": ("订单.csv", body, "text/csv")}

    response = await client.post("/admin/purchases/import", files=files, headers=htmx(csrf))

    assert response.status_code == 200, response.text[:300]
    html = response.text
    for line in (2, 4, 5, 6, 7):
        assert f"<td>{line}</td>" in html
    assert "<dd>2</dd>" in html and "<dd>5</dd>" in html  # new and bad: the file's 7 rows
    stored = await Purchase.all().order_by("order_id")
    assert [(p.order_id, p.items) for p in stored] == [("X-2", ["挂耳咖啡"]), ("X-7", ["帆布袋"])]


async def test_a_missing_file_or_a_resident_changes_nothing(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    csrf = await log_in(client, admin)
    empty = await client.post(
        "/admin/purchases/import",
        files={"file": ("", b"", "text/csv")},
        headers=htmx(csrf),
    )
    assert empty.status_code == 422 and "请选择要导入的 CSV 文件" in empty.text
    no_columns = await client.post(
        "/admin/purchases/import",
        files={"file": ("x.csv", b"order,amount\n1,2\n", "text/csv")},
        headers=htmx(csrf),
    )
    assert no_columns.status_code == 422 and "CSV 缺少列" in no_columns.text
    client.cookies.clear()
    resident = await make_member()
    csrf = await log_in(client, resident)
    files = {"file": ("orders.csv", _csv(collaborators, resident.phone or ""), "text/csv")}
    refused = await client.post("/admin/purchases/import", files=files, headers=htmx(csrf))
    assert refused.status_code == 403
    assert not await Purchase.exists()


async def test_registering_in_the_portal_with_ones_own_code_is_refused_at_422(
    client: httpx.AsyncClient,
) -> None:
    from domain.identity.models import Member
    from domain.referrals.models import Referral
    from tests.factories import make_estate
    from tests.portal.test_identity_pages import HTMX, csrf_of, register_form

    estate = await make_estate()
    inviter = await make_member(phone="13812345678")
    csrf = await csrf_of(client)
    form = register_form(csrf, estate.id, inviteCode=inviter.invite_code)
    response = await client.post("/register", data=form, headers=HTMX | {"X-CSRF-Token": csrf})
    assert response.status_code == 422 and "不能使用自己的邀请码" in response.text
    assert await Member.all().count() == 1 and not await Referral.exists()
