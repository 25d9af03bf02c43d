"""Content-safety outcomes the clients switch on."""

from __future__ import annotations

from domain.errors import DomainError


class ContentBlockedError(DomainError):
    """Names no word: telling which word tripped the list teaches how to get round it."""

    code = "CONTENT_BLOCKED"
    message = "内容包含不适宜发布的信息，请修改后再试"


class SensitiveWordTakenError(DomainError):
    code = "SENSITIVE_WORD_TAKEN"
    message = "该词已在词库中"
