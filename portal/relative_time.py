"""How long ago, the way residents' phone apps say it: 刚刚, 5分钟前, 3小时前, 昨天 14:20, then
a date.

Days are Shanghai calendar days, like the clock's "today"; "now" is the app's clock, so tests
set it."""

from __future__ import annotations

from datetime import datetime, timedelta

from markupsafe import Markup, escape

from domain.clock import SHANGHAI
from portal.i18n import gettext as _


def describe(at: datetime, now: datetime) -> str:
    """The short text for ``at`` seen at ``now`` (both aware)."""
    elapsed = now - at
    if timedelta(minutes=-1) < elapsed < timedelta(minutes=1):
        return _("just now")
    local, today = at.astimezone(SHANGHAI), now.astimezone(SHANGHAI).date()
    if elapsed > timedelta(0):
        if elapsed < timedelta(hours=1):
            return _("%(n)s min ago") % {"n": elapsed // timedelta(minutes=1)}
        if local.date() == today:
            return _("%(n)s h ago") % {"n": elapsed // timedelta(hours=1)}
        if local.date() == today - timedelta(days=1):
            return _("yesterday %(time)s") % {"time": local.strftime("%H:%M")}
    if local.year == today.year:
        return _("%(month)s/%(day)s") % {"month": local.month, "day": local.day}
    return _("%(year)s/%(month)s/%(day)s") % {
        "year": local.year,
        "month": local.month,
        "day": local.day,
    }


def time_element(at: datetime, now: datetime) -> Markup:
    """``<time>`` with the machine-readable instant and the full local time as its title."""
    full = at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        at.isoformat(), full, escape(describe(at, now))
    )
