"""The share form's draft: what a member typed and has not submitted, one row per member."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('linli', '0031_image_renditions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ShareDraft',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.OneToOneField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='share_draft', on_delete=OnDelete.CASCADE)),
                ('content', fields.JSONField()),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'share_draft', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'What a member has typed into the share form and not yet submitted, kept so a closed tab'},
            bases=['Model'],
        ),
    ]
