"""Checking text and images before they are stored, and the word list admins manage.

The matcher is built once per process and rebuilt lazily when the list's version (a random
token in Redis, replaced on every change) differs from the one it was built from; without Redis
the list is read from the database on every check, which is slower but never stale."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from redis.exceptions import RedisError
from tortoise.exceptions import IntegrityError

from domain.aftercommit import after_commit, atomic
from domain.audit import record_change
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError
from domain.identity.models import Member, Role
from domain.identity.policies import require_role
from domain.media.models import Image
from domain.safety import imagehash
from domain.safety.errors import ContentBlockedError, SensitiveWordTakenError
from domain.safety.models import RejectedImageHash, SensitiveWord
from domain.safety.rules import (
    FLAG_CLOUD,
    FLAG_CLOUD_IMAGE,
    FLAG_IMAGE,
    Action,
    TextVerdict,
    WordCategory,
    WordMatcher,
    judge,
    normalise,
)

VERSION_KEY = "safety:words:version"
WORD_MAX = 50
TARGET_TYPE = "SENSITIVE_WORD"


async def _current_version(c: Collaborators) -> str | None:
    try:
        version = await c.redis.get(VERSION_KEY)
        if version is None:
            await c.redis.set(VERSION_KEY, uuid.uuid4().hex, nx=True)
            version = await c.redis.get(VERSION_KEY)
    except RedisError:
        return None
    return version.decode() if isinstance(version, bytes) else str(version)


async def current_matcher(c: Collaborators) -> WordMatcher:
    version = await _current_version(c)
    safety = c.safety
    if safety.matcher is None or version is None or version != safety.version:
        rows = await SensitiveWord.all().values_list("text", "category")
        safety.matcher = WordMatcher((text, WordCategory(category)) for text, category in rows)
        safety.version = version
    return safety.matcher


async def check_text(c: Collaborators, text: str) -> TextVerdict:
    """The local verdict, then the cloud provider's word on what the list let through."""
    verdict = judge(await current_matcher(c), text)
    if verdict.action == Action.BLOCK or not text.strip():
        return verdict
    if await c.safety.provider.check_text(text) is not None:
        return TextVerdict(Action.REVIEW, verdict.text, (*verdict.flags, FLAG_CLOUD))
    return verdict


@dataclass(frozen=True)
class Screened:
    """The texts as they may be stored, and why the item waits for a moderator (None: it
    need not)."""

    texts: list[str]
    flag: str | None


async def screen(c: Collaborators, *texts: str, image_ids: list[int] | None = None) -> Screened:
    """Raises ContentBlockedError when any text is blocked (nothing is stored)."""
    stored: list[str] = []
    flags: list[str] = []
    for text in texts:
        verdict = await check_text(c, text)
        if verdict.action == Action.BLOCK:
            raise ContentBlockedError()
        stored.append(verdict.text)
        flags += [f for f in verdict.flags if f not in flags]
    if image_ids and await _looks_rejected(image_ids):
        flags.append(FLAG_IMAGE)
    if image_ids and await Image.filter(id__in=image_ids, cloud_flag__isnull=False).exists():
        flags.append(FLAG_CLOUD_IMAGE)  # the provider's verdict at upload (media/services.py)
    return Screened(stored, "；".join(flags)[:200] or None)


async def screen_name(c: Collaborators, field_name: str, name: str) -> str:
    """A name cannot wait in a queue: what would hold a post refuses a name."""
    screened = await screen(c, name)
    if screened.flag:
        raise InvalidInputError.single(field_name, "名称不能包含联系方式、链接或需审核的词语")
    return screened.texts[0]


async def _looks_rejected(image_ids: list[int]) -> bool:
    hashes = await Image.filter(id__in=image_ids, dhash__isnull=False).values_list(
        "dhash", flat=True
    )
    if not hashes:
        return False
    rejected = [str(h) for h in await RejectedImageHash.all().values_list("hash", flat=True)]
    return any(imagehash.matches_any(str(h), rejected) for h in hashes)


async def remember_rejected_images(c: Collaborators, post_id: int) -> None:
    """Called inside the rejecting transaction: the post's image hashes join the rejected ones."""
    rows = await Image.filter(post_images__post_id=post_id, dhash__isnull=False).values_list(
        "id", "dhash"
    )
    known = set(
        await RejectedImageHash.filter(hash__in=[h for _, h in rows]).values_list("hash", flat=True)
    )
    await RejectedImageHash.bulk_create(
        [
            RejectedImageHash(hash=h, image_id=i, created_at=c.clock.now())
            for h, i in {h: i for i, h in rows}.items()
            if h not in known
        ]
    )


def _bump_version(c: Collaborators) -> None:
    async def bump() -> None:
        await c.redis.set(VERSION_KEY, uuid.uuid4().hex)

    after_commit(bump, bump)  # a new version is harmless if the write did not commit


async def list_words(actor: Member) -> list[SensitiveWord]:
    require_role(actor, Role.ADMIN)
    return await SensitiveWord.all().order_by("category", "text")


async def add_word(
    c: Collaborators, actor: Member, text: str, category: WordCategory
) -> SensitiveWord:
    require_role(actor, Role.ADMIN)
    text = " ".join(text.split())
    if not normalise(text) or len(text) > WORD_MAX:
        raise InvalidInputError.single("text", f"请填写 1–{WORD_MAX} 个字的词语（不能只有符号）")
    now = c.clock.now()
    try:
        async with atomic():
            word = await SensitiveWord.create(
                text=text, category=category, created_by=actor, created_at=now
            )
            after = {"text": text, "category": category.value}
            await record_change(
                actor_id=actor.id,
                action="SENSITIVE_WORD_ADDED",
                target_type=TARGET_TYPE,
                target_id=word.id,
                now=now,
                after=after,
            )
            _bump_version(c)
    except IntegrityError as error:
        raise SensitiveWordTakenError() from error
    return word


async def remove_word(c: Collaborators, actor: Member, word_id: int) -> None:
    require_role(actor, Role.ADMIN)
    async with atomic():
        word = await SensitiveWord.get_or_none(id=word_id)
        if word is None or not await SensitiveWord.filter(id=word_id).delete():
            raise NotFoundError()
        await record_change(
            actor_id=actor.id,
            action="SENSITIVE_WORD_REMOVED",
            target_type=TARGET_TYPE,
            target_id=word_id,
            now=c.clock.now(),
            before={"text": word.text, "category": word.category.value},
        )
        _bump_version(c)
