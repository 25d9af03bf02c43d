from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
from enum import StrEnum


# The values as they were when this migration was written, copied here on purpose: a migration
# imports nothing from today's models, so a later change of the enum cannot change its meaning.
class RoleGrantStatus(StrEnum):
    PENDING = 'PENDING'
    APPROVED = 'APPROVED'
    DECLINED = 'DECLINED'


# Every group's lead host becomes its first row in group_host (co-hosts join later), and a
# member waits for at most one decision per role whatever the interleaving (partial unique index,
# both dialects).
BACKFILL_HOSTS = (
    'INSERT INTO "group_host" ("group_id", "member_id", "appointed_at") '
    'SELECT "id", "host_id", "created_at" FROM "interest_group"'
)
ONE_PENDING_GRANT = (
    'CREATE UNIQUE INDEX "uniq_role_grant_one_pending" ON "role_grant_request" '
    "(\"member_id\", \"role\") WHERE status = 'PENDING'"
)


async def backfill_hosts_and_guard_grants(apps, schema_editor):
    await schema_editor.client.execute_script(BACKFILL_HOSTS)
    await schema_editor.client.execute_script(ONE_PENDING_GRANT)

class Migration(migrations.Migration):
    dependencies = [('linli', '0011_estate_change_requests')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BrandProfile',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(unique=True)),
                ('name', fields.CharField(max_length=40)),
                ('logo_url', fields.CharField(null=True, max_length=300)),
                ('about', fields.TextField(default='', unique=False)),
                ('created_by', fields.ForeignKeyField('linli.Member', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='brand_versions', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'brand_profile', 'app': 'linli', 'pk_attr': 'id', 'table_description': "One version of the brand's name, logo and about page."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GroupHost',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.ForeignKeyField('linli.InterestGroup', source_field='group_id', db_constraint=True, to_field='id', related_name='hosts', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='group_host_seats', on_delete=OnDelete.CASCADE)),
                ('appointed_by', fields.ForeignKeyField('linli.Member', source_field='appointed_by_id', null=True, db_constraint=True, to_field='id', related_name='host_appointments', on_delete=OnDelete.SET_NULL)),
                ('appointed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'group_host', 'app': 'linli', 'unique_together': (('group', 'member'),), 'indexes': [Index(fields=['member_id'])], 'pk_attr': 'id', 'table_description': 'A host (主理人) of a group: the lead host (``InterestGroup.host``) and any co-hosts.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PickupPoint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('estate', fields.ForeignKeyField('linli.Estate', source_field='estate_id', db_constraint=True, to_field='id', related_name='pickup_points', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=40)),
                ('address', fields.CharField(max_length=120)),
                ('opening_hours', fields.CharField(max_length=80)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'pickup_point', 'app': 'linli', 'indexes': [Index(fields=['estate_id'])], 'pk_attr': 'id', 'table_description': "Where an estate's residents collect orders and rewards (自提点), with its opening hours."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PrivacyPolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.CharField(unique=True, max_length=20)),
                ('body', fields.TextField(unique=False)),
                ('created_by', fields.ForeignKeyField('linli.Member', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='privacy_versions', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'privacy_policy', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'One version of the privacy policy text members consent to (``Member.consent_version``).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProgrammeRules',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(unique=True)),
                ('rules', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('note', fields.CharField(null=True, max_length=200)),
                ('created_by', fields.ForeignKeyField('linli.Member', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='rule_versions', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'programme_rules', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'One version of the earn rules, daily contribution cap, check-in bonus, expiry policy and'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RoleGrantRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='role_grant_requests', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharField(max_length=12)),
                ('status', fields.CharEnumField(default=RoleGrantStatus.PENDING, description='PENDING: PENDING\nAPPROVED: APPROVED\nDECLINED: DECLINED', enum_type=RoleGrantStatus, max_length=10)),
                ('requested_by', fields.ForeignKeyField('linli.Member', source_field='requested_by_id', db_constraint=True, to_field='id', related_name='role_grants_requested', on_delete=OnDelete.RESTRICT)),
                ('decided_by', fields.ForeignKeyField('linli.Member', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='role_grants_decided', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'role_grant_request', 'app': 'linli', 'indexes': [Index(fields=['status', 'id'])], 'pk_attr': 'id', 'table_description': 'A grant of ADMIN waiting for a second admin, like a large points adjustment.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='AuditLogEntry',
            name='action',
            field=fields.CharField(max_length=40),
        ),
        ops.AddField(
            model_name='AuditLogEntry',
            name='after',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='AuditLogEntry',
            name='before',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddIndex(
            model_name='AuditLogEntry',
            index=Index(fields=['actor_id', 'id']),
        ),
        ops.AddIndex(
            model_name='AuditLogEntry',
            index=Index(fields=['action', 'id']),
        ),
        ops.AddIndex(
            model_name='AuditLogEntry',
            index=Index(fields=['created_at']),
        ),
        ops.AlterModelOptions(
            name='AuditLogEntry',
            options={'table': 'audit_log_entry', 'app': 'linli', 'indexes': [Index(fields=['actor_id', 'id']), Index(fields=['action', 'id']), Index(fields=['created_at'])], 'pk_attr': 'id', 'table_description': 'Every moderation and back-office action, with actor, reason, time and, for a change, the'},
        ),
        ops.AddField(
            model_name='Estate',
            name='address',
            field=fields.CharField(default='', db_default='', max_length=120),
        ),
        ops.AddField(
            model_name='Estate',
            name='archived_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Event',
            name='cancel_reason',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Event',
            name='cancelled_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='InterestGroup',
            name='archived_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='InterestTag',
            name='merged_into',
            field=fields.ForeignKeyField('linli.InterestTag', source_field='merged_into_id', null=True, db_constraint=True, to_field='id', related_name='merged_tags', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='InterestTag',
            name='retired_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='LedgerEntry',
            name='rule_version',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Member',
            name='suspended_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Member',
            name='suspension_reason',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Reward',
            name='retired_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunPython(backfill_hosts_and_guard_grants),
    ]
