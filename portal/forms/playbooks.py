"""The tier playbook form. A number that does not parse becomes -1, which the service refuses
with its own message for that field."""

from __future__ import annotations

from starlette.datastructures import FormData

from domain.playbooks.services import PlaybookDraft
from portal.forms.rewards import integer

FIELDS = (
    "name",
    "toTier",
    "fromTier",
    "message",
    "bonusPoints",
    "bonusExpiryDays",
    "holdoutPercent",
)


def playbook_draft(form: FormData) -> PlaybookDraft:
    from_tier = str(form.get("fromTier", "")).strip()
    return PlaybookDraft(
        name=str(form.get("name", "")),
        to_tier=str(form.get("toTier", "")).strip(),
        from_tier=from_tier or None,
        message=str(form.get("message", "")),
        bonus_points=integer(form.get("bonusPoints"), -1) if form.get("bonusPoints") else 0,
        bonus_expiry_days=integer(form.get("bonusExpiryDays") or "14"),
        add_to_winback=form.get("addToWinback") == "on",
        holdout_percent=integer(form.get("holdoutPercent") or "10"),
    )


def posted_values(form: FormData) -> dict[str, str]:
    """What the admin typed, to fill the form again when it is refused."""
    values = {name: str(form.get(name, "")) for name in FIELDS}
    values["addToWinback"] = "on" if form.get("addToWinback") == "on" else ""
    return values
