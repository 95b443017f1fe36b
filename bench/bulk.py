"""Bulk work: each measured in a fresh database of its own, against a plain insert or query of
the same rows.

A feature adds its bulk work with one line in `BULK` and a function `(rows) -> dict` that
returns at least `rows`, `seconds`, `plain_seconds` and `plain` (what the baseline did):

    Bulk("launch a review cycle", cycle_launch_measure, organisation=True, target_seconds=20),

With `organisation=True` the generated organisation of `rows` people (and every generator's
data in bench/data.py) is written first, untimed. An entry whose `measure` is None is a
feature that does not exist yet: the report says "not present yet", never a time of zero.
"""

import datetime
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from stip.core.models import AuditEntry, User
from stip.people import importing
from stip.people.models import Person

# Rows per statement of the plain insert: what the import's bulk_create uses.
PLAIN_BATCH = importing.BATCH_SIZE


@dataclass(frozen=True)
class Bulk:
    name: str
    measure: Callable[[int], dict] | None
    # Seed the generated organisation of `rows` people first (untimed).
    organisation: bool = False
    # The absolute target in seconds at 10,000 rows, reported beside the result (not a budget:
    # it depends on the machine), and the database it is meant for (None: any).
    target_seconds: float | None = None
    target_database: str | None = None


def organisation_csv(size: int) -> str:
    """The shape of tests/people/test_import.py's organisation_csv: a tree ten wide (person n
    reports to person n // 10), a hundred teams in ten divisions."""
    rows = [
        "employee_number,first_name,last_name,email,manager_employee_number,team,parent_team,"
        "job_title,job_level,start_date,end_date,language"
    ]
    for n in range(size):
        manager = f"E{n // 10}" if n else ""
        team = n % 100
        rows.append(
            f"E{n},First{n},Last{n},e{n}@example.test,{manager},Team {team},"
            f"Division {team // 10},Planner,P{n % 5},2020-01-01,,{'nl' if n % 2 else 'en'}"
        )
    return "\n".join(rows) + "\n"


def _insert_plain(objects: list[models.Model]) -> None:
    """INSERT the objects' rows with executemany, every column given (ids included)."""
    model = type(objects[0])
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    rows = [
        tuple(field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields)
        for obj in objects
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), PLAIN_BATCH):
            cursor.executemany(sql, rows[start : start + PLAIN_BATCH])


def _import_rows(size: int) -> tuple[list[User], list[Person], list[AuditEntry]]:
    """The users, people and audit entries an import of organisation_csv(size) writes."""
    now = timezone.now()
    users, people, entries, paths = [], [], [], []
    for n in range(size):
        pk = n + 1
        manager = n // 10 + 1 if n else None
        path = (paths[manager - 1] if manager else "/") + f"{pk}/"
        paths.append(path)
        users.append(
            User(
                id=pk,
                email=f"e{n}@example.test",
                password=make_password(None),
                language="nl" if n % 2 else "en",
                date_joined=now,
            )
        )
        person = Person(
            id=pk,
            public_id=uuid.uuid4(),
            user_id=pk,
            employee_number=f"E{n}",
            first_name=f"First{n}",
            last_name=f"Last{n}",
            manager_id=manager,
            path=path,
            job_title="Planner",
            job_level=f"P{n % 5}",
            start_date=datetime.date(2020, 1, 1),
        )
        people.append(person)
        entries.append(
            AuditEntry(
                id=pk,
                action="people.imported_created",
                object_type="people.person",
                object_id=str(person.public_id),
                object_repr=f"First{n} Last{n}",
                after={"employee_number": f"E{n}", "email": f"e{n}@example.test"},
            )
        )
    return users, people, entries


def import_measure(rows: int) -> dict:
    """`people_import` of a `rows`-row file into an empty organisation, as an administrator's
    first import; against INSERTs of the same users, people and audit entries (ids and paths
    computed beforehand), then deleted again."""
    users, people, entries = _import_rows(rows)
    started = time.perf_counter()
    with transaction.atomic():
        for objects in (users, people, entries):
            _insert_plain(objects)
    plain = time.perf_counter() - started
    with connection.cursor() as cursor:
        for model in (AuditEntry, Person, User):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")

    content = organisation_csv(rows)
    started = time.perf_counter()
    result = importing.people_import(content=content, deactivate_missing=True, actor=None)
    seconds = time.perf_counter() - started
    if not result.ok or result.created != rows:
        raise RuntimeError(f"The benchmark's import failed: {result.errors[:5]}")
    return {
        "rows": rows,
        "seconds": round(seconds, 3),
        "plain_seconds": round(plain, 3),
        "plain": "INSERT of the same users, people and audit entries",
    }


BULK: tuple[Bulk, ...] = (
    Bulk("import a CSV of the organisation", import_measure, target_seconds=30),
    # Reviews and insights add their measure here when they exist.
    Bulk(
        "launch a review cycle",
        None,
        organisation=True,
        target_seconds=20,
        target_database="postgresql",
    ),
    Bulk("heaviest insights aggregate", None, organisation=True),
)
