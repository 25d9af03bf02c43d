"""Typed decorators for fields and subscriptions that have a resolver.

``@strawberry.field(description=...)`` and ``@strawberry.subscription(description=...)`` are
typed to return ``Any`` when called with arguments (strawberry-graphql/strawberry#1929), so the
resolver they decorate would lose its signature under ``mypy --strict``. These return the resolver
with its type: after ``@strawberry.type`` the class attribute is the resolver again (strawberry
restores it), so the method keeps the type it is declared with. Every field is described: the
description is the mini-program team's documentation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import strawberry
from strawberry.permission import BasePermission

Resolver = TypeVar("Resolver")


def field(
    *, description: str, permission_classes: list[type[BasePermission]] | None = None
) -> Callable[[Resolver], Resolver]:
    """``@strawberry.field(...)`` over a method, keeping the method's type."""
    decorate: Callable[[Resolver], Resolver] = strawberry.field(
        description=description, permission_classes=permission_classes
    )
    return decorate


def subscription(*, description: str) -> Callable[[Resolver], Resolver]:
    """``@strawberry.subscription(...)`` over an async generator, keeping its type."""
    decorate: Callable[[Resolver], Resolver] = strawberry.subscription(description=description)
    return decorate
