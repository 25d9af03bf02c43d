from tortoise import migrations
from tortoise.migrations import operations as ops
from enum import StrEnum
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
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


# One unread row per member and group key, whatever the interleaving: a burst of likes or
# comments folds into it (both dialects take partial indexes).
ONE_UNREAD_PER_GROUP = (
    'CREATE UNIQUE INDEX "uniq_notification_unread_group" ON "notification" '
    '("recipient_id", "group_key") WHERE read_at IS NULL AND group_key IS NOT NULL'
)


async def add_one_unread_per_group_index(apps, schema_editor):
    await schema_editor.client.execute_script(ONE_UNREAD_PER_GROUP)


class Migration(migrations.Migration):
    dependencies = [('linli', '0013_one_clock')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('recipient', fields.ForeignKeyField('linli.Member', source_field='recipient_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='COMMENT: COMMENT\nREPLY: REPLY\nLIKE_MILESTONE: LIKE_MILESTONE\nPOST_APPROVED: POST_APPROVED\nPOST_REJECTED: POST_REJECTED\nPOST_FEATURED: POST_FEATURED\nPOINTS_EXPIRING: POINTS_EXPIRING\nPOINTS_ARRIVED: POINTS_ARRIVED\nREDEMPTION_READY: REDEMPTION_READY\nPICKUP_REMINDER: PICKUP_REMINDER\nEVENT_REMINDER: EVENT_REMINDER\nWAITLIST_PROMOTED: WAITLIST_PROMOTED\nCAMPAIGN_VOTING_OPENED: CAMPAIGN_VOTING_OPENED\nCAMPAIGN_WON: CAMPAIGN_WON\nREFERRAL_REWARDED: REFERRAL_REWARDED\nTIER_UP: TIER_UP\nHOST_QUEUE_ITEM: HOST_QUEUE_ITEM\nDIGEST: DIGEST', enum_type=NotificationKind, max_length=24)),
                ('subject_type', fields.CharField(null=True, max_length=20)),
                ('subject_id', fields.IntField(null=True)),
                ('actor', fields.ForeignKeyField('linli.Member', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='notifications_caused', on_delete=OnDelete.SET_NULL)),
                ('actor_count', fields.IntField(default=1)),
                ('params', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('group_key', fields.CharField(null=True, max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'linli', 'indexes': [Index(fields=['recipient_id', 'id']), Index(fields=['kind', 'subject_type', 'subject_id'])], 'pk_attr': 'id', 'table_description': 'What a member was told, newest last, grouped while unread.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='notification_preferences', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='COMMENT: COMMENT\nREPLY: REPLY\nLIKE_MILESTONE: LIKE_MILESTONE\nPOST_APPROVED: POST_APPROVED\nPOST_REJECTED: POST_REJECTED\nPOST_FEATURED: POST_FEATURED\nPOINTS_EXPIRING: POINTS_EXPIRING\nPOINTS_ARRIVED: POINTS_ARRIVED\nREDEMPTION_READY: REDEMPTION_READY\nPICKUP_REMINDER: PICKUP_REMINDER\nEVENT_REMINDER: EVENT_REMINDER\nWAITLIST_PROMOTED: WAITLIST_PROMOTED\nCAMPAIGN_VOTING_OPENED: CAMPAIGN_VOTING_OPENED\nCAMPAIGN_WON: CAMPAIGN_WON\nREFERRAL_REWARDED: REFERRAL_REWARDED\nTIER_UP: TIER_UP\nHOST_QUEUE_ITEM: HOST_QUEUE_ITEM\nDIGEST: DIGEST', enum_type=NotificationKind, max_length=24)),
                ('in_app', fields.BooleanField(default=True)),
                ('wechat', fields.BooleanField(default=True)),
            ],
            options={'table': 'notification_preference', 'app': 'linli', 'unique_together': (('member_id', 'kind'),), 'pk_attr': 'id', 'table_description': "A member's choice for one kind (without a row both channels are on)."},
            bases=['Model'],
        ),
        ops.RunPython(add_one_unread_per_group_index),
    ]
