"""The sensitive-word list's mutations (admins only)."""

from __future__ import annotations

import strawberry

from api.safety.mutations.add_sensitive_word import AddSensitiveWordResult, add_sensitive_word
from api.safety.mutations.remove_sensitive_word import (
    RemoveSensitiveWordResult,
    remove_sensitive_word,
)
from api.safety.mutations.review_comment import ReviewCommentResult, review_comment


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
    review_comment: ReviewCommentResult = strawberry.mutation(
        resolver=review_comment,
        description="Moderators, admins and the group's hosts: show (APPROVE) or keep hidden "
        "(REJECT) a comment the safety checks held (audited). Anyone else gets a top-level "
        "FORBIDDEN error; another group's comment is `NotFound`.",
    )
