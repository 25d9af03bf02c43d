"""Counting the SQL statements a piece of work sends, through tortoise's statement log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

SQL_LOGGER = "tortoise.db_client"


class _Statements(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record.getMessage())


@contextmanager
def count_sql() -> Iterator[list[str]]:
    """Yields the list that fills with every statement sent inside the block."""
    handler = _Statements()
    logger = logging.getLogger(SQL_LOGGER)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.seen
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
