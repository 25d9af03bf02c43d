from pypinyin import Style, lazy_pinyin
from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# Name search (domain/search/backends.py). On PostgreSQL a member's name is found by any fragment
# with ILIKE, which a trigram GIN index serves (pg_trgm and the groups' name index come from
# 0016). SQLite scans with LIKE: no index to build. Both: each member's and group's name gets its
# pinyin initials (邻居小王 → ljxw), filled in here for the names already there.
POSTGRES_INDEX = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    'CREATE INDEX "member_display_name_trgm" ON "member" USING gin ("display_name" gin_trgm_ops)',
]


def _initials(name):
    # domain/pinyin.py's rule as it was when this migration was written, copied on purpose.
    letters = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))
    return "".join(ch for ch in letters.lower() if ch.isascii() and ch.isalnum())[:40]


async def add_name_search(apps, schema_editor):
    client = schema_editor.client
    postgres = schema_editor.DIALECT == "postgres"
    if postgres:
        for statement in POSTGRES_INDEX:
            await client.execute_script(statement)
    marks = ("$1", "$2") if postgres else ("?", "?")
    for table, column in (("member", "display_name"), ("interest_group", "name")):
        rows = await client.execute_query_dict(f'SELECT id, "{column}" AS name FROM "{table}"')
        for row in rows:
            await client.execute_query(
                f'UPDATE "{table}" SET name_initials = {marks[0]} WHERE id = {marks[1]}',
                [_initials(row["name"]), row["id"]],
            )


class Migration(migrations.Migration):
    dependencies = [('linli', '0018_content_safety')]

    initial = False

    operations = [
        ops.AddField(
            model_name='InterestGroup',
            name='name_initials',
            field=fields.CharField(default='', db_default='', max_length=40),
        ),
        ops.AddField(
            model_name='Member',
            name='name_initials',
            field=fields.CharField(default='', db_default='', max_length=40),
        ),
        ops.RunPython(add_name_search),
    ]
