"""Trigram indexes for the searches that filter with `icontains`, on PostgreSQL only.

PostgreSQL runs `field__icontains="jan"` as `UPPER("field"::text) LIKE UPPER('%jan%')`: no
b-tree serves a pattern with a leading wildcard, so every such search read the whole table. A
GIN index with `gin_trgm_ops` on exactly that expression serves it. SQLite has no such index
and keeps its scan, so the indexes are made by a migration operation rather than declared in a
model's `Meta.indexes` (which would ask SQLite for them too). pg_trgm is a trusted extension:
the database's owner may create it (`TrigramExtension()` before this operation).
"""

from django.db import migrations


def trigram_indexes(table: str, indexes: dict[str, str]) -> migrations.RunPython:
    """A migration operation that makes (and, backwards, drops) the indexes `{name: column}` of
    `table` on PostgreSQL, and does nothing elsewhere."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, column in indexes.items():
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(create, drop, elidable=False)
