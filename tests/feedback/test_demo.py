import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from stip.core.models import AuditEntry
from stip.feedback import demo, queries
from stip.feedback.demo import extend_demo
from stip.feedback.models import (
    CompanyValue,
    Feedback,
    FeedbackReply,
    FeedbackRequest,
    ManagerNote,
    Participant,
    Praise,
    QuestionSet,
    Reaction,
    RequestRecipient,
    Response,
    Round,
)
from stip.goals.demo import extend_demo as goals_extend_demo
from stip.people.demo import seed_demo_organisation
from stip.people.models import Person

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 11, 26, 14, tzinfo=datetime.UTC)
SANNE = "sanne.devries@zuiderzee.example"
PRIYA = "priya.sharma@zuiderzee.example"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def sanne() -> Person:
    return Person.objects.select_related("manager").get(user__email=SANNE)


def test_seed_demo_adds_feedback_and_says_so():
    output = seed()

    [line] = [line for line in output.splitlines() if "company values" in line]
    assert line.startswith("Added 4 company values")
    assert line.endswith(" s.")
    assert Feedback.objects.count() >= 40
    assert FeedbackReply.objects.exists()
    assert Praise.objects.count() >= 20 and Reaction.objects.count() >= 20
    assert ManagerNote.objects.count() >= 3
    assert Round.objects.count() == 2


def test_extend_demo_alone_runs_a_bounded_number_of_queries():
    with transaction.atomic():
        result = seed_demo_organisation(today=TODAY.date())
        goals_extend_demo(result=result, today=TODAY.date())
        with CaptureQueriesContext(connection) as queries:
            summary = extend_demo(result=result, today=TODAY.date())

    # Bulk writes: a bound, not a timer (speed is the benchmark's). A query per row of
    # the demo would be thousands.
    assert len(queries) <= 300
    assert summary.values == 4


def test_the_values_the_scale_and_the_question_set_in_both_languages():
    seed()

    assert list(CompanyValue.objects.values_list("name_nl", "name_en")) == [
        ("Samen sterker", "Stronger together"),
        ("Klant voorop", "Customer first"),
        ("Eerlijk en open", "Honest and open"),
        ("Elke dag beter", "Better every day"),
    ]
    assert all(v.description_nl and v.description_en for v in CompanyValue.objects.all())
    # Each value's praise is counted as the services count it.
    assert [v.praise_count for v in CompanyValue.objects.order_by("pk")] == [
        Praise.objects.filter(value=v).count() for v in CompanyValue.objects.order_by("pk")
    ]
    assert sum(v.praise_count for v in CompanyValue.objects.all()) > 0
    question_set = QuestionSet.objects.get()
    questions = list(question_set.questions.order_by("position"))
    assert [q.kind for q in questions] == ["rating"] * 4 + ["open"] * 2
    assert all(q.text_nl and q.text_en for q in questions)
    assert [level.name_nl for level in questions[0].scale.levels.all()] == [
        "Zelden",
        "Soms",
        "Regelmatig",
        "Vaak",
        "Altijd",
    ]
    # HR's catalogues went through the services: the audit log says so.
    fatima = "fatima.elamrani@zuiderzee.example"
    saved = AuditEntry.objects.filter(action="feedback.value_saved")
    assert saved.count() == 4 and {e.actor.email for e in saved} == {fatima}
    assert AuditEntry.objects.filter(action="feedback.question_set_created").count() == 1


def test_feedback_between_colleagues_and_managers(today):
    seed()
    feedback = Feedback.objects.select_related("author__user", "recipient__user")

    assert feedback.filter(goal__isnull=False).count() >= 3
    assert feedback.filter(value__isnull=False).count() >= 10
    # Managers to reports and back, and between colleagues.
    assert any(f.recipient.manager_id == f.author_id for f in feedback)
    assert any(f.author.manager_id == f.recipient_id for f in feedback)
    assert any(f.author.manager_id == f.recipient.manager_id for f in feedback)
    # In English where an English speaker is involved.
    english = [f for f in feedback if "en" in (f.author.user.language, f.recipient.user.language)]
    dutch = {text for text, _value in demo._FEEDBACK["nl"]}
    dutch_about_goals = tuple(text.split("{")[0] for text in demo._ABOUT_GOAL["nl"])
    assert len(english) >= 5
    assert not any(f.text in dutch or f.text.startswith(dutch_about_goals) for f in english)
    assert {"recipient", "recipient_and_manager"} == set(
        feedback.values_list("visibility", flat=True)
    )
    assert feedback.filter(helpful_at__isnull=False).exists()
    # Spread over the last ten weeks, nothing in the future, nobody who has left.
    dates = [f.created_at.date() for f in feedback]
    assert min(dates) >= today - datetime.timedelta(days=70) and max(dates) <= today
    assert len(set(dates)) >= 20
    assert not feedback.filter(author__end_date__isnull=False).exists()
    assert not feedback.filter(recipient__end_date__isnull=False).exists()
    # Through the service, as a manager writes it: an audit entry.
    entry = AuditEntry.objects.filter(action="feedback.given").order_by("at", "id").first()
    assert entry.actor == sanne().manager.user


def test_requests_answered_waiting_declined_and_shared(client):
    seed()
    statuses = set(RequestRecipient.objects.values_list("status", flat=True))
    assert statuses == {"answered", "pending", "declined"}
    about_sanne = FeedbackRequest.objects.get(subject=sanne(), requester=sanne().manager)
    assert about_sanne.shared_with_subject_at is not None
    assert about_sanne.answers.count() == 2

    client.force_login(sanne().user)
    asked = client.get("/api/v1/feedback/requests", {"role": "asked", "status": "pending"})
    assert asked.json()["count"] >= 1
    detail = client.get(f"/api/v1/feedback/requests/{about_sanne.public_id}").json()
    assert len(detail["answers"]) == 2 and detail["recipients"] is None
    assert AuditEntry.objects.filter(action="feedback.request_created").count() == 4


def test_praise_on_the_wall_with_reactions(client):
    seed()
    client.force_login(sanne().user)

    wall = client.get("/api/v1/praise", {"page_size": 100}).json()

    assert wall["count"] is None and len(wall["results"]) >= 20
    assert any(sum(item["reactions"].values()) for item in wall["results"])
    assert all(item["value"] for item in wall["results"])
    assert any(item["recipient"]["id"] == str(sanne().public_id) for item in wall["results"])


def test_manager_notes_for_the_chain_one_shared_with_hr(client):
    seed()
    notes = ManagerNote.objects.filter(subject=sanne())

    assert notes.count() == 2 and notes.filter(shared_with_hr_at__isnull=False).count() == 1
    url = f"/api/v1/people/{sanne().public_id}/notes"
    client.force_login(sanne().manager.user)
    assert client.get(url).json()["count"] == 2
    client.force_login(Person.objects.get(user__email="fatima.elamrani@zuiderzee.example").user)
    assert client.get(url).json()["count"] == 1
    client.force_login(sanne().user)
    assert client.get(url).status_code == 403


def test_sannes_finished_round_is_released_to_her_and_anonymous(client, today):
    seed()
    round_ = Round.objects.get(subject=sanne())

    assert round_.status == "closed" and round_.released_at is not None
    assert round_.closes_on < today and round_.created_at.date() < round_.closes_on
    answered = dict(
        Participant.objects.filter(round=round_, answered=True)
        .values_list("perspective")
        .annotate(n=Count("pk"))
    )
    assert answered["self"] == answered["manager"] == 1
    assert answered["peer"] >= 3 and answered["other"] >= 3
    anonymous = Response.objects.filter(round=round_, perspective__in=["peer", "other"])
    assert anonymous.count() >= 6 and not anonymous.filter(author__isnull=False).exists()

    client.force_login(sanne().user)
    body = client.get(f"/api/v1/rounds/{round_.public_id}/result").json()
    groups = {g["key"]: g for g in body["groups"]}
    assert groups["peer"]["anonymous"] and groups["peer"]["count"] >= 3
    assert groups["self"]["authors"] == ["Sanne de Vries"]
    assert groups["manager"]["authors"] == [sanne().manager.full_name]
    assert all(q["overall"] for q in body["questions"] if q["kind"] == "rating")
    text = json.dumps(body)
    for participant in Participant.objects.filter(round=round_, perspective__in=["peer", "other"]):
        assert participant.person.full_name not in text
    assert queries.round_result(round_).plan.hidden == ()
    assert AuditEntry.objects.filter(action="feedback.round_released").count() == 1


def test_sanne_is_asked_in_an_open_round(client):
    seed()
    client.force_login(sanne().user)

    [open_round] = client.get("/api/v1/rounds", {"invited": True, "status": "open"}).json()[
        "results"
    ]

    assert open_round["subject"]["full_name"] == "Priya Sharma"
    assert open_round["invitation"] == {"perspective": "peer", "answered": False, "declined": False}
    assert open_round["closes_on"] > str(TODAY.date())


def test_the_same_seed_gives_the_same_feedback():
    def snapshot():
        feedback = Feedback.objects.values_list(
            "author__employee_number", "recipient__employee_number", "text", "created_at"
        )
        praise = Praise.objects.values_list("recipient__employee_number", "text", "created_at")
        reactions = Reaction.objects.values_list("praise__text", "person__employee_number", "kind")
        ratings = Response.objects.values_list("perspective", "answers__rating")
        return (
            sorted(feedback, key=str),
            sorted(praise, key=str),
            sorted(reactions, key=str),
            (sorted(ratings, key=str)),
        )

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
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(12)), tick=False):
        output = seed()

    assert "company values" in output
    assert not Feedback.objects.filter(created_at__date__gt=day).exists()
    assert Round.objects.filter(status="closed", released_at__isnull=False).count() == 1


def test_generated_organisations_and_people_alone_get_no_feedback():
    seed("--people", "40")
    assert not Feedback.objects.exists() and not CompanyValue.objects.exists()


def test_seeding_people_alone_adds_no_feedback():
    seed_demo_organisation()

    assert not Feedback.objects.exists()
