"""The catalogue badge type, shared by the member types (imports nothing of the API's)."""

from __future__ import annotations

import strawberry

from domain.honours import rules


@strawberry.type(description="A badge of the catalogue (荣誉徽章).")
class BadgeKind:
    code: str = strawberry.field(description="Stable code, e.g. `FIRST_RECIPE`.")
    name: str = strawberry.field(description="The Chinese name members see, e.g. 初试厨艺.")
    description: str = strawberry.field(description="How it is earned.")
    manual: bool = strawberry.field(description="Granted and revoked by admins, not by a rule.")

    @classmethod
    def of(cls, code: str | None) -> BadgeKind | None:
        kind = rules.CATALOGUE.get(code or "")
        if kind is None:
            return None
        return cls(code=kind.code, name=kind.name, description=kind.description, manual=kind.manual)
