"""GraphQL types of the attribution report (种草带货): rows by post, group, host or product."""

from __future__ import annotations

from enum import Enum

import strawberry

from domain.attribution import report
from web.ids import encode_id


@strawberry.enum(description="What the attribution report's rows are.")
class AttributionDimension(Enum):
    POST = strawberry.enum_value("POST", description="One row per post tagged with products.")
    GROUP = strawberry.enum_value("GROUP", description="One row per group: its posts' sum.")
    HOST = strawberry.enum_value(
        "HOST",
        description="One row per host: the sum of the groups they host (a group with two hosts "
        "counts fully for each).",
    )
    PRODUCT = strawberry.enum_value("PRODUCT", description="One row per product (SKU).")


# The GraphQL type whose global ID a row's key is, by dimension (products are known by SKU).
_NODE_TYPES = {
    report.Dimension.POST: "Post",
    report.Dimension.GROUP: "InterestGroup",
    report.Dimension.HOST: "Member",
}


@strawberry.type(
    description="One row of the attribution report: purchases of tagged products by members "
    "who saw the posts within the 7 days before (definitions in the product documentation)."
)
class AttributionRow:
    key: str = strawberry.field(
        description="The post's, group's or host's global ID, or the product's SKU."
    )
    label: str = strawberry.field(
        description="The post's title, group's or host's name, or product's name."
    )
    gmv_last_touch_fen: int = strawberry.field(
        description="GMV in fen credited when each product sale goes wholly to the post seen last."
    )
    gmv_linear_fen: int = strawberry.field(
        description="GMV in fen when each sale is split equally among the posts seen (equal to "
        "last touch for products)."
    )
    orders: float = strawberry.field(
        description="Orders credited under last touch; an order split among items counts in parts."
    )
    buyers: int = strawberry.field(description="Distinct members credited under last touch.")
    viewers: int = strawberry.field(
        description="Distinct members who saw the row's tagged posts from 7 days before the "
        "period to its end (the sightings its sales can be credited to)."
    )
    conversion_rate: float = strawberry.field(
        description="buyers ÷ viewers, 0–1; 0 without viewers."
    )

    @classmethod
    def of(cls, row: report.AttributionRow) -> AttributionRow:
        node_type = _NODE_TYPES.get(row.dimension)
        key = encode_id(node_type, int(row.key)) if node_type else str(row.key)
        return cls(
            key=key,
            label=row.label,
            gmv_last_touch_fen=row.gmv_last_touch_fen,
            gmv_linear_fen=row.gmv_linear_fen,
            orders=float(row.orders),
            buyers=row.buyers,
            viewers=row.viewers,
            conversion_rate=row.conversion_rate,
        )
