"""Indexes for reporting lines and subtrees on PostgreSQL (docs/performance.md, finding 13).

Every visibility rule that reads someone's reporting line asks for `path LIKE '/1/7/%'`
(`path__startswith`). PostgreSQL uses a b-tree for such a prefix only under the `C` collation
or with the `varchar_pattern_ops` operator class; under any other collation (`C.UTF-8` and
`en_US.UTF-8` included, before PostgreSQL 17) the plain `people_person_path` index is of no use
and every person was read: 10-20 ms of most pages at 100,000 people. These indexes serve the
prefix under any collation. SQLite asks for the prefix as a range of the plain index
(`PersonQuerySet.and_below`), so they are made on PostgreSQL only.
"""

from django.db import migrations

from stip.core.pg_indexes import pattern_indexes


class Migration(migrations.Migration):
    dependencies = [("people", "0003_person_is_active")]

    operations = [
        pattern_indexes(
            {
                "people_person_path_prefix": ("people_person", "path"),
                "people_team_path_prefix": ("people_team", "path"),
            }
        )
    ]
