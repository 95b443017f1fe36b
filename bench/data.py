"""The data the benchmark measures against: the generated organisation, then each feature's rows.

`seed` writes the deterministic organisation of `stip.people.demo.seed_generated_organisation`
(the same seed, the same people, ids and URLs), then runs every generator in `DATA`, then the
fixtures the pages need (`fixtures_write`). Each step is timed and compared with a plain bulk
insert of as many rows into a scratch table (`plain_insert_seconds`): the ratio says how much
the ORM, the planning in Python and the indexes cost on top of the database's own insert speed.

A feature adds its data with one line in `DATA`, and the function it names:

    Data("goals", rows_per_person=30, generate=goals_generate),

    def goals_generate(ctx: DataContext, rows: int) -> int:
        '''About `rows` goals, key results and updates for ctx.people people; returns how many
        rows it wrote. Bulk inserts only (bulk_create in batches), ids reserved up front.'''

The generators together aim at about `ROWS_PER_PERSON` rows per person (a million at 10,000
people): goal updates, feedback, praise and conversation records, in the proportions a year of
use gives. Use `ctx.rng` (seeded) so that the data, and so the timings, repeat from run to run.
"""

import itertools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction

from stip.core.models import User
from stip.people import importing
from stip.people.demo import DemoResult, seed_generated_organisation
from stip.people.models import Person

# What the generators in DATA write together, per person in the organisation.
ROWS_PER_PERSON = 100
# Rows per statement of the plain insert, as the seeding's bulk_create batches.
PLAIN_BATCH = 2000
PLAIN_TABLE = "bench_plain_insert"


@dataclass(frozen=True)
class DataContext:
    people: int
    seed: int
    rng: random.Random
    organisation: DemoResult


@dataclass(frozen=True)
class Data:
    name: str
    rows_per_person: float
    generate: Callable[[DataContext, int], int]


# Goals, feedback, praise and conversations add theirs here (none exists yet).
DATA: tuple[Data, ...] = ()


def _chunks(rows: list, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def plain_insert_seconds(rows: int) -> float:
    """The time to insert `rows` rows of (id, text, int) into a scratch table with plain
    `executemany` statements in one transaction: the floor any bulk writer is measured against."""
    if rows <= 0:
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PLAIN_TABLE}")
        cursor.execute(
            f"CREATE TABLE {PLAIN_TABLE} "
            "(id bigint PRIMARY KEY, label varchar(200) NOT NULL, n integer NOT NULL)"
        )
    values = [
        (i, f"Row {i} of the plain insert, about as long as a name", i % 97) for i in range(rows)
    ]
    sql = f"INSERT INTO {PLAIN_TABLE} (id, label, n) VALUES (%s, %s, %s)"
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for chunk in _chunks(values, PLAIN_BATCH):
            cursor.executemany(sql, chunk)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PLAIN_TABLE}")
    return seconds


def _ratio(seconds: float, plain: float) -> float | None:
    return round(seconds / plain, 1) if plain > 0 else None


def seed(*, people: int, seed: int) -> dict:
    """Write the organisation and every feature's data; return what was written and how fast."""
    started = time.perf_counter()
    organisation = seed_generated_organisation(people=people, seed=seed)
    seconds = time.perf_counter() - started
    # Teams, users, people and the audit entry of the seeding.
    rows = organisation.teams + 2 * organisation.people + 1
    plain = plain_insert_seconds(rows)
    steps = [
        {
            "name": "organisation",
            "rows": rows,
            "seconds": round(seconds, 3),
            "plain_seconds": round(plain, 3),
            "ratio": _ratio(seconds, plain),
        }
    ]
    ctx = DataContext(
        people=people,
        seed=seed,
        rng=random.Random(f"bench-data-{seed}"),
        organisation=organisation,
    )
    for data in DATA:
        started = time.perf_counter()
        written = data.generate(ctx, round(people * data.rows_per_person))
        seconds = time.perf_counter() - started
        plain = plain_insert_seconds(written)
        steps.append(
            {
                "name": data.name,
                "rows": written,
                "seconds": round(seconds, 3),
                "plain_seconds": round(plain, 3),
                "ratio": _ratio(seconds, plain),
            }
        )
    fixtures_write()
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute of a bulk load; SQLite has no such habit, and
        # Stip does not run ANALYZE there, so neither does the benchmark.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "people": organisation.people,
        "teams": organisation.teams,
        "left": organisation.left,
        "large_team_manager": organisation.large_team_manager_email,
        "large_team_size": organisation.large_team_size,
        "steps": steps,
    }


# How many rows of the rejected import the import report page shows (it stores at most 1,000).
IMPORT_REPORT_ROWS = 1000


def fixtures_write() -> None:
    """Objects that pages show but that no generator writes: a rejected import with a full
    page of errors (every manager unknown), uploaded by HR, for the import pages."""
    hr = User.objects.get(email="hr@stip.example")
    header = ",".join(importing.REQUIRED_COLUMNS)
    lines = [header]
    lines.extend(
        f"X{n},First{n},Last{n},x{n}@example.test,NOBODY{n},,Planner,P1,2020-01-01,,nl"
        for n in range(IMPORT_REPORT_ROWS)
    )
    job = importing.import_job_create(
        actor=hr,
        filename="organisation.csv",
        content="\n".join(lines) + "\n",
        deactivate_missing=False,
        background=False,
    )
    result = importing.import_job_run(job=job)
    if result.ok or Person.objects.filter(employee_number="X0").exists():
        raise RuntimeError("The import for the import report page was meant to be rejected.")
