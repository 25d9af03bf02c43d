"""Transactions that run callbacks after the outermost one commits (Redis leaderboards, tallies,
caches, job enqueues): derived data never sees a write that rolled back."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar

from tortoise.transactions import in_transaction

log = logging.getLogger("linli.aftercommit")
Callback = Callable[[], Awaitable[None]]
_pending: ContextVar[list[Callback] | None] = ContextVar("after_commit", default=None)


@asynccontextmanager
async def atomic() -> AsyncIterator[None]:
    callbacks = _pending.get()
    if callbacks is not None:  # nested: a savepoint; its callbacks go if it rolls back
        mark = len(callbacks)
        try:
            async with in_transaction():
                yield
        except BaseException:
            del callbacks[mark:]
            raise
        return
    token = _pending.set([])
    try:
        async with in_transaction():
            yield
        ran = _pending.get() or []
    finally:
        _pending.reset(token)
    for callback in ran:
        try:
            await callback()
        except Exception:  # the write committed; derived data is repaired by a rebuild
            log.exception("after-commit callback failed")


def after_commit(callback: Callback) -> None:
    callbacks = _pending.get()
    if callbacks is None:
        raise RuntimeError("after_commit() needs an enclosing atomic() block")
    callbacks.append(callback)
