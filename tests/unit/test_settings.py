"""The environment is read in one place; the login limit is one of its knobs."""

from __future__ import annotations

import pytest

from settings import load_settings


def test_the_login_limit_defaults_to_ten_and_can_be_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LOGIN_PER_MINUTE", raising=False)
    assert load_settings().limits.login_per_minute == 10
    monkeypatch.setenv("LOGIN_PER_MINUTE", "25")
    assert load_settings().limits.login_per_minute == 25


def test_the_redemption_limit_defaults_to_five_and_can_be_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("REDEMPTIONS_PER_MINUTE", raising=False)
    assert load_settings().limits.redemptions_per_minute == 5
    monkeypatch.setenv("REDEMPTIONS_PER_MINUTE", "12")
    assert load_settings().limits.redemptions_per_minute == 12


def test_the_product_link_defaults_to_the_mall_page_and_must_name_the_sku(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PRODUCT_URL_TEMPLATE", raising=False)
    assert load_settings().product_url_template == "/mall?sku={sku}"
    monkeypatch.setenv("PRODUCT_URL_TEMPLATE", "pages/goods/detail?sku={sku}")
    assert load_settings().product_url_template == "pages/goods/detail?sku={sku}"
    monkeypatch.setenv("PRODUCT_URL_TEMPLATE", "pages/goods/detail")
    with pytest.raises(ValueError, match="PRODUCT_URL_TEMPLATE"):
        load_settings()


def test_the_media_check_refuses_to_start_without_an_address_wechat_can_reach(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.delenv("WECHAT_MEDIA_CHECK", raising=False)
    assert load_settings().public_url == "http://127.0.0.1:8000"  # fine for pages' links
    monkeypatch.setenv("WECHAT_MEDIA_CHECK", "1")
    for address in (None, "http://127.0.0.1:8000", "http://localhost", "http://[::1]:8000"):
        if address is None:
            monkeypatch.delenv("PUBLIC_URL", raising=False)
        else:
            monkeypatch.setenv("PUBLIC_URL", address)
        with pytest.raises(ValueError, match="PUBLIC_URL"):
            load_settings()
    monkeypatch.setenv("PUBLIC_URL", "https://linli.example.com")
    settings = load_settings()
    assert settings.wechat_media_check and settings.public_url == "https://linli.example.com"


def test_exposures_are_recorded_unless_turned_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("EXPOSURES_ENABLED", raising=False)
    assert load_settings().exposures_enabled
    monkeypatch.setenv("EXPOSURES_ENABLED", "0")
    assert not load_settings().exposures_enabled
