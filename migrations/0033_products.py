"""The product catalogue (SKU, name, price in fen, picture, active) and the products a post is
tagged with."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


# The price and a tag's place, enforced by PostgreSQL (the production store); Tortoise's
# CreateModel emits no CHECKs and on SQLite the services' validation is the guard.
POSTGRES_GUARDS = [
    'ALTER TABLE "product" ADD CONSTRAINT "product_price_in_range" CHECK (price_fen >= 0 AND price_fen <= 10000000)',
    'ALTER TABLE "post_product" ADD CONSTRAINT "post_product_position_in_range" CHECK (position >= 0 AND position < 5)',
]


async def add_postgres_guards(apps, schema_editor):
    if schema_editor.DIALECT != "postgres":
        return
    for statement in POSTGRES_GUARDS:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('linli', '0032_share_drafts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Product',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('sku', fields.CharField(unique=True, max_length=40)),
                ('name', fields.CharField(max_length=60)),
                ('image', fields.ForeignKeyField('linli.Image', source_field='image_id', null=True, db_constraint=True, to_field='id', related_name='products', on_delete=OnDelete.SET_NULL)),
                ('price_fen', fields.IntField()),
                ('active', fields.BooleanField(default=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'product', 'app': 'linli', 'pk_attr': 'id', 'table_description': "A product of the brand's mall, known by its SKU, priced in fen (1/100 yuan)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostProduct',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('linli.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='product_tags', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('linli.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='post_tags', on_delete=OnDelete.RESTRICT)),
                ('position', fields.IntField()),
            ],
            options={'table': 'post_product', 'app': 'linli', 'unique_together': (('post', 'product'),), 'indexes': [Index(fields=['product_id', 'post_id'])], 'pk_attr': 'id', 'table_description': "A product a post is tagged with, in the author's order."},
            bases=['Model'],
        ),
        ops.RunPython(add_postgres_guards),
    ]
