"""An image's later verdict from a cloud provider (WeChat mediaCheckAsync): where it stands, and
the provider's id for the request its answer names."""

from enum import StrEnum

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class CloudCheck(StrEnum):
    DUE = "DUE"
    WAITING = "WAITING"
    PASSED = "PASSED"
    FLAGGED = "FLAGGED"
    SKIPPED = "SKIPPED"


class Migration(migrations.Migration):
    dependencies = [('linli', '0028_webhooks')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Image',
            name='cloud_check',
            field=fields.CharEnumField(null=True, db_index=True, description='DUE: DUE\nWAITING: WAITING\nPASSED: PASSED\nFLAGGED: FLAGGED\nSKIPPED: SKIPPED', enum_type=CloudCheck, max_length=8),
        ),
        ops.AddField(
            model_name='Image',
            name='cloud_trace_id',
            field=fields.CharField(null=True, unique=True, max_length=64),
        ),
    ]
