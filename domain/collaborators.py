"""What services reach outside the database through: built once per process by ``bootstrap.py``
(or by a test) and handed in, never imported as module globals."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from domain.clock import Clock
from domain.identity.wechat import WechatClient
from settings import Settings


@dataclass
class Collaborators:
    settings: Settings
    redis: Redis
    clock: Clock
    wechat: WechatClient
