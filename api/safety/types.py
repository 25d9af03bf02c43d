"""The sensitive-word list as the back office sees it."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from domain.posts import models as post_models
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


@strawberry.type(
    description="A comment the safety checks held, as the moderator deciding it sees it."
)
class HeldComment:
    id: strawberry.ID = strawberry.field(description="Global id (`Comment:<pk>`).")
    post_id: strawberry.ID = strawberry.field(description="The post it answers (`Post:<pk>`).")
    author_name: str = strawberry.field(description="The author's display name.")
    body: str = strawberry.field(description="The comment as stored (REPLACE words masked).")
    safety_flag: str = strawberry.field(description="Why the checks held it (Chinese, for staff).")
    hidden: bool = strawberry.field(description="True until a moderator approves it.")
    reviewed_at: datetime | None = strawberry.field(description="When it was decided (UTC).")
    created_at: datetime = strawberry.field(description="When it was written (UTC).")

    @classmethod
    def from_model(cls, comment: post_models.Comment) -> HeldComment:
        return cls(
            id=strawberry.ID(encode_id("Comment", comment.id)),
            post_id=strawberry.ID(encode_id("Post", comment.post_id)),
            author_name=comment.author.display_name,  # read with the comment (select_related)
            body=comment.body,
            safety_flag=comment.safety_flag or "",
            hidden=comment.hidden,
            reviewed_at=comment.reviewed_at,
            created_at=comment.created_at,
        )
