"""Badge awards (one per member and badge) and the badge a member shows by their name."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linli', '0016_search')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BadgeAward',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='badges', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=20)),
                ('awarded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reason', fields.CharField(max_length=200)),
                ('manual', fields.BooleanField(default=False)),
                ('granted_by', fields.ForeignKeyField('linli.Member', source_field='granted_by_id', null=True, db_constraint=True, to_field='id', related_name='badges_granted', on_delete=OnDelete.RESTRICT)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'badge_award', 'app': 'linli', 'unique_together': (('member', 'code'),), 'indexes': [Index(fields=['code', 'awarded_at'])], 'pk_attr': 'id', 'table_description': 'A badge a member holds (or held: ``revoked_at`` set), with when and why it was awarded.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Member',
            name='shown_badge',
            field=fields.CharField(null=True, max_length=20),
        ),
    ]
