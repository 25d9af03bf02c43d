"""Reads of the programme settings: the rule version in force and the history of versions, the
privacy policy in force and its versions.

No cache: every award reads the version in force with one indexed query inside its own
transaction, so an award that starts after a new version commits uses that version, in every
process, with nothing to invalidate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.identity.models import Member
from domain.programme.models import PrivacyPolicy, ProgrammeRules
from domain.programme.privacy import BUILT_IN_BODY, PolicyVersion
from domain.programme.rules import DEFAULT_RULES, ProgrammeRuleSet, rules_from_document

HISTORY_LIMIT = 100


async def current_programme_rules() -> ProgrammeRuleSet:
    """The newest saved version, or the built-in version 1 when none was ever saved."""
    row = await ProgrammeRules.all().order_by("-version").first()
    return rules_from_document(row.version, row.rules) if row else DEFAULT_RULES


async def programme_rules_version(version: int) -> ProgrammeRuleSet | None:
    if version == DEFAULT_RULES.version and not await ProgrammeRules.exists(version=version):
        return DEFAULT_RULES
    row = await ProgrammeRules.get_or_none(version=version)
    return rules_from_document(row.version, row.rules) if row else None


async def all_programme_rules() -> dict[int, ProgrammeRuleSet]:
    """Every version by number, the built-in one included: what ``linli reconcile`` checks
    each ledger entry against (the version the entry names, never the current one)."""
    found = {DEFAULT_RULES.version: DEFAULT_RULES}
    for row in await ProgrammeRules.all():
        found[row.version] = rules_from_document(row.version, row.rules)
    return found


@dataclass(frozen=True)
class RuleVersionRecord:
    """One version as the history shows it; ``created_at`` is None for the built-in version."""

    rules: ProgrammeRuleSet
    note: str | None = None
    created_by: Member | None = None
    created_at: datetime | None = None


async def programme_rules_history(limit: int = HISTORY_LIMIT) -> list[RuleVersionRecord]:
    """The newest versions first, with who saved each and when (one joined query); the
    built-in version 1 last when it is among them."""
    rows = await ProgrammeRules.all().order_by("-version").limit(limit).select_related("created_by")
    history = [
        RuleVersionRecord(
            rules_from_document(r.version, r.rules), r.note, r.created_by, r.created_at
        )
        for r in rows
    ]
    if len(history) < limit and DEFAULT_RULES.version not in {r.rules.version for r in history}:
        history.append(RuleVersionRecord(DEFAULT_RULES, None, None, None))
    return history


async def current_privacy_policy(built_in_version: str) -> PolicyVersion:
    """The newest published version, or the built-in text under ``built_in_version`` (the
    label members consented to before any version was published)."""
    row = await PrivacyPolicy.all().order_by("-id").first()
    if row is None:
        return PolicyVersion(built_in_version, BUILT_IN_BODY)
    return PolicyVersion(row.version, row.body, row.created_at)


async def privacy_policy_of(version: str, built_in_version: str) -> PolicyVersion | None:
    """One version's text: a published one, or the built-in text under its label."""
    row = await PrivacyPolicy.get_or_none(version=version)
    if row is not None:
        return PolicyVersion(row.version, row.body, row.created_at)
    return PolicyVersion(version, BUILT_IN_BODY) if version == built_in_version else None


async def privacy_policy_history(limit: int = HISTORY_LIMIT) -> list[PrivacyPolicy]:
    """Published versions, newest first, with who published each."""
    return await PrivacyPolicy.all().order_by("-id").limit(limit).select_related("created_by")
