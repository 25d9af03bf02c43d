"""Importing the brand's product list as CSV (admins): columns ``sku``, ``name``, ``price`` (in
yuan, e.g. ``59.90``), header row required, order free. A SKU not in the catalogue is added; a
known one gets the file's name and price (and is offered again if it was deactivated). Pictures
are not in the file: they are uploaded on the product's page.

All or nothing: every line is checked first; when any is wrong, the summary lists each bad line
and nothing is written. Otherwise the whole file is written in one transaction, each created or
changed product with its audit entry."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from domain.aftercommit import atomic
from domain.audit import changed, record_change, snapshot
from domain.collaborators import Collaborators
from domain.edits import state
from domain.errors import InvalidInputError
from domain.identity.models import Member
from domain.products import rules
from domain.products.models import Product
from domain.products.policies import require_catalogue_admin
from domain.products.services import CREATED, EDITABLE
from domain.purchases.rules import RowError, unstorable

REQUIRED = ("sku", "name", "price")
MAX_ROWS = 5_000


@dataclass(frozen=True)
class CatalogueRow:
    line: int
    sku: str
    name: str
    price_fen: int


@dataclass
class ProductImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not self.errors


def read_catalogue(lines: Iterable[str]) -> tuple[list[CatalogueRow], list[RowError]]:
    """The file's rows and its bad lines (1 is the header; blank lines are not rows)."""
    reader = csv.reader(line.rstrip("\r\n") for line in lines)
    try:
        header = [name.strip().lstrip("\ufeff").lower() for name in next(reader, [])]
    except csv.Error as error:
        raise InvalidInputError.single("file", "CSV 表头无法读取") from error
    missing = [n for n in REQUIRED if n not in header]
    if missing:
        raise InvalidInputError.single("file", f"CSV 缺少列：{'、'.join(missing)}")
    rows: list[CatalogueRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                errors.append(RowError(line, "row", f"一次最多导入 {MAX_ROWS:,} 行"))
                break
            row = _row(line, dict(zip(header, cells, strict=False)), errors)
            if row is None:
                continue
            if row.sku in seen:
                errors.append(RowError(line, "sku", f"与第 {seen[row.sku]} 行的商品编码重复"))
                continue
            seen[row.sku] = line
            rows.append(row)
    except csv.Error:
        errors.append(RowError(reader.line_num, "row", "引号不成对或位置不对"))
    return rows, errors


def _row(line: int, record: dict[str, str], errors: list[RowError]) -> CatalogueRow | None:
    values = {name: (record.get(name) or "").strip() for name in REQUIRED}
    for name, value in values.items():
        if "\ufffd" in value or unstorable(value):
            errors.append(RowError(line, name, "含有无法识别的字符：请存为 UTF-8 或 GB18030"))
            return None
    price = rules.parse_yuan(values["price"])
    sku = rules.clean_sku(values["sku"])
    found = rules.product_field_errors(sku, values["name"], -1 if price is None else price)
    errors.extend(RowError(line, _COLUMN.get(e.field, e.field), e.message) for e in found)
    if found or price is None:
        return None
    return CatalogueRow(line, sku, values["name"].strip(), price)


_COLUMN = {"priceFen": "price"}


async def import_products_csv(
    c: Collaborators, actor: Member, lines: Iterable[str]
) -> ProductImportSummary:
    require_catalogue_admin(actor)
    rows, errors = read_catalogue(lines)
    if errors:
        return ProductImportSummary(errors=sorted(errors, key=lambda e: e.line))
    summary = ProductImportSummary()
    now = c.clock.now()
    async with atomic():
        known = {p.sku: p for p in await Product.filter(sku__in=[r.sku for r in rows])}
        for row in rows:
            product = known.get(row.sku)
            if product is None:
                product = await Product.create(
                    sku=row.sku,
                    name=row.name,
                    price_fen=row.price_fen,
                    created_at=now,
                    updated_at=now,
                )
                await _audit(actor, "PRODUCT_CREATED", product, None, snapshot(product, CREATED))
                summary.created += 1
                continue
            before = state(product, EDITABLE)
            product.name, product.price_fen, product.active = row.name, row.price_fen, True
            before, after = changed(before, state(product, EDITABLE))
            if not after:
                summary.unchanged += 1
                continue
            product.updated_at = now
            await product.save(update_fields=[*EDITABLE, "updated_at"])
            await _audit(actor, "PRODUCT_UPDATED", product, before, after)
            summary.updated += 1
    return summary


async def _audit(
    actor: Member,
    action: str,
    product: Product,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    await record_change(
        actor_id=actor.id,
        action=action,
        target_type="PRODUCT",
        target_id=product.id,
        now=product.updated_at,
        before=before,
        after=after,
        reason="CSV",
    )
