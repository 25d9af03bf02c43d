"""What an empty database becomes is one setting: the demo by default, the setup page when off."""

from __future__ import annotations

import os

import pytest

from settings import choose_no_demo, load_settings


def test_the_demo_is_on_by_default_and_linli_demo_0_turns_it_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LINLI_DEMO", raising=False)
    assert load_settings().demo is True
    monkeypatch.setenv("LINLI_DEMO", "0")
    assert load_settings().demo is False
    monkeypatch.setenv("LINLI_DEMO", "yes")
    assert load_settings().demo is True


def test_serve_no_demo_reaches_the_app_factory_through_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LINLI_DEMO", raising=False)
    choose_no_demo()
    try:
        assert load_settings().demo is False
    finally:
        os.environ.pop("LINLI_DEMO", None)
