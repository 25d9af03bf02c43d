"""Importing the mall's CSV: bad rows by line number while good rows land, re-imports recording
nothing twice, a few thousand rows in batches, and the ``linli import-purchases`` command."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from domain import columns
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, PermissionDeniedError
from domain.identity.models import Member
from domain.points.models import LedgerEntry, LedgerReason
from domain.points.reconcile import reconcile
from domain.purchases.csv_file import decoded_lines
from domain.purchases.csv_import import import_purchases_csv
from domain.purchases.models import Purchase
from domain.purchases.services import BATCH_SIZE
from settings import Settings
from tests.domain.purchase_helpers import make_admin
from tests.factories import make_member


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


async def test_a_malformed_row_is_reported_with_its_line_number_and_good_rows_land(
    collaborators: Collaborators,
) -> None:
    admin, buyer = await make_admin(), await make_member()
    at = (collaborators.clock.now() - timedelta(days=1)).isoformat()
    text = (
        "order_id,phone,member_id,amount_cents,purchased_at,items\n"
        f"A-1,{buyer.phone},,1999,{at},挂耳咖啡|帆布袋\n"
        f"A-2,{buyer.phone},,abc,{at},\n"
        f"A-3,{buyer.phone},,500,yesterday,\n"
        f'"A-4",,{buyer.id},2500,2026-11-20 18:30:00,"冷萃, 大杯"\n'
        f"A-5,{buyer.phone},,500,{at},,surplus\n"
        f"A-6,13000000000,,500,{at},\n"
        f"A-1,{buyer.phone},,1999,{at},\n"
    )
    summary = await import_purchases_csv(collaborators, admin, _lines(text))
    assert (summary.recorded, summary.duplicates, summary.rejected) == (2, 1, 4)
    assert [(e.line, e.field) for e in summary.errors] == [
        (3, "amount_cents"),
        (4, "purchased_at"),
        (6, "row"),
        (7, "phone"),
    ]
    first = await Purchase.get(order_id="A-1")
    assert first.items == ["挂耳咖啡", "帆布袋"] and first.source == "CSV"
    fourth = await Purchase.get(order_id="A-4")
    # Without an offset the mall's time is Shanghai time.
    assert fourth.purchased_at.isoformat() == "2026-11-20T10:30:00+00:00"
    assert fourth.items == ["冷萃, 大杯"]
    assert summary.points == 19 + 25


async def test_a_file_without_the_required_columns_is_refused_whole(
    collaborators: Collaborators,
) -> None:
    admin = await make_admin()
    with pytest.raises(InvalidInputError) as refused:
        await import_purchases_csv(collaborators, admin, _lines("order,amount\nX,1\n"))
    assert "order_id" in refused.value.field_errors[0].message
    assert not await Purchase.exists()


async def test_only_admins_import(collaborators: Collaborators) -> None:
    resident = await make_member()
    with pytest.raises(PermissionDeniedError):
        await import_purchases_csv(collaborators, resident, _lines("order_id\n"))


def _generated(members: list[Member], rows: int, at: str) -> str:
    head = "order_id,phone,amount_cents,purchased_at,items\n"
    body = "".join(
        f"G-{n:06d},{members[n % len(members)].phone},{100 + n % 5000},{at},咖啡\n"
        for n in range(rows)
    )
    return head + body


async def test_three_thousand_rows_import_in_batches_and_a_reimport_records_nothing(
    collaborators: Collaborators,
) -> None:
    admin = await make_admin()
    members = [await make_member() for _ in range(20)]
    at = (collaborators.clock.now() - timedelta(hours=2)).isoformat()
    text = _generated(members, 3000, at)
    seen: list[int] = []
    summary = await import_purchases_csv(
        collaborators, admin, _lines(text), lambda s: seen.append(s.recorded)
    )
    assert (summary.recorded, summary.duplicates, summary.rejected) == (3000, 0, 0)
    assert seen[:2] == [BATCH_SIZE, 2 * BATCH_SIZE]  # progress after every batch
    again = await import_purchases_csv(collaborators, admin, _lines(text))
    assert (again.recorded, again.duplicates, again.points) == (0, 3000, 0)
    assert await Purchase.all().count() == 3000
    assert await LedgerEntry.filter(reason=LedgerReason.PURCHASE).count() == 3000
    assert (await reconcile()).clean


async def _import_command(
    settings: Settings, repo_root: Path, path: Path, admin: Member
) -> subprocess.CompletedProcess[str]:
    """``linli import-purchases`` in its own process, as an admin runs it."""
    assert admin.phone is not None
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "cli", "import-purchases", str(path), "--admin", admin.phone]
    return await asyncio.to_thread(
        subprocess.run, command, cwd=repo_root, env=env, capture_output=True, text=True
    )


async def test_the_import_command_prints_a_summary_with_line_numbers(
    collaborators: Collaborators, settings: Settings, tmp_path: Path, repo_root: Path
) -> None:
    admin, buyer = await make_admin(), await make_member()
    at = (collaborators.clock.now() - timedelta(days=1)).isoformat()
    path = tmp_path / "orders.csv"
    path.write_text(
        "\ufefforder_id,phone,amount_cents,purchased_at\n"
        f"C-1,{buyer.phone},1200,{at}\n"
        f"C-2,{buyer.phone},-5,{at}\n",
        encoding="utf-8",
    )
    first = await _import_command(settings, repo_root, path, admin)
    second = await _import_command(settings, repo_root, path, admin)
    assert first.returncode == 0, first.stderr
    assert "新增订单 1 笔" in first.stdout and "第 3 行 amount_cents" in first.stdout
    assert "导入中 [" in first.stderr and "100%" in first.stderr
    assert "新增订单 0 笔，重复订单 1 笔" in second.stdout
    assert await Purchase.filter(order_id="C-1").count() == 1
    assert not await Purchase.filter(order_id="C-2").exists()


# Hostile rows: each is reported on its line, the rows around it are recorded, and the summary
# adds up to the file's data rows.

HOSTILE_ROWS = {  # (the row, the column reported)
    "an unterminated quote": ('H-2,{phone},,500,{at},"冷萃, 大杯\n', "row"),
    "a member id of 2^31": ("H-2,,2147483648,500,{at},\n", "member_id"),
    "a superscript digit in the member id": ("H-2,,²,500,{at},\n", "member_id"),
    "a superscript digit in the amount": ("H-2,{phone},,5²,{at},\n", "amount_cents"),
    "a NUL in the items": ("H-2,{phone},,500,{at},咖\x00啡\n", "items"),
    "a 131,072-character field": ("H-2,{phone},,500,{at}," + "啡" * 131_072 + "\n", "row"),
    "a time past year 9999 in UTC": (
        "H-2,{phone},,500,9999-12-31T23:59:59-12:00,\n",
        "purchased_at",
    ),
}


@pytest.mark.parametrize(("hostile", "column"), HOSTILE_ROWS.values(), ids=HOSTILE_ROWS.keys())
async def test_a_hostile_row_is_reported_on_its_line_and_the_rows_around_it_are_recorded(
    collaborators: Collaborators, hostile: str, column: str
) -> None:
    admin, buyer = await make_admin(), await make_member()
    at = (collaborators.clock.now() - timedelta(days=1)).isoformat()
    text = (
        "order_id,phone,member_id,amount_cents,purchased_at,items\n"
        f"H-1,{buyer.phone},,1000,{at},咖啡\n"
        + hostile.format(phone=buyer.phone, at=at)
        + f"H-3,{buyer.phone},,3000,{at},帆布袋\n"
        f"H-4,{buyer.phone},,4000,{at},\n"
    )

    summary = await import_purchases_csv(collaborators, admin, _lines(text))

    assert summary.rejected == 1 and [(e.line, e.field) for e in summary.errors] == [(3, column)]
    assert summary.recorded + summary.duplicates + summary.rejected == 4
    assert set(await columns.column(Purchase.all(), "order_id")) == {"H-1", "H-3", "H-4"}
    assert (await reconcile()).clean


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
async def test_a_file_saved_as_gbk_gb18030_or_utf8_is_read_with_its_chinese_items(
    collaborators: Collaborators, encoding: str
) -> None:
    admin, buyer = await make_admin(), await make_member()
    at = (collaborators.clock.now() - timedelta(days=1)).isoformat()
    text = (
        "order_id,phone,amount_cents,purchased_at,items\r\n"
        f"E-1,{buyer.phone},1000,{at},挂耳咖啡|帆布袋\r\n"
        f"E-2,{buyer.phone},2000,{at},崇明小番茄\r\n"
    )
    handle = io.BytesIO(text.encode(encoding))

    summary = await import_purchases_csv(collaborators, admin, decoded_lines(handle))

    assert (summary.recorded, summary.duplicates, summary.rejected) == (2, 0, 0)
    assert (await Purchase.get(order_id="E-1")).items == ["挂耳咖啡", "帆布袋"]
    assert (await Purchase.get(order_id="E-2")).items == ["崇明小番茄"]


async def test_the_import_command_reads_a_gbk_file_and_reports_hostile_rows_by_line(
    collaborators: Collaborators, settings: Settings, tmp_path: Path, repo_root: Path
) -> None:
    admin, buyer = await make_admin(), await make_member()
    at = (collaborators.clock.now() - timedelta(days=1)).isoformat()
    path = tmp_path / "订单.csv"
    path.write_bytes(
        (
            "order_id,phone,member_id,amount_cents,purchased_at,items\r\n"
            f"K-1,{buyer.phone},,1200,{at},红糖馒头\r\n"
            f'K-2,{buyer.phone},,1300,{at},"没有闭合\r\n'
            f"K-3,,99999999999,1400,{at},\r\n"
            f"K-4,{buyer.phone},,1500,{at},豆浆\r\n"
        ).encode("gbk")
    )

    run = await _import_command(settings, repo_root, path, admin)

    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "新增订单 2 笔，重复订单 0 笔（未重复记录），有误的行 2 行" in run.stdout
    assert "第 3 行 row" in run.stdout and "第 4 行 member_id" in run.stdout
    stored = await Purchase.filter(order_id__in=["K-1", "K-4"]).order_by("order_id")
    assert [p.items for p in stored] == [["红糖馒头"], ["豆浆"]]
    assert await Purchase.all().count() == 2
