from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


async def add_postgres_guards(apps, schema_editor):
    # PostgreSQL only: see 0002 for why SQLite gets no CHECKs after CREATE TABLE.
    if schema_editor.DIALECT != "postgres":
        return
    await schema_editor.client.execute_script(
        'ALTER TABLE "interest_group" ADD CONSTRAINT "interest_group_member_count_not_negative" '
        "CHECK (member_count >= 0)"
    )


class Migration(migrations.Migration):
    dependencies = [('linli', '0003_member_tier')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Image',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('owner', fields.ForeignKeyField('linli.Member', source_field='owner_id', db_constraint=True, to_field='id', related_name='images', on_delete=OnDelete.CASCADE)),
                ('storage_key', fields.CharField(unique=True, max_length=120)),
                ('content_type', fields.CharField(max_length=20)),
                ('width', fields.IntField()),
                ('height', fields.IntField()),
                ('size_bytes', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'image', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InterestGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=30)),
                ('slug', fields.CharField(unique=True, max_length=40)),
                ('description', fields.TextField(unique=False)),
                ('cover_url', fields.CharField(null=True, max_length=300)),
                ('host', fields.ForeignKeyField('linli.Member', source_field='host_id', db_constraint=True, to_field='id', related_name='hosted_groups', on_delete=OnDelete.RESTRICT)),
                ('estate', fields.ForeignKeyField('linli.Estate', source_field='estate_id', null=True, db_constraint=True, to_field='id', related_name='groups', on_delete=OnDelete.RESTRICT)),
                ('member_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'interest_group', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GroupMembership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.ForeignKeyField('linli.InterestGroup', source_field='group_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='group_memberships', on_delete=OnDelete.CASCADE)),
                ('joined_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'group_membership', 'app': 'linli', 'unique_together': (('group', 'member'),), 'indexes': [Index(fields=['member_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(add_postgres_guards),
    ]
