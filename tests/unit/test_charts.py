"""Server-drawn SVG charts: inline-safe under the CSP, scalable, escaped."""

from __future__ import annotations

from xml.etree import ElementTree

from portal import charts

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own chart output


def test_a_line_chart_scales_to_its_box_and_carries_no_style_or_script() -> None:
    svg = str(charts.line_chart("月活跃会员", [(f"{m}月", m * 10) for m in range(1, 13)]))
    root = parsed(svg)
    assert root.get("viewBox") == "0 0 340 220" and root.get("width") is None
    assert root.get("aria-label") == "月活跃会员"
    assert not list(root.iter(f"{SVG}style"))
    assert "<script" not in svg and "style=" not in svg
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "12月" in texts and "11月" not in texts  # every other month, the latest written
    assert len(list(root.iter(f"{SVG}path"))) >= 1
    assert "Unnamed series" not in svg  # a single series, no legend


def test_percent_axis_and_escaped_labels() -> None:
    svg = str(charts.line_chart("复购率", [("1月", 0.3), ("2月", 0.42)], percent=True))
    assert "50%" in svg and "100%" in svg
    bars = str(charts.bar_chart("各小组发帖", [("阳台种菜", 30), ('<b onclick="x">烘焙', 12)]))
    assert "<b " not in bars and "&lt;b" in bars
    root = parsed(bars)
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("fill") in charts.COLOURS]) == 2


def test_empty_series_still_draw() -> None:
    assert "<svg" in str(charts.line_chart("空", []))
    assert "<svg" in str(charts.bar_chart("空", []))


def test_nice_ceilings() -> None:
    assert [charts._nice_ceiling(v) for v in (0, 1, 7, 12, 250, 999)] == [1, 1, 10, 20, 500, 1000]


def test_the_card_heading_names_the_chart_so_the_picture_draws_no_title() -> None:
    for svg in (
        str(charts.line_chart("月活跃会员", [("1月", 3), ("2月", 5)])),
        str(charts.bar_chart("各小组发帖数", [("阳台种菜", 3)])),
    ):
        texts = [t.text for t in parsed(svg).iter(f"{SVG}text")]
        assert "月活跃会员" not in texts and "各小组发帖数" not in texts
        assert {t.get("font-size") for t in parsed(svg).iter(f"{SVG}text")} == {"13"}


def test_a_few_months_are_all_written() -> None:
    root = parsed(str(charts.line_chart("月活跃会员", [("1月", 3), ("2月", 5), ("3月", 4)])))
    written = sorted(t.text for t in root.iter(f"{SVG}text") if t.text and "月" in t.text)
    assert written == ["1月", "2月", "3月"]


def test_a_long_group_name_is_shortened_on_the_bar_but_not_lost() -> None:
    svg = str(charts.bar_chart("各小组发帖数", [("周末手冲咖啡研究会", 7), ("阳台种菜", 3)]))
    texts = [t.text for t in parsed(svg).iter(f"{SVG}text")]
    assert "周末手冲咖…" in texts and "阳台种菜" in texts
