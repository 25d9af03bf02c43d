"""What a consent report can be refused for (codes the mini-program switches on)."""

from __future__ import annotations

from domain.errors import FieldError, InvalidInputError


class UnknownTemplateError(InvalidInputError):
    """A template id this server sends no notifications with."""

    code = "UNKNOWN_TEMPLATE"

    def __init__(self, template_ids: list[str]) -> None:
        super().__init__(
            [FieldError("templateIds", f"未知的订阅消息模板：{t[:64]}") for t in template_ids],
            "订阅消息模板无效",
        )
        self.template_ids = template_ids


class TooManyTemplatesError(InvalidInputError):
    def __init__(self, most: int) -> None:
        super().__init__([FieldError("templateIds", f"一次最多 {most} 个模板")], "订阅消息模板太多")
