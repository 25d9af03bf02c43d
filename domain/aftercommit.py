"""Transactions that run callbacks after the outermost one commits (Redis leaderboards, tallies,
caches, job enqueues): derived data never sees a write that rolled back.

A callback that fails (Redis away) does not fail the committed write. The derived structures
repair themselves: an increment that could not reach Redis leaves its structure marked for a
rebuild, done when Redis answers again (domain.stores.increment / settle)."""

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
    await _run(ran)


@asynccontextmanager
async def single_statement() -> AsyncIterator[None]:
    """A block whose write is one statement, committed by itself: no BEGIN and COMMIT round
    trips around it. Its callbacks run when the block ends, or, inside an ``atomic()`` block,
    when that one commits. Two writes in such a block would not be atomic: that needs ``atomic``."""
    if _pending.get() is not None:  # inside a transaction: its commit runs them
        yield
        return
    token = _pending.set([])
    try:
        yield
        ran = _pending.get() or []
    finally:
        _pending.reset(token)
    await _run(ran)


async def _run(callbacks: list[Callback]) -> None:
    for callback in callbacks:
        try:
            await callback()
        except Exception as error:  # the write committed; the structure is rebuilt on read
            log.warning("after-commit callback failed: %s: %s", type(error).__name__, error)


def after_commit(callback: Callback) -> None:
    callbacks = _pending.get()
    if callbacks is None:
        raise RuntimeError("after_commit() needs an enclosing atomic() block")
    callbacks.append(callback)
