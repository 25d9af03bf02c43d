"""Pinyin initials of a name, so a name search finds 邻居小王 by ``ljxw`` (pypinyin's own tables,
no download): each Chinese character's first letter, other letters and digits as they are,
everything else dropped, lower case."""

from __future__ import annotations

from collections.abc import Iterable

from pypinyin import Style, lazy_pinyin

INITIALS_MAX = 40  # characters kept (a name is at most 30)


def initials(name: str) -> str:
    letters = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))
    return "".join(ch for ch in letters.lower() if ch.isascii() and ch.isalnum())[:INITIALS_MAX]


def with_initials(update_fields: Iterable[str] | None, name_field: str) -> list[str] | None:
    """The columns a save writes when its name's initials are kept in step with the name."""
    if update_fields is None:
        return None
    fields = list(update_fields)
    return [*fields, "name_initials"] if name_field in fields else fields
