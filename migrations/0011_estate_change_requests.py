from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from enum import StrEnum


# The values as they were when this migration was written, copied here on purpose: a migration
# imports nothing from today's models, so a later change of the enum cannot change its meaning.
class EstateChangeStatus(StrEnum):
    PENDING = 'PENDING'
    APPROVED = 'APPROVED'
    DECLINED = 'DECLINED'
    CANCELLED = 'CANCELLED'


# At most one waiting request per member, whatever the interleaving (both dialects take partial
# indexes). Also: identity timestamps stop being auto_now_add, the services stamp them with
# their clock.
ONE_PENDING_PER_MEMBER = (
    'CREATE UNIQUE INDEX "uniq_estate_change_one_pending" ON "estate_change_request" '
    "(\"member_id\") WHERE status = 'PENDING'"
)


async def add_one_pending_index(apps, schema_editor):
    await schema_editor.client.execute_script(ONE_PENDING_PER_MEMBER)

class Migration(migrations.Migration):
    dependencies = [('linli', '0010_segments_and_kpis')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EstateChangeRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='estate_change_requests', on_delete=OnDelete.CASCADE)),
                ('from_estate', fields.ForeignKeyField('linli.Estate', source_field='from_estate_id', null=True, db_constraint=True, to_field='id', related_name='estate_changes_out', on_delete=OnDelete.RESTRICT)),
                ('to_estate', fields.ForeignKeyField('linli.Estate', source_field='to_estate_id', db_constraint=True, to_field='id', related_name='estate_changes_in', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=EstateChangeStatus.PENDING, description='PENDING: PENDING\nAPPROVED: APPROVED\nDECLINED: DECLINED\nCANCELLED: CANCELLED', enum_type=EstateChangeStatus, max_length=10)),
                ('decided_by', fields.ForeignKeyField('linli.Member', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='estate_changes_decided', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'estate_change_request', 'app': 'linli', 'indexes': [Index(fields=['to_estate_id', 'status'])], 'pk_attr': 'id', 'table_description': "A member's request to move to another estate, decided by a host or admin of that estate."},
            bases=['Model'],
        ),
        ops.RunPython(add_one_pending_index),
        ops.AlterField(
            model_name='AuthToken',
            name='created_at',
            field=fields.DatetimeField(auto_now=False, auto_now_add=False),
        ),
        ops.AlterField(
            model_name='Member',
            name='created_at',
            field=fields.DatetimeField(auto_now=False, auto_now_add=False),
        ),
        ops.AlterField(
            model_name='WechatIdentity',
            name='created_at',
            field=fields.DatetimeField(auto_now=False, auto_now_add=False),
        ),
        ops.AlterField(
            model_name='WechatIdentity',
            name='updated_at',
            field=fields.DatetimeField(auto_now=False, auto_now_add=False),
        ),
    ]
