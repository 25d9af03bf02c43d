"""Tier playbooks: what a tier change sets off for a member (a message, bonus points, the
hosts' win-back list) and the record of each run with its arm, treatment or holdout."""

from enum import StrEnum

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class PlaybookArm(StrEnum):
    TREATMENT = "TREATMENT"
    HOLDOUT = "HOLDOUT"


class Migration(migrations.Migration):
    dependencies = [('linli', '0033_products')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Playbook',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=60)),
                ('from_tier', fields.CharField(null=True, max_length=12)),
                ('to_tier', fields.CharField(max_length=12)),
                ('message', fields.CharField(default='', max_length=200)),
                ('bonus_points', fields.IntField(default=0)),
                ('bonus_expiry_days', fields.IntField(default=14)),
                ('add_to_winback', fields.BooleanField(default=False)),
                ('holdout_percent', fields.SmallIntField(default=10)),
                ('active', fields.BooleanField(default=True)),
                ('active_since', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('linli.Member', source_field='created_by_id', db_constraint=True, to_field='id', related_name='playbooks_created', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'playbook', 'app': 'linli', 'indexes': [Index(fields=['active', 'to_tier'])], 'pk_attr': 'id', 'table_description': 'What an operator wants done when a member moves into ``to_tier`` (from ``from_tier`` when'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PlaybookRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('playbook', fields.ForeignKeyField('linli.Playbook', source_field='playbook_id', db_constraint=True, to_field='id', related_name='runs', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='playbook_runs', on_delete=OnDelete.CASCADE)),
                ('tier_change', fields.ForeignKeyField('linli.TierChange', source_field='tier_change_id', db_constraint=True, to_field='id', related_name='playbook_runs', on_delete=OnDelete.CASCADE)),
                ('arm', fields.CharEnumField(description='TREATMENT: TREATMENT\nHOLDOUT: HOLDOUT', enum_type=PlaybookArm, max_length=10)),
                ('points_granted', fields.IntField(default=0)),
                ('notification_id', fields.IntField(null=True)),
                ('on_winback', fields.BooleanField(default=False)),
                ('ran_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'playbook_run', 'app': 'linli', 'unique_together': (('playbook', 'tier_change'),), 'indexes': [Index(fields=['playbook_id', 'arm']), Index(fields=['member_id', 'ran_at'])], 'pk_attr': 'id', 'table_description': 'One playbook run for one tier change of one member, at most once per pair (the unique'},
            bases=['Model'],
        ),
    ]
