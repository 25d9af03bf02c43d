"""Where the collaborators are built: once per process, from the settings, for the app
(``asgi.py``), the ``linli`` commands (``cli.py``) and the job worker. Nothing under ``domain/``
builds its own or reads the environment; it receives what is built here."""

from __future__ import annotations

from taskiq import AsyncBroker

from domain.clock import Clock
from domain.collaborators import Collaborators
from domain.identity.wechat import WechatClient
from domain.jobs import make_broker
from domain.safety.wechat_provider import WechatContentSecurity
from domain.stores import open_redis
from settings import Settings


def build_collaborators(settings: Settings) -> Collaborators:
    """The real ones: Redis over a pool, the wall clock, the WeChat client (and WeChat's image
    checks when ``WECHAT_MEDIA_CHECK`` is on). The caller closes
    ``redis`` when it is done."""
    collaborators = Collaborators(
        settings=settings,
        redis=open_redis(settings.redis_url, settings.stores),
        clock=Clock(),
        wechat=WechatClient(
            settings.wechat_base_url, settings.wechat_app_id, settings.wechat_app_secret
        ),
    )
    if settings.wechat_media_check:
        collaborators.safety.provider = WechatContentSecurity()
    return collaborators


def build_broker(collaborators: Collaborators) -> AsyncBroker:
    """The job queue on the settings' Redis; its jobs run with these collaborators (in the
    worker process, or in the app's own process under ``memory://``)."""
    return make_broker(collaborators, collaborators.settings.redis_url)
