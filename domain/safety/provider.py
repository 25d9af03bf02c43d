"""A cloud moderation service (WeChat ``msgSecCheck`` / ``mediaCheckAsync``) plugged in beside
the local checks, and the per-process matcher those checks use. The local checks run without a
provider: the default one finds nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from domain.safety.rules import WordMatcher


class CloudModeration(Protocol):
    """Returns None when the text is fine, else a short reason for the moderator. A provider
    that cannot be reached returns None: the local checks still stand."""

    async def check_text(self, text: str) -> str | None: ...

    async def check_image(self, data: bytes) -> str | None: ...


class NoCloudModeration:
    async def check_text(self, text: str) -> str | None:
        return None

    async def check_image(self, data: bytes) -> str | None:
        return None


@dataclass
class ContentSafety:
    """What a process keeps for content safety: the provider, and the matcher built from the
    word list of ``version`` (rebuilt when the list's version in Redis moves on)."""

    provider: CloudModeration = field(default_factory=NoCloudModeration)
    matcher: WordMatcher | None = None
    version: str | None = None
