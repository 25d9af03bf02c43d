from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.posts import text
from domain.posts.rendering import (
    ALLOWED_TAGS,
    LINK_REL,
    excerpt,
    render_comment,
    render_markdown,
)

REL = f'rel="{LINK_REL}"'

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<div hx-get="/logout" hx-trigger="load">',
    '<span data-hx-post="/x">',
    '<p hx-on:click="alert(1)">',
    "<svg onload=alert(1)>",
    "<iframe src=//evil>",
    "<style>*{}</style>",
    '"><script>',
    "![x](https://evil/x.png)",
    "![x](javascript:alert(1))",
    '<a href="https://ok.example" onclick="x">',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "[x](vbscript:msgbox(1))",
    '[x](https://a.example/"onmouseover="alert(1))',
    "[x](<https://a.example/ onmouseover=alert(1)>)",
    "<javascript:alert(1)>",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "<!-- <script>alert(1)</script> -->",
    "# <script>alert(1)</script>",
    "> <img src=x onerror=alert(1)>",
    "[x](/logout)",
    "[x](//evil.example)",
]


class _Elements(HTMLParser):
    """Every element and attribute the browser would build from the output."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def _markup(html: str) -> str:
    """Only the tags, not the text between them nor link targets (either may mention `onclick=`
    harmlessly, escaped or percent-encoded); hrefs are checked by scheme in `_assert_safe`."""
    return re.sub(r'href="[^"]*"', 'href=""', " ".join(re.findall(r"<[^>]*>", html)))


def _assert_safe(html: str) -> None:
    lowered = html.lower()
    for needle in ("<script", "<img", "<iframe", "<svg", "<style", "<div", "<span"):
        assert needle not in lowered
    markup = _markup(html).lower()
    assert not re.search(r"\son\w*\s*=", markup)
    for needle in ("hx-", "data-", "javascript:", "vbscript:", "data:", "style", "class", "id="):
        assert needle not in markup
    for tag, attrs in _elements(html):
        assert tag in ALLOWED_TAGS
        if tag == "a":
            assert set(attrs) <= {"href", "rel"}
            href = attrs.get("href")
            assert href is None or re.match(r"(https?|mailto):", href)
            assert attrs["rel"] == LINK_REL
        else:
            assert attrs == {}


@pytest.mark.parametrize("body", XSS_CORPUS)
def test_hostile_markdown_renders_without_scripts_handlers_htmx_or_images(body: str) -> None:
    _assert_safe(render_markdown(body))


def test_raw_html_is_shown_as_text_rather_than_dropped() -> None:
    assert render_markdown("<script>alert(1)</script>") == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    )


def test_a_link_with_a_handler_keeps_neither_the_tag_nor_the_handler() -> None:
    html = render_markdown('<a href="https://ok.example" onclick="x">')
    assert html == '<p>&lt;a href="https://ok.example" onclick="x"&gt;</p>\n'


def test_markdown_images_keep_only_their_description() -> None:
    assert render_markdown("看 ![春日樱花](https://evil/x.png) 吧") == "<p>看 春日樱花 吧</p>\n"


@pytest.mark.parametrize("body", ["[x](/logout)", "[x](//evil.example)", "[x](#top)"])
def test_relative_links_lose_their_target(body: str) -> None:
    assert render_markdown(body) == f"<p><a {REL}>x</a></p>\n"


def test_bold_italic_and_inline_code_render() -> None:
    assert render_markdown("**粗** *斜* `x<1`") == (
        "<p><strong>粗</strong> <em>斜</em> <code>x&lt;1</code></p>\n"
    )


def test_lists_render() -> None:
    assert render_markdown("- 鸡蛋\n- 番茄\n\n1. 切\n2. 炒") == (
        "<ul>\n<li>鸡蛋</li>\n<li>番茄</li>\n</ul>\n<ol>\n<li>切</li>\n<li>炒</li>\n</ol>\n"
    )


def test_https_and_mailto_links_render_with_ugc_rel() -> None:
    assert render_markdown("[菜谱](https://example.com/a?b=1&c=2)") == (
        f'<p><a href="https://example.com/a?b=1&amp;c=2" {REL}>菜谱</a></p>\n'
    )
    assert render_markdown("<mailto:a@example.com>") == (
        f'<p><a href="mailto:a@example.com" {REL}>mailto:a@example.com</a></p>\n'
    )


def test_headings_are_demoted_below_the_pages_own() -> None:
    assert render_markdown("# 一\n\n## 二\n\n### 三\n\n###### 六") == (
        "<h3>一</h3>\n<h4>二</h4>\n<h4>三</h4>\n<h4>六</h4>\n"
    )


def test_fenced_code_loses_its_language_class() -> None:
    assert render_markdown("```python\nprint(1)\n```") == "<pre><code>print(1)\n</code></pre>\n"


def test_quotes_and_rules_render() -> None:
    assert render_markdown("> 好吃\n\n---") == "<blockquote>\n<p>好吃</p>\n</blockquote>\n<hr>\n"


def test_chinese_text_round_trips_unchanged() -> None:
    body = "今天做了红烧排骨，邻居们都说好吃！🍖 欢迎来 3 号楼取。"
    assert render_markdown(body) == f"<p>{body}</p>\n"
    assert render_comment(body) == f"<p>{body}</p>"
    assert excerpt(body) == body


def test_comments_are_escaped_paragraphs_with_line_breaks_and_no_markdown() -> None:
    assert render_comment("**好**<script>\r\n第二行\n\n\n第二段 & 'x'\n") == (
        "<p>**好**&lt;script&gt;<br>\n第二行</p>\n<p>第二段 &amp; &#x27;x&#x27;</p>"
    )
    assert render_comment("  \n ") == ""


@pytest.mark.parametrize("body", XSS_CORPUS)
def test_hostile_comments_render_without_markup(body: str) -> None:
    assert {tag for tag, _ in _elements(render_comment(body))} <= {"p", "br"}
    assert "<" not in re.sub(r"</?p>|<br>", "", render_comment(body))


def test_excerpts_are_plain_text_with_collapsed_whitespace() -> None:
    body = "# 标题\n\n正文 **加粗** a < b & c\n\n- 一\n- 二"
    assert excerpt(body) == "标题 正文 加粗 a < b & c 一 二"


def test_excerpts_are_cut_to_the_limit_with_an_ellipsis() -> None:
    cut = excerpt("邻" * 100, limit=80)
    assert cut == "邻" * 79 + "…"
    assert len(cut) == 80
    assert excerpt("邻" * 80, limit=80) == "邻" * 80


def test_an_excerpt_does_not_end_in_a_space_before_the_ellipsis() -> None:
    assert excerpt("abcd efgh", limit=6) == "abcd…"


def test_an_excerpt_needs_room_for_at_least_the_ellipsis() -> None:
    with pytest.raises(ValueError):
        excerpt("正文", limit=0)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_renders_without_scripts_handlers_or_htmx(body: str) -> None:
    _assert_safe(render_markdown(body))


_HOSTILE_PIECES = st.sampled_from(
    [
        *"<>\"'[]()!`*#\n ;",
        *"&# javascript: JaVaScRiPt: data: vbscript: onerror= hx-get= data-hx-post=".split(),
        *"<script> <a href= https://e.example/ style= mailto: 邻里 </a>".split(),
        " onload=",
        "<img src=x ",
        "<iframe ",
        "<svg ",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_HOSTILE_PIECES, max_size=40).map("".join))
def test_assembled_hostile_fragments_render_safely(body: str) -> None:
    _assert_safe(render_markdown(body))


@given(st.text(max_size=200))
def test_comments_never_contain_markup_beyond_paragraphs(body: str) -> None:
    assert {tag for tag, _ in _elements(render_comment(body))} <= {"p", "br"}


# --- lengths and cleaning -------------------------------------------------------------------


def test_a_four_character_chinese_title_is_valid_and_three_is_not() -> None:
    assert text.title_error("红烧排骨") is None
    assert text.title_error("红烧肉") == "标题至少4个字"


def test_lengths_count_characters_not_bytes() -> None:
    assert len(("邻" * 60).encode()) == 180
    assert text.title_error("邻" * 60) is None
    assert text.title_error("邻" * 61) == "标题最多60个字"
    assert text.body_error("邻" * 10_000) is None
    assert text.body_error("邻" * 10_001) == "正文最多10000个字"
    assert text.comment_error("邻" * 1_000) is None
    assert text.comment_error("邻" * 1_001) == "评论最多1000个字"


def test_bodies_need_eight_characters_and_comments_one() -> None:
    assert text.body_error("邻里社区真不错哦") is None
    assert text.body_error("邻里社区真不错") == "正文至少8个字"
    assert text.body_error("") == "请填写正文"
    assert text.comment_error("赞") is None
    assert text.comment_error("") == "请填写评论内容"
    assert text.title_error("") == "请填写标题"


def test_post_field_errors_name_each_field() -> None:
    errors = text.post_field_errors("红烧", "短")
    assert [(e.field, e.message) for e in errors] == [
        ("title", "标题至少4个字"),
        ("body", "正文至少8个字"),
    ]
    assert text.post_field_errors("红烧排骨", "邻里社区真不错哦") == []


def test_cleaning_strips_controls_and_bidi_overrides_but_keeps_newlines_and_tabs() -> None:
    raw = " \u202e标题\u202c\x00\x07\u2066x\u2069\u200f\ufeff\r\n第二行\t缩进\x1b[31m \n"
    assert text.clean_text(raw) == "标题x\n第二行\t缩进[31m"


def test_cleaning_normalises_to_nfc_and_keeps_emoji_joiners() -> None:
    assert text.clean_text("Cafe\u0301") == "Café"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert text.clean_text(family) == family


def test_cleaning_drops_lone_surrogates_that_utf8_cannot_store() -> None:
    assert text.clean_text("好\ud800吃") == "好吃"


def test_whitespace_and_invisible_padding_do_not_make_a_title_long_enough() -> None:
    title = text.clean_title(" 红\u202e 烧\u200f\n ")
    assert title == "红 烧"
    assert text.title_error(title) == "标题至少4个字"


def test_cleaning_none_gives_an_empty_string() -> None:
    assert text.clean_text(None) == ""
    assert text.clean_title(None) == ""
