"""Consent records (each acceptance of a privacy policy version) and the log of staff reads of
members' personal data."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from enum import StrEnum
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class AccessKind(StrEnum):
    MEMBERS_LIST = "MEMBERS_LIST"
    MEMBER_PAGE = "MEMBER_PAGE"
    CSV_EXPORT = "CSV_EXPORT"


class Migration(migrations.Migration):
    dependencies = [('linli', '0026_search_bands')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ConsentRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='consent_records', on_delete=OnDelete.CASCADE)),
                ('version', fields.CharField(max_length=20)),
                ('accepted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consent_record', 'app': 'linli', 'indexes': [Index(fields=['member_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One acceptance of a privacy policy version by a member'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PersonalDataAccess',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='data_accesses', on_delete=OnDelete.CASCADE)),
                ('staff', fields.ForeignKeyField('linli.Member', source_field='staff_id', null=True, db_constraint=True, to_field='id', related_name='data_reads', on_delete=OnDelete.SET_NULL)),
                ('staff_role', fields.CharField(max_length=12)),
                ('kind', fields.CharEnumField(description='MEMBERS_LIST: MEMBERS_LIST\nMEMBER_PAGE: MEMBER_PAGE\nCSV_EXPORT: CSV_EXPORT', enum_type=AccessKind, max_length=12)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'personal_data_access', 'app': 'linli', 'indexes': [Index(fields=['member_id', 'at']), Index(fields=['at'])], 'pk_attr': 'id', 'table_description': "A staff read of a member's personal data"},
            bases=['Model'],
        ),
    ]
