"""Importing the mall's CSV: bad rows by line number while good rows land, re-imports recording
nothing twice, a few thousand rows in batches, and the ``linli import-purchases`` command."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, PermissionDeniedError
from domain.identity.models import Member
from domain.points.models import LedgerEntry, LedgerReason
from domain.points.reconcile import reconcile
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
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "cli", "import-purchases", str(path), "--admin", admin.phone]
    runs = []
    for _ in range(2):
        runs.append(
            await asyncio.to_thread(
                subprocess.run, command, cwd=repo_root, env=env, capture_output=True, text=True
            )
        )
    first, second = runs
    assert first.returncode == 0, first.stderr
    assert "新增订单 1 笔" in first.stdout and "第 3 行 amount_cents" in first.stdout
    assert "导入中 [" in first.stderr and "100%" in first.stderr
    assert "新增订单 0 笔，重复订单 1 笔" in second.stdout
    assert await Purchase.filter(order_id="C-1").count() == 1
    assert not await Purchase.filter(order_id="C-2").exists()
