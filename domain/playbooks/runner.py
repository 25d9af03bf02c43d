"""Running the playbooks over tier changes: right after the tier job wrote them, and each night
over the last week's changes not handled yet (a run that stopped half-way is finished there).

Exactly once per (playbook, tier change), whoever gets there first: the run row is inserted
first, in the transaction that grants the bonus, and its unique pair refuses a second one. On
PostgreSQL a concurrent duplicate waits on the unique index until the first commits, then fails
and is skipped; if the first rolled back, the second simply runs. The holdout arm gets its run
row and nothing else. The message is written after the grant committed, as every notification
is, through ``notify`` (its mutes and WeChat budget apply). If the process stops between the two,
the nightly pass tells the member (``retell_untold``): the message arrives late, never twice."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from domain.aftercommit import atomic
from domain.collaborators import Collaborators
from domain.notifications.models import Notification, NotificationKind
from domain.notifications.services import Notice, notify
from domain.playbooks.models import Playbook, PlaybookArm, PlaybookRun
from domain.playbooks.rules import in_holdout, matches
from domain.points.bonuses import grant_playbook_bonus
from domain.segments.models import TierChange

CATCH_UP_DAYS = 7
# A run's own request tells the member within moments: the nightly pass leaves younger runs
# alone, so it never tells one while that request is still telling it.
RETELL_AFTER = timedelta(minutes=10)
BATCH = 500
log = logging.getLogger("linli.playbooks")


async def run_playbooks(c: Collaborators, since: datetime) -> int:
    """Every active playbook over the tier changes computed at or after ``since`` (and since the
    playbook was last switched on: it never reaches back); returns the runs this call made."""
    playbooks = await Playbook.filter(active=True).order_by("id")
    if not playbooks:
        return 0
    tiers = sorted({p.to_tier for p in playbooks})
    ran, after = 0, 0
    while True:
        changes = (
            await TierChange.filter(computed_at__gte=since, to_tier__in=tiers, id__gt=after)
            .order_by("id")
            .limit(BATCH)
        )
        if not changes:
            return ran
        after = changes[-1].id
        done = set(
            await PlaybookRun.filter(tier_change_id__in=[ch.id for ch in changes]).values_list(
                "playbook_id", "tier_change_id"
            )
        )
        for change in changes:
            for playbook in playbooks:
                if (playbook.id, change.id) in done or not _applies(playbook, change):
                    continue
                ran += await run_playbook(c, playbook, change) is not None
    return ran


async def catch_up_playbooks(c: Collaborators, now: datetime) -> int:
    """The nightly pass: the last week's changes that no run handled yet, then the messages of
    the week's treated runs that were never written."""
    since = now - timedelta(days=CATCH_UP_DAYS)
    ran = await run_playbooks(c, since)
    await retell_untold(c, since)
    return ran


async def retell_untold(c: Collaborators, since: datetime) -> int:
    """Treated runs since ``since`` with a message but no notification linked: a message row
    under the run's key (written, then the process stopped before linking it) is linked; without
    one the member is told now. Returns the members told. A member who muted these messages
    stays untold and is asked again each night of the week, at the cost of one query."""
    told, after = 0, 0
    while True:
        runs = (
            await PlaybookRun.filter(
                arm=PlaybookArm.TREATMENT,
                notification_id__isnull=True,
                ran_at__gte=since,
                ran_at__lt=c.clock.now() - RETELL_AFTER,
                id__gt=after,
            )
            .exclude(playbook__message="")
            .select_related("playbook")
            .order_by("id")
            .limit(BATCH)
        )
        if not runs:
            return told
        after = runs[-1].id
        for run in runs:
            if await _link(run):
                continue
            log.warning("playbook %s telling member %s late", run.playbook_id, run.member_id)
            told += await _tell(c, run.playbook, run)


def _applies(playbook: Playbook, change: TierChange) -> bool:
    return change.computed_at >= playbook.active_since and matches(
        playbook.to_tier, playbook.from_tier, change.to_tier, change.from_tier
    )


async def run_playbook(
    c: Collaborators, playbook: Playbook, change: TierChange
) -> PlaybookRun | None:
    """One playbook for one change; None when it had run for that change already."""
    treated = not in_holdout(change.member_id, playbook.id, playbook.holdout_percent)
    try:
        async with atomic():
            run = await PlaybookRun.create(
                playbook_id=playbook.id,
                member_id=change.member_id,
                tier_change_id=change.id,
                arm=PlaybookArm.TREATMENT if treated else PlaybookArm.HOLDOUT,
                on_winback=treated and playbook.add_to_winback,
                ran_at=c.clock.now(),
            )
            if treated:
                await _grant(c, playbook, run)
    except IntegrityError:  # another run got there first
        return None
    if treated and playbook.message:
        await _tell(c, playbook, run)
    return run


async def _grant(c: Collaborators, playbook: Playbook, run: PlaybookRun) -> None:
    ref = f"{playbook.id}:{run.tier_change_id}"
    entry = await grant_playbook_bonus(
        c, run.member_id, playbook.name, ref, playbook.bonus_points, playbook.bonus_expiry_days
    )
    if entry is not None:
        run.points_granted = entry.amount
        await run.save(update_fields=["points_granted"])


def _key(run: PlaybookRun) -> str:
    return f"playbook-run:{run.id}"


async def _link(run: PlaybookRun) -> bool:
    """Links the run's message row, if there is one."""
    row = (
        await Notification.filter(recipient_id=run.member_id, group_key=_key(run))
        .order_by("-id")
        .first()
    )
    if row is None:
        return False
    run.notification_id = row.id
    await run.save(update_fields=["notification_id"])
    return True


async def _tell(c: Collaborators, playbook: Playbook, run: PlaybookRun) -> bool:
    """The message, folded under a key of this run's own so its row can be found again; True
    when the member was told."""
    key = _key(run)
    params = {"text": playbook.message, "points": run.points_granted}
    try:
        told = await notify(
            c,
            [run.member_id],
            Notice(NotificationKind.PLAYBOOK_MESSAGE, params=params, group_key=key),
        )
    except Exception:  # the run and its points stand; the nightly pass tells the member
        log.exception("playbook %s could not tell member %s", playbook.id, run.member_id)
        return False
    if not told:  # the member muted these messages
        return False
    await _link(run)
    return True
