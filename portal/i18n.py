"""The translation catalogue: templates say ``_("Log in")``; zh-CN is the default language.

Message ids are English; ``locale/<lang>.json`` maps them to the shown text. A test checks that
every id used in the templates has a zh-CN entry, so nothing shows up untranslated."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "zh_CN"


@cache
def catalogue(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    path = LOCALE_DIR / f"{language}.json"
    if not path.exists():
        return {}
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def gettext(message: str, language: str = DEFAULT_LANGUAGE) -> str:
    return catalogue(language).get(message, message)


def ngettext(singular: str, plural: str, n: int, language: str = DEFAULT_LANGUAGE) -> str:
    return gettext(singular if n == 1 else plural, language)
