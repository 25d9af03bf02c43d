"""The closing job: campaigns whose voting window ended are closed by the due-jobs run."""

from __future__ import annotations

from datetime import datetime

from domain.campaigns.models import Campaign
from domain.campaigns.services import close_due_campaigns
from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity.wechat import WechatClient
from domain.stores import open_redis
from settings import load_settings


async def close_campaigns_due_at(now: datetime) -> int:
    """Close what is due at ``now``; points and tallies go through the usual collaborators."""
    if not await Campaign.filter(closed_at__isnull=True, voting_ends_at__lte=now).exists():
        return 0
    settings = load_settings()
    redis = open_redis(settings.redis_url)
    c = Collaborators(
        settings=settings,
        redis=redis,
        clock=FrozenClock(now),
        wechat=WechatClient(
            settings.wechat_base_url, settings.wechat_app_id, settings.wechat_app_secret
        ),
    )
    try:
        return await close_due_campaigns(c)
    finally:
        await redis.aclose()
