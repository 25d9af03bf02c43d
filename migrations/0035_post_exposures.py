"""Exposures: which member saw which post on which day (kept 90 days), and the viewers per post
and day kept after that."""

from enum import StrEnum

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class ExposureSource(StrEnum):
    DETAIL = "DETAIL"
    FEED = "FEED"
    MINIPROGRAM = "MINIPROGRAM"


class Migration(migrations.Migration):
    dependencies = [('linli', '0034_playbooks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PostExposure',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('post', fields.ForeignKeyField('linli.Post', source_field='post_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('source', fields.CharEnumField(description='DETAIL: DETAIL\nFEED: FEED\nMINIPROGRAM: MINIPROGRAM', enum_type=ExposureSource, max_length=12)),
                ('seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'post_exposure', 'app': 'linli', 'unique_together': (('member', 'post', 'day'),), 'indexes': [Index(fields=['post_id', 'day']), Index(fields=['day'])], 'pk_attr': 'id', 'table_description': 'A member saw a post on a day (Asia/Shanghai), the first time that day and how.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostExposureDay',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('linli.Post', source_field='post_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('viewers', fields.IntField()),
            ],
            options={'table': 'post_exposure_day', 'app': 'linli', 'unique_together': (('post', 'day'),), 'pk_attr': 'id', 'table_description': "How many members saw a post on a day, kept after that day's raw exposures are dropped."},
            bases=['Model'],
        ),
    ]
