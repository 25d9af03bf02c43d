"""Reading tier playbooks, for GraphQL and the admins' page alike."""

from __future__ import annotations

from dataclasses import dataclass

from domain.playbooks.models import Playbook
from domain.playbooks.report import PlaybookReport, playbook_reports


@dataclass(frozen=True)
class PlaybookWithReport:
    playbook: Playbook
    report: PlaybookReport


async def list_playbooks() -> list[PlaybookWithReport]:
    """Every playbook, newest first, with its report: three statements in all."""
    playbooks = await Playbook.all().order_by("-id")
    reports = await playbook_reports([p.id for p in playbooks])
    return [PlaybookWithReport(p, reports[p.id]) for p in playbooks]


async def get_playbook(playbook_id: int) -> Playbook | None:
    return await Playbook.get_or_none(id=playbook_id)
