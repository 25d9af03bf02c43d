"""Descriptions only: table comments of models documented after their migrations were written,
and the enum listings of the ledger's reasons and the notification kinds (their columns are
varchar; no data changes)."""

from enum import StrEnum

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class LedgerReason(StrEnum):
    POST_PUBLISHED = "POST_PUBLISHED"
    POST_FEATURED = "POST_FEATURED"
    VOTE_CAST = "VOTE_CAST"
    CHECK_IN = "CHECK_IN"
    EVENT_ATTENDED = "EVENT_ATTENDED"
    CAMPAIGN_WON = "CAMPAIGN_WON"
    REFERRAL = "REFERRAL"
    PURCHASE = "PURCHASE"
    REDEMPTION = "REDEMPTION"
    REDEMPTION_REFUND = "REDEMPTION_REFUND"
    EXPIRY = "EXPIRY"
    ADJUSTMENT = "ADJUSTMENT"
    PENDING_RELEASED = "PENDING_RELEASED"
    PLAYBOOK_BONUS = "PLAYBOOK_BONUS"


class NotificationKind(StrEnum):
    COMMENT = "COMMENT"
    REPLY = "REPLY"
    LIKE_MILESTONE = "LIKE_MILESTONE"
    POST_APPROVED = "POST_APPROVED"
    POST_REJECTED = "POST_REJECTED"
    POST_FEATURED = "POST_FEATURED"
    POINTS_EXPIRING = "POINTS_EXPIRING"
    POINTS_ARRIVED = "POINTS_ARRIVED"
    REDEMPTION_READY = "REDEMPTION_READY"
    PICKUP_REMINDER = "PICKUP_REMINDER"
    EVENT_REMINDER = "EVENT_REMINDER"
    WAITLIST_PROMOTED = "WAITLIST_PROMOTED"
    EVENT_CANCELLED = "EVENT_CANCELLED"
    CAMPAIGN_VOTING_OPENED = "CAMPAIGN_VOTING_OPENED"
    CAMPAIGN_WON = "CAMPAIGN_WON"
    REFERRAL_REWARDED = "REFERRAL_REWARDED"
    TIER_UP = "TIER_UP"
    HOST_QUEUE_ITEM = "HOST_QUEUE_ITEM"
    DIGEST = "DIGEST"
    GROUP_REQUEST_DECIDED = "GROUP_REQUEST_DECIDED"
    PLAYBOOK_MESSAGE = "PLAYBOOK_MESSAGE"


class Migration(migrations.Migration):
    dependencies = [("linli", "0035_post_exposures")]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name="ConsentRecord",
            options={
                "table": "consent_record",
                "app": "linli",
                "indexes": [Index(fields=["member_id", "id"])],
                "pk_attr": "id",
                "table_description": "One acceptance of a privacy policy version by a member, kept for as long as the member:",
            },
        ),
        ops.AlterModelOptions(
            name="GroupJoinRequest",
            options={
                "table": "group_join_request",
                "app": "linli",
                "unique_together": (("group", "member"),),
                "indexes": [Index(fields=["status", "requested_at"])],
                "pk_attr": "id",
                "table_description": "A member's request to join a private group: one row per (group, member), reopened when",
            },
        ),
        ops.AlterModelOptions(
            name="GroupRemoval",
            options={
                "table": "group_removal",
                "app": "linli",
                "unique_together": (("group", "member"),),
                "pk_attr": "id",
                "table_description": "A host removed the member from the group: no new request before ``REJOIN_HOLD`` has",
            },
        ),
        ops.AlterField(
            model_name="LedgerEntry",
            name="reason",
            field=fields.CharEnumField(
                description="POST_PUBLISHED: POST_PUBLISHED\nPOST_FEATURED: POST_FEATURED\nVOTE_CAST: VOTE_CAST\nCHECK_IN: CHECK_IN\nEVENT_ATTENDED: EVENT_ATTENDED\nCAMPAIGN_WON: CAMPAIGN_WON\nREFERRAL: REFERRAL\nPURCHASE: PURCHASE\nREDEMPTION: REDEMPTION\nREDEMPTION_REFUND: REDEMPTION_REFUND\nEXPIRY: EXPIRY\nADJUSTMENT: ADJUSTMENT\nPENDING_RELEASED: PENDING_RELEASED\nPLAYBOOK_BONUS: PLAYBOOK_BONUS",
                enum_type=LedgerReason,
                max_length=24,
            ),
        ),
        ops.AlterField(
            model_name="Notification",
            name="kind",
            field=fields.CharEnumField(
                description="COMMENT: COMMENT\nREPLY: REPLY\nLIKE_MILESTONE: LIKE_MILESTONE\nPOST_APPROVED: POST_APPROVED\nPOST_REJECTED: POST_REJECTED\nPOST_FEATURED: POST_FEATURED\nPOINTS_EXPIRING: POINTS_EXPIRING\nPOINTS_ARRIVED: POINTS_ARRIVED\nREDEMPTION_READY: REDEMPTION_READY\nPICKUP_REMINDER: PICKUP_REMINDER\nEVENT_REMINDER: EVENT_REMINDER\nWAITLIST_PROMOTED: WAITLIST_PROMOTED\nEVENT_CANCELLED: EVENT_CANCELLED\nCAMPAIGN_VOTING_OPENED: CAMPAIGN_VOTING_OPENED\nCAMPAIGN_WON: CAMPAIGN_WON\nREFERRAL_REWARDED: REFERRAL_REWARDED\nTIER_UP: TIER_UP\nHOST_QUEUE_ITEM: HOST_QUEUE_ITEM\nDIGEST: DIGEST\nGROUP_REQUEST_DECIDED: GROUP_REQUEST_DECIDED\nPLAYBOOK_MESSAGE: PLAYBOOK_MESSAGE",
                enum_type=NotificationKind,
                max_length=24,
            ),
        ),
        ops.AlterField(
            model_name="NotificationPreference",
            name="kind",
            field=fields.CharEnumField(
                description="COMMENT: COMMENT\nREPLY: REPLY\nLIKE_MILESTONE: LIKE_MILESTONE\nPOST_APPROVED: POST_APPROVED\nPOST_REJECTED: POST_REJECTED\nPOST_FEATURED: POST_FEATURED\nPOINTS_EXPIRING: POINTS_EXPIRING\nPOINTS_ARRIVED: POINTS_ARRIVED\nREDEMPTION_READY: REDEMPTION_READY\nPICKUP_REMINDER: PICKUP_REMINDER\nEVENT_REMINDER: EVENT_REMINDER\nWAITLIST_PROMOTED: WAITLIST_PROMOTED\nEVENT_CANCELLED: EVENT_CANCELLED\nCAMPAIGN_VOTING_OPENED: CAMPAIGN_VOTING_OPENED\nCAMPAIGN_WON: CAMPAIGN_WON\nREFERRAL_REWARDED: REFERRAL_REWARDED\nTIER_UP: TIER_UP\nHOST_QUEUE_ITEM: HOST_QUEUE_ITEM\nDIGEST: DIGEST\nGROUP_REQUEST_DECIDED: GROUP_REQUEST_DECIDED\nPLAYBOOK_MESSAGE: PLAYBOOK_MESSAGE",
                enum_type=NotificationKind,
                max_length=24,
            ),
        ),
        ops.AlterModelOptions(
            name="PersonalDataAccess",
            options={
                "table": "personal_data_access",
                "app": "linli",
                "indexes": [Index(fields=["member_id", "at"]), Index(fields=["at"])],
                "pk_attr": "id",
                "table_description": "A staff read of a member's personal data. The member sees when and by which role, never",
            },
        ),
        ops.AlterField(
            model_name="PushDelivery",
            name="kind",
            field=fields.CharEnumField(
                description="COMMENT: COMMENT\nREPLY: REPLY\nLIKE_MILESTONE: LIKE_MILESTONE\nPOST_APPROVED: POST_APPROVED\nPOST_REJECTED: POST_REJECTED\nPOST_FEATURED: POST_FEATURED\nPOINTS_EXPIRING: POINTS_EXPIRING\nPOINTS_ARRIVED: POINTS_ARRIVED\nREDEMPTION_READY: REDEMPTION_READY\nPICKUP_REMINDER: PICKUP_REMINDER\nEVENT_REMINDER: EVENT_REMINDER\nWAITLIST_PROMOTED: WAITLIST_PROMOTED\nEVENT_CANCELLED: EVENT_CANCELLED\nCAMPAIGN_VOTING_OPENED: CAMPAIGN_VOTING_OPENED\nCAMPAIGN_WON: CAMPAIGN_WON\nREFERRAL_REWARDED: REFERRAL_REWARDED\nTIER_UP: TIER_UP\nHOST_QUEUE_ITEM: HOST_QUEUE_ITEM\nDIGEST: DIGEST\nGROUP_REQUEST_DECIDED: GROUP_REQUEST_DECIDED\nPLAYBOOK_MESSAGE: PLAYBOOK_MESSAGE",
                enum_type=NotificationKind,
                max_length=24,
            ),
        ),
        ops.AlterModelOptions(
            name="WebhookDelivery",
            options={
                "table": "webhook_delivery",
                "app": "linli",
                "indexes": [
                    Index(fields=["status", "next_attempt_at"]),
                    Index(fields=["endpoint_id", "id"]),
                ],
                "pk_attr": "id",
                "table_description": "One event for one endpoint: its body is fixed when the event is written, its id is the",
            },
        ),
        ops.AlterModelOptions(
            name="WebhookEndpoint",
            options={
                "table": "webhook_endpoint",
                "app": "linli",
                "pk_attr": "id",
                "table_description": "An address the brand's systems receive events at, with the secret deliveries are signed",
            },
        ),
    ]
