"""SQLite with its real parameter limit.

SQLite since 3.32 accepts 32,766 parameters per statement; Django 5.2 still assumes the old 999,
which splits every bulk insert into batches of a few dozen rows, so the number of statements of
an import grows with the file (Django 6.0 asks SQLite, ticket #36143). Stip's imports and seeding
write thousands of rows at a time, so this backend asks SQLite too.
"""

import sqlite3

from django.db.backends.sqlite3 import base, features


class DatabaseFeatures(features.DatabaseFeatures):
    # SQLite's compiled-in default since 3.32, used until a connection tells the real one.
    max_query_params = 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        self.features.max_query_params = connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return connection
