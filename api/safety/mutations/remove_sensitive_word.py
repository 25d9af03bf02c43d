"""removeSensitiveWord: an admin takes a word off the list (audited)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity.models import Role
from domain.safety import services
from web.ids import decode_required_id


@strawberry.input(description="Which word.")
class RemoveSensitiveWordInput:
    word_id: strawberry.ID = strawberry.field(description="The `SensitiveWord` id.")


@strawberry.type(description="The word is no longer in the list.")
class RemoveSensitiveWordSuccess:
    word_id: strawberry.ID = strawberry.field(description="The id of the word removed.")


RemoveSensitiveWordResult = Annotated[
    RemoveSensitiveWordSuccess | InvalidInput | NotFound,
    strawberry.union(
        "RemoveSensitiveWordResult", description="The outcome of `removeSensitiveWord`."
    ),
]


async def remove_sensitive_word(
    info: Info[Context, Any], input: RemoveSensitiveWordInput
) -> RemoveSensitiveWordResult:
    actor = require_role(info, Role.ADMIN)
    try:
        word_id = decode_required_id(input.word_id, "SensitiveWord", "wordId")
        await services.remove_word(info.context.collaborators, actor, word_id)
    except DomainError as error:
        return as_user_error(error, RemoveSensitiveWordResult)
    return RemoveSensitiveWordSuccess(word_id=input.word_id)
