"""Indexes that only PostgreSQL has, made by a migration operation on PostgreSQL only.

A model's `Meta.indexes` would ask SQLite for them too, which has neither the index types nor
the operator classes; SQLite keeps its own plan for the query each one serves.

- Trigram indexes, for the searches that filter with `icontains`. PostgreSQL runs
  `field__icontains="jan"` as `UPPER("field"::text) LIKE UPPER('%jan%')`: no b-tree serves a
  pattern with a leading wildcard, so every such search read the whole table. A GIN index with
  `gin_trgm_ops` on exactly that expression serves it. pg_trgm is a trusted extension: the
  database's owner may create it (`TrigramExtension()` before the operation).
- Pattern indexes (`varchar_pattern_ops`), for `field__startswith`: PostgreSQL uses a b-tree
  for `LIKE 'prefix%'` only under the `C` collation or with that operator class.
"""

from django.db import migrations


def postgres_indexes(indexes: dict[str, tuple[str, str]]) -> migrations.RunPython:
    """A migration operation that makes (and, backwards, drops) the indexes
    `{name: (table, definition)}` on PostgreSQL, and does nothing elsewhere. `definition` is
    what follows the table in `CREATE INDEX`, e.g. `("path" varchar_pattern_ops)`."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, (table, definition) in indexes.items():
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" {definition}')

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(create, drop, elidable=False)


def trigram_indexes(table: str, indexes: dict[str, str]) -> migrations.RunPython:
    """The trigram indexes `{name: column}` of `table`, for `column__icontains`."""
    return postgres_indexes(
        {
            name: (table, f'USING gin (UPPER("{column}"::text) gin_trgm_ops)')
            for name, column in indexes.items()
        }
    )


def pattern_indexes(indexes: dict[str, tuple[str, str]]) -> migrations.RunPython:
    """The pattern indexes `{name: (table, column)}`, for `column__startswith`."""
    return postgres_indexes(
        {
            name: (table, f'("{column}" varchar_pattern_ops)')
            for name, (table, column) in indexes.items()
        }
    )
