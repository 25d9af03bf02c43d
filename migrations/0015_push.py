from tortoise import migrations
from tortoise.migrations import operations as ops
from enum import StrEnum
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


# The values as they were when this migration was written, copied on purpose (see 0011).
class NotificationKind(StrEnum):
    COMMENT = 'COMMENT'
    REPLY = 'REPLY'
    LIKE_MILESTONE = 'LIKE_MILESTONE'
    POST_APPROVED = 'POST_APPROVED'
    POST_REJECTED = 'POST_REJECTED'
    POST_FEATURED = 'POST_FEATURED'
    POINTS_EXPIRING = 'POINTS_EXPIRING'
    POINTS_ARRIVED = 'POINTS_ARRIVED'
    REDEMPTION_READY = 'REDEMPTION_READY'
    PICKUP_REMINDER = 'PICKUP_REMINDER'
    EVENT_REMINDER = 'EVENT_REMINDER'
    WAITLIST_PROMOTED = 'WAITLIST_PROMOTED'
    CAMPAIGN_VOTING_OPENED = 'CAMPAIGN_VOTING_OPENED'
    CAMPAIGN_WON = 'CAMPAIGN_WON'
    REFERRAL_REWARDED = 'REFERRAL_REWARDED'
    TIER_UP = 'TIER_UP'
    HOST_QUEUE_ITEM = 'HOST_QUEUE_ITEM'
    DIGEST = 'DIGEST'


class PushStatus(StrEnum):
    PENDING = 'PENDING'
    SENDING = 'SENDING'
    SENT = 'SENT'
    FAILED = 'FAILED'
    SKIPPED = 'SKIPPED'


# PostgreSQL only (see 0002): a consent count never below zero (the send's conditional update
# spends only what is there), a budget slot counts from 1, attempts from 0.
POSTGRES_GUARDS = [
    'ALTER TABLE "subscription_consent" ADD CONSTRAINT "subscription_consent_remaining_not_negative" '
    "CHECK (remaining >= 0)",
    'ALTER TABLE "push_delivery" ADD CONSTRAINT "push_delivery_budget_slot_positive" '
    "CHECK (budget_slot IS NULL OR budget_slot >= 1)",
    'ALTER TABLE "push_delivery" ADD CONSTRAINT "push_delivery_attempts_not_negative" '
    "CHECK (attempts >= 0)",
]


async def add_postgres_guards(apps, schema_editor):
    if schema_editor.DIALECT != "postgres":
        return
    for statement in POSTGRES_GUARDS:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('linli', '0014_notifications')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PushDelivery',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('notification', fields.OneToOneField('linli.Notification', source_field='notification_id', null=True, db_constraint=True, to_field='id', related_name='push_delivery', on_delete=OnDelete.SET_NULL)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='push_deliveries', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='COMMENT: COMMENT\nREPLY: REPLY\nLIKE_MILESTONE: LIKE_MILESTONE\nPOST_APPROVED: POST_APPROVED\nPOST_REJECTED: POST_REJECTED\nPOST_FEATURED: POST_FEATURED\nPOINTS_EXPIRING: POINTS_EXPIRING\nPOINTS_ARRIVED: POINTS_ARRIVED\nREDEMPTION_READY: REDEMPTION_READY\nPICKUP_REMINDER: PICKUP_REMINDER\nEVENT_REMINDER: EVENT_REMINDER\nWAITLIST_PROMOTED: WAITLIST_PROMOTED\nCAMPAIGN_VOTING_OPENED: CAMPAIGN_VOTING_OPENED\nCAMPAIGN_WON: CAMPAIGN_WON\nREFERRAL_REWARDED: REFERRAL_REWARDED\nTIER_UP: TIER_UP\nHOST_QUEUE_ITEM: HOST_QUEUE_ITEM\nDIGEST: DIGEST', enum_type=NotificationKind, max_length=24)),
                ('template_id', fields.CharField(max_length=64)),
                ('status', fields.CharEnumField(description='PENDING: PENDING\nSENDING: SENDING\nSENT: SENT\nFAILED: FAILED\nSKIPPED: SKIPPED', enum_type=PushStatus, max_length=8)),
                ('error_code', fields.CharField(null=True, max_length=24)),
                ('error_message', fields.CharField(null=True, max_length=200)),
                ('attempts', fields.IntField(default=0)),
                ('budget_day', fields.DateField(null=True)),
                ('budget_slot', fields.IntField(null=True)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'push_delivery', 'app': 'linli', 'unique_together': (('member_id', 'budget_day', 'budget_slot'),), 'indexes': [Index(fields=['status', 'due_at'])], 'pk_attr': 'id', 'table_description': 'A notification offered to WeChat as a subscription message.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SubscriptionConsent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='subscription_consents', on_delete=OnDelete.CASCADE)),
                ('template_id', fields.CharField(max_length=64)),
                ('remaining', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'subscription_consent', 'app': 'linli', 'unique_together': (('member_id', 'template_id'),), 'pk_attr': 'id', 'table_description': 'One-time subscription consents a member holds per WeChat template.'},
            bases=['Model'],
        ),
        ops.RunPython(add_postgres_guards),
    ]
