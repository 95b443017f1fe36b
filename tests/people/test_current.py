"""Who works here today: `Person.objects.current()`, `Person.is_current` and the pages and API
that show them, as accounts are deactivated and reactivated and end dates come and go."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from stip.people import importing
from stip.people.models import Person
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "employee_number,first_name,last_name,email,manager_employee_number,team,parent_team,"
    "job_title,job_level,start_date,end_date,language"
)


def import_rows(*rows: str, deactivate_missing: bool = False) -> None:
    result = importing.people_import(
        content="\n".join([HEADER, *rows]) + "\n",
        deactivate_missing=deactivate_missing,
        actor=None,
    )
    assert result.ok, result.errors


def row(person: Person, *, end_date: datetime.date | None = None) -> str:
    """`person` as a line of the file, as they are in Stip but for the end date."""
    manager = person.manager.employee_number if person.manager else ""
    end = end_date.isoformat() if end_date else ""
    return (
        f"{person.employee_number},{person.first_name},{person.last_name},{person.user.email},"
        f"{manager},{person.team.name},,{person.job_title},{person.job_level},"
        f"{person.start_date.isoformat()},{end},"
    )


def everyone(personas, **end_dates: datetime.date) -> list[str]:
    return [
        row(getattr(personas, name), end_date=end_dates.get(name))
        for name in personas.NAMES
        if name != "leaver"
    ]


def current_numbers() -> set[str]:
    return set(Person.objects.current().values_list("employee_number", flat=True))


def directory(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("people:directory")).content.decode()


def test_the_leaver_and_deactivated_people_are_not_current(personas):
    assert current_numbers() == {
        "EMPLOYEE",
        "MANAGER",
        "DIRECTOR",
        "PEER",
        "HR",
        "ADMIN",
        "OUTSIDER",
    }
    inactive = PersonFactory(user=UserFactory(is_active=False), team=personas.planning)
    assert not inactive.is_active and not inactive.is_current
    assert "LEAVER" not in current_numbers() and inactive.employee_number not in current_numbers()
    assert not personas.leaver.is_current and personas.employee.is_current


def test_someone_leaves_at_midnight_after_their_last_day_without_a_write(client, personas):
    last_day = timezone.localdate() + datetime.timedelta(days=3)
    import_rows(*everyone(personas, peer=last_day))
    peer = Person.objects.get(pk=personas.peer.pk)
    assert (peer.end_date, peer.is_active) == (last_day, True)

    noon = datetime.datetime.combine(
        last_day, datetime.time(12), tzinfo=timezone.get_current_timezone()
    )
    with time_machine.travel(noon, tick=False):
        assert "PEER" in current_numbers()
        assert Person.objects.get(pk=peer.pk).is_current
        assert "Piet Peer" in directory(client, personas.employee.user)
    with time_machine.travel(noon + datetime.timedelta(hours=12, minutes=1), tick=False):
        assert "PEER" not in current_numbers()
        assert not Person.objects.get(pk=peer.pk).is_current
        assert "Piet Peer" not in directory(client, personas.employee.user)
        # HR still sees them, marked as gone.
        assert "Piet Peer" in directory(client, personas.hr.user)
    assert Person.objects.get(pk=peer.pk).updated_at == peer.updated_at


def test_an_end_date_in_the_past_or_the_future_from_the_import(personas):
    today = timezone.localdate()
    import_rows(
        *everyone(
            personas,
            peer=today - datetime.timedelta(days=1),
            outsider=today + datetime.timedelta(days=30),
            employee=today,
        )
    )
    assert "PEER" not in current_numbers()
    assert {"OUTSIDER", "EMPLOYEE"} <= current_numbers()
    # The end date taken away again: they work here again.
    import_rows(*everyone(personas))
    assert "PEER" in current_numbers()


def test_deactivated_by_the_import_and_reactivated_by_the_next(client, personas):
    rows = everyone(personas)
    import_rows(*[r for r in rows if not r.startswith("PEER,")], deactivate_missing=True)
    peer = Person.objects.select_related("user").get(pk=personas.peer.pk)
    assert not peer.user.is_active and not peer.is_active and not peer.is_current
    assert "PEER" not in current_numbers()
    assert "Piet Peer" not in directory(client, personas.employee.user)
    client.force_login(personas.hr.user)
    profile = client.get(reverse("people:profile", kwargs={"public_id": peer.public_id}))
    assert 'class="badge badge-left">Left<' in profile.content.decode()

    import_rows(*rows)
    peer = Person.objects.select_related("user").get(pk=personas.peer.pk)
    assert peer.user.is_active and peer.is_active and peer.is_current
    assert "Piet Peer" in directory(client, personas.employee.user)


def test_the_count_of_the_api_follows_who_works_here(client, personas):
    client.force_login(personas.employee.user)

    def count() -> int:
        # Not counted as a whole (it grows with the organisation): paged through.
        body = client.get("/api/v1/people", {"page_size": 200}).json()
        assert body["count"] is None and body["next"] is None
        return len(body["results"])

    assert count() == 7
    rows = everyone(personas)
    import_rows(*[r for r in rows if not r.startswith("PEER,")], deactivate_missing=True)
    assert count() == 6
    import_rows(*rows)
    assert count() == 7


def test_the_migration_copies_each_accounts_flag_to_its_person(personas):
    migration = importlib.import_module("stip.people.migrations.0003_person_is_active")
    deactivated = PersonFactory(user=UserFactory(is_active=False), team=personas.planning)
    # As the rows were before the migration: every person active by the column's default.
    Person.objects.update(is_active=True)

    migration.copy_from_accounts(apps, None)

    assert set(Person.objects.filter(is_active=False).values_list("pk", flat=True)) == {
        deactivated.pk
    }
