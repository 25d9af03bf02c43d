"""Chinese word segmentation for search (rjieba, the jieba-rs binding): the segmenter is built
once per process, on first use, with the domain's words of ``userdict.txt`` added."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import rjieba

USER_DICTIONARY = Path(__file__).with_name("userdict.txt")
QUERY_MAX = 40  # characters of a search query
_WORD = re.compile(r"\w", re.UNICODE)


@cache
def segmenter() -> rjieba.Jieba:
    jieba = rjieba.Jieba()
    for line in USER_DICTIONARY.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        jieba.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, None)
    return jieba


def _words(tokens: list[str]) -> list[str]:
    return [t.lower() for t in (token.strip() for token in tokens) if t and _WORD.search(t)]


def index_words(text: str) -> str:
    """The text's words for the index, space separated: search mode, so a compound word is kept
    whole and also as its parts (番茄炒蛋 → 番茄 炒蛋 番茄炒蛋)."""
    return " ".join(_words(segmenter().cut_for_search(text, True)))


def query_words(query: str) -> list[str]:
    """The words a query asks for, each once, in order (every one must be found)."""
    seen: dict[str, None] = {}
    for part in query.split():
        for word in _words(segmenter().cut(part, True)):
            seen.setdefault(word, None)
    return list(seen)
