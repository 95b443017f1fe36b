"""Trigram indexes for the search of goals by words on PostgreSQL (stip.core.pg_indexes.py).

`queries.search` (all goals, `GET /api/v1/goals?q=`) filters every word with
`title__icontains | description__icontains`, and the goal picker the titles: each search
scanned the goals (40-120 ms at 10,000 people, growing 3-4× from 1,000).
"""

from django.db import migrations

from stip.core.pg_indexes import trigram_indexes


class Migration(migrations.Migration):
    # pg_trgm comes with the people's name indexes; going back here keeps it for them.
    dependencies = [
        ("goals", "0002_goal_level_rank_and_list_indexes"),
        ("people", "0002_person_name_trigram"),
    ]

    operations = [
        trigram_indexes(
            "goals_goal",
            {"goals_goal_title_trgm": "title", "goals_goal_description_trgm": "description"},
        ),
    ]
