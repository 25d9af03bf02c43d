"""What happened, told after commit. An area announces a fact inside the transaction that made it
true; the listeners (notifications) hear it only once that write committed, and never for a
write that rolled back. Areas stay unaware of who listens: a listener module registers itself
with ``listens_to`` and is named in ``LISTENER_MODULES``.

A listener that fails is logged and does not fail the committed write (the after-commit rule)."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from domain.aftercommit import after_commit
from domain.collaborators import Collaborators

log = logging.getLogger("linli.facts")
LISTENER_MODULES = ("domain.notifications.triggers", "domain.honours.triggers")


@dataclass(frozen=True)
class Fact:
    """Base of every fact: a frozen record of ids and values, no model objects."""


F = TypeVar("F", bound=Fact)
Listener = Callable[[Collaborators, F], Awaitable[None]]
_listeners: dict[type[Fact], list[Callable[[Collaborators, Fact], Awaitable[None]]]] = {}


def listens_to(kind: type[F]) -> Callable[[Listener[F]], Listener[F]]:
    """Register the decorated coroutine for facts of ``kind`` (at import of its module)."""

    def register(listener: Listener[F]) -> Listener[F]:
        _listeners.setdefault(kind, []).append(listener)  # type: ignore[arg-type]
        return listener

    return register


@cache
def _load_listeners() -> None:
    for name in LISTENER_MODULES:
        importlib.import_module(name)


def announce(c: Collaborators, fact: Fact) -> None:
    """Tell the listeners of ``fact`` once the enclosing ``atomic()`` block commits."""

    async def tell() -> None:
        await hear(c, fact)

    after_commit(tell)


async def hear(c: Collaborators, fact: Fact) -> None:
    """Run every listener of ``fact`` now (``announce`` calls it after commit; the nightly jobs,
    which write nothing of their own to wait for, call it directly)."""
    _load_listeners()
    for listener in _listeners.get(type(fact), []):
        try:
            await listener(c, fact)
        except Exception:
            log.exception("listener %s failed on %s", listener.__qualname__, fact)
