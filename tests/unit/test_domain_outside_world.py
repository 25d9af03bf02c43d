"""The domain receives its settings, Redis and clock from ``bootstrap``: no module under
``domain/`` reads the environment, loads the settings or asks the wall clock itself (only the
real clock does)."""

from __future__ import annotations

import re
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
FORBIDDEN = re.compile(r"\bload_settings\b|\bos\.environ\b|\bgetenv\b|\bdatetime\.now\b|utcnow")
THE_CLOCK = DOMAIN / "clock.py"


def offending_lines(root: Path) -> list[str]:
    return [
        f"{path.relative_to(root.parent)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        if path != THE_CLOCK
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FORBIDDEN.search(line)
    ]


def test_the_domain_neither_reads_the_environment_nor_the_wall_clock() -> None:
    assert len(list(DOMAIN.rglob("*.py"))) > 50
    assert offending_lines(DOMAIN) == []


def test_the_check_sees_a_settings_load_and_a_wall_clock_read(tmp_path: Path) -> None:
    (tmp_path / "jobs.py").write_text(
        "from settings import load_settings\nnow = datetime.now(UTC)\nx = 1\n", encoding="utf-8"
    )
    assert [line.split(":")[1] for line in offending_lines(tmp_path)] == ["1", "2"]
