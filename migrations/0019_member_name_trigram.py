from tortoise import migrations
from tortoise.migrations import operations as ops

# Name search (domain/search/backends.py): on PostgreSQL, a member's name is found by any fragment
# with ILIKE, which a trigram GIN index serves (pg_trgm is created by 0016, which also indexes the
# groups' names). SQLite scans with LIKE: nothing to build.
POSTGRES_INDEX = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    'CREATE INDEX "member_display_name_trgm" ON "member" USING gin ("display_name" gin_trgm_ops)',
]


async def add_name_index(apps, schema_editor):
    if schema_editor.DIALECT != "postgres":
        return
    for statement in POSTGRES_INDEX:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('linli', '0018_content_safety')]

    initial = False

    operations = [
        ops.RunPython(add_name_index),
    ]
