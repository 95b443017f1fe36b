import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from stip.conversations import policies, queries
from stip.conversations.demo import (
    CHECK_IN_QUESTIONS,
    PERFORMANCE_REPORT,
    SCALE_LEVELS,
    TOMORROW_PRIVATE,
    extend_demo,
)
from stip.conversations.models import (
    ActionItem,
    AgendaItem,
    CheckInAnswer,
    CheckInTemplate,
    FormalReport,
    Meeting,
    RatingScale,
    Series,
    SharedNoteRevision,
)
from stip.core.models import AuditEntry
from stip.goals.demo import extend_demo as goals_extend_demo
from stip.people.demo import seed_demo_organisation
from stip.people.models import Person

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 11, 26, 14, tzinfo=datetime.UTC)
SANNE = "sanne.devries@zuiderzee.example"
DAAN = "daan.bakker@zuiderzee.example"
FATIMA = "fatima.elamrani@zuiderzee.example"
# What Daan wrote for himself alone, on Sanne's 1:1s.
DAANS_PRIVATE = (
    "winterplanning",
    "niet snel nee",
    "Schaal 9",
    TOMORROW_PRIVATE["manager"],
)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def person(email: str) -> Person:
    return Person.objects.select_related("user", "manager").get(user__email=email)


def pair_meetings(manager: Person, employee: Person):
    return Meeting.objects.of_pair(manager.pk, employee.pk).order_by("scheduled_for")


def test_seed_demo_adds_conversations_and_says_so():
    output = seed()

    [line] = [line for line in output.splitlines() if "1:1 series" in line]
    assert line.startswith("Added ")
    assert line.endswith(" s.")
    assert Meeting.objects.filter(held_at__isnull=False).count() >= 15
    assert FormalReport.objects.filter(acknowledged_at__isnull=False).count() == 1


def test_extend_demo_alone_runs_a_bounded_number_of_queries():
    with transaction.atomic():
        result = seed_demo_organisation(today=TODAY.date())
        goals_extend_demo(result=result, today=TODAY.date())
        with CaptureQueriesContext(connection) as queries:
            summary = extend_demo(result=result, today=TODAY.date())

    # Bulk writes: a bound, not a timer (speed is the benchmark's). A query per row of
    # the demo would be thousands.
    assert len(queries) <= 1_000
    assert summary.reports == 1
    assert summary.series == Series.objects.count()


def test_hr_keeps_the_questions_and_the_scale_in_both_languages():
    seed()

    check_in = CheckInTemplate.objects.get(kind="check_in")
    assert check_in.is_organisation
    assert list(check_in.questions.order_by("position").values_list("text", flat=True)) == [
        "Wat ging er goed? / What went well?",
        "Waar loop je tegenaan? / What is blocking you?",
        "Wat heb je van mij nodig? / What do you need from me?",
    ]
    assert list(CHECK_IN_QUESTIONS) == [q.text for q in check_in.questions.order_by("position")]
    assert CheckInTemplate.objects.get(kind="performance").is_organisation
    scale = RatingScale.objects.get()
    assert scale.is_default
    assert [(lvl.value, lvl.name_en, lvl.name_nl) for lvl in scale.levels.all()] == [
        (value, en, nl) for value, (en, nl) in enumerate(SCALE_LEVELS, start=1)
    ]
    # HR's own work, through the services: the audit log says so.
    created = AuditEntry.objects.filter(action="conversations.template_created")
    assert created.count() == 2 and {e.actor.email for e in created} == {FATIMA}
    saved = AuditEntry.objects.get(action="conversations.rating_scale_saved")
    assert saved.actor.email == FATIMA


def test_every_manager_has_1on1s_with_each_direct_report():
    seed()

    current = Person.objects.current().filter(manager__isnull=False)
    pairs = set(Series.objects.active().values_list("manager_id", "employee_id"))
    assert pairs == set(current.values_list("manager_id", "pk"))
    assert set(Series.objects.values_list("cadence", flat=True)) == {
        "weekly",
        "biweekly",
        "monthly",
    }
    # Each has its next 1:1 planned, with the organisation's questions on the agenda.
    for series in Series.objects.all():
        planned = Meeting.objects.get(series=series, held_at__isnull=True)
        questions = AgendaItem.objects.filter(meeting=planned, source="question").count()
        assert questions == 3, series
    assert AuditEntry.objects.filter(action="conversations.series_started").count() == len(pairs)


def test_daan_and_sanne_have_ten_weeks_of_1on1s(today):
    seed()
    daan, sanne = person(DAAN), person(SANNE)
    meetings = pair_meetings(daan, sanne)
    held = list(meetings.filter(kind="one_on_one", held_at__isnull=False))

    assert len(held) == 5
    assert (today - held[0].scheduled_for.date()).days == 70
    for meeting in held:
        agenda = AgendaItem.objects.filter(meeting=meeting)
        assert agenda.filter(source="manual").exists()
        assert agenda.filter(source="goal", goal__owner=sanne).exists()
        assert agenda.filter(source="question").count() == 3
        assert CheckInAnswer.objects.filter(meeting=meeting).count() == 3
        assert meeting.shared_note.text.startswith("- ")
        assert SharedNoteRevision.objects.filter(note__meeting=meeting).count() == 1
        assert meeting.held_at > meeting.scheduled_for
        assert meeting.created_at < meeting.scheduled_for
    items = ActionItem.objects.filter(meeting__in=held)
    assert items.filter(done_at__isnull=False).count() >= 4
    assert items.filter(done_at__isnull=True).count() >= 3
    overdue = list(queries.overdue_action_items(sanne, today=today))
    assert [item["text"] for item in overdue] == ["Offerte SQL-cursus opvragen"]
    # Others in Daan's team have their history too.
    others = Meeting.objects.filter(manager=daan, held_at__isnull=False).exclude(employee=sanne)
    assert others.values("employee").distinct().count() == 4


def test_tomorrows_1on1_carries_the_open_action_items_and_is_on_the_home_card(today):
    seed()
    daan, sanne = person(DAAN), person(SANNE)
    tomorrow = today + datetime.timedelta(days=1)

    [meeting] = [m for m in queries.meetings_on(tomorrow) if m.employee_id == sanne.pk]

    assert meeting.manager_id == daan.pk and meeting.kind == "one_on_one"
    items = list(queries.action_items_for(meeting))
    assert all(item.carried for item in items)
    assert {item.text for item in items} == {
        "Offerte SQL-cursus opvragen",
        "Extra chauffeur regelen voor de piekweken",
        "Proef Lelystad-routes opzetten",
    }
    agenda = AgendaItem.objects.filter(meeting=meeting)
    assert agenda.filter(source="manual").count() == 2
    assert CheckInAnswer.objects.filter(meeting=meeting).exclude(text="").count() == 1
    # The home card: tomorrow's 1:1, two questions still to answer, the overdue action item.
    request = RequestFactory().get("/")
    request.user = sanne.user
    html = Template("{% load conversations_tags %}{% conversations_card %}").render(
        Context({"request": request})
    )
    assert "Daan Bakker" in html and "Offerte SQL-cursus opvragen" in html
    [upcoming] = [
        m for m in queries.home_upcoming(sanne.user) if m["public_id"] == meeting.public_id
    ]
    assert (upcoming["question_total"], upcoming["answer_total"]) == (3, 1)


def test_a_1on1_that_did_not_happen_shows_as_overdue_for_daan(today):
    seed()
    daan = person(DAAN)

    [overdue] = queries.overdue_series(daan.user)

    assert overdue.employee.full_name == "Lotte Kok"
    assert (today - overdue.last_held.date()).days == 42


def test_daans_private_notes_are_his_alone(client):
    seed()
    daan, sanne = person(DAAN), person(SANNE)
    meetings = list(pair_meetings(daan, sanne))

    his = [queries.private_note_of(daan.user, m) for m in meetings]
    hers = [queries.private_note_of(sanne.user, m) for m in meetings]

    written = [note.text for note in his if note is not None]
    assert len(written) == 4
    assert all(any(part in text for text in written) for part in DAANS_PRIVATE)
    # Sanne reads only her own (tomorrow's), never his: not through the queries...
    assert [note.text for note in hers if note is not None] == [TOMORROW_PRIVATE["employee"]]
    # ... nor through the API, nor for HR or his own manager.
    client.force_login(sanne.user)
    for meeting in meetings:
        body = client.get(f"/api/v1/conversations/{meeting.public_id}").content.decode()
        assert not any(part in body for part in DAANS_PRIVATE)
    for reader in (person(FATIMA), daan.manager):
        assert queries.private_note_of(reader.user, meetings[-1]) is None
        assert not policies.can_view_meeting(reader.user, meetings[-1])
    # No trace in the audit log.
    assert not AuditEntry.objects.filter(action__icontains="private").exists()


def test_sannes_functioneringsgesprek_was_reported_shared_and_acknowledged(client, today):
    seed()
    daan, sanne = person(DAAN), person(SANNE)

    report = FormalReport.objects.select_related("meeting").get()

    assert report.meeting.kind == "performance"
    assert (report.meeting.manager_id, report.meeting.employee_id) == (daan.pk, sanne.pk)
    assert report.text == PERFORMANCE_REPORT and report.employee_response
    assert report.shared_at < report.responded_at < report.acknowledged_at
    assert report.acknowledged_at.date() < today and report.is_locked
    assert report.meeting.held_at is not None
    readers = [sanne, daan, daan.manager, person(FATIMA)]
    for reader in readers:
        assert FormalReport.objects.visible_to(reader.user).filter(pk=report.pk).exists()
    # Through the services: the audit log has its story.
    assert list(
        AuditEntry.objects.filter(object_id=str(report.public_id))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "conversations.report_written",
        "conversations.report_shared",
        "conversations.report_responded",
        "conversations.report_acknowledged",
    ]
    client.force_login(sanne.user)
    body = client.get(f"/api/v1/conversation-reports/{report.public_id}").json()
    assert (body["status"], body["can_respond"]) == ("acknowledged", False)


def test_the_same_seed_gives_the_same_conversations():
    def snapshot():
        meetings = Meeting.objects.values_list(
            "manager__employee_number", "employee__employee_number", "kind", "scheduled_for",
            "held_at",
        )  # fmt: skip
        series = Series.objects.values_list("employee__employee_number", "cadence", "next_date")
        actions = ActionItem.objects.values_list("text", "due_date", "done_at")
        return sorted(meetings, key=str), sorted(series, key=str), sorted(actions, key=str)

    runs = []
    for seed_value in (1, 1, 2):
        with transaction.atomic():
            seed("--seed", str(seed_value))
            runs.append(snapshot())
            transaction.set_rollback(True)

    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


@pytest.mark.parametrize(
    "day",
    [datetime.date(2026, 1, 1), datetime.date(2026, 4, 2), datetime.date(2026, 12, 31)],
)
def test_it_works_on_any_day(day):
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(7)), tick=False):
        output = seed()

    assert "1:1 series" in output
    assert not Meeting.objects.filter(held_at__date__gt=day).exists()
    assert FormalReport.objects.get().acknowledged_at.date() < day


def test_generated_organisations_get_no_conversations():
    seed("--people", "40")

    assert not Meeting.objects.exists() and not CheckInTemplate.objects.exists()
