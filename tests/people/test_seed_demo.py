import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from stip.core.models import AuditEntry, User
from stip.people.demo import (
    DEMO_PASSWORD,
    OrganisationNotEmpty,
    seed_demo_organisation,
    seed_generated_organisation,
)
from stip.people.models import Person, Team

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def assert_paths_follow_managers_and_parents():
    paths = dict(Person.objects.values_list("pk", "path"))
    for pk, manager_id in Person.objects.values_list("pk", "manager_id"):
        assert paths[pk] == (paths[manager_id] if manager_id else "/") + f"{pk}/"
    team_paths = dict(Team.objects.values_list("pk", "path"))
    for pk, parent_id in Team.objects.values_list("pk", "parent_id"):
        assert team_paths[pk] == (team_paths[parent_id] if parent_id else "/") + f"{pk}/"


def snapshot() -> list[tuple]:
    """Everything that should come out the same for the same seed, without database ids."""
    return list(
        Person.objects.order_by("employee_number").values_list(
            "employee_number",
            "public_id",
            "first_name",
            "last_name",
            "user__email",
            "user__language",
            "team__name",
            "team__parent__name",
            "manager__employee_number",
            "job_title",
            "job_level",
            "start_date",
            "end_date",
            "is_hr",
        )
    )


# --- The demo company ----------------------------------------------------------------------


def test_the_demo_company_prints_its_sign_ins_and_they_can_sign_in(client):
    output = seed()

    result_emails = [
        "sanne.devries@zuiderzee.example",
        "daan.bakker@zuiderzee.example",
        "fatima.elamrani@zuiderzee.example",
        "ruben.mulder@zuiderzee.example",
    ]
    assert "http://127.0.0.1:8000" in output
    assert DEMO_PASSWORD in output
    for email in result_emails:
        assert email in output
        assert client.login(username=email, password=DEMO_PASSWORD), email
        client.logout()
    assert Person.objects.count() == 60
    assert Team.objects.count() == 11
    assert AuditEntry.objects.filter(action="people.demo_seeded").count() == 1


def test_every_demo_person_has_the_demo_password():
    seed_demo_organisation()

    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == 1
    assert User.objects.first().check_password(DEMO_PASSWORD)


def test_the_demo_sign_ins_have_their_roles():
    result = seed_demo_organisation()

    employee = Person.objects.get(user__email=result.sign_in("employee").email)
    manager = Person.objects.get(user__email=result.sign_in("manager").email)
    hr = Person.objects.get(user__email=result.sign_in("hr").email)
    admin = Person.objects.get(user__email=result.sign_in("admin").email)
    assert employee.manager == manager
    assert employee.user.language == "nl"
    assert (
        Person.objects.get(user__email=result.sign_in("employee (English)").email).user.language
        == "en"
    )
    assert hr.is_hr
    assert Person.objects.filter(is_hr=True).count() == 2
    assert admin.user.is_staff and admin.user.is_superuser
    assert admin.team.name == "IT"
    assert Person.objects.filter(user__language="en").count() >= 5


def test_the_demo_company_has_three_levels_of_management_below_the_director():
    seed_demo_organisation()

    director = Person.objects.get(manager=None)
    depths = {person.pk: person.path.count("/") - 1 for person in Person.objects.all()}
    assert max(depths.values()) == 4  # director → department heads → team leads → staff
    heads = Person.objects.filter(manager=director, reports__isnull=False).distinct()
    assert {head.team.name for head in heads} == {
        "Operations",
        "Sales & Service",
        "Finance",
        "People & Culture",
        "IT",
    }
    leads = Person.objects.filter(manager__in=heads, reports__isnull=False).distinct()
    assert leads.count() == 5
    assert all(lead.team.parent == lead.manager.team for lead in leads)
    assert_paths_follow_managers_and_parents()


def test_the_demo_company_keeps_people_who_have_left():
    today = datetime.date(2026, 11, 26)
    result = seed_demo_organisation(today=today)

    leavers = Person.objects.filter(end_date__lt=today)
    assert leavers.count() == result.left == 3
    assert all(not p.user.is_active and p.start_date < p.end_date for p in leavers)
    # The people's copy of the accounts' flag, which `current()` reads.
    assert all(person.is_active == person.user.is_active for person in Person.objects.all())
    starts = Person.objects.values_list("start_date", flat=True)
    assert min(starts) >= today - datetime.timedelta(days=15 * 365 + 31)
    assert max(starts) <= today


def test_it_refuses_to_seed_a_database_with_people():
    seed_demo_organisation()

    with pytest.raises(CommandError, match="already has people"):
        seed()
    with pytest.raises(OrganisationNotEmpty):
        seed_generated_organisation(people=10, seed=1)
    assert Person.objects.count() == 60


def test_if_empty_changes_nothing_on_a_populated_database_and_repeats_the_sign_ins():
    seed_demo_organisation()
    before = snapshot()

    # `make run` calls this every time: the demo sign-ins are printed again, nothing is written.
    output = seed("--if-empty")
    assert "sanne.devries@zuiderzee.example" in output and "stip-demo-2026" in output
    seed("--if-empty", "--people", "500")
    assert snapshot() == before


def test_if_empty_seeds_an_empty_database():
    output = seed("--if-empty")

    assert "sanne.devries@zuiderzee.example" in output
    assert Person.objects.count() == 60


# --- Generated organisations -----------------------------------------------------------------


@pytest.mark.parametrize("people", ["0", "-5", "100001"])
def test_the_number_of_people_must_be_between_one_and_a_hundred_thousand(people):
    with pytest.raises(CommandError, match="between 1 and 100,000"):
        seed("--people", people)
    with pytest.raises(ValueError, match="between 1 and 100,000"):
        seed_generated_organisation(people=int(people), seed=1)
    assert not Person.objects.exists()


def test_the_same_seed_gives_the_same_organisation():
    with transaction.atomic():
        seed("--people", "300", "--seed", "7")
        first = snapshot()
        transaction.set_rollback(True)
    assert not Person.objects.exists()

    with transaction.atomic():
        seed("--people", "300", "--seed", "7")
        second = snapshot()
        transaction.set_rollback(True)

    with transaction.atomic():
        seed("--people", "300", "--seed", "8")
        other = snapshot()
        transaction.set_rollback(True)

    assert len(first) == 300
    assert first == second
    assert [row[2:4] for row in first] != [row[2:4] for row in other]


def test_a_generated_organisation_has_a_large_team_and_the_benchmark_sign_ins(client):
    output = seed("--people", "1000", "--seed", "1")

    manager = Person.objects.get(user__email="manager@stip.example")
    assert "manager@stip.example has" in output
    assert manager.reports.count() >= 50
    employee = Person.objects.get(user__email="employee@stip.example")
    assert employee.manager == manager
    assert Person.objects.get(user__email="hr@stip.example").is_hr
    admin = User.objects.get(email="admin@stip.example")
    assert admin.is_superuser and admin.is_staff
    assert admin.person.team.path.startswith(Team.objects.get(name="IT").path)
    for email in ("employee", "manager", "hr", "admin"):
        assert client.login(username=f"{email}@stip.example", password=DEMO_PASSWORD)
        client.logout()


def test_a_generated_organisation_is_shaped_like_a_company():
    result = seed_generated_organisation(people=1000, seed=3)

    assert Person.objects.count() == result.people == 1000
    assert Person.objects.filter(manager=None).count() == 1  # the CEO
    assert result.large_team_manager_email == "manager@stip.example"
    assert result.large_team_size >= 50
    assert 1000 / 12 <= Team.objects.count() == result.teams <= 1000 / 6
    assert Person.objects.filter(end_date__isnull=False).count() == result.left == 20
    assert 5 <= Person.objects.filter(is_hr=True).count() == result.hr <= 20
    spans = [
        person.reports.count()
        for person in Person.objects.filter(reports__isnull=False).distinct()
        if person.user.email != "manager@stip.example"
    ]
    assert sorted(spans)[len(spans) // 2] in range(5, 13)  # the median manager
    assert max(spans) <= 15
    assert len(set(User.objects.values_list("password", flat=True))) == 1
    assert_paths_follow_managers_and_parents()


@pytest.mark.parametrize("people", [1, 2, 3, 7, 15, 40])
def test_tiny_organisations_work_too(people):
    result = seed_generated_organisation(people=people, seed=1)

    assert Person.objects.count() == people
    assert {s.email for s in result.sign_ins} <= set(User.objects.values_list("email", flat=True))
    assert_paths_follow_managers_and_parents()
