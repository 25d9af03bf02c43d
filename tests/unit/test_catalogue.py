"""Every message id a template uses has a zh-CN translation, and none is left unused."""

from __future__ import annotations

import re
from pathlib import Path

from portal import i18n, navigation

TEMPLATES = Path(i18n.__file__).parent / "templates"
MESSAGE = re.compile(r'_\("([^"]+)"')


def used_ids() -> set[str]:
    """The templates' messages, the portal modules' (relative times), and the navigation's labels
    (translated as ``_(link.label)``)."""
    sources = [
        *TEMPLATES.rglob("*.html"),
        *(p for p in TEMPLATES.parent.rglob("*.py") if p.name != "i18n.py"),
    ]
    written = {m for path in sources for m in MESSAGE.findall(path.read_text())}
    tabs = (*navigation.MEMBER_TABS, *navigation.GUEST_TABS)
    return written | {link.label for link in navigation.STAFF_LINKS} | {t.label for t in tabs}


def test_every_template_message_has_a_chinese_translation() -> None:
    missing = used_ids() - set(i18n.catalogue("zh_CN"))
    assert not missing


def test_the_catalogue_has_no_stale_entries() -> None:
    assert not set(i18n.catalogue("zh_CN")) - used_ids()
