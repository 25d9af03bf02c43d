"""Share posters as pictures: the title is drawn where the poster says (compared with the same
text drawn alone in the same font), long titles are cut with "…", and the QR code decodes to the
link with a CJK font and without one."""

from __future__ import annotations

import io
from pathlib import Path

import zxingcpp
from PIL import Image, ImageChops, ImageDraw

from domain.media import posters
from domain.media.posters import Poster, cjk_font, render_poster

LINK = "https://linli.example.cn/posts/42"
TITLE_BOX = (
    posters.MARGIN,
    posters.PICTURE_HEIGHT + posters.MARGIN,
    posters.WIDTH - posters.MARGIN,
    posters.PICTURE_HEIGHT + posters.MARGIN + posters.TITLE_LINES * posters.TITLE_LEADING,
)


def opened(png: bytes) -> Image.Image:
    with Image.open(io.BytesIO(png)) as image:
        return image.convert("RGB")


def title_lines(title: str, font_path: Path | None) -> list[str]:
    face = posters.font(font_path, posters.TITLE_SIZE)
    return posters.wrap(title, face, posters.WIDTH - 2 * posters.MARGIN, posters.TITLE_LINES)


def lines_box(count: int) -> tuple[int, int, int, int]:
    return (*TITLE_BOX[:3], TITLE_BOX[1] + count * posters.TITLE_LEADING)


def title_alone(title: str, font_path: Path | None, rows: int) -> Image.Image:
    """``title`` drawn on its own, in the poster's font and place: what the poster must hold
    (its first ``rows`` lines' band)."""
    canvas = Image.new("RGB", (posters.WIDTH, posters.HEIGHT), posters.BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    face = posters.font(font_path, posters.TITLE_SIZE)
    for n, line in enumerate(title_lines(title, font_path)):
        y = TITLE_BOX[1] + n * posters.TITLE_LEADING
        draw.text((posters.MARGIN, y), line, font=face, fill=posters.INK)
    return canvas.crop(lines_box(rows))


def assert_shows_title(poster: Image.Image, title: str, font_path: Path | None) -> None:
    rows = len(title_lines(title, font_path))
    region = poster.crop(lines_box(rows))
    blank = Image.new("RGB", region.size, posters.BACKGROUND)
    assert ImageChops.difference(region, blank).getbbox() is not None  # there is ink
    assert ImageChops.difference(region, title_alone(title, font_path, rows)).getbbox() is None
    other = title_alone("别的标题" if title != "别的标题" else "另一个标题", font_path, rows)
    assert ImageChops.difference(region, other).getbbox() is not None


def decoded(poster: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(poster)]


def test_a_poster_shows_its_title_and_a_qr_code_of_its_link() -> None:
    font_path = cjk_font(None)
    png = render_poster(Poster("阳台番茄大丰收", "小王", "邻里", LINK), None, font_path)
    poster = opened(png)
    assert poster.size == (750, 1334)
    assert_shows_title(poster, "阳台番茄大丰收", font_path)
    assert decoded(poster) == [LINK]


def test_a_poster_without_its_title_would_not_pass_the_title_check() -> None:
    font_path = cjk_font(None)
    poster = opened(render_poster(Poster("阳台番茄大丰收", "小王", "邻里", LINK), None, font_path))
    ImageDraw.Draw(poster).rectangle(TITLE_BOX, fill=posters.BACKGROUND)
    region = poster.crop(lines_box(1))
    assert ImageChops.difference(region, title_alone("阳台番茄大丰收", font_path, 1)).getbbox()


def test_a_long_title_is_wrapped_into_three_lines_ending_with_an_ellipsis() -> None:
    font_path = cjk_font(None)
    face = posters.font(font_path, posters.TITLE_SIZE)
    title = "今年第一次在阳台种番茄，从育苗到搭架再到收获，记录了整整一个夏天的点点滴滴" * 2
    lines = posters.wrap(title, face, 654, 3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(face.getlength(line) <= 654 for line in lines)
    assert "".join(lines).rstrip("…") == title[: len("".join(lines)) - 1]
    assert posters.wrap("短标题", face, 654, 3) == ["短标题"]


def test_without_a_cjk_font_the_poster_is_still_drawn_with_a_readable_qr_code() -> None:
    png = render_poster(Poster("Tomatoes on the balcony", "Wang", "Linli", LINK), None, None)
    poster = opened(png)
    assert_shows_title(poster, "Tomatoes on the balcony", None)
    assert decoded(poster) == [LINK]


def test_a_configured_font_that_is_missing_falls_back_to_the_system_one(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-font.ttc"
    assert cjk_font(missing) == cjk_font(None)
    configured = tmp_path / "brand-font.otf"
    configured.write_bytes(b"")
    assert cjk_font(configured) == configured


def test_the_poster_names_the_resident_who_shares_it() -> None:
    font_path = cjk_font(None)
    wang = opened(render_poster(Poster("阳台番茄大丰收", "小王", "邻里", LINK), None, font_path))
    li = opened(render_poster(Poster("阳台番茄大丰收", "小李", "邻里", LINK), None, font_path))
    changed = ImageChops.difference(wang, li).getbbox()
    assert changed is not None
    # Only the line under the title differs: the title above it and the QR code below are equal.
    assert changed[1] >= lines_box(1)[3] and changed[3] <= posters.HEIGHT - posters.QR_SIZE
    assert posters.shared_by("小王") == "小王 分享"
