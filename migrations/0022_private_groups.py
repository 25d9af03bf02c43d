from tortoise import migrations
from tortoise.migrations import operations as ops
from enum import StrEnum
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


# The values as they were when this migration was written, copied on purpose (see 0011).
class JoinRequestStatus(StrEnum):
    PENDING = 'PENDING'
    APPROVED = 'APPROVED'
    DECLINED = 'DECLINED'
    EXPIRED = 'EXPIRED'


class Migration(migrations.Migration):
    dependencies = [('linli', '0020_held_items')]

    initial = False

    operations = [
        ops.CreateModel(
            name='GroupJoinRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.ForeignKeyField('linli.InterestGroup', source_field='group_id', db_constraint=True, to_field='id', related_name='join_requests', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='join_requests', on_delete=OnDelete.CASCADE)),
                ('message', fields.CharField(default='', max_length=200)),
                ('status', fields.CharEnumField(description='PENDING: PENDING\nAPPROVED: APPROVED\nDECLINED: DECLINED\nEXPIRED: EXPIRED', enum_type=JoinRequestStatus, max_length=10)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('linli.Member', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='join_decisions', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'group_join_request', 'app': 'linli', 'unique_together': (('group', 'member'),), 'indexes': [Index(fields=['status', 'requested_at'])], 'pk_attr': 'id', 'table_description': "A member's request to join a private group, one row per (group, member)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GroupRemoval',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.ForeignKeyField('linli.InterestGroup', source_field='group_id', db_constraint=True, to_field='id', related_name='removals', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='group_removals', on_delete=OnDelete.CASCADE)),
                ('removed_by', fields.ForeignKeyField('linli.Member', source_field='removed_by_id', null=True, db_constraint=True, to_field='id', related_name='group_removals_made', on_delete=OnDelete.SET_NULL)),
                ('removed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'group_removal', 'app': 'linli', 'unique_together': (('group', 'member'),), 'pk_attr': 'id', 'table_description': 'A host removed the member from the group: a new request waits 30 days.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='InterestGroup',
            name='private',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
