"""GraphQL's strict check of ``relay.GlobalID`` arguments. The decoding rule itself (canonical
base64 of ``Type:digits`` within int4) and the helpers forms use live in ``web/ids.py``."""

from __future__ import annotations

from typing import Any

from strawberry import relay
from strawberry.extensions import FieldExtension

from web.ids import parse_global_id


class MalformedIdError(ValueError):
    """A malformed global id in an argument: the client's bug, a top-level BAD_USER_INPUT
    error (graphql-core takes ``extensions`` from the exception)."""

    extensions = {"code": "BAD_USER_INPUT"}


class StrictGlobalIds(FieldExtension):
    """Refuses a field's ``relay.GlobalID`` arguments that strawberry's lenient parser let
    through ("Post: 1", "Post:١", ids past int4) before the resolver sees them."""

    def __init__(self, names: list[str]) -> None:
        self.names = names

    def map_arguments(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        for name in self.names:
            value = kwargs.get(name)
            if value is not None and parse_global_id(str(value)) is None:
                raise MalformedIdError("编号无效")
        return kwargs


def strict_global_id_arguments(*root_types: type) -> None:
    """Puts ``StrictGlobalIds`` on every root field that takes a ``relay.GlobalID``; once per
    field, however often the schema is built."""
    for root in root_types:
        for field in root.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            names = [
                a.python_name
                for a in field.arguments
                if relay.GlobalID in (a.type, getattr(a.type, "of_type", None))
            ]
            if names and not any(isinstance(e, StrictGlobalIds) for e in field.extensions):
                field.extensions.append(StrictGlobalIds(names))
