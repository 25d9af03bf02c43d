"""The sensitive-word list's mutations (admins only)."""

from __future__ import annotations

import strawberry

from api.safety.mutations.add_sensitive_word import AddSensitiveWordResult, add_sensitive_word
from api.safety.mutations.remove_sensitive_word import (
    RemoveSensitiveWordResult,
    remove_sensitive_word,
)


@strawberry.type
class SafetyMutation:
    add_sensitive_word: AddSensitiveWordResult = strawberry.mutation(
        resolver=add_sensitive_word,
        description="Admins: add a word to the sensitive-word list (audited); posts, comments, "
        "proposals and names are checked against it from the next check on.",
    )
    remove_sensitive_word: RemoveSensitiveWordResult = strawberry.mutation(
        resolver=remove_sensitive_word,
        description="Admins: take a word off the sensitive-word list (audited).",
    )
