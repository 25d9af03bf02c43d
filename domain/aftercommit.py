"""Transactions that run callbacks after the outermost one commits (Redis leaderboards, tallies,
caches, job enqueues): derived data never sees a write that rolled back.

A callback that fails (Redis away) does not fail the committed write. The derived structures
repair themselves: an increment that could not reach Redis leaves its structure marked for a
rebuild, done when Redis answers again (domain.stores.increment / settle).

A commit whose answer never came (the connection lost after COMMIT was sent) may or may not have
committed. Its callbacks do not run: each one's ``in_doubt`` counterpart does instead, which
marks what the callback would have updated for a rebuild from the database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar

from tortoise.transactions import in_transaction

log = logging.getLogger("linli.aftercommit")
Callback = Callable[[], Awaitable[None]]
# Each callback with what runs instead if the commit's outcome is unknown (None: nothing).
Pending = list[tuple[Callback, Callback | None]]
_pending: ContextVar[Pending | None] = ContextVar("after_commit", default=None)


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
    committing = False
    try:
        async with in_transaction():
            yield
            committing = True  # the body is done: leaving the block sends COMMIT
        ran = _pending.get() or []
    except BaseException:
        if committing:  # COMMIT failed or its answer was lost: maybe committed, maybe not
            await _run([doubt for _, doubt in _pending.get() or [] if doubt is not None])
        raise
    finally:
        _pending.reset(token)
    await _run([callback for callback, _ in ran])


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
    await _run([callback for callback, _ in ran])


async def _run(callbacks: list[Callback]) -> None:
    for callback in callbacks:
        try:
            await callback()
        except Exception as error:  # the write committed; the structure is rebuilt on read
            log.warning("after-commit callback failed: %s: %s", type(error).__name__, error)


def after_commit(callback: Callback, in_doubt: Callback | None = None) -> None:
    """Run ``callback`` once the enclosing block commits; if its commit's outcome is unknown,
    run ``in_doubt`` instead (for a derived structure: mark it for a rebuild)."""
    callbacks = _pending.get()
    if callbacks is None:
        raise RuntimeError("after_commit() needs an enclosing atomic() block")
    callbacks.append((callback, in_doubt))
