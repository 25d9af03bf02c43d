from enum import StrEnum
from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


class ReferralStatus(StrEnum):
    """ReferralStatus as it was when this migration was written (a copy, never an import)."""

    PENDING = 'PENDING'
    REWARDED = 'REWARDED'


# PostgreSQL only (see 0002): a purchase has a positive amount, nobody refers themself.
POSTGRES_GUARDS = [
    'ALTER TABLE "purchase" ADD CONSTRAINT "purchase_amount_positive" CHECK (amount_cents > 0)',
    'ALTER TABLE "referral" ADD CONSTRAINT "referral_not_self" CHECK (referrer_id <> invitee_id)',
]

# Members who joined with an invite code before referrals had a table of their own.
BACKFILL = (
    'INSERT INTO "referral" (referrer_id, invitee_id, status, created_at) '
    "SELECT referred_by_id, id, 'PENDING', created_at FROM \"member\" "
    "WHERE referred_by_id IS NOT NULL AND referred_by_id <> id"
)


async def add_guards_and_backfill(apps, schema_editor):
    if schema_editor.DIALECT == "postgres":
        for statement in POSTGRES_GUARDS:
            await schema_editor.client.execute_script(statement)
    await schema_editor.client.execute_script(BACKFILL)


class Migration(migrations.Migration):
    dependencies = [('linli', '0007_events')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Purchase',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order_id', fields.CharField(unique=True, max_length=64)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='purchases', on_delete=OnDelete.RESTRICT)),
                ('amount_cents', fields.IntField()),
                ('purchased_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('items', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('source', fields.CharField(max_length=8)),
                ('batch', fields.CharField(max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'purchase', 'app': 'linli', 'indexes': [Index(fields=['member_id', 'purchased_at']), Index(fields=['purchased_at'])], 'pk_attr': 'id', 'table_description': 'One mall order, recorded once per order id. RFM reads member, amount and time.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Referral',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('referrer', fields.ForeignKeyField('linli.Member', source_field='referrer_id', db_constraint=True, to_field='id', related_name='referrals_made', on_delete=OnDelete.CASCADE)),
                ('invitee', fields.OneToOneField('linli.Member', source_field='invitee_id', db_constraint=True, to_field='id', related_name='referral', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=ReferralStatus.PENDING, description='PENDING: PENDING\nREWARDED: REWARDED', enum_type=ReferralStatus, max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('rewarded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('first_purchase', fields.ForeignKeyField('linli.Purchase', source_field='first_purchase_id', null=True, db_constraint=True, to_field='id', related_name='qualified_referrals', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'referral', 'app': 'linli', 'indexes': [Index(fields=['referrer_id', 'id']), Index(fields=['status', 'referrer_id'])], 'pk_attr': 'id', 'table_description': "A member who joined with another member's invite code. One per invitee."},
            bases=['Model'],
        ),
        ops.RunPython(add_guards_and_backfill),
    ]
