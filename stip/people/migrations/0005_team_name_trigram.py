"""A trigram index for the team searches on PostgreSQL (stip.core.pg_indexes.py).

The team picker of a team goal and `/api/v1/teams?q=` filter `name__icontains`. Without an
index on that expression PostgreSQL also had no statistics for it: it expected one team to match
"service" where 987 of 12,762 do (100,000 people), and read every team, then sorted the matches
(9 ms; docs/performance.md, finding 15).
"""

from django.db import migrations

from stip.core.pg_indexes import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("people", "0004_path_pattern_indexes")]

    operations = [trigram_indexes("people_team", {"people_team_name_trgm": "name"})]
