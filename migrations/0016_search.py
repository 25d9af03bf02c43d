from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

# Each database indexes the segmented words its own way (domain/search/backends.py reads them).
# PostgreSQL: the words as a tsvector built from the space-separated words themselves (no parser,
# so a Chinese word stays whole), a GIN index on it, and pg_trgm for short fragments of names.
POSTGRES_INDEX = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    'ALTER TABLE "search_document" ADD COLUMN "title_vector" tsvector GENERATED ALWAYS AS '
    "(array_to_tsvector(array_remove(string_to_array(title_words, ' '), ''))) STORED",
    'ALTER TABLE "search_document" ADD COLUMN "words" tsvector GENERATED ALWAYS AS '
    "(array_to_tsvector(array_remove(string_to_array(title_words || ' ' || body_words, ' '), ''))) "
    "STORED",
    'CREATE INDEX "search_document_words_gin" ON "search_document" USING gin ("words")',
    'CREATE INDEX "interest_group_name_trgm" ON "interest_group" USING gin ("name" gin_trgm_ops)',
]
# SQLite: an FTS5 table over the document's words (unicode61 keeps a run of Chinese characters
# as one token; the words are already separated by spaces), kept in step by triggers.
SQLITE_INDEX = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_words, body_words, "
    "content='search_document', content_rowid='post_id', tokenize='unicode61')",
    "CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
    "INSERT INTO search_fts(rowid, title_words, body_words) "
    "VALUES (new.post_id, new.title_words, new.body_words); END",
    "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_words, body_words) "
    "VALUES ('delete', old.post_id, old.title_words, old.body_words); END",
    "CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_words, body_words) "
    "VALUES ('delete', old.post_id, old.title_words, old.body_words); "
    "INSERT INTO search_fts(rowid, title_words, body_words) "
    "VALUES (new.post_id, new.title_words, new.body_words); END",
]


async def add_word_index(apps, schema_editor):
    statements = POSTGRES_INDEX if schema_editor.DIALECT == "postgres" else SQLITE_INDEX
    for statement in statements:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('linli', '0015_push')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.OneToOneField('linli.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='search_document', on_delete=OnDelete.CASCADE)),
                ('title_words', fields.TextField(unique=False)),
                ('body_words', fields.TextField(unique=False)),
                ('indexed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'search_document', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(add_word_index),
    ]
