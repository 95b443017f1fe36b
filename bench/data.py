"""The data the benchmark measures against: the generated organisation, then each feature's rows.

`seed` writes the deterministic organisation of `stip.people.demo.seed_generated_organisation`
(the same seed, the same people, ids and URLs), then runs every generator in `DATA`, then the
fixtures the pages need (`fixtures_write`). Each step is timed and compared with a plain bulk
insert of as many rows into a scratch table (`plain_insert_seconds`): the ratio says how much
the ORM, the planning in Python and the indexes cost on top of the database's own insert speed.

A feature adds its data with one line in `DATA`, and the module it names:

    Data("goals", rows_per_person=35, module=data_goals),

The module (bench/data_<feature>.py) has two functions:

    def generate(ctx: DataContext, rows: int) -> int:
        '''About `rows` rows for ctx.staff; returns how many it wrote. Bulk inserts only
        (ctx.insert, in batches built as they are due), ids reserved up front (ctx.reserve_ids).'''

    def objects() -> dict[str, Any]:
        '''The objects the feature's pages name, looked up in the database after seeding (the
        busiest one a persona can see: the worst case), for bench/pages.py's Context.objects.'''

The generators together aim at about `ROWS_PER_PERSON` rows per person (a million at 10,000
people): goal updates, feedback, praise and conversation records, in the proportions a year of
use gives. Use `ctx.rng(name)` (seeded) so that the data, and so the timings, repeat from run to
run; dates count back from `ctx.today`, the day of the run, so that "this quarter" and "next
week" have the data a real organisation has then.
"""

import contextlib
import datetime
import itertools
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from stip.core.models import User
from stip.people import importing
from stip.people.demo import BATCH_SIZE, DemoResult, reserve_ids, seed_generated_organisation
from stip.people.models import Person

# What the generators in DATA write together, per person in the organisation.
ROWS_PER_PERSON = 100
# Rows per statement of the plain insert, as the seeding's bulk_create batches.
PLAIN_BATCH = 2000
PLAIN_TABLE = "bench_plain_insert"


@dataclass(frozen=True, slots=True)
class Staff:
    """A person of the generated organisation, as the generators need them."""

    id: int
    user_id: int
    manager_id: int | None
    team_id: int
    start_date: datetime.date
    end_date: datetime.date | None
    is_hr: bool

    @property
    def current(self) -> bool:
        return self.end_date is None


@dataclass
class DataContext:
    people: int
    seed: int
    organisation: DemoResult
    # Everyone, in id order (managers before their reports), leavers included.
    staff: list[Staff]
    # The personas' person ids: employee, manager (of the largest team), hr, admin, ...
    personas: dict[str, int]
    today: datetime.date
    now: datetime.datetime

    def rng(self, name: str) -> random.Random:
        """A generator of its own per name: one feature's data does not change another's."""
        return random.Random(f"bench-data-{self.seed}-{name}")

    def public_ids(self, name: str) -> Callable[[], uuid.UUID]:
        """A maker of public ids from the seed, one per name, so that the pages' URLs are the
        same on every run."""
        rng = random.Random(f"bench-public-ids-{self.seed}-{name}")
        return lambda: uuid.UUID(int=rng.getrandbits(128), version=4)

    def reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        """`count` primary keys for rows about to be inserted, so that other rows can name
        them before they are written."""
        return reserve_ids(model, count)

    def insert(self, model: type[models.Model], objects: Iterable[models.Model]) -> int:
        """Insert `objects`, BATCH_SIZE at a time, building each batch only when it is due
        (memory: 10,000,000 rows at 100,000 people); returns how many.

        What bulk_create would write, without its cost: bulk_create compiles every value of
        every row into its SQL (some 45 µs a row on SQLite, against 7 µs for the insert
        itself), where this prepares each column's value with its field's own conversion and
        hands the rows to `executemany`. No signals, no ids read back: reserve them."""
        iterator = iter(objects)
        done = 0
        while batch := list(itertools.islice(iterator, BATCH_SIZE)):
            _insert_batch(model, batch)
            done += len(batch)
        return done

    @property
    def current_staff(self) -> list[Staff]:
        return [person for person in self.staff if person.current]

    def reports_of(self) -> dict[int, list[Staff]]:
        """Each manager's current direct reports."""
        reports: dict[int, list[Staff]] = {}
        for person in self.staff:
            if person.current and person.manager_id is not None:
                reports.setdefault(person.manager_id, []).append(person)
        return reports


# Field types whose Python values every database driver takes as they are.
_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


def column_adapter(model_field: models.Field) -> Callable[[Any], Any] | None:
    """What the database needs made of a value of this field before it is written (the
    field's own conversion, as bulk_create applies it), or None for values it takes as they
    are: text, numbers, ids and booleans."""
    if model_field.get_internal_type() in _PLAIN_TYPES:
        return None
    return lambda value: model_field.get_db_prep_save(value, connection)


def _insert_batch(model: type[models.Model], batch: list[models.Model]) -> None:
    fields = [
        model_field
        for model_field in model._meta.concrete_fields
        if not (model_field.primary_key and batch[0].pk is None)
    ]
    if batch[0].pk is None and any(obj.pk is not None for obj in batch):
        raise ValueError(f"A batch of {model.__name__} mixes reserved ids and none.")
    stamped = [
        model_field
        for model_field in fields
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)
    ]
    for obj in batch:
        for model_field in stamped:
            # Now, unless `backdated` let the generator's own time stand.
            model_field.pre_save(obj, add=True)
    adapters = [(i, adapt) for i, f in enumerate(fields) if (adapt := column_adapter(f))]
    attnames = [model_field.attname for model_field in fields]
    rows = []
    for obj in batch:
        row = [getattr(obj, attname) for attname in attnames]
        for index, adapt in adapters:
            row[index] = adapt(row[index])
        rows.append(row)
    write_rows(model, fields, rows)


def write_rows(model: type[models.Model], fields: list[models.Field], rows: list[list]) -> None:
    """Write rows of database-ready values (`column_adapter`) into `fields` of `model`."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model_field.column) for model_field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: PostgreSQL's bulk load, several times faster than INSERTs.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


@contextlib.contextmanager
def backdated(*models_: type[models.Model]) -> Iterator[None]:
    """Let bulk_create write the created_at/updated_at the generator chose: auto_now and
    auto_now_add would stamp every row with the moment of the insert."""
    saved = []
    for model in models_:
        for model_field in model._meta.concrete_fields:
            stamps = (
                getattr(model_field, "auto_now", False),
                getattr(model_field, "auto_now_add", False),
            )
            if any(stamps):
                saved.append((model_field, model_field.auto_now, model_field.auto_now_add))
                model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in saved:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


@dataclass(frozen=True)
class Data:
    name: str
    rows_per_person: float
    module: ModuleType


def _modules() -> tuple[Data, ...]:
    # The modules import this one (DataContext), so they are imported once it is complete.
    from bench import data_conversations, data_feedback, data_goals

    return (
        Data("goals", rows_per_person=35, module=data_goals),
        Data("feedback", rows_per_person=25, module=data_feedback),
        Data("conversations", rows_per_person=40, module=data_conversations),
    )


# Each feature's rows, in the order they are written (a later one may use an earlier one's).
DATA: tuple[Data, ...] = _modules()


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
    sql = f"INSERT INTO {PLAIN_TABLE} (id, label, n) VALUES (%s, %s, %s)"
    # The rows are made a batch at a time, outside the timer: a list of them all would be the
    # seeding's peak memory (4 million rows at 100,000 people: about 1 GB).
    seconds = 0.0
    with transaction.atomic(), connection.cursor() as cursor:
        for begin in range(0, rows, PLAIN_BATCH):
            chunk = [
                (i, f"Row {i} of the plain insert, about as long as a name", i % 97)
                for i in range(begin, min(begin + PLAIN_BATCH, rows))
            ]
            started = time.perf_counter()
            cursor.executemany(sql, chunk)
            seconds += time.perf_counter() - started
        started = time.perf_counter()
    seconds += time.perf_counter() - started  # the commit
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
    ctx = context_for(organisation, seed=seed)
    for data in DATA:
        started = time.perf_counter()
        with transaction.atomic():
            written = data.module.generate(ctx, round(people * data.rows_per_person))
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
        # Stip does not run ANALYZE there, so neither does the benchmark. The VACUUM matters as
        # much as the ANALYZE: rows written after a GIN index was made wait in its pending
        # list, which every search through the index reads whole until a vacuum files them
        # (26 ms instead of 0.5 for the trigram index on first names at 100,000 people).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {
        "people": organisation.people,
        "teams": organisation.teams,
        "left": organisation.left,
        "large_team_manager": organisation.large_team_manager_email,
        "large_team_size": organisation.large_team_size,
        "steps": steps,
    }


def context_for(organisation: DemoResult, *, seed: int) -> DataContext:
    """The context the generators share, read once from the organisation just written."""
    staff = [
        Staff(*row)
        for row in Person.objects.order_by("pk").values_list(
            "pk", "user_id", "manager_id", "team_id", "start_date", "end_date", "is_hr"
        )
    ]
    personas = dict(
        Person.objects.filter(user__email__endswith="@stip.example").values_list(
            "user__email", "pk"
        )
    )
    now = timezone.now()
    return DataContext(
        people=organisation.people,
        seed=seed,
        organisation=organisation,
        staff=staff,
        personas={email.split("@")[0]: pk for email, pk in personas.items()},
        today=timezone.localdate(now),
        now=now,
    )


def generate_all(organisation: DemoResult, *, seed: int) -> DataContext:
    """Every feature's rows, untimed (the tests' small organisations)."""
    ctx = context_for(organisation, seed=seed)
    for data in DATA:
        with transaction.atomic():
            data.module.generate(ctx, round(organisation.people * data.rows_per_person))
    return ctx


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
