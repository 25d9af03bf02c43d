"""The portal's Chinese strings: a key written twice would silently keep only its last
translation, so the file must hold each key once."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "portal" / "locale" / "zh_CN.json"


def keys_written_twice(text: str) -> list[str]:
    keys: list[str] = []

    def collect(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys.extend(key for key, _ in pairs)
        return dict(pairs)

    json.loads(text, object_pairs_hook=collect)
    return sorted(key for key, count in Counter(keys).items() if count > 1)


def test_each_key_of_the_locale_is_written_once() -> None:
    assert keys_written_twice(LOCALE.read_text(encoding="utf-8")) == []


def test_a_key_written_twice_is_found() -> None:
    assert keys_written_twice('{"Save": "保存", "Back": "返回", "Save": "存"}') == ["Save"]
