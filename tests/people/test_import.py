import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from stip.core.models import AuditEntry, User
from stip.people import importing
from stip.people.models import ImportJob, Person, Team
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "employee_number,first_name,last_name,email,manager_employee_number,team,parent_team,"
    "job_title,job_level,start_date,end_date,language"
)


@pytest.fixture(autouse=True)
def in_english():
    """The messages are checked in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def csv_of(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def run_import(content: str, *, deactivate_missing: bool = False, actor=None) -> ImportJob:
    """What the task does, without the queue."""
    job = importing.import_job_create(
        actor=actor,
        filename="people.csv",
        content=content,
        deactivate_missing=deactivate_missing,
        background=False,
    )
    importing.import_job_run(job=job)
    job.refresh_from_db()
    return job


def errors_of(job: ImportJob) -> list[tuple[int | None, str, str]]:
    return [(error["line"], error["column"], error["message"]) for error in job.errors]


def counts() -> tuple[int, int, int, int]:
    return (
        Person.objects.count(),
        User.objects.count(),
        Team.objects.count(),
        AuditEntry.objects.count(),
    )


GOOD = "N1,Nina,Nieuw,nina@example.test,MANAGER,Planning,,Planner,P1,2024-01-01,,nl"


def test_a_clean_file_creates_people_teams_and_paths(personas):
    job = run_import(
        csv_of(
            "N1,Nina,Nieuw,NINA@example.test,MANAGER,Planning,,Planner,P1,2024-01-01,,nl",
            "N2,Noor,de Nieuwe,noor@example.test,N1,Scheduling,Support,Planner,P1,15-02-2024,,",
            "N3,Niels,Nieuwst,niels@example.test,N2,Scheduling,,Planner,P1,2024/03/01,,English",
        ),
        actor=personas.hr.user,
    )

    assert job.status == ImportJob.Status.DONE
    assert job.summary | {"language": "en"} == {
        "language": "en",
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "deactivated": 0,
        "teams_created": 2,
    }
    assert job.rows_done == job.rows_total == 3
    assert job.finished_at is not None
    nina, noor, niels = (Person.objects.get(employee_number=n) for n in ("N1", "N2", "N3"))
    assert nina.manager == personas.manager
    assert nina.user.email == "nina@example.test"
    assert nina.user.language == "nl"
    assert not nina.user.has_usable_password()
    assert noor.start_date == datetime.date(2024, 2, 15)
    assert niels.user.language == "en"
    assert niels.is_under(personas.director)
    assert niels.path == f"{personas.manager.path}{nina.pk}/{noor.pk}/{niels.pk}/"
    scheduling = Team.objects.get(name="Scheduling")
    assert scheduling.parent.name == "Support"
    assert scheduling.path == f"/{scheduling.parent.pk}/{scheduling.pk}/"

    entries = AuditEntry.objects.filter(action="people.imported_created")
    assert entries.count() == 3
    created = entries.get(object_id=str(noor.public_id))
    assert created.actor == personas.hr.user
    assert created.before is None
    assert created.after["manager"] == "N1"
    assert created.after["start_date"] == "2024-02-15"
    applied = AuditEntry.objects.get(action="people.import_applied")
    assert applied.object_id == str(job.public_id)
    assert applied.after["created"] == 3


def test_a_new_person_is_linked_to_an_account_that_has_no_person(personas):
    account = UserFactory(email="it@example.test", is_active=False)
    run_import(csv_of("N9,Ivo,IT,it@example.test,,IT,,Engineer,,,,"))
    person = Person.objects.select_related("user").get(employee_number="N9")
    assert person.user == account
    assert person.user.is_active and person.is_active
    assert person in Person.objects.current()


# Each kind of bad row, on line 3 after a good line 2. (extra rows, column, message)
BAD_ROWS = {
    "missing employee number": (
        ",Bo,Bad,bo@example.test,MANAGER,Planning,,,,,,",
        "employee number",
        "The employee number is missing.",
    ),
    "missing first name": (
        "B1,,Bad,bo@example.test,MANAGER,Planning,,,,,,",
        "first name",
        "The first name is missing.",
    ),
    "missing last name": (
        "B1,Bo,,bo@example.test,MANAGER,Planning,,,,,,",
        "last name",
        "The last name is missing.",
    ),
    "missing e-mail": (
        "B1,Bo,Bad,,MANAGER,Planning,,,,,,",
        "e-mail",
        "The e-mail is missing.",
    ),
    "invalid e-mail": (
        "B1,Bo,Bad,bo-at-example.test,MANAGER,Planning,,,,,,",
        "e-mail",
        "“bo-at-example.test” is not a valid e-mail address.",
    ),
    "unknown manager": (
        "B1,Bo,Bad,bo@example.test,NOBODY,Planning,,,,,,",
        "manager",
        "Unknown manager NOBODY: not in the file and not a person in Stip.",
    ),
    "duplicate employee number": (
        "N1,Bo,Bad,bo@example.test,MANAGER,Planning,,,,,,",
        "employee number",
        "Employee number N1 is also on line 2.",
    ),
    "duplicate e-mail": (
        "B1,Bo,Bad,Nina@Example.test,MANAGER,Planning,,,,,,",
        "e-mail",
        "The e-mail address nina@example.test is also on line 2.",
    ),
    "e-mail of someone else": (
        "B1,Bo,Bad,peer@example.test,MANAGER,Planning,,,,,,",
        "e-mail",
        "The e-mail address peer@example.test belongs to Piet Peer (employee number PEER).",
    ),
    "bad date": (
        "B1,Bo,Bad,bo@example.test,MANAGER,Planning,,,,31-02-2024,,",
        "start date",
        "“31-02-2024” is not a date. Write dates as YYYY-MM-DD or DD-MM-YYYY.",
    ),
    "end before start": (
        "B1,Bo,Bad,bo@example.test,MANAGER,Planning,,,,2024-05-01,2024-04-30,",
        "end date",
        "The end date 2024-04-30 is before the start date 2024-05-01.",
    ),
    "unknown language": (
        "B1,Bo,Bad,bo@example.test,MANAGER,Planning,,,,,,Klingon",
        "language",
        "Unknown language “Klingon”. Use nl (Dutch) or en (English).",
    ),
    "parent team differs from Stip": (
        "B1,Bo,Bad,bo@example.test,MANAGER,Planning,Finance,,,,,",
        "parent team",
        "In Stip the team Planning is under Operations, not under Finance.",
    ),
    "parent team without a team": (
        "B1,Bo,Bad,bo@example.test,MANAGER,,Operations,,,,,",
        "parent team",
        "A parent team is given, but no team.",
    ),
    "more values than columns": (
        "B1,Bo,Bad,bo@example.test,MANAGER,Planning,,,,,,,extra",
        "",
        "This line has 13 values, but the header has 12 columns. "
        "Put values with a , between quotes.",
    ),
    "too long": (
        f"B1,Bo,Bad,bo@example.test,MANAGER,Planning,,{'x' * 151},,,,",
        "job title",
        "The job title is too long: at most 150 characters.",
    ),
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_each_kind_of_bad_row_is_reported_with_its_line(personas, kind):
    row, column, message = BAD_ROWS[kind]
    job = run_import(csv_of(GOOD, row))
    assert job.status == ImportJob.Status.REJECTED
    assert errors_of(job) == [(3, column, message)]


def test_an_account_is_not_handed_to_someone_who_has_one(personas):
    UserFactory(email="it@example.test")
    job = run_import(csv_of("PEER,Piet,Peer,it@example.test,MANAGER,Planning,,,,,,"))
    assert errors_of(job) == [
        (2, "e-mail", "The e-mail address it@example.test belongs to another account.")
    ]


def test_teams_whose_parents_disagree_between_rows_are_reported(personas):
    job = run_import(
        csv_of(
            "N1,Nina,Nieuw,nina@example.test,MANAGER,Scheduling,Support,,,,,",
            "N2,Noor,Nieuw,noor@example.test,MANAGER,Scheduling,Operations,,,,,",
        )
    )
    assert errors_of(job) == [
        (
            3,
            "parent team",
            "Line 2 puts the team Scheduling under Support, this line under Operations.",
        )
    ]


def test_a_loop_of_teams_is_reported_on_every_line_in_it(personas):
    job = run_import(
        csv_of(
            "N1,Nina,Nieuw,nina@example.test,MANAGER,Alpha,Beta,,,,,",
            "N2,Noor,Nieuw,noor@example.test,MANAGER,Beta,Alpha,,,,,",
        )
    )
    assert [(line, column) for line, column, _ in errors_of(job)] == [
        (2, "parent team"),
        (3, "parent team"),
    ]
    assert "a loop of parent teams: Alpha → Beta → Alpha" in job.errors[0]["message"]


def test_a_loop_in_the_manager_chain_is_rejected_on_every_line_in_it(personas):
    job = run_import(
        csv_of(
            "L1,Lars,Loop,l1@example.test,L3,Planning,,,,,,",
            "L2,Lies,Loop,l2@example.test,L1,Planning,,,,,,",
            "L3,Loes,Loop,l3@example.test,L2,Planning,,,,,,",
            "L4,Leo,Self,l4@example.test,L4,Planning,,,,,,",
        )
    )
    assert job.status == ImportJob.Status.REJECTED
    assert errors_of(job) == [
        (2, "manager", "L1 is in a loop in the reporting line: L1 → L3 → L2 → L1."),
        (3, "manager", "L2 is in a loop in the reporting line: L2 → L1 → L3 → L2."),
        (4, "manager", "L3 is in a loop in the reporting line: L3 → L2 → L1 → L3."),
        (5, "manager", "L4 is in a loop in the reporting line: L4 → L4."),
    ]
    assert not Person.objects.filter(employee_number__in=["L1", "L2", "L3", "L4"]).exists()


def test_a_loop_through_people_who_are_not_in_the_file_is_rejected(personas):
    # In Stip the employee reports to the manager, who reports to the director.
    job = run_import(
        csv_of(
            "DIRECTOR,Diana,de Directeur,director@example.test,EMPLOYEE,Operations,,,,,,",
        )
    )
    assert errors_of(job) == [
        (
            2,
            "manager",
            "DIRECTOR is in a loop in the reporting line: "
            "DIRECTOR → EMPLOYEE → MANAGER → DIRECTOR.",
        )
    ]


def test_line_numbers_are_physical_lines_of_the_file(personas):
    content = csv_of(
        'N1,Nina,Nieuw,nina@example.test,MANAGER,Planning,,"Planner,\nsenior",P1,,,',
        "",
        "N2,Noor,Nieuw,noor@example.test,MANAGER,Planning,,,,not a date,,",
    )
    job = run_import(content)
    assert errors_of(job) == [
        (5, "start date", "“not a date” is not a date. Write dates as YYYY-MM-DD or DD-MM-YYYY.")
    ]


def test_a_mixed_file_writes_nothing(personas):
    before = counts()
    job = run_import(
        csv_of(
            GOOD,
            "N2,Noor,Nieuw,noor@example.test,MANAGER,New team,New parent,,,,,",
            "EMPLOYEE,Eva,Changed,employee@example.test,MANAGER,Planning,,,,,,",
            "N3,Bad,,bad@example.test,NOBODY,Planning,,,,,,",
        ),
        deactivate_missing=False,
    )
    assert job.status == ImportJob.Status.REJECTED
    assert job.summary["error_count"] == 2
    assert counts() == before
    assert not AuditEntry.objects.exists()
    assert Person.objects.get(employee_number="EMPLOYEE").last_name == "Employee"


def test_a_missing_required_column_is_one_error(personas):
    job = run_import("employee_number;first_name;e-mail;team\nN1;Nina;nina@example.test;Planning\n")
    assert errors_of(job) == [
        (
            1,
            "",
            "The header is missing these columns: last name, manager, job title, job level, "
            "start date, end date, language. The first line of the file must name the columns.",
        )
    ]


def test_an_empty_file_is_rejected(db):
    assert errors_of(run_import("")) == [(None, "", "The file is empty.")]
    assert errors_of(run_import(HEADER + "\n")) == [
        (None, "", "The file has a header but no rows below it.")
    ]


def test_a_reimport_updates_people_by_employee_number_and_audits_the_changes(personas):
    User.objects.filter(pk=personas.leaver.user_id).update(is_active=False)
    Person.objects.filter(pk=personas.leaver.pk).update(is_active=False)
    left = personas.leaver.end_date.isoformat()
    job = run_import(
        csv_of(
            # Changed: name, e-mail, team (new, under Operations), manager, level, language.
            "EMPLOYEE,Eva,Jansen,eva.jansen@example.test,DIRECTOR,Scheduling,Operations,"
            "Planner,P3,2020-01-01,,nl",
            # As it is in Stip.
            "PEER,Piet,Peer,peer@example.test,MANAGER,Planning,Operations,Planner,P2,01-01-2020,,",
            # Deactivated earlier: the import brings them back.
            f"LEAVER,Lotte,Leaver,leaver@example.test,MANAGER,Planning,,Planner,P2,2020-01-01,{left},",
        ),
        actor=personas.hr.user,
    )

    assert job.status == ImportJob.Status.DONE
    assert (job.summary["created"], job.summary["updated"], job.summary["unchanged"]) == (0, 2, 1)
    assert job.summary["teams_created"] == 1
    employee = Person.objects.select_related("user", "team").get(pk=personas.employee.pk)
    assert employee.last_name == "Jansen"
    assert employee.user.email == "eva.jansen@example.test"
    assert employee.user.language == "nl"
    assert employee.team.name == "Scheduling"
    assert employee.team.parent == personas.operations
    assert employee.manager == personas.director
    assert employee.path == f"{personas.director.path}{employee.pk}/"
    assert employee.updated_at > personas.employee.updated_at
    leaver = Person.objects.select_related("user").get(pk=personas.leaver.pk)
    assert leaver.user.is_active and leaver.is_active
    assert Person.objects.count() == 8  # nobody created, nobody deleted
    assert User.objects.filter(is_active=True).count() == 8  # nobody deactivated
    assert Person.objects.filter(is_active=True).count() == 8

    entry = AuditEntry.objects.get(
        action="people.imported_updated", object_id=str(personas.employee.public_id)
    )
    assert entry.actor == personas.hr.user
    assert entry.before == {
        "last_name": "Employee",
        "team": "Planning",
        "job_level": "P2",
        "manager": "MANAGER",
        "email": "employee@example.test",
        "language": "en",
    }
    assert entry.after == {
        "last_name": "Jansen",
        "team": "Scheduling",
        "job_level": "P3",
        "manager": "DIRECTOR",
        "email": "eva.jansen@example.test",
        "language": "nl",
    }
    leaver = AuditEntry.objects.get(object_id=str(personas.leaver.public_id))
    assert (leaver.before, leaver.after) == ({"is_active": False}, {"is_active": True})
    assert not AuditEntry.objects.filter(object_id=str(personas.peer.public_id)).exists()
    assert AuditEntry.objects.filter(action="people.import_applied").count() == 1


def test_a_bom_and_semicolons_are_understood(personas):
    content = "\ufeff" + csv_of(GOOD.replace(",", ";"), header=HEADER.replace(",", ";"))
    job = run_import(content)
    assert job.status == ImportJob.Status.DONE
    assert Person.objects.get(employee_number="N1").manager == personas.manager


def test_dutch_headers_in_any_case_are_understood(personas):
    header = (
        "Personeelsnummer;Voornaam;Achternaam;E-mail;Leidinggevende;Team;Bovenliggend team;"
        "Functie;Niveau;Datum in dienst;Datum uit dienst;Taal"
    )
    row = "N1;Nina;van Dijk;nina@example.test;MANAGER;Planning;;Planner;P1;01-03-2024;;Nederlands"
    job = run_import(csv_of(row, header=header))
    assert job.status == ImportJob.Status.DONE
    nina = Person.objects.select_related("user").get(employee_number="N1")
    assert (nina.last_name, nina.start_date, nina.user.language) == (
        "van Dijk",
        datetime.date(2024, 3, 1),
        "nl",
    )


def _everyone_but(personas, *left_out: str) -> str:
    rows = []
    for name in personas.NAMES:
        if name in left_out:
            continue
        person = Person.objects.select_related("user", "team", "manager").get(
            pk=personas.get(name).pk
        )
        rows.append(
            f"{person.employee_number},{person.first_name},{person.last_name},"
            f"{person.user.email},{person.manager.employee_number if person.manager else ''},"
            f"{person.team.name},,{person.job_title},{person.job_level},,,"
        )
    return csv_of(*rows)


def test_deactivate_missing_deactivates_people_who_are_not_in_the_file(personas):
    job = run_import(
        _everyone_but(personas, "peer", "outsider"),
        deactivate_missing=True,
        actor=personas.hr.user,
    )
    assert job.status == ImportJob.Status.DONE
    assert job.summary["deactivated"] == 2
    assert set(User.objects.filter(is_active=False).values_list("email", flat=True)) == {
        "peer@example.test",
        "outsider@example.test",
    }
    # The people's copy of the flag with their accounts': they no longer work here.
    assert set(
        Person.objects.filter(is_active=False).values_list("employee_number", flat=True)
    ) == {
        "PEER",
        "OUTSIDER",
    }
    assert not Person.objects.current().filter(employee_number__in=["PEER", "OUTSIDER"]).exists()
    assert Person.objects.count() == 8  # deactivated, not deleted
    entries = AuditEntry.objects.filter(action="people.deactivated")
    assert {entry.object_repr for entry in entries} == {"Piet Peer", "Otto Outsider"}
    assert entries[0].after == {"is_active": False}


def test_without_deactivate_missing_nobody_is_deactivated(personas):
    job = run_import(_everyone_but(personas, "peer", "outsider"), actor=personas.hr.user)
    assert job.status == ImportJob.Status.DONE
    assert job.summary["deactivated"] == 0
    assert not User.objects.filter(is_active=False).exists()
    assert not Person.objects.filter(is_active=False).exists()


def test_deactivate_missing_refuses_a_manager_it_would_deactivate(personas):
    job = run_import(
        _everyone_but(personas, "manager"), deactivate_missing=True, actor=personas.hr.user
    )
    assert job.status == ImportJob.Status.REJECTED
    assert {message for _line, _column, message in errors_of(job)} == {
        "The manager MANAGER is not in the file, so this import would deactivate them."
    }


def test_deactivate_missing_does_not_lock_out_the_uploader(personas):
    job = run_import(_everyone_but(personas, "hr"), deactivate_missing=True, actor=personas.hr.user)
    assert errors_of(job) == [
        (
            None,
            "",
            "You are not in the file (employee number HR): importing it with “deactivate "
            "people missing from the file” would lock you out.",
        )
    ]


def test_a_failure_while_writing_changes_nothing(personas, monkeypatch, caplog):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "rebuild_paths", explode)
    before = counts()
    job = run_import(csv_of(GOOD, "EMPLOYEE,Eva,Jansen,employee@example.test,MANAGER,New,,,,,,"))
    assert job.status == ImportJob.Status.FAILED
    assert "Nothing was changed" in job.errors[0]["message"]
    assert counts() == before
    assert Person.objects.get(pk=personas.employee.pk).last_name == "Employee"
    assert "disk full" in caplog.text


def test_validation_reports_progress_every_thousand_rows(db):
    rows = [f"P{n},First,Last,p{n}@example.test,,,,,,,," for n in range(2500)]
    reports = []

    def progress(*, status, done, total):
        reports.append((status, done, total))

    importing.people_import(
        content=csv_of(*rows), deactivate_missing=False, actor=None, progress=progress
    )
    assert reports == [
        ("validating", 0, 2500),
        ("validating", 1000, 2500),
        ("validating", 2000, 2500),
        ("writing", 2500, 2500),
    ]


def test_the_job_remembers_the_language_of_the_upload(personas):
    with translation.override("nl"):
        job = importing.import_job_create(
            actor=personas.hr.user,
            filename="x.csv",
            content=csv_of(GOOD),
            deactivate_missing=False,
            background=False,
        )
    assert job.summary == {"language": "nl"}


def test_errors_are_written_in_the_uploaders_language(personas):
    User.objects.filter(pk=personas.hr.user_id).update(language="nl")
    personas.hr.user.refresh_from_db()
    job = run_import(csv_of("B1,,Bad,bo@example.test,,,,,,,,"), actor=personas.hr.user)
    with translation.override("nl"):
        column = translation.gettext("first name")
        message = translation.gettext("The %(column)s is missing.") % {"column": column}
    assert errors_of(job) == [(2, column, message)]


# --- The command ---------------------------------------------------------------------------


def test_the_command_reports_every_bad_row_on_stderr_and_fails(personas, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        csv_of(GOOD, "B1,Bo,,bo@example.test,NOBODY,Planning,,,,,,", "B2,Bo,Bad,x,,,,,,,,"),
        encoding="utf-8",
    )
    stderr = StringIO()
    with pytest.raises(CommandError, match="the file has 3 errors"):
        call_command("import_people", str(path), stderr=stderr, stdout=StringIO())
    assert stderr.getvalue().splitlines() == [
        "line 3, last name: The last name is missing.",
        "line 3, manager: Unknown manager NOBODY: not in the file and not a person in Stip.",
        "line 4, e-mail: “x” is not a valid e-mail address.",
    ]
    assert not Person.objects.filter(employee_number="N1").exists()


def test_the_command_says_when_it_cannot_read_the_file(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_people", str(tmp_path / "missing.csv"))
    (tmp_path / "latin1.csv").write_bytes("naïve".encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        call_command("import_people", str(tmp_path / "latin1.csv"))
    assert not ImportJob.objects.exists()


def test_the_command_imports_and_prints_a_summary(personas, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(("\ufeff" + csv_of("N1,Nina,Nieuw,nina@example.test,,X,,,,,,")).encode())
    stdout = StringIO()
    call_command("import_people", str(path), "--deactivate-missing", stdout=stdout)
    assert stdout.getvalue().strip() == (
        "Imported 1 row: 1 people created, 0 updated, 0 unchanged, 8 deactivated, 1 teams created."
    )
    job = ImportJob.objects.get()
    assert (job.status, job.created_by, job.deactivate_missing) == ("done", None, True)


# --- The pages -----------------------------------------------------------------------------


def upload(client, content: str, **data):
    file = SimpleUploadedFile("people.csv", content.encode(), content_type="text/csv")
    return client.post(reverse("people:import"), {"file": file, **data})


def test_hr_uploads_a_file_and_sees_it_imported(
    personas, client_for, django_capture_on_commit_callbacks
):
    client = client_for(personas.hr)
    assert (
        "Deactivate people missing from the file"
        in client.get(reverse("people:import")).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_of(GOOD, "N2,Noor,Nieuw,noor@example.test,N1,Planning,,,,,,"))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("people:import_detail", args=[job.public_id])
    assert job.created_by == personas.hr.user

    page = client.get(response.url).content.decode()
    assert "Imported" in page
    assert "People created</dt><dd>2</dd>" in page
    assert "hx-trigger" not in page  # finished: no more polling
    assert Person.objects.get(employee_number="N2").manager.employee_number == "N1"
    assert "people.csv" in client.get(reverse("people:import")).content.decode()


def test_the_page_shows_every_rejected_row(
    personas, client_for, django_capture_on_commit_callbacks
):
    client = client_for(personas.hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_of(GOOD, "B1,Bo,,bo@example.test,NOBODY,Planning,,,,,,"))
    page = client.get(response.url).content.decode()
    assert "Not imported: the file has errors" in page
    assert "the file has 2 errors" in page
    assert "<td>3</td><td>last name</td><td>The last name is missing.</td>" in page
    assert "Unknown manager NOBODY" in page
    assert not Person.objects.filter(employee_number="N1").exists()


def test_a_long_list_of_errors_shows_its_first_hundred_and_downloads_whole(personas, client_for):
    rows = [f"B{n},Bo,Bakker,b{n}@example.test,NOBODY,Planning,,,,,," for n in range(150)]
    rows.insert(0, "B-1,=1+1,Bakker,formula@example.test,,Planning,,,,,,")
    rows.insert(0, "B-2,Bo,,no-last-name@example.test,,Planning,,,,,,")
    job = run_import(csv_of(*rows))
    client = client_for(personas.hr)

    page = client.get(reverse("people:import_detail", args=[job.public_id])).content.decode()
    assert "the file has 151 errors" in page
    assert "The first 100 are listed below." in page
    assert page.count("Unknown manager NOBODY") == 99
    download = reverse("people:import_errors", args=[job.public_id])
    assert f'href="{download}"' in page

    response = client.get(download)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="import-errors-')
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Line,Column,Problem"
    assert len(lines) == 1 + 151
    assert lines[1] == "2,last name,The last name is missing."
    assert sum("Unknown manager NOBODY" in line for line in lines) == 150
    assert not Person.objects.filter(employee_number__startswith="B").exists()


def test_the_errors_download_is_translated_and_safe_in_a_spreadsheet(personas, client_for):
    job = run_import(csv_of("B1,Bo,Bakker,b1@example.test,=HYPERLINK(1),Planning,,,,,,"))
    personas.hr.user.language = "nl"
    personas.hr.user.save()
    client = client_for(personas.hr)

    lines = client.get(reverse("people:import_errors", args=[job.public_id])).content.decode()
    header, row = lines.lstrip("\ufeff").splitlines()
    assert header == "Regel,Kolom,Probleem"
    assert "=HYPERLINK(1)" in row
    assert ",=" not in row and ',"=' not in row


def test_a_file_that_is_not_utf8_is_refused_by_the_form(personas, client_for):
    client = client_for(personas.hr)
    file = SimpleUploadedFile("people.csv", "naïve".encode("latin-1"), content_type="text/csv")
    response = client.post(reverse("people:import"), {"file": file})
    assert response.status_code == 200
    assert "The file is not UTF-8 text" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_htmx_polls_the_status_fragment_until_the_job_is_finished(personas, client_for):
    client = client_for(personas.hr)
    job = importing.import_job_create(
        actor=personas.hr.user,
        filename="people.csv",
        content=csv_of(GOOD),
        deactivate_missing=False,
        background=False,
    )
    url = reverse("people:import_detail", args=[job.public_id])

    waiting = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert waiting.lstrip().startswith("<section")
    assert "<html" not in waiting
    assert f'hx-get="{url}" hx-trigger="every 1s" hx-swap="outerHTML"' in waiting
    assert "Waiting to start" in waiting

    importing.import_job_run(job=job)
    finished = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in finished
    assert "Imported" in finished


@pytest.mark.parametrize("name", ["employee", "manager", "outsider"])
def test_people_without_the_hr_role_cannot_see_the_import_pages(personas, client_for, name):
    job = run_import(csv_of(GOOD))
    client = client_for(personas.get(name))
    assert client.get(reverse("people:import")).status_code == 404
    assert upload(client, csv_of(GOOD)).status_code == 404
    assert client.get(reverse("people:import_detail", args=[job.public_id])).status_code == 404
    assert client.get(reverse("people:import_errors", args=[job.public_id])).status_code == 404
    assert ImportJob.objects.count() == 1


# --- Scale ---------------------------------------------------------------------------------


def organisation_csv(size: int) -> str:
    """A tree ten wide: person n reports to person n // 10; a hundred teams in ten divisions."""
    rows = []
    for n in range(size):
        manager = f"E{n // 10}" if n else ""
        team = n % 100
        rows.append(
            f"E{n},First{n},Last{n},e{n}@example.test,{manager},Team {team},"
            f"Division {team // 10},Planner,P{n % 5},2020-01-01,,{'nl' if n % 2 else 'en'}"
        )
    return csv_of(*rows)


@pytest.mark.parametrize("size", [1_000, 10_000])
def test_an_import_runs_a_bounded_number_of_queries(db, size, django_assert_max_num_queries):
    job = importing.import_job_create(
        actor=None,
        filename="big.csv",
        content=organisation_csv(size),
        deactivate_missing=True,
        background=False,
    )
    # Per 1,000 rows: a progress update while validating; an insert each of users, people and
    # audit entries; an update of managers and one of paths. Besides those: claiming the job,
    # two progress updates, three reads to validate, three to write (people, unlinked
    # accounts, teams), the teams' insert and parents, two path reads and the team paths,
    # the import's audit entry, saving the job, and the savepoint around the writes.
    with django_assert_max_num_queries(100):
        result = importing.import_job_run(job=job)
    assert result.ok
    assert (result.created, result.teams_created) == (size, 110)
    assert Person.objects.get(employee_number=f"E{size - 1}").path.count("/") == (
        len(str(size - 1)) + 2
    )
