"""The portal reads through the domain: no view, form or helper under ``portal/`` calls the ORM.
Every read is a query function of its domain area (``domain/<area>/queries.py`` and friends),
the one GraphQL calls too, so a rule about what may be read (archived rows, someone else's rows,
the order of a list) is written once. Models may still be imported for type annotations.

What counts as calling the ORM: any method called on a tortoise model class (``Member.get``,
``models.Reward.filter``, under any alias), a queryset-only method anywhere (``order_by``,
``select_related``…: nothing else in the portal has them), and importing ``tortoise``."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from tortoise.models import Model

PORTAL = Path(__file__).resolve().parents[2] / "portal"
QUERYSET_ONLY = {
    "order_by",
    "limit",
    "offset",
    "select_related",
    "prefetch_related",
    "annotate",
    "values_list",
    "group_by",
    "only",
    "distinct",
    "select_for_update",
    "using_db",
    "exclude",
    "filter",
    "get_or_none",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "in_bulk",
    "fetch_related",
    "raw",
}


def _is_model(module: str, name: str) -> bool:
    found = getattr(importlib.import_module(module), name, None)
    return isinstance(found, type) and issubclass(found, Model)


def _model_names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """(names bound to model classes, names bound to ``domain.<area>.models`` modules)."""
    classes: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        for alias in node.names:
            bound = alias.asname or alias.name
            if node.module.endswith(".models") and _is_model(node.module, alias.name):
                classes.add(bound)
            elif alias.name == "models" and node.module.startswith("domain"):
                modules.add(bound)
    return classes, modules


def _names_model(node: ast.expr, classes: set[str], modules: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in classes
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in modules
    )


def orm_calls(source: str) -> list[str]:
    """``line: what`` for each ORM call or import in ``source``."""
    tree = ast.parse(source)
    classes, modules = _model_names(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "tortoise" for name in names):
                found.append((node.lineno, "imports tortoise"))
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if _names_model(node.func.value, classes, modules):
            found.append((node.lineno, f"{ast.unparse(node.func)}()"))
        elif node.func.attr in QUERYSET_ONLY:
            found.append((node.lineno, f"….{node.func.attr}()"))
    return [f"{line}: {what}" for line, what in sorted(set(found))]


def test_no_portal_module_calls_the_orm() -> None:
    offenders = {
        str(path.relative_to(PORTAL.parent)): calls
        for path in sorted(PORTAL.rglob("*.py"))
        for calls in [orm_calls(path.read_text(encoding="utf-8"))]
        if calls
    }
    assert offenders == {}


def test_the_scan_sees_model_calls_aliases_querysets_and_imports() -> None:
    source = """
from tortoise.expressions import Q
from domain.identity.models import Estate, Member as Row, Role
from domain.rewards import models
from domain.identity import roles

async def view(request, member_id, tags):
    a = await Row.get_or_none(id=member_id)
    b = await Estate.all()
    c = await models.Reward.filter(active=True).first()
    d = await roles.members_with_role(Role.HOST).order_by("id")
    e = Role.ADMIN.value, tags.get("x"), {}.values()  # not the ORM: fine
    f: Row | None = None  # an annotation: fine
"""
    assert [line.split(":")[0] for line in orm_calls(source)] == ["2", "8", "9", "10", "11"]
