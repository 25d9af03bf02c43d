"""The sensitive-word list as the back office sees it."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from domain.safety import models
from web.ids import encode_id


@strawberry.enum(description="What a match of the word does.")
class SensitiveWordCategory(Enum):
    BLOCK = strawberry.enum_value("BLOCK", description="Refused with `ContentBlocked`.")
    REVIEW = strawberry.enum_value("REVIEW", description="Stored, held for a moderator.")
    REPLACE = strawberry.enum_value("REPLACE", description="Stored with the word masked by ＊.")


@strawberry.type(description="One word of the sensitive-word list.")
class SensitiveWord:
    id: strawberry.ID = strawberry.field(description="Global id (`SensitiveWord:<pk>`).")
    text: str = strawberry.field(description="The word as the admin typed it.")
    category: SensitiveWordCategory = strawberry.field(description="What a match does.")
    created_at: datetime = strawberry.field(description="When it was added (UTC).")

    @classmethod
    def from_model(cls, word: models.SensitiveWord) -> SensitiveWord:
        return cls(
            id=strawberry.ID(encode_id("SensitiveWord", word.id)),
            text=word.text,
            category=SensitiveWordCategory(word.category.value),
            created_at=word.created_at,
        )
