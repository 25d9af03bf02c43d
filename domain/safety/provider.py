"""A cloud moderation service (WeChat ``msgSecCheck`` / ``mediaCheckAsync``) plugged in beside
the local checks, and the per-process matcher those checks use. The local checks run without a
provider: the default one finds nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from domain.safety.rules import WordMatcher

if TYPE_CHECKING:
    from domain.collaborators import Collaborators


class CloudModeration(Protocol):
    """``check_text`` and ``check_image`` answer at once: None when the item is fine, else a
    short reason for the moderator. A provider that cannot be reached returns None: the local
    checks still stand.

    A provider that answers images later (WeChat's ``mediaCheckAsync``) says so with
    ``asks_later``: each upload is then sent by ``submit_image`` (from the job queue, with the
    image's public address and the uploader's WeChat openid, None for a portal-only member),
    which returns the provider's trace id, or None when the provider will not take it. A
    transport failure raises, and the image is sent again later. The verdict arrives through
    ``domain.safety.media_check.record_verdict``."""

    asks_later: bool

    async def check_text(self, text: str) -> str | None: ...

    async def check_image(self, data: bytes) -> str | None: ...

    async def submit_image(self, c: Collaborators, url: str, openid: str | None) -> str | None: ...


class NoCloudModeration:
    asks_later = False

    async def check_text(self, text: str) -> str | None:
        return None

    async def check_image(self, data: bytes) -> str | None:
        return None

    async def submit_image(self, c: Collaborators, url: str, openid: str | None) -> str | None:
        return None


@dataclass
class ContentSafety:
    """What a process keeps for content safety: the provider, and the matcher built from the
    word list of ``version`` (rebuilt when the list's version in Redis moves on)."""

    provider: CloudModeration = field(default_factory=NoCloudModeration)
    matcher: WordMatcher | None = None
    version: str | None = None
