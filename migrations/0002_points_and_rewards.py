from enum import StrEnum
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class LedgerReason(StrEnum):
    """LedgerReason as it was when this migration was written (a copy, never an import)."""

    POST_PUBLISHED = 'POST_PUBLISHED'
    POST_FEATURED = 'POST_FEATURED'
    VOTE_CAST = 'VOTE_CAST'
    CHECK_IN = 'CHECK_IN'
    EVENT_ATTENDED = 'EVENT_ATTENDED'
    CAMPAIGN_WON = 'CAMPAIGN_WON'
    REFERRAL = 'REFERRAL'
    PURCHASE = 'PURCHASE'
    REDEMPTION = 'REDEMPTION'
    REDEMPTION_REFUND = 'REDEMPTION_REFUND'
    EXPIRY = 'EXPIRY'
    ADJUSTMENT = 'ADJUSTMENT'
    PENDING_RELEASED = 'PENDING_RELEASED'


class RedemptionStatus(StrEnum):
    """RedemptionStatus as it was when this migration was written (a copy, never an import)."""

    RESERVED = 'RESERVED'
    FULFILLED = 'FULFILLED'
    CANCELLED = 'CANCELLED'


# CHECK constraints and the append-only ledger, enforced by PostgreSQL (the production store).
# Tortoise's CreateModel emits no CHECKs and SQLite cannot add them to an existing table; on the
# zero-setup SQLite store the services' conditional updates are the guard.
POSTGRES_GUARDS = [
    'ALTER TABLE "points_account" ADD CONSTRAINT "points_account_balance_not_negative" CHECK (balance >= 0)',
    'ALTER TABLE "points_account" ADD CONSTRAINT "points_account_pending_not_negative" CHECK (pending >= 0)',
    'ALTER TABLE "points_lot" ADD CONSTRAINT "points_lot_remaining_in_range" CHECK (remaining >= 0 AND remaining <= amount)',
    'ALTER TABLE "reward" ADD CONSTRAINT "reward_stock_not_negative" CHECK (stock >= 0)',
    'ALTER TABLE "reward" ADD CONSTRAINT "reward_cost_positive" CHECK (cost_points > 0)',
    'ALTER TABLE "redemption_counter" ADD CONSTRAINT "redemption_counter_not_negative" CHECK (count >= 0)',
    """CREATE FUNCTION linli_ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger_entry is append-only: write a correcting entry instead';
END $$""",
    'CREATE TRIGGER "ledger_entry_append_only" BEFORE UPDATE OR DELETE ON "ledger_entry" '
    "FOR EACH ROW EXECUTE FUNCTION linli_ledger_is_append_only()",
]


async def add_postgres_guards(apps, schema_editor):
    if schema_editor.DIALECT != "postgres":
        return
    for statement in POSTGRES_GUARDS:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('linli', '0001_initial_identity')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CheckIn',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='check_ins', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('streak', fields.IntField()),
                ('points', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'check_in', 'app': 'linli', 'unique_together': (('member', 'day'),), 'pk_attr': 'id', 'table_description': 'A daily check-in (签到), one per member per Shanghai calendar day.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DailyContribution',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='daily_contributions', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('points', fields.IntField(default=0)),
            ],
            options={'table': 'daily_contribution', 'app': 'linli', 'unique_together': (('member', 'day'),), 'pk_attr': 'id', 'table_description': 'Contribution points a member earned on one Shanghai calendar day (capped at 200).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ExpiryReminder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='expiry_reminders', on_delete=OnDelete.CASCADE)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('amount', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'expiry_reminder', 'app': 'linli', 'unique_together': (('member', 'expires_at'),), 'pk_attr': 'id', 'table_description': "A reminder recorded 10 days before a member's points expire."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IdempotencyRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=100)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='idempotency_records', on_delete=OnDelete.CASCADE)),
                ('operation', fields.CharField(max_length=40)),
                ('request_hash', fields.CharField(max_length=64)),
                ('result_ref', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'idempotency_record', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A client-keyed write, inserted first in its transaction: a concurrent duplicate waits on'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LedgerEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='ledger_entries', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.IntField()),
                ('balance_after', fields.IntField()),
                ('pending', fields.BooleanField(default=False)),
                ('reason', fields.CharEnumField(description='POST_PUBLISHED: POST_PUBLISHED\nPOST_FEATURED: POST_FEATURED\nVOTE_CAST: VOTE_CAST\nCHECK_IN: CHECK_IN\nEVENT_ATTENDED: EVENT_ATTENDED\nCAMPAIGN_WON: CAMPAIGN_WON\nREFERRAL: REFERRAL\nPURCHASE: PURCHASE\nREDEMPTION: REDEMPTION\nREDEMPTION_REFUND: REDEMPTION_REFUND\nEXPIRY: EXPIRY\nADJUSTMENT: ADJUSTMENT\nPENDING_RELEASED: PENDING_RELEASED', enum_type=LedgerReason, max_length=24)),
                ('description', fields.CharField(max_length=120)),
                ('idempotency_key', fields.CharField(unique=True, max_length=120)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('available_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ledger_entry', 'app': 'linli', 'indexes': [Index(fields=['member_id', 'id']), Index(fields=['created_at'])], 'pk_attr': 'id', 'table_description': 'One movement of points. Never updated or deleted: a correction is a new entry.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AdjustmentRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='adjustment_requests', on_delete=OnDelete.CASCADE)),
                ('amount', fields.IntField()),
                ('reason', fields.CharField(max_length=120)),
                ('idempotency_key', fields.CharField(unique=True, max_length=120)),
                ('requested_by', fields.ForeignKeyField('linli.Member', source_field='requested_by_id', db_constraint=True, to_field='id', related_name='adjustments_requested', on_delete=OnDelete.RESTRICT)),
                ('approved_by', fields.ForeignKeyField('linli.Member', source_field='approved_by_id', null=True, db_constraint=True, to_field='id', related_name='adjustments_approved', on_delete=OnDelete.RESTRICT)),
                ('entry', fields.ForeignKeyField('linli.LedgerEntry', source_field='entry_id', null=True, db_constraint=True, to_field='id', related_name='adjustment_requests', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'adjustment_request', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'An admin adjustment above the approval threshold, waiting for a second admin.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.OneToOneField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='points_account', on_delete=OnDelete.CASCADE)),
                ('balance', fields.IntField(default=0)),
                ('pending', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'points_account', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'The hot row: balance and pending are the sums the entries and lots add up to.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsLot',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='points_lots', on_delete=OnDelete.RESTRICT)),
                ('entry', fields.ForeignKeyField('linli.LedgerEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='lots', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.IntField()),
                ('remaining', fields.IntField()),
                ('available_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('released', fields.BooleanField(default=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'points_lot', 'app': 'linli', 'indexes': [Index(fields=['member_id', 'expires_at', 'id']), Index(fields=['released', 'available_at'])], 'pk_attr': 'id', 'table_description': 'What is left of one award. Spending draws lots in (expires_at, id) order.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LotDraw',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('entry', fields.ForeignKeyField('linli.LedgerEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='draws', on_delete=OnDelete.RESTRICT)),
                ('lot', fields.ForeignKeyField('linli.PointsLot', source_field='lot_id', db_constraint=True, to_field='id', related_name='draws', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.IntField()),
            ],
            options={'table': 'lot_draw', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'Which lots a spending entry drew from, so a refund restores the same expiry dates.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Reward',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=60)),
                ('description', fields.TextField(unique=False)),
                ('image_url', fields.CharField(null=True, max_length=300)),
                ('cost_points', fields.IntField()),
                ('stock', fields.IntField()),
                ('initial_stock', fields.IntField()),
                ('per_member_limit', fields.IntField(null=True)),
                ('available_from', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('available_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reward', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Redemption',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='redemptions', on_delete=OnDelete.RESTRICT)),
                ('reward', fields.ForeignKeyField('linli.Reward', source_field='reward_id', db_constraint=True, to_field='id', related_name='redemptions', on_delete=OnDelete.RESTRICT)),
                ('quantity', fields.IntField()),
                ('points_spent', fields.IntField()),
                ('status', fields.CharEnumField(default=RedemptionStatus.RESERVED, description='RESERVED: RESERVED\nFULFILLED: FULFILLED\nCANCELLED: CANCELLED', enum_type=RedemptionStatus, max_length=10)),
                ('pickup_code', fields.CharField(unique=True, max_length=6)),
                ('spend_entry', fields.ForeignKeyField('linli.LedgerEntry', source_field='spend_entry_id', db_constraint=True, to_field='id', related_name='redemptions', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('fulfilled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('fulfilled_by', fields.ForeignKeyField('linli.Member', source_field='fulfilled_by_id', null=True, db_constraint=True, to_field='id', related_name='fulfilments', on_delete=OnDelete.RESTRICT)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'redemption', 'app': 'linli', 'indexes': [Index(fields=['member_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RedemptionCounter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='redemption_counters', on_delete=OnDelete.CASCADE)),
                ('reward', fields.ForeignKeyField('linli.Reward', source_field='reward_id', db_constraint=True, to_field='id', related_name='counters', on_delete=OnDelete.CASCADE)),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'redemption_counter', 'app': 'linli', 'unique_together': (('member', 'reward'),), 'pk_attr': 'id', 'table_description': "Live redemptions per member and reward, for the per-member limit's conditional update."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RewardRestock',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('reward', fields.ForeignKeyField('linli.Reward', source_field='reward_id', db_constraint=True, to_field='id', related_name='restocks', on_delete=OnDelete.CASCADE)),
                ('quantity', fields.IntField()),
                ('restocked_by', fields.ForeignKeyField('linli.Member', source_field='restocked_by_id', db_constraint=True, to_field='id', related_name='restocks', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reward_restock', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(add_postgres_guards),
    ]
