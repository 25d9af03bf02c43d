"""The privacy policy members consent to: the built-in first version, and the rules for a new
version an admin publishes. Pure: no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from domain.errors import FieldError

# The policy the programme launched with; members who registered before any version was
# published consented to this label (``Settings.privacy_policy_version``, "2026-11").
BUILT_IN_BODY = (
    "我们保存你的手机号用于登录，向他人展示时只显示部分号码。\n\n"
    "你上传的照片在任何人看到之前都会去除位置和相机信息。\n\n"
    "你可以随时导出自己的数据或注销账号；积分记录会保留，但不再带有你的名字。"
)
VERSION_LABEL = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$")
MIN_BODY, MAX_BODY = 20, 20_000


@dataclass(frozen=True)
class PolicyVersion:
    """The text in force: ``published_at`` is None for the built-in first version."""

    version: str
    body: str
    published_at: datetime | None = None

    @property
    def built_in(self) -> bool:
        return self.published_at is None

    def paragraphs(self) -> list[str]:
        return [p.strip() for p in re.split(r"\n\s*\n", self.body) if p.strip()]


def policy_errors(version: str, body: str) -> list[FieldError]:
    errors = []
    if not VERSION_LABEL.match(version):
        errors.append(
            FieldError("version", "版本号为 1–20 个字母、数字、点、横线或下划线，以字母或数字开头")
        )
    if not MIN_BODY <= len(body) <= MAX_BODY:
        errors.append(FieldError("body", f"请填写 {MIN_BODY}–{MAX_BODY} 字的隐私政策正文"))
    elif any(ord(ch) < 32 and ch not in "\n\t" for ch in body):
        errors.append(FieldError("body", "正文含有无法显示的控制字符"))
    return errors
