"""A member's data exports (a ZIP kept for a day) and account deletions (erased after a grace
period)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from enum import StrEnum
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class ExportStatus(StrEnum):
    PENDING = "PENDING"
    READY = "READY"
    FAILED = "FAILED"


class DeletionStatus(StrEnum):
    PENDING = "PENDING"
    CANCELLED = "CANCELLED"
    ERASED = "ERASED"


class Migration(migrations.Migration):
    dependencies = [('linli', '0022_private_groups')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AccountDeletion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='deletion_requests', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=DeletionStatus.PENDING, description='PENDING: PENDING\nCANCELLED: CANCELLED\nERASED: ERASED', enum_type=DeletionStatus, max_length=10)),
                ('keep_posts', fields.BooleanField()),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('erased_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'account_deletion', 'app': 'linli', 'indexes': [Index(fields=['status', 'due_at']), Index(fields=['member_id', 'status'])], 'pk_attr': 'id', 'table_description': "A member's request to delete their account: erased at ``due_at`` unless they sign in"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DataExport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='data_exports', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=ExportStatus.PENDING, description='PENDING: PENDING\nREADY: READY\nFAILED: FAILED', enum_type=ExportStatus, max_length=8)),
                ('archive', fields.BinaryField(null=True)),
                ('size_bytes', fields.IntField(default=0)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ready_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'data_export', 'app': 'linli', 'indexes': [Index(fields=['member_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A ZIP of everything Linli holds about a member, built by the worker and kept for a day.'},
            bases=['Model'],
        ),
    ]
