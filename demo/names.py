"""Word lists for the Chinese demo data (estates, interest tags, residents' names), and how a
resident's name and phone number are put together from them with a seeded generator.

``demo.residents`` owns the generator and keeps the drawn values unique.
"""

from __future__ import annotations

import random

CITY = "上海"

# (name, district, share of residents): uneven on purpose, so per-estate KPIs differ.
ESTATES: tuple[tuple[str, str, float], ...] = (
    ("翠湖花园", "浦东新区", 0.47),
    ("香樟苑", "浦东新区", 0.33),
    ("御景湾", "闵行区", 0.20),
)

# (tag, popularity weight): parents and coffee drinkers are the brand's core audience.
INTEREST_TAGS: tuple[tuple[str, float], ...] = (
    ("手冲爱好者", 6.0),
    ("亲子家庭", 8.0),
    ("阳台种植", 5.0),
    ("烘焙达人", 5.0),
    ("宠物家庭", 5.0),
    ("健身跑步", 4.0),
    ("素食", 1.5),
    ("露营", 3.0),
    ("摄影", 3.0),
    ("读书会", 2.5),
    ("喝茶品茗", 2.5),
    ("家常菜", 6.0),
    ("轻食减脂", 3.5),
    ("二胎家庭", 2.0),
    ("新手爸妈", 3.0),
    ("银发乐活", 2.0),
    ("户外徒步", 2.0),
    ("手作DIY", 1.5),
    ("钓鱼", 1.0),
    ("咖啡拉花", 1.5),
)

# How many tags a resident picks, 0 to 4: most pick one or two, some never bother.
TAG_COUNT_WEIGHTS: tuple[float, ...] = (0.18, 0.27, 0.28, 0.17, 0.10)

# Roughly ordered by how common the surname is, so common ones are drawn more often.
SURNAMES: tuple[str, ...] = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
    "胡", "郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
    "邓", "曹", "彭", "曾", "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜",
    "叶", "程", "魏", "苏", "吕", "丁", "任", "沈", "姚", "卢", "钟", "姜", "崔", "谭",
    "陆", "范", "汪", "廖", "石", "金", "贾", "夏", "方", "邹", "熊", "白", "孟", "秦",
    "邱", "侯", "江", "尹", "薛", "段", "雷", "龙", "史", "陶", "贺", "毛", "郝", "顾",
    "龚", "邵", "钱", "戴", "严", "欧阳",
)  # fmt: skip

GIVEN_NAMES_TWO: tuple[str, ...] = (
    "子涵", "欣怡", "梓萱", "思远", "浩然", "宇轩", "雨桐", "一诺", "俊杰", "佳琪",
    "晓峰", "秀英", "建国", "丽华", "志强", "海燕", "文静", "婷婷", "明轩", "诗琪",
    "嘉怡", "晨曦", "若曦", "天佑", "博文", "梓豪", "家豪", "雅琴", "慧敏", "淑芬",
    "桂兰", "玉梅", "国栋", "春梅", "立新", "伟民", "晓东", "晓丽", "亚楠", "雪梅",
    "思彤", "可馨", "逸飞", "振华", "美玲", "丹丹", "建华", "红霞", "静怡", "子墨",
    "沐阳", "安琪", "乐乐", "雨萱", "梦瑶", "嘉欣", "志明", "卫东", "玉兰", "秋菊",
)  # fmt: skip

GIVEN_NAMES_ONE: tuple[str, ...] = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "霞", "平", "刚", "婷", "斌", "宇", "浩", "凯", "健", "琳", "颖",
    "蕾", "鑫", "昊", "晨", "悦", "欣",
)  # fmt: skip

ENGLISH_NAMES: tuple[str, ...] = (
    "Lily", "Amy", "Coco", "Emma", "Grace", "Kevin", "Jason", "Leo", "Tony", "Vivian",
    "Cindy", "Sunny", "Nina", "Annie", "Jack", "Eric", "Mia", "Ella", "Joy", "Momo",
)  # fmt: skip

HOBBIES: tuple[str, ...] = (
    "喝茶", "钓鱼", "下棋", "做饭", "拍照", "跑步", "遛狗", "烘焙", "喝咖啡", "种花",
)  # fmt: skip

# Nicknames as residents really set them in WeChat groups. Fields: {sur} surname, {char} one
# given-name character, {en} English name, {hobby}, {building} 楼栋 number.
NICKNAME_TEMPLATES: tuple[str, ...] = (
    "小区宝妈{en}",
    "{en}妈妈",
    "{en}爸爸",
    "老{sur}爱{hobby}",
    "{building}栋{sur}阿姨",
    "{building}号楼{sur}叔",
    "{sur}姐的厨房",
    "阿{char}",
    "{char}{char}妈",
    "爱烘焙的{en}",
    "{sur}老师",
    "{sur}大叔爱{hobby}",
    "{en}在阳台种菜",
    "隔壁{sur}奶奶",
    "{char}{char}爱喝咖啡",
    "铲屎官{en}",
)

# Share of residents who show a nickname rather than their real name.
NICKNAME_SHARE = 0.28

# Mainland mobile prefixes (China Mobile, Unicom and Telecom), all matching ^1[3-9].
PHONE_PREFIXES: tuple[str, ...] = (
    "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "182", "187",
    "188", "130", "131", "132", "155", "156", "166", "176", "185", "186", "133", "153",
    "173", "177", "180", "181", "189", "199",
)  # fmt: skip

# Common surnames come first in the list; a 1/rank-like weight makes 王, 李, 张 the most frequent.
_SURNAME_WEIGHTS = [1 / (rank + 6) for rank in range(len(SURNAMES))]


def random_phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def random_display_name(rng: random.Random) -> str:
    if rng.random() < NICKNAME_SHARE:
        return _nickname(rng)
    given = GIVEN_NAMES_TWO if rng.random() < 0.7 else GIVEN_NAMES_ONE
    return _surname(rng) + rng.choice(given)


def random_estate_index(rng: random.Random) -> int:
    shares = [share for _, _, share in ESTATES]
    return rng.choices(range(len(shares)), weights=shares)[0]


def random_tag_indices(rng: random.Random) -> list[int]:
    """Positions in INTEREST_TAGS, 0 to 4 of them, popular tags more likely."""
    count = rng.choices(range(len(TAG_COUNT_WEIGHTS)), weights=TAG_COUNT_WEIGHTS)[0]
    # Weighted sampling without replacement (Efraimidis–Spirakis keys).
    keys = [rng.random() ** (1 / weight) for _, weight in INTEREST_TAGS]
    return sorted(range(len(keys)), key=keys.__getitem__, reverse=True)[:count]


def _nickname(rng: random.Random) -> str:
    return rng.choice(NICKNAME_TEMPLATES).format(
        sur=_surname(rng),
        char=rng.choice(GIVEN_NAMES_ONE),
        en=rng.choice(ENGLISH_NAMES),
        hobby=rng.choice(HOBBIES),
        building=rng.randint(1, 32),
    )


def _surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
