from enum import StrEnum
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class CampaignKind(StrEnum):
    """CampaignKind as it was when this migration was written (a copy, never an import)."""

    NAMING = 'NAMING'
    PHOTO = 'PHOTO'


class EntryStatus(StrEnum):
    """EntryStatus as it was when this migration was written (a copy, never an import)."""

    PENDING = 'PENDING'
    APPROVED = 'APPROVED'
    REJECTED = 'REJECTED'


# PostgreSQL only (see 0002): a ballot never goes below zero votes, a tally never below zero.
POSTGRES_GUARDS = [
    'ALTER TABLE "campaign_ballot" ADD CONSTRAINT "campaign_ballot_votes_left_not_negative" '
    "CHECK (votes_left >= 0)",
    'ALTER TABLE "campaign_entry" ADD CONSTRAINT "campaign_entry_vote_count_not_negative" '
    "CHECK (vote_count >= 0)",
]


async def add_postgres_guards(apps, schema_editor):
    if schema_editor.DIALECT != "postgres":
        return
    for statement in POSTGRES_GUARDS:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('linli', '0005_posts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='NAMING: NAMING\nPHOTO: PHOTO', enum_type=CampaignKind, max_length=8)),
                ('title', fields.CharField(max_length=60)),
                ('description', fields.TextField(unique=False)),
                ('estate', fields.ForeignKeyField('linli.Estate', source_field='estate_id', null=True, db_constraint=True, to_field='id', related_name='campaigns', on_delete=OnDelete.RESTRICT)),
                ('proposal_starts_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('proposal_ends_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('voting_starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('voting_ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('votes_per_member', fields.IntField(default=3)),
                ('hide_results', fields.BooleanField(default=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('winner_entry_id', fields.IntField(null=True)),
                ('created_by', fields.ForeignKeyField('linli.Member', source_field='created_by_id', db_constraint=True, to_field='id', related_name='campaigns_created', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'campaign', 'app': 'linli', 'indexes': [Index(fields=['closed_at', 'voting_ends_at'])], 'pk_attr': 'id', 'table_description': 'A naming or photo contest with a proposal window and a voting window.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Ballot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('linli.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='ballots', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='ballots', on_delete=OnDelete.CASCADE)),
                ('votes_left', fields.IntField()),
            ],
            options={'table': 'campaign_ballot', 'app': 'linli', 'unique_together': (('campaign', 'member'),), 'pk_attr': 'id', 'table_description': "A member's votes left in one campaign, spent by a conditional update."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CampaignEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('linli.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('proposer', fields.ForeignKeyField('linli.Member', source_field='proposer_id', db_constraint=True, to_field='id', related_name='campaign_entries', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=40)),
                ('description', fields.CharField(null=True, max_length=200)),
                ('post', fields.ForeignKeyField('linli.Post', source_field='post_id', null=True, db_constraint=True, to_field='id', related_name='campaign_entries', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=EntryStatus.PENDING, description='PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED', enum_type=EntryStatus, max_length=10)),
                ('vote_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'campaign_entry', 'app': 'linli', 'unique_together': (('campaign', 'post'),), 'indexes': [Index(fields=['campaign_id', 'status', 'id'])], 'pk_attr': 'id', 'table_description': 'A proposed name, or a published photo post, competing in a campaign.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Vote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('linli.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('entry', fields.ForeignKeyField('linli.CampaignEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'campaign_vote', 'app': 'linli', 'unique_together': (('entry', 'member'),), 'indexes': [Index(fields=['campaign_id', 'member_id'])], 'pk_attr': 'id', 'table_description': "One member's vote for one entry, at most one per entry and member."},
            bases=['Model'],
        ),
        ops.RunPython(add_postgres_guards),
    ]
