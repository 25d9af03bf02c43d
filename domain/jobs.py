"""Background jobs on taskiq: Redis lists in production (``linli worker`` consumes them),
in-process in the zero-setup mode. Every job is idempotent, so a duplicate kick is harmless."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from redis.asyncio import Redis
from taskiq import AsyncBroker, InMemoryBroker
from taskiq_redis import ListQueueBroker

from domain.campaigns import live
from domain.campaigns.jobs import close_campaigns_due_at, hear_voting_opened
from domain.collaborators import Collaborators
from domain.events.reminders import remind_starting_soon
from domain.events.services import record_no_shows
from domain.exposures import services as exposures
from domain.groups.private import expire_join_requests
from domain.honours.services import sweep_badges
from domain.identity.models import AuthToken
from domain.media.retention import purge_unused_uploads
from domain.notifications.digest import send_digests
from domain.notifications.push import DELIVER_TASK
from domain.notifications.push_delivery import deliver_pushes
from domain.notifications.triggers import VOTING_OPENED_TASK, tell_voting_opened
from domain.playbooks.runner import catch_up_playbooks
from domain.points import jobs as points_jobs
from domain.points import leaderboard
from domain.privacy.access_log import purge_old_reads
from domain.privacy.deletion import erase_due_accounts
from domain.privacy.export import EXPORT_TASK, build_data_export, drop_expired_exports
from domain.referrals import leaderboard as referral_board
from domain.rewards.reminders import remind_uncollected
from domain.rewards.services import purge_idempotency_records
from domain.safety.media_check import SUBMIT_TASK as MEDIA_CHECK_TASK
from domain.safety.media_check import submit_due as submit_media_checks
from domain.segments.recompute import recompute_tiers_if_due
from domain.webhooks.delivery import deliver_due as deliver_webhooks

TOKEN_RETENTION = timedelta(days=7)
SCHEDULE_SECONDS = 3600
WEBHOOKS_TASK = "deliver_webhooks"
WEBHOOKS_SECONDS = 15  # how often due webhook deliveries are looked for (retries wait 30 s+)
EXPOSURES_TASK = "flush_exposures"
EXPOSURES_SECONDS = 60  # how often the sightings buffered in Redis are written out
log = logging.getLogger("linli.jobs")


def make_broker(c: Collaborators, queue_url: str) -> AsyncBroker:
    """The queue on ``queue_url``; the jobs it runs receive ``c`` (built by ``bootstrap``).
    A kick may name the moment (ISO 8601); without one the jobs run at ``c.clock.now()``."""
    broker: AsyncBroker
    if queue_url.startswith("memory://"):
        broker = InMemoryBroker()
    else:
        broker = ListQueueBroker(queue_url, queue_name="linli:jobs")

    async def purge(now_iso: str | None = None) -> int:
        return await purge_expired_tokens(_moment(c, now_iso))

    async def run_due(now_iso: str | None = None) -> dict[str, int]:
        return await run_due_jobs(c, _moment(c, now_iso))

    async def deliver(now_iso: str | None = None) -> int:
        return await deliver_pushes(c, _moment(c, now_iso))

    broker.register_task(purge, task_name="purge_expired_tokens")
    broker.register_task(run_due, task_name="run_due_jobs")

    async def estate_told(campaign_id: int, opened_by: int = 0) -> int:
        return len(await tell_voting_opened(c, campaign_id, opened_by or None))

    broker.register_task(deliver, task_name=DELIVER_TASK)

    async def webhooks(now_iso: str | None = None) -> int:
        return await deliver_webhooks(c, _moment(c, now_iso))

    broker.register_task(webhooks, task_name=WEBHOOKS_TASK)

    async def flush_exposures() -> int:
        return await exposures.flush(c)

    broker.register_task(flush_exposures, task_name=EXPOSURES_TASK)

    async def build_export(export_id: int) -> bool:
        return await build_data_export(export_id, c.clock.now())

    broker.register_task(build_export, task_name=EXPORT_TASK)

    async def media_checks() -> int:
        return await submit_media_checks(c)

    broker.register_task(media_checks, task_name=MEDIA_CHECK_TASK)
    broker.register_task(estate_told, task_name=VOTING_OPENED_TASK)
    c.jobs = BrokerJobs(broker)  # services kick their background work on this queue
    return broker


class BrokerJobs:
    """``Collaborators.jobs`` on a taskiq broker: a kick by task name."""

    def __init__(self, broker: AsyncBroker) -> None:
        self._broker = broker

    async def kick(self, task_name: str, *args: int | str) -> None:
        task = self._broker.find_task(task_name)
        if task is None:
            raise RuntimeError(f"{task_name} is not registered")
        await task.kiq(*args)


def _moment(c: Collaborators, now_iso: str | None) -> datetime:
    return datetime.fromisoformat(now_iso) if now_iso else c.clock.now()


async def purge_expired_tokens(now: datetime) -> int:
    """Delete tokens that expired or were revoked more than a week ago; returns how many."""
    cutoff = now - TOKEN_RETENTION
    expired = await AuthToken.filter(expires_at__lt=cutoff).delete()
    revoked = await AuthToken.filter(revoked_at__lt=cutoff).delete()
    return expired + revoked


async def run_due_jobs(c: Collaborators, now: datetime | None = None) -> dict[str, int]:
    """Everything time-driven that is due at ``now`` (default: the clock's): pending points,
    expiry reminders, expiry, tokens, campaigns to close, voting opened, events starting soon,
    rewards waiting at the pickup point, events' no-shows, the nightly tier computation, the tier
    playbooks' catch-up over the last week's changes, the badge sweep, the weekly digests of
    members away, derived Redis structures to heal, WeChat pushes due
    (after quiet hours, retries, kicks lost), private groups' join requests left undecided,
    accounts whose deletion grace period ended, data exports past their 24 hours, idempotency
    keys past theirs, uploads nothing used within a day, staff reads of personal data past a
    year, webhook deliveries due, uploads still to be sent to the cloud image check, post
    sightings still buffered and raw exposures past their 90 days. Rate-limit
    counters need nothing: each Redis key expires with its window."""
    now = now or c.clock.now()
    done = {
        "released": await points_jobs.release_pending_points(now, c),
        "reminders": await points_jobs.record_expiry_reminders(now, c),
        "expired": await points_jobs.expire_points(now),
        "tokens_purged": await purge_expired_tokens(now),
        "campaigns_closed": await close_campaigns_due_at(c, now),
        "voting_opened": await hear_voting_opened(c, now),
        "event_reminders": await remind_starting_soon(c, now),
        "pickup_reminders": await remind_uncollected(c, now),
        "event_no_shows": await record_no_shows(now),
        "tiers_changed": await recompute_tiers_if_due(c, now),
        "playbooks_run": await catch_up_playbooks(c, now),
        "badges_awarded": await sweep_badges(c, now),
        "digests": await send_digests(c, now),
        "derived_rebuilt": await heal_derived(c.redis, now),
        "pushes_sent": await deliver_pushes(c, now),
        "join_requests_expired": await expire_join_requests(now),
        "accounts_erased": await erase_due_accounts(c, now),
        "exports_dropped": await drop_expired_exports(now),
        "idempotency_purged": await purge_idempotency_records(now),
        "uploads_purged": await purge_unused_uploads(c, now),
        "data_reads_purged": await purge_old_reads(now),
        "webhooks_delivered": await deliver_webhooks(c, now),
        "images_sent_for_checking": await submit_media_checks(c),
        "exposures_written": await exposures.flush(c),
        "exposures_compacted": await exposures.compact(c, now),
    }
    log.info("due jobs ran: %s", done)
    return done


async def heal_derived(redis: Redis, now: datetime) -> int:
    """Rebuild any derived Redis structure that is not complete (Redis lost its data and no one
    has read it since); returns how many were rebuilt."""
    try:
        rebuilt = int(await leaderboard.ensure_complete(redis, now))
        rebuilt += int(await referral_board.ensure_complete(redis))
        rebuilt += await live.ensure_open_tallies(redis)
    except Exception as error:  # Redis away: the next run (or the next read) heals it
        log.warning("derived structures not checked: %s", error)
        return 0
    return rebuilt


async def kick_due_jobs_every(broker: AsyncBroker, seconds: int = SCHEDULE_SECONDS) -> None:
    """The schedule: each app process kicks the due jobs at start-up and then every hour."""
    await kick_every(broker, "run_due_jobs", seconds)


async def kick_every(broker: AsyncBroker, task_name: str, seconds: float) -> None:
    """Kick ``task_name`` now and then every ``seconds`` (webhook retries are due every 30 s
    or more, the due jobs every hour)."""
    task = broker.find_task(task_name)
    if task is None:
        raise RuntimeError(f"{task_name} is not registered")
    while True:
        try:
            await task.kiq()
        except Exception:  # Redis away: try again next round, the jobs catch up
            log.exception("could not kick %s", task_name)
        await asyncio.sleep(seconds)
