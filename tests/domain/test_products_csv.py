"""The product catalogue's CSV import: new SKUs added and known ones updated in one go, every bad
line reported by number with nothing written, an order's items recognised as products when they
are catalogue SKUs, and the ``linli import-products`` command."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, PermissionDeniedError
from domain.posts.models import AuditLogEntry
from domain.products import queries
from domain.products.csv_import import import_products_csv
from domain.products.models import Product
from settings import Settings
from tests.domain.products_helpers import make_admin, make_product
from tests.factories import make_member


async def test_an_import_adds_new_skus_and_updates_known_ones(
    collaborators: Collaborators,
) -> None:
    await make_product(collaborators, "COF-001", "咖啡豆", 5000)
    await make_product(collaborators, "FLR-001", "有机面粉", 2990)
    lines = [
        "\ufeffsku,name,price\n",
        "cof-001,云南小粒咖啡豆,59.9\n",
        "FLR-001,有机面粉,29.90\n",
        "\n",
        "SEED-01,番茄种子,9.9\n",
    ]
    summary = await import_products_csv(collaborators, await make_admin(), lines)
    assert (summary.created, summary.updated, summary.unchanged, summary.errors) == (1, 1, 1, [])
    stored = {p.sku: (p.name, p.price_fen) for p in await Product.all()}
    assert stored == {
        "COF-001": ("云南小粒咖啡豆", 5990),
        "FLR-001": ("有机面粉", 2990),
        "SEED-01": ("番茄种子", 990),
    }
    assert await AuditLogEntry.filter(reason="CSV").count() == 2


async def test_a_file_with_bad_lines_reports_each_and_writes_nothing(
    collaborators: Collaborators,
) -> None:
    lines = [
        "name,price,sku\n",
        "番茄种子,9.9,SEED-01\n",
        "有机面粉,二十九,FLR-001\n",
        ",1,COF 001\n",
        "番茄种子,9.9,seed-01\n",
    ]
    summary = await import_products_csv(collaborators, await make_admin(), lines)
    assert [(e.line, e.field) for e in summary.errors] == [
        (3, "price"),
        (4, "sku"),
        (4, "name"),
        (5, "sku"),
    ]
    assert not summary.written
    assert await Product.all().count() == 0 and await AuditLogEntry.all().count() == 0


async def test_a_file_without_the_columns_or_an_admin_is_refused(
    collaborators: Collaborators,
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await import_products_csv(collaborators, await make_admin(), ["sku,name\n"])
    assert "price" in refused.value.field_errors[0].message
    with pytest.raises(PermissionDeniedError):
        await import_products_csv(collaborators, await make_member(), ["sku,name,price\n"])


async def test_an_orders_items_that_are_catalogue_skus_are_recognised(
    collaborators: Collaborators,
) -> None:
    await make_product(collaborators, "COF-001", "云南小粒咖啡豆")
    await make_product(collaborators, "SEED-01", "番茄种子")
    found = await queries.products_in_items(["seed-01", "有机小番茄 500g", "COF-001", "NOPE-1"])
    assert [p.sku for p in found] == ["SEED-01", "COF-001"]


async def test_the_import_command_prints_what_it_did_or_the_bad_lines(
    settings: Settings, tmp_path: Path, repo_root: Path
) -> None:
    admin = await make_admin()
    assert admin.phone is not None
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "LOG_LEVEL": "WARNING",
    }
    path = tmp_path / "products.csv"

    async def run() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "cli", "import-products", str(path)]
        command += ["--admin", admin.phone or ""]
        return await asyncio.to_thread(
            subprocess.run, command, cwd=repo_root, env=env, capture_output=True, text=True
        )

    path.write_text("sku,name,price\nSEED-01,番茄种子,9.9\nFLR-1,面粉,x\n", encoding="gb18030")
    refused = await run()
    assert refused.returncode == 1 and "第 3 行 price" in refused.stdout
    assert await Product.all().count() == 0
    path.write_text("sku,name,price\nSEED-01,番茄种子,9.9\nFLR-1,面粉,19\n", encoding="utf-8")
    done = await run()
    assert done.returncode == 0 and "新增 2 件" in done.stdout, done.stderr
    assert await Product.all().count() == 2
