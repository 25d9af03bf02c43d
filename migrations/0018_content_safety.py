from tortoise import migrations
from tortoise.migrations import operations as ops
from enum import StrEnum
from tortoise.fields.base import OnDelete
from tortoise import fields

# The values as they were when this migration was written, copied on purpose (see 0011).
class WordCategory(StrEnum):
    BLOCK = 'BLOCK'
    REVIEW = 'REVIEW'
    REPLACE = 'REPLACE'


class Migration(migrations.Migration):
    dependencies = [('linli', '0017_badges')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RejectedImageHash',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('hash', fields.CharField(unique=True, max_length=16)),
                ('image_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'rejected_image_hash', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'The dHash of an image in a post a moderator rejected: a new upload close to it is held.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SensitiveWord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('text', fields.CharField(unique=True, max_length=50)),
                ('category', fields.CharEnumField(description='BLOCK: BLOCK\nREVIEW: REVIEW\nREPLACE: REPLACE', enum_type=WordCategory, max_length=8)),
                ('created_by', fields.ForeignKeyField('linli.Member', source_field='created_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sensitive_word', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'One word of the list, whose category decides what a match does.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Image',
            name='dhash',
            field=fields.CharField(null=True, max_length=16),
        ),
        ops.AddField(
            model_name='Post',
            name='safety_flag',
            field=fields.CharField(null=True, max_length=200),
        ),
    ]
