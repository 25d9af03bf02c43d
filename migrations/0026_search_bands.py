from tortoise import migrations
from tortoise.migrations import operations as ops

# PostgreSQL reads each relevance band of a search either newest first or through an index of
# exactly the band's words (domain/search/backends.py): the title's words have their own GIN
# index, and "found, but not all in the title" is the body's words less the title's.
POSTGRES_BANDS = [
    'ALTER TABLE "search_document" ADD COLUMN "body_only" tsvector GENERATED ALWAYS AS '
    "(ts_delete(array_to_tsvector(array_remove(string_to_array(body_words, ' '), '')), "
    "array_remove(string_to_array(title_words, ' '), ''))) STORED",
    'CREATE INDEX "search_document_title_gin" ON "search_document" USING gin ("title_vector")',
    'CREATE INDEX "search_document_body_only_gin" ON "search_document" USING gin ("body_only")',
    'ANALYZE "search_document"',
]


async def add_band_indexes(apps, schema_editor):
    if schema_editor.DIALECT == "postgres":  # SQLite's FTS5 table answers every band as it is
        for statement in POSTGRES_BANDS:
            await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('linli', '0024_privacy_export_deletion')]

    initial = False

    operations = [
        ops.RunPython(add_band_indexes),
    ]
