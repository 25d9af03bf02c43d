"""Pure rules for what members type into posts and comments: cleaning and lengths. No I/O.

Lengths are counted in characters (code points after NFC), not bytes: "红烧排骨" is 4, as a
resident would count it, although it is 12 bytes of UTF-8.
"""

from __future__ import annotations

import re
import unicodedata

from domain.errors import FieldError

TITLE_MIN = 4
TITLE_MAX = 60
BODY_MIN = 8
BODY_MAX = 10_000
COMMENT_MIN = 1
COMMENT_MAX = 1_000

# Bidi embeddings, overrides and isolates (the "Trojan Source" characters), the directional
# marks, and the byte-order mark: invisible, and able to make text read differently than it is.
_INVISIBLE = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
    "\u200e\u200f\u061c"  # LRM RLM ALM
    "\ufeff"  # BOM / zero-width no-break space
)
_KEPT_CONTROLS = frozenset("\n\t")
_NEWLINES = re.compile(r"\r\n|[\r\u2028\u2029\x85]")


def _kept(ch: str) -> bool:
    if ch in _KEPT_CONTROLS:
        return True
    if ch in _INVISIBLE:
        return False
    # Cc: C0/C1 controls. Cs: lone surrogates (from broken JSON) that UTF-8 cannot store.
    return unicodedata.category(ch) not in ("Cc", "Cs")


def clean_text(raw: str | None) -> str:
    """NFC, one kind of newline, no control or bidi-override characters, trimmed.

    Keeps ``\\n`` and ``\\t`` (markdown needs them) and joiners such as U+200D (emoji need them).
    """
    text = _NEWLINES.sub("\n", unicodedata.normalize("NFC", raw or ""))
    return "".join(ch for ch in text if _kept(ch)).strip()


def clean_title(raw: str | None) -> str:
    """A title is one line: ``clean_text`` with every run of whitespace folded to one space."""
    return " ".join(clean_text(raw).split())


def title_error(title: str) -> str | None:
    """Expects ``clean_title`` output."""
    if not title:
        return "请填写标题"
    if len(title) < TITLE_MIN:
        return f"标题至少{TITLE_MIN}个字"
    if len(title) > TITLE_MAX:
        return f"标题最多{TITLE_MAX}个字"
    return None


def body_error(body: str) -> str | None:
    """Expects ``clean_text`` output; the markdown source is what counts, not the rendering."""
    if not body:
        return "请填写正文"
    if len(body) < BODY_MIN:
        return f"正文至少{BODY_MIN}个字"
    if len(body) > BODY_MAX:
        return f"正文最多{BODY_MAX}个字"
    return None


def comment_error(comment: str) -> str | None:
    """Expects ``clean_text`` output."""
    if len(comment) < COMMENT_MIN:
        return "请填写评论内容"
    if len(comment) > COMMENT_MAX:
        return f"评论最多{COMMENT_MAX}个字"
    return None


def post_field_errors(title: str, body: str) -> list[FieldError]:
    """Both fields' problems at once, so a form can show them together."""
    errors: list[FieldError] = []
    for field, message in (("title", title_error(title)), ("body", body_error(body))):
        if message:
            errors.append(FieldError(field, message))
    return errors
