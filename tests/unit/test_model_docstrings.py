"""Model docstrings become table comments, and tortoise's SQLite schema editor splits statements
at semicolons: a semicolon in a docstring breaks the migration on SQLite."""

from __future__ import annotations

import importlib

from tortoise.models import Model

import settings


def product_models() -> list[type[Model]]:
    modules = [importlib.import_module(name) for name in settings.MODEL_MODULES]
    return [
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Model)
        and value.__module__ == module.__name__
    ]


def test_no_model_docstring_has_a_semicolon() -> None:
    models = product_models()
    assert len(models) > 20
    assert not [model.__name__ for model in models if ";" in (model.__doc__ or "")]
