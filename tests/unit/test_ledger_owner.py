"""The ledger has one owner: only ``domain/points/`` writes or locks points accounts, ledger
entries, lots, draws and daily contributions, so the lock order and the idempotency keys its
``accounts`` module promises hold for every credit and debit. Other areas call its functions.

Exempt, on purpose: the demo data generators (``domain/demo*.py``, or a ``demo`` package) only
call services today but may seed rows directly for speed, and ``bench/`` (outside ``domain/``)
inserts millions of rows with raw SQL; neither runs in the product's request path."""

from __future__ import annotations

import ast
import re
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
OWNER = DOMAIN / "points"
LEDGER_MODELS = {"PointsAccount", "LedgerEntry", "PointsLot", "LotDraw", "DailyContribution"}
LEDGER_TABLES = ("points_account", "ledger_entry", "points_lot", "lot_draw", "daily_contribution")
# Everything that writes rows or takes row locks; reads (filter, get, values_list) are free.
WRITES = {
    "create",
    "bulk_create",
    "get_or_create",
    "update_or_create",
    "update",
    "bulk_update",
    "delete",
    "save",
    "select_for_update",
    "raw",
}
RAW_WRITE = re.compile(
    r"\b(insert\s+into|update|delete\s+from|truncate)\s+(table\s+)?[\"`]?("
    + "|".join(LEDGER_TABLES)
    + r")\b",
    re.IGNORECASE,
)


def _model_names(tree: ast.AST) -> set[str]:
    """The ledger models under every name this module gives them (``import ... as`` included)."""
    names = set(LEDGER_MODELS)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names |= {a.asname for a in node.names if a.name in LEDGER_MODELS and a.asname}
    return names


def _root(node: ast.expr) -> ast.expr:
    """``LedgerEntry`` in ``LedgerEntry.filter(...).order_by(...).update``."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute) and not _names_model(node, set()):
            node = node.value
        else:
            return node


def _names_model(node: ast.expr, names: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in names
    return isinstance(node, ast.Attribute) and node.attr in LEDGER_MODELS  # models.LedgerEntry


def ledger_writes(source: str) -> list[str]:
    """``line: what`` for each write to a ledger model or table in ``source``."""
    tree = ast.parse(source)
    names = _model_names(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if _names_model(func, names):
                found.append((node.lineno, f"builds {ast.unparse(func)} rows"))
            elif (
                isinstance(func, ast.Attribute)
                and func.attr in WRITES
                and _names_model(_root(func.value), names)
            ):
                found.append((node.lineno, f"{ast.unparse(_root(func.value))}….{func.attr}()"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if RAW_WRITE.search(node.value):
                found.append((node.lineno, "raw SQL writes a ledger table"))
    return [f"{line}: {what}" for line, what in sorted(found)]


def _exempt(path: Path) -> bool:
    relative = path.relative_to(DOMAIN)
    return relative.parts[0] == "demo" or relative.name.startswith("demo")


def test_only_the_points_area_writes_ledger_rows() -> None:
    offenders = {
        str(path.relative_to(DOMAIN.parent)): writes
        for path in sorted(DOMAIN.rglob("*.py"))
        if OWNER not in path.parents and not _exempt(path)
        for writes in [ledger_writes(path.read_text(encoding="utf-8"))]
        if writes
    }
    assert offenders == {}


def test_the_points_area_is_scanned_the_same_way_and_does_write() -> None:
    # If the scan saw nothing in the owner itself, the test above would pass by seeing nothing.
    writes = ledger_writes((OWNER / "accounts.py").read_text(encoding="utf-8"))
    assert any("LedgerEntry….create()" in w for w in writes)
    assert any("PointsAccount….select_for_update()" in w for w in writes)


def test_the_scan_sees_bulk_writes_locks_aliases_and_raw_sql() -> None:
    source = """
from domain.points.models import PointsAccount, LedgerEntry as Entry
from domain.points import models

async def f(ids, rows, conn):
    await Entry.bulk_create(rows, batch_size=100)
    await PointsAccount.filter(member_id__in=ids).update(pending=1)
    await PointsAccount.filter(member_id__in=ids).order_by("member_id").select_for_update()
    await models.PointsLot.filter(id=1).delete()
    x = models.LotDraw(amount=1)
    await conn.execute_query(f"INSERT INTO daily_contribution (member_id) VALUES ({ids})")
    await conn.execute_query('UPDATE "points_account" SET balance = 0')
    await Entry.filter(member_id=1).values_list("id", flat=True)  # a read: fine
    await conn.execute_query("SELECT * FROM ledger_entry")  # a read: fine
"""
    assert [w.split(":")[0] for w in ledger_writes(source)] == [
        "6",
        "7",
        "8",
        "9",
        "10",
        "11",
        "12",
    ]
