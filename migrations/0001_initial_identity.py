from enum import StrEnum
from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


class TokenKind(StrEnum):
    """TokenKind as it was when this migration was written (a copy, never an import)."""

    ACCESS = 'access'
    REFRESH = 'refresh'
    SESSION = 'session'

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Estate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=60)),
                ('city', fields.CharField(max_length=30)),
                ('district', fields.CharField(max_length=30)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'estate', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InterestTag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'interest_tag', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Member',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('phone', fields.CharField(null=True, unique=True, max_length=11)),
                ('password_hash', fields.CharField(null=True, max_length=200)),
                ('display_name', fields.CharField(max_length=20)),
                ('avatar_url', fields.CharField(null=True, max_length=300)),
                ('estate', fields.ForeignKeyField('linli.Estate', source_field='estate_id', null=True, db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.RESTRICT)),
                ('roles', fields.JSONField(default=['RESIDENT'], encoder=JSON_DUMPS, decoder=loads)),
                ('invite_code', fields.CharField(unique=True, max_length=8)),
                ('referred_by', fields.ForeignKeyField('linli.Member', source_field='referred_by_id', null=True, db_constraint=True, to_field='id', related_name='invitees', on_delete=OnDelete.SET_NULL)),
                ('consent_version', fields.CharField(null=True, max_length=20)),
                ('consented_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('suspended', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_seen_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'member', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuthToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='ACCESS: access\nREFRESH: refresh\nSESSION: session', enum_type=TokenKind, max_length=10)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('family', fields.CharField(max_length=32)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'auth_token', 'app': 'linli', 'indexes': [Index(fields=['family'])], 'pk_attr': 'id', 'table_description': 'A bearer, refresh or portal-session token, stored as its SHA-256 only.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberInterestTag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='tag_links', on_delete=OnDelete.CASCADE)),
                ('tag', fields.ForeignKeyField('linli.InterestTag', source_field='tag_id', db_constraint=True, to_field='id', related_name='member_links', on_delete=OnDelete.CASCADE)),
                ('added_by', fields.ForeignKeyField('linli.Member', source_field='added_by_id', null=True, db_constraint=True, to_field='id', related_name='tags_added', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_interest_tag', 'app': 'linli', 'unique_together': (('member', 'tag'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WechatIdentity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('openid', fields.CharField(unique=True, max_length=64)),
                ('unionid', fields.CharField(null=True, max_length=64)),
                ('session_key', fields.CharField(max_length=128)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='wechat_identities', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'wechat_identity', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'The WeChat openid of a member. Its session_key stays on the server.'},
            bases=['Model'],
        ),
    ]
