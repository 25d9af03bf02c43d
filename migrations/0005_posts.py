from enum import StrEnum
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class PostKind(StrEnum):
    """PostKind as it was when this migration was written (a copy, never an import)."""

    RECIPE = 'RECIPE'
    STORY = 'STORY'
    PHOTO = 'PHOTO'
    TIP = 'TIP'


class PostStatus(StrEnum):
    """PostStatus as it was when this migration was written (a copy, never an import)."""

    PENDING = 'PENDING'
    PUBLISHED = 'PUBLISHED'
    REJECTED = 'REJECTED'
    HIDDEN = 'HIDDEN'


class ReportReason(StrEnum):
    """ReportReason as it was when this migration was written (a copy, never an import)."""

    SPAM = 'SPAM'
    ADVERTISING = 'ADVERTISING'
    ABUSE = 'ABUSE'
    PRIVACY = 'PRIVACY'
    MISINFORMATION = 'MISINFORMATION'
    OTHER = 'OTHER'


# PostgreSQL only (see 0002): counters never negative, the audit log append-only.
POSTGRES_GUARDS = [
    'ALTER TABLE "post" ADD CONSTRAINT "post_counters_not_negative" '
    "CHECK (like_count >= 0 AND comment_count >= 0 AND report_count >= 0)",
    """CREATE FUNCTION linli_audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log_entry is append-only';
END $$""",
    'CREATE TRIGGER "audit_log_entry_append_only" BEFORE UPDATE OR DELETE ON "audit_log_entry" '
    "FOR EACH ROW EXECUTE FUNCTION linli_audit_log_is_append_only()",
]


async def add_postgres_guards(apps, schema_editor):
    if schema_editor.DIALECT != "postgres":
        return
    for statement in POSTGRES_GUARDS:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('linli', '0004_groups_and_images')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditLogEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.ForeignKeyField('linli.Member', source_field='actor_id', db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.RESTRICT)),
                ('action', fields.CharField(max_length=20)),
                ('target_type', fields.CharField(max_length=20)),
                ('target_id', fields.IntField()),
                ('reason', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'audit_log_entry', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'Every moderation action, with actor, reason and time. Never updated or deleted.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Post',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('author', fields.ForeignKeyField('linli.Member', source_field='author_id', db_constraint=True, to_field='id', related_name='posts', on_delete=OnDelete.RESTRICT)),
                ('group', fields.ForeignKeyField('linli.InterestGroup', source_field='group_id', null=True, db_constraint=True, to_field='id', related_name='posts', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='RECIPE: RECIPE\nSTORY: STORY\nPHOTO: PHOTO\nTIP: TIP', enum_type=PostKind, max_length=8)),
                ('title', fields.CharField(max_length=60)),
                ('body', fields.TextField(unique=False)),
                ('body_html', fields.TextField(unique=False)),
                ('excerpt', fields.CharField(max_length=120)),
                ('status', fields.CharEnumField(default=PostStatus.PENDING, description='PENDING: PENDING\nPUBLISHED: PUBLISHED\nREJECTED: REJECTED\nHIDDEN: HIDDEN', enum_type=PostStatus, max_length=10)),
                ('featured', fields.BooleanField(default=False)),
                ('moderation_note', fields.CharField(null=True, max_length=200)),
                ('like_count', fields.IntField(default=0)),
                ('comment_count', fields.IntField(default=0)),
                ('report_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'post', 'app': 'linli', 'indexes': [Index(fields=['status', 'featured', 'published_at', 'id']), Index(fields=['group_id', 'status', 'featured', 'published_at', 'id']), Index(fields=['author_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Comment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('linli.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('linli.Member', source_field='author_id', db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.RESTRICT)),
                ('body', fields.TextField(unique=False)),
                ('body_html', fields.TextField(unique=False)),
                ('hidden', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'comment', 'app': 'linli', 'indexes': [Index(fields=['post_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostImage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('linli.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='images', on_delete=OnDelete.CASCADE)),
                ('image', fields.ForeignKeyField('linli.Image', source_field='image_id', db_constraint=True, to_field='id', related_name='post_images', on_delete=OnDelete.RESTRICT)),
                ('position', fields.IntField()),
            ],
            options={'table': 'post_image', 'app': 'linli', 'unique_together': (('post', 'position'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostLike',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('linli.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='likes', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('linli.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='likes', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'post_like', 'app': 'linli', 'unique_together': (('post', 'member'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RecipeDetails',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('linli.Post', source_field='post_id', unique=True, db_constraint=True, to_field='id', related_name='recipe', on_delete=OnDelete.CASCADE)),
                ('servings', fields.IntField()),
                ('minutes', fields.IntField()),
            ],
            options={'table': 'recipe_details', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RecipeIngredient',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('linli.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='ingredients', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('name', fields.CharField(max_length=40)),
                ('amount', fields.CharField(max_length=40)),
            ],
            options={'table': 'recipe_ingredient', 'app': 'linli', 'unique_together': (('post', 'position'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RecipeStep',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('linli.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='steps', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('text', fields.CharField(max_length=500)),
            ],
            options={'table': 'recipe_step', 'app': 'linli', 'unique_together': (('post', 'position'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Report',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('linli.Post', source_field='post_id', null=True, db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('comment', fields.ForeignKeyField('linli.Comment', source_field='comment_id', null=True, db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('reporter', fields.ForeignKeyField('linli.Member', source_field='reporter_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharEnumField(description='SPAM: SPAM\nADVERTISING: ADVERTISING\nABUSE: ABUSE\nPRIVACY: PRIVACY\nMISINFORMATION: MISINFORMATION\nOTHER: OTHER', enum_type=ReportReason, max_length=16)),
                ('note', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'report', 'app': 'linli', 'unique_together': (('post', 'reporter'), ('comment', 'reporter')), 'pk_attr': 'id', 'table_description': "One member's report of a post or a comment, one per reporter and target."},
            bases=['Model'],
        ),
        ops.RunPython(add_postgres_guards),
    ]
