"""The pure rules of content safety: the evasion corpus (50 words, each in every disguise) is
caught in full, masking, contact details, and the perceptual hash's distance."""

from __future__ import annotations

import io
import random

import opencc
import pytest
from PIL import Image, ImageDraw, ImageFilter

from domain.safety.imagehash import SAME_PICTURE_BITS, dhash, distance
from domain.safety.rules import (
    FLAG_LINK,
    FLAG_PHONE,
    FLAG_WECHAT,
    Action,
    WordCategory,
    WordMatcher,
    judge,
    normalise,
)

CHINESE = (
    "违禁药品 代开发票 高利贷 赌博网站 刷单兼职 网络博彩 套现 裸聊 枪支弹药 假证件 "
    "办理证件 私彩 六合彩 网赚项目 传销 非法集资 洗钱 黑客攻击 信用卡套现 贷款无抵押 "
    "电话诈骗 兼职日结 代孕 迷药 窃听器 假钞 出售发票 无息贷款 快速办证 外围赌球 "
    "彩票内幕 股票内幕 网络赌场 高额返利 资金盘 拉人头 传销组织 非法营销 色情服务 "
    "上门服务 代写论文 替考 出售账号 盗号 翻墙软件 发票代开 现金红包 免费领取"
).split()
LATIN = ("casino", "Viagra", "bitcoin scam", "porn", "escort")
WORDS = (CHINESE + list(LATIN))[:50]
TRADITIONAL = {  # a few written out by hand; the rest made by OpenCC below
    "违禁药品": "違禁藥品",
    "代开发票": "代開發票",
    "高利贷": "高利貸",
    "赌博网站": "賭博網站",
    "网络博彩": "網絡博彩",
}
_S2T = opencc.OpenCC("s2t")
_FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


def variants(word: str) -> list[str]:
    compact = word.replace(" ", "")
    out = [
        word,
        word.translate(_FULL_WIDTH),  # full-width latin and digits
        " ".join(compact),  # spaces between characters
        "*".join(compact),  # symbols between characters
        "．".join(compact),  # full-width symbols between characters
        "-_-".join(compact),
        "\u3000".join(compact),  # the ideographic space
        TRADITIONAL.get(word, _S2T.convert(word)),
        " ".join(TRADITIONAL.get(word, _S2T.convert(word))),
    ]
    if word.isascii():
        out += [
            word.upper(),
            word.swapcase(),
            "".join(ch.upper() if n % 2 else ch for n, ch in enumerate(word)),
            word.upper().translate(_FULL_WIDTH),
        ]
    return out


CORPUS = [(word, text) for word in WORDS for text in variants(word)]


def test_the_corpus_has_fifty_words_and_disguises_that_differ_from_them() -> None:
    assert len(WORDS) == 50 and len(set(WORDS)) == 50
    assert sum(text != word for word, text in CORPUS) >= 50 * 7
    assert any(text != word for word, text in CORPUS if text == _S2T.convert(word))


def test_every_disguise_of_every_word_in_the_corpus_is_blocked() -> None:
    matcher = WordMatcher((word, WordCategory.BLOCK) for word in WORDS)
    missed = [
        text
        for word, text in CORPUS
        if judge(matcher, f"楼下便利店今天 {text} 真不错").action != Action.BLOCK
    ]
    assert missed == []


def test_a_text_without_the_words_passes_untouched() -> None:
    matcher = WordMatcher((word, WordCategory.BLOCK) for word in WORDS)
    text = "周末一起去菜市场买番茄，顺便看看新开的面包店。Casual Friday!"
    verdict = judge(matcher, text)
    assert (verdict.action, verdict.text, verdict.flags) == (Action.ALLOW, text, ())


def test_replace_words_are_masked_one_star_per_character_even_in_disguise() -> None:
    matcher = WordMatcher([("笨蛋", WordCategory.REPLACE), ("idiot", WordCategory.REPLACE)])
    verdict = judge(matcher, "你这个笨.蛋，真是个 IDIOT 啊，笨蛋")
    assert verdict.action == Action.ALLOW
    assert verdict.text == "你这个＊＊＊，真是个 ＊＊＊＊＊ 啊，＊＊"


def test_the_strictest_verdict_wins_and_review_words_are_named_for_the_moderator() -> None:
    matcher = WordMatcher(
        [
            ("代购", WordCategory.REVIEW),
            ("笨蛋", WordCategory.REPLACE),
            ("赌博", WordCategory.BLOCK),
        ]
    )
    assert judge(matcher, "代购 赌博 笨蛋").action == Action.BLOCK
    held = judge(matcher, "代購奶粉的笨蛋")
    assert (held.action, held.text, held.flags) == (
        Action.REVIEW,
        "代購奶粉的＊＊",
        ("敏感词（需审核）",),
    )


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("详情见 http://a.example.com/x", FLAG_LINK),
        ("进店看看 www.haohuo.cn", FLAG_LINK),
        ("打开 shop-daigou.top 下单", FLAG_LINK),
        ("电话13812345678", FLAG_PHONE),
        ("电话 138-1234-5678", FLAG_PHONE),
        ("电话：１３９ ８７６５ ４３２１", FLAG_PHONE),
        ("加vx: daigou_88", FLAG_WECHAT),
        ("微信号 Abc-12345 私聊", FLAG_WECHAT),
        ("加 V 信 haohuo2024", FLAG_WECHAT),
    ],
)
def test_links_phone_numbers_and_wechat_ids_are_held_for_review(text: str, flag: str) -> None:
    verdict = judge(WordMatcher([]), text)
    assert verdict.action == Action.REVIEW and flag in verdict.flags


@pytest.mark.parametrize(
    "text",
    [
        "买了 3 斤番茄 12 元",
        "2024 年 12 月 1 日下午 3 点集合",
        "门牌号 1 栋 2 单元 301",
        "比分 1:0",
    ],
)
def test_everyday_numbers_and_dots_are_not_contact_details(text: str) -> None:
    assert judge(WordMatcher([]), text).action == Action.ALLOW


def test_normalising_folds_width_case_script_and_drops_separators() -> None:
    assert normalise("ＡｂＣ 國語-說話 ｜ 1２3") == "abc国语说话123"


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _photo(seed: int) -> Image.Image:
    """A picture with structure: rectangles of random shades on a gradient."""
    rng = random.Random(seed)
    photo = Image.linear_gradient("L").convert("RGB").resize((300, 200))
    draw = ImageDraw.Draw(photo)
    for _ in range(12):
        x, y = rng.randrange(0, 260), rng.randrange(0, 160)
        shade = tuple(rng.randrange(256) for _ in range(3))
        draw.rectangle((x, y, x + rng.randrange(20, 80), y + rng.randrange(20, 60)), fill=shade)
    return photo


def test_the_perceptual_hash_survives_resizing_and_blur_and_tells_pictures_apart() -> None:
    photo = _photo(1)
    original = dhash(_png(photo))
    resized = dhash(_png(photo.resize((150, 100))))
    blurred = dhash(_png(photo.filter(ImageFilter.GaussianBlur(1))))
    assert distance(original, resized) <= SAME_PICTURE_BITS
    assert distance(original, blurred) <= SAME_PICTURE_BITS
    for seed in range(2, 6):
        assert distance(original, dhash(_png(_photo(seed)))) > SAME_PICTURE_BITS
