from enum import StrEnum
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class RegistrationStatus(StrEnum):
    """RegistrationStatus as it was when this migration was written (a copy, never an import)."""

    CONFIRMED = 'CONFIRMED'
    WAITLISTED = 'WAITLISTED'
    CANCELLED = 'CANCELLED'
    CHECKED_IN = 'CHECKED_IN'
    NO_SHOW = 'NO_SHOW'


# PostgreSQL only (see 0002): the seat counter never below zero nor above capacity, and one
# waitlist number per event (numbers are never reused, promoted rows keep theirs).
POSTGRES_GUARDS = [
    'ALTER TABLE "event" ADD CONSTRAINT "event_seats_within_capacity" '
    "CHECK (capacity >= 1 AND seats_taken >= 0 AND seats_taken <= capacity "
    "AND waitlist_seq >= 0 AND ends_at > starts_at)",
    'CREATE UNIQUE INDEX "event_registration_waitlist_position_unique" '
    'ON "event_registration" (event_id, waitlist_position)',
]


async def add_postgres_guards(apps, schema_editor):
    if schema_editor.DIALECT != "postgres":
        return
    for statement in POSTGRES_GUARDS:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('linli', '0006_campaigns')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=60)),
                ('description', fields.TextField(unique=False)),
                ('group', fields.ForeignKeyField('linli.InterestGroup', source_field='group_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('created_by', fields.ForeignKeyField('linli.Member', source_field='created_by_id', db_constraint=True, to_field='id', related_name='events_created', on_delete=OnDelete.RESTRICT)),
                ('location', fields.CharField(max_length=100)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('capacity', fields.IntField()),
                ('seats_taken', fields.IntField(default=0)),
                ('waitlist_seq', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'event', 'app': 'linli', 'indexes': [Index(fields=['starts_at', 'id']), Index(fields=['ends_at'])], 'pk_attr': 'id', 'table_description': 'An offline event. seats_taken is the hot counter the conditional UPDATE decides on.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EventRegistration',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('linli.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='registrations', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='event_registrations', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(description='CONFIRMED: CONFIRMED\nWAITLISTED: WAITLISTED\nCANCELLED: CANCELLED\nCHECKED_IN: CHECKED_IN\nNO_SHOW: NO_SHOW', enum_type=RegistrationStatus, max_length=10)),
                ('waitlist_position', fields.IntField(null=True)),
                ('check_in_code', fields.CharField(null=True, unique=True, max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('checked_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('checked_in_by', fields.ForeignKeyField('linli.Member', source_field='checked_in_by_id', null=True, db_constraint=True, to_field='id', related_name='event_check_ins', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'event_registration', 'app': 'linli', 'unique_together': (('event', 'member'),), 'indexes': [Index(fields=['event_id', 'status', 'waitlist_position']), Index(fields=['member_id', 'id'])], 'pk_attr': 'id', 'table_description': "One member's place at one event: a seat with a check-in code, or a waitlist number."},
            bases=['Model'],
        ),
        ops.RunPython(add_postgres_guards),
    ]
