"""Pure rules of content safety: normalising text against the usual evasions, matching a word
list in one pass (Aho-Corasick), finding contact details, masking. No I/O.

Normalising maps each character on its own (so a match can be traced back to the characters the
member typed, for masking): NFKC folds full-width forms to half-width, casefold folds latin case,
OpenCC's table maps traditional characters to simplified, and separators, punctuation and
symbols are dropped, so "法 ＊ 輪-功" is matched as "法轮功"."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate

import ahocorasick
import opencc

MASK = "＊"


class WordCategory(StrEnum):
    BLOCK = "BLOCK"  # refused outright, with an error naming no word
    REVIEW = "REVIEW"  # stored, held for a moderator
    REPLACE = "REPLACE"  # stored with the word masked, one ＊ per character


class Action(StrEnum):
    ALLOW = "ALLOW"
    REVIEW = "REVIEW"
    BLOCK = "BLOCK"


# What a moderator is told held an item (stored on the item, shown in the queue).
FLAG_WORD = "敏感词（需审核）"
FLAG_LINK = "含链接"
FLAG_PHONE = "含电话号码"
FLAG_WECHAT = "含微信号"
FLAG_IMAGE = "图片与曾被拒绝的图片相似"
FLAG_CLOUD = "云端审核提示风险"
FLAG_CLOUD_IMAGE = "云端审核提示图片风险"

_DROPPED_CATEGORIES = ("P", "S", "Z", "C")
_T2S = opencc.OpenCC("t2s")


class _Folding(dict[int, str]):
    """A ``str.translate`` table filled on first sight of each character: the loop over a long
    post stays in C once its characters have been seen."""

    def __missing__(self, code: int) -> str:
        folded = fold_character(chr(code))
        self[code] = folded
        return folded


def fold_character(ch: str) -> str:
    """One character as matched: "" for separators, punctuation, symbols and controls."""
    out = []
    for part in unicodedata.normalize("NFKC", ch).casefold():
        if unicodedata.category(part)[0] in _DROPPED_CATEGORIES:
            continue
        out.append(_T2S.convert(part) if ord(part) > 0x2E7F else part)
    return "".join(out)


_FOLDING = _Folding()


def normalise(text: str) -> str:
    return text.translate(_FOLDING)


def folded_ends(text: str) -> list[int]:
    """For each character of ``text``, how many normalised characters it and those before it
    make: normalised index ``k`` came from ``text[bisect_right(ends, k)]``."""
    return list(accumulate(map(len, map(_FOLDING.__getitem__, map(ord, text)))))


@dataclass(frozen=True)
class Hit:
    end: int  # index of the last character, in the normalised text
    length: int  # in normalised characters
    category: WordCategory


class WordMatcher:
    """Built once from the word list (each word normalised as the text will be)."""

    def __init__(self, words: Iterable[tuple[str, WordCategory]]) -> None:
        self._automaton = ahocorasick.Automaton()
        # A word listed twice keeps its strictest category.
        strictness = {WordCategory.REPLACE: 0, WordCategory.REVIEW: 1, WordCategory.BLOCK: 2}
        chosen: dict[str, WordCategory] = {}
        for word, category in words:
            key = normalise(word)
            if key and strictness[category] >= strictness[chosen.get(key, WordCategory.REPLACE)]:
                chosen[key] = category
        for key, category in chosen.items():
            self._automaton.add_word(key, (len(key), category))
        self._empty = not chosen
        if chosen:
            self._automaton.make_automaton()

    def hits(self, normalised: str) -> list[Hit]:
        if self._empty:
            return []
        return [
            Hit(end, length, category)
            for end, (length, category) in self._automaton.iter(normalised)
        ]


_LINK = re.compile(
    r"https?://|www\.|(?<=[a-z0-9-]{2})\.(?:com|cn|net|org|top|xyz|cc|vip|shop|club|info|me|io|co)\b",
    re.IGNORECASE,
)
# Full-width ASCII to ASCII and the ideographic full stop to a dot ("www。shop。com"), without
# NFKC over the whole text (a quarter of a millisecond on a long post).
_LINK_FOLDING = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3002: ord(".")}
# A mainland mobile number once separators are gone: 11 digits starting 13–19.
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_WECHAT = re.compile(
    r"(微信|威信|薇信|徽信|v信|vx|wx|weixin|wechat|加v|加微|\+v|wxid)(号|id|是)?[a-z][a-z0-9]{5,19}"
)


def contact_flags(text: str, normalised: str) -> list[str]:
    """Links, phone numbers and WeChat ids: the classic 代购/引流 spam, held for review."""
    flags = []
    if _LINK.search(text.translate(_LINK_FOLDING)):
        flags.append(FLAG_LINK)
    if _PHONE.search(normalised):
        flags.append(FLAG_PHONE)
    if _WECHAT.search(normalised):
        flags.append(FLAG_WECHAT)
    return flags


@dataclass(frozen=True)
class TextVerdict:
    action: Action
    text: str  # as stored: replace-category words masked
    flags: tuple[str, ...] = ()


def judge(matcher: WordMatcher, text: str) -> TextVerdict:
    """The verdict on one text: BLOCK beats REVIEW beats ALLOW; REPLACE words are masked in any
    text that is not blocked."""
    normalised = normalise(text)
    hits = matcher.hits(normalised)
    categories = {hit.category for hit in hits}
    if WordCategory.BLOCK in categories:
        return TextVerdict(Action.BLOCK, text)
    flags = ([FLAG_WORD] if WordCategory.REVIEW in categories else []) + contact_flags(
        text, normalised
    )
    replaced = [hit for hit in hits if hit.category == WordCategory.REPLACE]
    stored = mask(text, replaced) if replaced else text
    return TextVerdict(Action.REVIEW if flags else Action.ALLOW, stored, tuple(flags))


def mask(text: str, hits: list[Hit]) -> str:
    """Each character of ``text`` a hit came from becomes ＊ (separators inside the word too)."""
    ends = folded_ends(text)
    chars = list(text)
    for hit in hits:
        first = bisect_right(ends, hit.end - hit.length + 1)
        last = bisect_right(ends, hit.end)
        for index in range(first, last + 1):
            if not chars[index].isspace():
                chars[index] = MASK
    return "".join(chars)
