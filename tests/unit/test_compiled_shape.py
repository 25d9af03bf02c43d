"""The compiled shaper leaves a DateTime value for orjson to write: that is only sound while
orjson's text is exactly what the schema's serialiser (``datetime.isoformat``) gives, for every
instant the product holds (the scalar's range, 1970 to 9000) in the zones its values come in:
UTC (the database's, tortoise's ``timezone``) and Shanghai (the clock's). Offsets with seconds
differ (orjson drops them: Shanghai's local mean time before 1901 is +08:05:43), and no value
the product serves has one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from api.compiled.shape import _ENCODED_AS_IS
from api.schema import EARLIEST, LATEST, schema
from domain.clock import SHANGHAI

ZONES = st.sampled_from([UTC, SHANGHAI, timezone(timedelta(hours=-3, minutes=-30))])
INSTANTS = st.datetimes(
    min_value=EARLIEST.replace(tzinfo=None),
    max_value=LATEST.replace(tzinfo=None) - timedelta(days=1),
    timezones=ZONES,
)


def test_the_scalar_left_to_orjson_is_the_schemas_datetime_serialiser() -> None:
    kind: Any = schema._schema.type_map["DateTime"]
    assert kind.serialize in _ENCODED_AS_IS


@settings(max_examples=500)
@given(INSTANTS, st.booleans())
def test_orjson_writes_an_aware_datetime_as_isoformat_spells_it(
    instant: datetime, whole_second: bool
) -> None:
    if whole_second:  # isoformat drops the fraction then; orjson must too
        instant = instant.replace(microsecond=0)
    assert orjson.loads(orjson.dumps({"at": instant})) == {"at": instant.isoformat()}
    assert orjson.dumps([instant]) == orjson.dumps([instant.isoformat()])
