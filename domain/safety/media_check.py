"""Images a cloud provider judges later (WeChat ``mediaCheckAsync``): each upload is sent from
the job queue, and the verdict, arriving by the provider's call, holds what already uses a risky
image. A post published meanwhile goes back to the moderation queue (PENDING, flagged, with an
audit entry and the moderators told); a post still waiting gets the flag; a post written after
the verdict is held at submission like any flagged image (``services.screen``).

Sending is at least once: a worker stopped between WeChat's answer and our write sends the
image again, and the verdict of the trace id we did not keep is ignored (the second one counts).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from domain.aftercommit import atomic
from domain.collaborators import Collaborators
from domain.facts import announce
from domain.identity.models import WechatIdentity
from domain.media.models import CloudCheck, Image
from domain.posts.facts import PostQueued
from domain.posts.models import AuditLogEntry, Post, PostImage, PostStatus
from domain.safety.rules import FLAG_CLOUD_IMAGE

SUBMIT_TASK = "submit_media_checks"
BATCH = 50
AUDIT_ACTION = "CLOUD_IMAGE_HOLD"
# WeChat's labels (mediaCheckAsync version 2), as the moderator reads them.
LABELS = {
    10001: "广告",
    20001: "时政",
    20002: "色情",
    20003: "辱骂",
    20006: "违法犯罪",
    20008: "欺诈",
    20012: "低俗",
    20013: "版权",
    21000: "其他",
}
log = logging.getLogger("linli.safety.media_check")


def asks_later(c: Collaborators) -> bool:
    return c.safety.provider.asks_later


async def kick_submissions(c: Collaborators) -> None:
    """After an upload: the queue sends it (the due jobs send whatever a lost kick left)."""
    if c.jobs is not None:
        try:
            await c.jobs.kick(SUBMIT_TASK)
            return
        except Exception as error:  # the queue is away: send it from here
            log.warning("media checks not queued: %s", error)
    await submit_due(c)


async def submit_due(c: Collaborators, limit: int = BATCH) -> int:
    """Send the images waiting to be sent; returns how many the provider took. One that could
    not be sent (the provider unreachable) stays DUE for the next run."""
    if not asks_later(c):
        return 0
    due = await Image.filter(cloud_check=CloudCheck.DUE).order_by("id").limit(limit)
    openids = await _openids({image.owner_id for image in due})
    taken = 0
    for image in due:
        url = public_url(c, image.storage_key)
        try:
            trace_id = await c.safety.provider.submit_image(c, url, openids.get(image.owner_id))
        except Exception as error:
            log.warning("image %s not sent for checking: %s", image.id, error)
            continue
        changes: dict[str, object] = {"cloud_check": CloudCheck.SKIPPED}
        if trace_id:
            changes = {"cloud_check": CloudCheck.WAITING, "cloud_trace_id": trace_id[:64]}
            taken += 1
        await Image.filter(id=image.id, cloud_check=CloudCheck.DUE).update(**changes)
    return taken


async def _openids(member_ids: set[int]) -> dict[int, str]:
    rows = await WechatIdentity.filter(member_id__in=member_ids).values_list("member_id", "openid")
    return {int(member_id): str(openid) for member_id, openid in rows}


def public_url(c: Collaborators, key: str) -> str:
    """The address the provider fetches the image from (the stored one is relative)."""
    url = c.images.url(key)
    if url.startswith(("http://", "https://")):
        return url
    return c.settings.public_url.rstrip("/") + url


@dataclass(frozen=True)
class Verdict:
    trace_id: str
    suggest: str  # pass, review or risky
    label: int | None


async def record_verdict(c: Collaborators, verdict: Verdict) -> int | None:
    """The provider's answer for one image; returns how many posts it held (None: no image is
    waiting for this trace id — unknown, or answered already, so a repeated call changes
    nothing)."""
    image = await Image.get_or_none(cloud_trace_id=verdict.trace_id, cloud_check=CloudCheck.WAITING)
    if image is None:
        return None
    if verdict.suggest == "pass":
        await Image.filter(id=image.id, cloud_check=CloudCheck.WAITING).update(
            cloud_check=CloudCheck.PASSED
        )
        return 0
    label = LABELS.get(verdict.label or 0, "其他")
    label += "，疑似" if verdict.suggest == "review" else ""
    reason = f"微信内容安全：{label}"
    held: list[Post] = []
    async with atomic():
        moved = await Image.filter(id=image.id, cloud_check=CloudCheck.WAITING).update(
            cloud_check=CloudCheck.FLAGGED, cloud_flag=reason[:200]
        )
        if not moved:
            return None  # another call recorded it first
        post_ids = await PostImage.filter(image_id=image.id).values_list("post_id", flat=True)
        for post in await Post.filter(id__in=list(post_ids)).select_for_update().order_by("id"):
            if await _hold(c, post, f"{FLAG_CLOUD_IMAGE}（{label}）"):
                held.append(post)
        for post in held:
            announce(
                c, PostQueued(post_id=post.id, author_id=post.author_id, group_id=post.group_id)
            )
    return len(held)


async def _hold(c: Collaborators, post: Post, reason: str) -> bool:
    """A published post goes back to the queue; a waiting one is flagged (``reason`` joins its
    flags). True when the post joined the queue by this verdict."""
    flags = [f for f in (post.safety_flag or "").split("；") if f]
    if reason not in flags:
        flags.append(reason)
    changes: dict[str, object] = {"safety_flag": "；".join(flags)[:200]}
    if post.status == PostStatus.PENDING:
        await Post.filter(id=post.id).update(**changes)
        return False
    if post.status != PostStatus.PUBLISHED:
        return False  # hidden or rejected already: a moderator has it
    await Post.filter(id=post.id).update(status=PostStatus.PENDING, **changes)
    await AuditLogEntry.create(
        actor_id=post.author_id,  # the system acted; the entry names whose post it held
        action=AUDIT_ACTION,
        target_type="POST",
        target_id=post.id,
        reason=reason[:200],
        created_at=c.clock.now(),
    )
    return True
