"""addSensitiveWord: an admin adds a word to the list; every process uses it on its next check."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, SensitiveWordTaken, as_user_error
from api.permissions import require_role
from api.safety.types import SensitiveWord, SensitiveWordCategory
from domain.errors import DomainError
from domain.identity.models import Role
from domain.safety import services
from domain.safety.rules import WordCategory


@strawberry.input(description="The word to add.")
class AddSensitiveWordInput:
    text: str = strawberry.field(description="1–50 characters, matched against evasions.")
    category: SensitiveWordCategory = strawberry.field(description="What a match does.")


@strawberry.type(description="The word is in the list.")
class AddSensitiveWordSuccess:
    word: SensitiveWord = strawberry.field(description="The word added.")


AddSensitiveWordResult = Annotated[
    AddSensitiveWordSuccess | InvalidInput | SensitiveWordTaken,
    strawberry.union(
        "AddSensitiveWordResult", description="The outcome of `addSensitiveWord` (audited)."
    ),
]


async def add_sensitive_word(
    info: Info[Context, Any], input: AddSensitiveWordInput
) -> AddSensitiveWordResult:
    actor = require_role(info, Role.ADMIN)
    try:
        word = await services.add_word(
            info.context.collaborators, actor, input.text, WordCategory(input.category.name)
        )
    except DomainError as error:
        return as_user_error(error, AddSensitiveWordResult)
    return AddSensitiveWordSuccess(word=SensitiveWord.from_model(word))
