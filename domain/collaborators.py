"""What services reach outside the database through: built once per process by ``bootstrap.py``
(or by a test) and handed in, never imported as module globals."""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from typing import Protocol

import httpx
from redis.asyncio import Redis

from domain.clock import Clock
from domain.exposures.local import LocalSightings
from domain.identity.wechat import WechatClient
from domain.media.storage import ImageStorage, LocalImageStorage
from domain.safety.provider import ContentSafety
from settings import Settings


class JobQueue(Protocol):
    """Where services ask for background work (``domain/jobs.py`` registers the tasks)."""

    async def kick(self, task_name: str, *args: int | str) -> None: ...


@dataclass
class Collaborators:
    settings: Settings
    redis: Redis
    clock: Clock
    wechat: WechatClient
    images: ImageStorage = field(init=False)
    image_storage: InitVar[ImageStorage | None] = None
    # The job queue, once one is built for these collaborators (``domain/jobs.py::make_broker``);
    # without one, work a service would kick waits for the hourly due-jobs run.
    jobs: JobQueue | None = None
    # How webhook deliveries reach the network (None: httpx's own; a test may hand in another).
    webhook_transport: httpx.AsyncBaseTransport | None = None
    # Sightings of posts this process recorded and has not pushed to Redis yet.
    sightings: LocalSightings = field(default_factory=LocalSightings)
    # The cloud moderation provider (none by default) and this process's word matcher.
    safety: ContentSafety = field(default_factory=ContentSafety)

    def __post_init__(self, image_storage: ImageStorage | None) -> None:
        # The settings' media folder unless another store is handed in (object storage, a test).
        self.images = image_storage or LocalImageStorage(self.settings.media_root)
