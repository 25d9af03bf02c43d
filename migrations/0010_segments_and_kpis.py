from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

# PostgreSQL only (see 0002): NPS answers within 0-10, spend not negative, tier history
# append-only.
POSTGRES_GUARDS = [
    'ALTER TABLE "nps_response" ADD CONSTRAINT "nps_score_0_to_10" CHECK (score BETWEEN 0 AND 10)',
    'ALTER TABLE "acquisition_spend" ADD CONSTRAINT "spend_not_negative" CHECK (amount_cents >= 0)',
    """CREATE FUNCTION linli_tier_change_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'tier_change is append-only';
END $$""",
    'CREATE TRIGGER "tier_change_append_only" BEFORE UPDATE ON "tier_change" '
    "FOR EACH ROW EXECUTE FUNCTION linli_tier_change_is_append_only()",
]


async def add_postgres_guards(apps, schema_editor):
    if schema_editor.DIALECT != "postgres":
        return
    for statement in POSTGRES_GUARDS:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('linli', '0009_bench_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AcquisitionSpend',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('estate', fields.ForeignKeyField('linli.Estate', source_field='estate_id', null=True, db_constraint=True, to_field='id', related_name='acquisition_spend', on_delete=OnDelete.RESTRICT)),
                ('spent_on', fields.DateField()),
                ('amount_cents', fields.BigIntField()),
                ('note', fields.CharField(max_length=120)),
                ('recorded_by', fields.ForeignKeyField('linli.Member', source_field='recorded_by_id', db_constraint=True, to_field='id', related_name='spend_recorded', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'acquisition_spend', 'app': 'linli', 'indexes': [Index(fields=['spent_on'])], 'pk_attr': 'id', 'table_description': 'Money spent to win new members (flyers, tasting samples, ads), recorded by admins.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NpsResponse',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='nps_responses', on_delete=OnDelete.CASCADE)),
                ('quarter', fields.CharField(max_length=7)),
                ('score', fields.SmallIntField()),
                ('comment', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'nps_response', 'app': 'linli', 'unique_together': (('member', 'quarter'),), 'indexes': [Index(fields=['created_at'])], 'pk_attr': 'id', 'table_description': 'A member\'s 0-10 answer to "would you recommend us", at most one per calendar quarter.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TierChange',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='tier_changes', on_delete=OnDelete.CASCADE)),
                ('from_tier', fields.CharField(null=True, max_length=12)),
                ('to_tier', fields.CharField(max_length=12)),
                ('recency_days', fields.IntField(null=True)),
                ('frequency', fields.IntField()),
                ('monetary_cents', fields.BigIntField()),
                ('r', fields.SmallIntField()),
                ('f', fields.SmallIntField()),
                ('m', fields.SmallIntField()),
                ('score', fields.SmallIntField()),
                ('computed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'tier_change', 'app': 'linli', 'indexes': [Index(fields=['member_id', 'id']), Index(fields=['to_tier', 'computed_at'])], 'pk_attr': 'id', 'table_description': 'One tier change of one member with the scores that caused it (append-only).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TierRun',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('computed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('members', fields.IntField()),
                ('changed', fields.IntField()),
                ('cuts', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('shares', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('seconds', fields.FloatField()),
                ('trigger', fields.CharField(max_length=12)),
            ],
            options={'table': 'tier_run', 'app': 'linli', 'pk_attr': 'id', 'table_description': "One recompute of every member's tier: the cuts it scored against and what it found."},
            bases=['Model'],
        ),
        ops.RunPython(add_postgres_guards),
    ]
