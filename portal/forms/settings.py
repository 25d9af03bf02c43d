"""Portal forms of the programme settings: the rule form and the privacy policy form.

Rules stay in the services: a number that does not parse becomes -1, which every rule refuses,
so people see the service's own message for that field."""

from __future__ import annotations

from starlette.datastructures import FormData

from domain.programme.rules import RULE_FIELDS, ProgrammeRuleSet, field_name
from portal.forms.rewards import integer, optional_integer


def rule_changes(form: FormData) -> dict[str, int]:
    """Every rule field the form sent (an empty one is left unchanged)."""
    changes: dict[str, int] = {}
    for name in RULE_FIELDS:
        raw = form.get(field_name(name))
        if str(raw or "").strip():
            changes[name] = integer(raw)
    return changes


def base_version(form: FormData) -> int | None:
    return optional_integer(form.get("baseVersion"))


def rule_values(rules: ProgrammeRuleSet) -> dict[str, str]:
    """The form's fields filled with a version's values."""
    return {field_name(name): str(value) for name, value in rules.values().items()}


def posted_values(form: FormData) -> dict[str, str]:
    return {key: str(value) for key, value in form.items() if key != "csrf_token"}
