import datetime
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stip.conversations import queries, services
from stip.conversations.models import (
    ActionItem,
    AgendaItem,
    CheckInAnswer,
    FormalReport,
    Meeting,
    Series,
    SharedNote,
    SharedNoteRevision,
)
from stip.core.models import AuditEntry
from stip.core.services import access_token_create
from tests.conversations import builders
from tests.conversations.pdf_text import pdf_text
from tests.factories import PersonFactory
from tests.goals.builders import create_goal

pytestmark = pytest.mark.django_db

CONVERSATIONS = "/api/v1/conversations"
ACTION_ITEMS = "/api/v1/action-items"
SERIES = "/api/v1/conversation-series"
REPORTS = "/api/v1/conversation-reports"

# What Mark (the manager) writes for himself alone.
SECRET = "Eva seemed tired; ask about her workload"
FORMAL_SECRET = "Consider her for the senior role"


def send(client, method, url, data=None):
    return getattr(client, method)(url, data or {}, content_type="application/json")


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def id_of(*objects):
    return [str(obj.public_id) for obj in objects]


def assert_not_found(response):
    assert response.status_code == 404, response.content
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": []}


def assert_forbidden(response):
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"


def field_errors(response):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    return {error["field"]: error["message"] for error in body["errors"]}


def meeting_url(meeting, suffix=""):
    return f"{CONVERSATIONS}/{meeting.public_id}{suffix}"


def report_url(report, suffix=""):
    return f"{REPORTS}/{report.public_id}{suffix}"


def question_ids(meeting):
    return [
        str(public_id)
        for public_id in AgendaItem.objects.filter(meeting=meeting, source="question")
        .order_by("position")
        .values_list("public_id", flat=True)
    ]


@pytest.fixture
def one_on_one(personas):
    """Mark's next 1:1 with Eva, with everything a conversation holds: check-in questions, a
    goal, a talking point of Eva's, an action item, shared notes — and Mark's private note."""
    builders.check_in_template(personas)
    create_goal(personas.employee, title="Plan the Almere routes")
    meeting = builders.planned(builders.series(personas))
    services.agenda_item_add(meeting=meeting, actor=personas.employee.user, text="SQL course")
    services.action_item_add(
        meeting=meeting,
        actor=personas.manager.user,
        owner=personas.employee,
        text="Book the SQL course",
    )
    services.shared_note_save(
        meeting=meeting, actor=personas.employee.user, text="We talked about SQL.", version=1
    )
    services.private_note_save(meeting=meeting, actor=personas.manager.user, text=SECRET)
    return meeting


@pytest.fixture
def shared_report(personas):
    """A shared performance report about Eva, Mark's private note on its conversation."""
    report = builders.report(personas)
    services.private_note_save(
        meeting=report.meeting, actor=personas.manager.user, text=FORMAL_SECRET
    )
    return report


# --- Private notes ---------------------------------------------------------------------------


def _everything(personas, meeting, report):
    """Every request a persona can make about the pair's conversations: the reads, and the
    writes a participant makes (each answering with something)."""
    series = meeting.series
    item = ActionItem.objects.get(meeting=meeting)
    question = question_ids(meeting)[0]
    talking_point = AgendaItem.objects.get(meeting=meeting, source="manual")
    return [
        ("get", CONVERSATIONS, None),
        ("get", f"{CONVERSATIONS}?status=upcoming", None),
        ("get", f"{CONVERSATIONS}?status=past", None),
        ("get", meeting_url(meeting), None),
        ("get", meeting_url(report.meeting), None),
        ("get", meeting_url(meeting, "/shared-note/history"), None),
        ("get", ACTION_ITEMS, None),
        ("get", f"{ACTION_ITEMS}?conversation={meeting.public_id}", None),
        ("get", SERIES, None),
        ("get", f"{SERIES}/{series.public_id}", None),
        ("get", REPORTS, None),
        ("get", report_url(report), None),
        ("put", meeting_url(meeting, "/checkin"), {"answers": {question: "Good week"}}),
        ("post", meeting_url(meeting, "/agenda"), {"text": "Holiday plans"}),
        ("put", meeting_url(meeting, "/agenda/order"), "reverse"),
        ("post", meeting_url(meeting, f"/agenda/{talking_point.public_id}/discussed"), {}),
        ("put", meeting_url(meeting, "/shared-note"), {"text": "SQL in May.", "version": 2}),
        ("post", meeting_url(meeting, "/action-items"), {"text": "Ask Priya"}),
        ("post", f"{ACTION_ITEMS}/{item.public_id}/done", {}),
        ("put", meeting_url(meeting, "/private-note"), {"text": "My own thoughts"}),
        ("patch", meeting_url(meeting), {"scheduled_for": builders.at(2).isoformat()}),
        ("patch", f"{SERIES}/{series.public_id}", {"cadence": "weekly"}),
        ("post", report_url(report, "/respond"), {"response": "Agreed."}),
        ("post", meeting_url(meeting, "/held"), {}),
        ("post", report_url(report, "/acknowledge"), {}),
    ]


@pytest.mark.parametrize("viewer", ["employee", "director", "hr", "admin", "peer", "outsider"])
def test_the_managers_private_note_is_in_no_answer_anyone_else_gets(
    client, personas, one_on_one, shared_report, viewer
):
    client.force_login(personas.get(viewer).user)
    answered = []
    for method, url, data in _everything(personas, one_on_one, shared_report):
        if data == "reverse":
            data = {"order": list(reversed([str(i.public_id) for i in one_on_one.agenda.all()]))}
        response = send(client, method, url, data)
        body = response.content.decode()
        assert SECRET not in body and FORMAL_SECRET not in body, (method, url)
        answered.append(response.status_code)
    pdf = client.get(report_url(shared_report, "/pdf"))
    if pdf.status_code == 200:
        text = pdf_text(pdf.content)
        assert "senior role" not in text and "tired" not in text
    if viewer == "employee":
        # She did it all, as a participant; nothing of his note came with it.
        assert set(answered) <= {200, 201}, answered
        assert pdf.status_code == 200
    elif viewer in ("director", "hr"):
        # They read the shared report and its PDF, never the conversation.
        assert pdf.status_code == 200
        assert 200 in answered and 404 in answered
    else:
        assert pdf.status_code == 404


def test_the_author_reads_their_own_private_note_and_only_theirs(client, personas, one_on_one):
    client.force_login(personas.manager.user)

    mine = client.get(meeting_url(one_on_one)).json()["my_private_note"]

    assert mine["text"] == SECRET
    saved = send(client, "put", meeting_url(one_on_one, "/private-note"), {"text": "Updated"})
    assert saved.status_code == 200 and saved.json()["text"] == "Updated"
    # Eva writes her own: each reads exactly their own.
    client.force_login(personas.employee.user)
    assert client.get(meeting_url(one_on_one)).json()["my_private_note"] is None
    send(client, "put", meeting_url(one_on_one, "/private-note"), {"text": "Ask for the course"})
    assert client.get(meeting_url(one_on_one)).json()["my_private_note"]["text"] == (
        "Ask for the course"
    )
    client.force_login(personas.manager.user)
    assert client.get(meeting_url(one_on_one)).json()["my_private_note"]["text"] == "Updated"
    # Nothing of it reaches the audit log.
    assert not AuditEntry.objects.filter(action__icontains="private").exists()


def test_nothing_says_whether_the_other_wrote_a_private_note(client, personas):
    builders.check_in_template(personas)
    meeting = builders.planned(builders.series(personas))
    client.force_login(personas.employee.user)
    before = client.get(meeting_url(meeting)).json()

    services.private_note_save(meeting=meeting, actor=personas.manager.user, text=SECRET)

    assert client.get(meeting_url(meeting)).json() == before
    assert before["my_private_note"] is None


# --- Who sees a conversation -----------------------------------------------------------------


def test_a_conversation_is_for_its_two_participants_only(client, personas, one_on_one):
    item = ActionItem.objects.get(meeting=one_on_one)
    talking_point = AgendaItem.objects.get(meeting=one_on_one, source="manual")
    for name in ("employee", "manager"):
        client.force_login(personas.get(name).user)
        assert ids(client.get(CONVERSATIONS)) == id_of(one_on_one), name
        assert client.get(meeting_url(one_on_one)).status_code == 200
        assert ids(client.get(ACTION_ITEMS)) == id_of(item)
    for name in ("director", "peer", "hr", "admin", "outsider"):
        client.force_login(personas.get(name).user)
        assert ids(client.get(CONVERSATIONS)) == [], name
        assert ids(client.get(SERIES)) == []
        assert ids(client.get(ACTION_ITEMS)) == []
        assert_not_found(client.get(meeting_url(one_on_one)))
        assert_not_found(client.get(meeting_url(one_on_one, "/shared-note/history")))
        assert_not_found(client.get(f"{SERIES}/{one_on_one.series.public_id}"))
        assert_not_found(client.get(ACTION_ITEMS, {"conversation": one_on_one.public_id}))
        assert_not_found(send(client, "post", f"{ACTION_ITEMS}/{item.public_id}/done"))
        assert_not_found(
            send(client, "post", meeting_url(one_on_one, "/agenda"), {"text": "Snooping"})
        )
        assert_not_found(
            send(client, "delete", meeting_url(one_on_one, f"/agenda/{talking_point.public_id}"))
        )
        assert_not_found(
            send(
                client,
                "put",
                meeting_url(one_on_one, "/shared-note"),
                {"text": "Overwritten", "version": 2},
            )
        )
    assert SharedNote.objects.get(meeting=one_on_one).text == "We talked about SQL."
    assert AgendaItem.objects.filter(meeting=one_on_one, source="manual").count() == 1


def test_the_detail_has_the_agenda_the_check_in_the_notes_and_the_action_items(
    client, personas, one_on_one
):
    questions = question_ids(one_on_one)
    services.checkin_answer(
        meeting=one_on_one,
        actor=personas.employee.user,
        answers={AgendaItem.objects.get(public_id=questions[0]).question_id: "The routes"},
    )
    client.force_login(personas.employee.user)

    body = client.get(meeting_url(one_on_one)).json()

    assert body["kind"] == "one_on_one"
    assert body["series_id"] == str(one_on_one.series.public_id)
    assert body["manager"]["full_name"] == "Mark Manager"
    assert [(i["source"], i["text"]) for i in body["agenda"]] == [
        ("question", "What went well?"),
        ("question", "What blocks you?"),
        ("question", "What do you need from me?"),
        ("goal", "Plan the Almere routes"),
        ("manual", "SQL course"),
    ]
    goal_item, talking_point = body["agenda"][3], body["agenda"][4]
    assert goal_item["goal_id"] is not None and goal_item["can_remove"] is False
    assert talking_point["author"]["full_name"] == "Eva Employee"
    assert talking_point["can_remove"] is True
    assert [(q["id"], q["answer"]) for q in body["checkin"]] == [
        (questions[0], "The routes"),
        (questions[1], None),
        (questions[2], None),
    ]
    assert body["shared_note"]["text"] == "We talked about SQL."
    assert body["shared_note"]["version"] == 2
    assert body["shared_note"]["updated_by"]["full_name"] == "Eva Employee"
    assert body["shared_note"]["revision_count"] == 1
    [action] = body["action_items"]
    assert action["text"] == "Book the SQL course"
    assert action["carried_over"] is False and action["overdue"] is False
    assert action["agreed_in"]["id"] == str(one_on_one.public_id)
    assert body["more_action_items"] is False
    assert body["reports"] == [] and body["rating_scale"] is None
    assert (body["can_answer_checkin"], body["can_write_report"]) == (True, False)


def test_the_list_filters_by_status_person_and_kind(client, personas):
    upcoming = builders.meeting(personas, days=3)
    past = builders.meeting(personas, days=-3)
    formal = builders.meeting(personas, kind="performance", days=5)
    with_peer = services.meeting_create(
        actor=personas.manager.user,
        kind="ad_hoc",
        manager=personas.manager,
        employee=personas.peer,
        scheduled_for=builders.at(1),
    )
    client.force_login(personas.manager.user)

    assert ids(client.get(CONVERSATIONS)) == id_of(formal, upcoming, with_peer, past)
    assert ids(client.get(CONVERSATIONS, {"status": "upcoming"})) == id_of(
        with_peer, upcoming, formal
    )
    assert ids(client.get(CONVERSATIONS, {"status": "past"})) == id_of(past)
    assert ids(client.get(CONVERSATIONS, {"with": personas.peer.public_id})) == id_of(with_peer)
    assert ids(client.get(CONVERSATIONS, {"kind": "performance"})) == id_of(formal)
    errors = field_errors(client.get(CONVERSATIONS, {"with": uuid.uuid4(), "status": "soon"}))
    assert set(errors) == {"status"}
    assert set(field_errors(client.get(CONVERSATIONS, {"with": uuid.uuid4()}))) == {"with"}


# --- Planning, moving, holding ---------------------------------------------------------------


def test_either_side_plans_an_ad_hoc_conversation(client, personas):
    client.force_login(personas.employee.user)

    response = send(
        client,
        "post",
        CONVERSATIONS,
        {
            "kind": "ad_hoc",
            "with": str(personas.manager.public_id),
            "scheduled_for": "2030-03-04T09:30",
            "title": "  About the SQL course ",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    meeting = Meeting.objects.get(public_id=body["id"])
    assert (meeting.manager, meeting.employee) == (personas.manager, personas.employee)
    assert meeting.title == "About the SQL course"
    # Without an offset, the time is the organisation's.
    assert timezone.localtime(meeting.scheduled_for).strftime("%Y-%m-%d %H:%M") == (
        "2030-03-04 09:30"
    )
    assert body["shared_note"]["version"] == 1 and body["my_private_note"] is None
    assert AuditEntry.objects.filter(
        action="conversations.meeting_planned", object_id=body["id"]
    ).exists()


def test_only_the_manager_plans_a_formal_conversation(client, personas):
    builders.rating_scale(personas)
    appraisal = {
        "kind": "appraisal",
        "with": str(personas.manager.public_id),
        "scheduled_for": builders.at(7).isoformat(),
    }
    client.force_login(personas.employee.user)
    assert_forbidden(send(client, "post", CONVERSATIONS, appraisal))

    client.force_login(personas.manager.user)
    appraisal["with"] = str(personas.employee.public_id)
    response = send(client, "post", CONVERSATIONS, appraisal)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "appraisal" and body["can_write_report"] is True
    assert [level["value"] for level in body["rating_scale"]["levels"]] == [1, 2, 3, 4, 5]
    # Someone outside one's reporting line.
    assert_forbidden(
        send(client, "post", CONVERSATIONS, appraisal | {"with": str(personas.outsider.public_id)})
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "one_on_one"}, "kind"),
        ({"with": None}, "with"),
        ({"with": "00000000-0000-0000-0000-000000000000"}, "with"),
        ({"scheduled_for": "next tuesday"}, "scheduled_for"),
        ({"title": "x" * 201}, "title"),
        ({"checkin_template": "00000000-0000-0000-0000-000000000000"}, "checkin_template"),
    ],
)
def test_a_bad_conversation_is_refused_with_the_field(client, personas, change, field):
    client.force_login(personas.manager.user)
    data = {
        "kind": "ad_hoc",
        "with": str(personas.employee.public_id),
        "scheduled_for": builders.at(2).isoformat(),
    } | change

    assert set(field_errors(send(client, "post", CONVERSATIONS, data))) == {field}
    assert not Meeting.objects.exists()


def test_one_cannot_plan_a_conversation_with_oneself(client, personas):
    client.force_login(personas.manager.user)
    data = {"kind": "ad_hoc", "with": str(personas.manager.public_id)}
    response = send(client, "post", CONVERSATIONS, data | {"scheduled_for": "2030-01-01T10:00"})

    assert field_errors(response) == {"with": "Choose someone other than yourself."}


def test_an_appraisal_without_a_scale_is_refused(client, personas):
    client.force_login(personas.manager.user)
    data = {
        "kind": "appraisal",
        "with": str(personas.employee.public_id),
        "scheduled_for": builders.at(2).isoformat(),
    }

    assert set(field_errors(send(client, "post", CONVERSATIONS, data))) == {"rating_scale"}


def test_a_conversation_is_moved_and_held_and_then_closed_to_changes(client, personas):
    series = builders.series(personas)
    meeting = builders.planned(series)
    client.force_login(personas.employee.user)
    moved = builders.at(4, hour=14)

    response = send(client, "patch", meeting_url(meeting), {"scheduled_for": moved.isoformat()})

    assert response.status_code == 200, response.content
    series.refresh_from_db()
    assert series.next_date == moved.date()
    held = send(client, "post", meeting_url(meeting, "/held"))
    assert held.status_code == 200 and held.json()["held_at"] is not None
    assert held.json()["can_change"] is False
    # The next 1:1 is planned straight away.
    [following] = ids(client.get(CONVERSATIONS, {"status": "upcoming"}))
    assert following != str(meeting.public_id)
    assert_forbidden(send(client, "post", meeting_url(meeting, "/held")))
    assert_forbidden(send(client, "patch", meeting_url(meeting), {"scheduled_for": "2030-01-01"}))
    assert_forbidden(send(client, "post", meeting_url(meeting, "/agenda"), {"text": "Late"}))
    assert set(
        AuditEntry.objects.filter(object_id=str(meeting.public_id)).values_list("action", flat=True)
    ) == {
        "conversations.meeting_planned",
        "conversations.meeting_rescheduled",
        "conversations.meeting_held",
    }


# --- Agenda and check-in ---------------------------------------------------------------------


def test_the_agenda_is_added_to_ordered_ticked_off_and_pruned(client, personas):
    create_goal(personas.employee, title="Plan the Almere routes")
    meeting = builders.meeting(personas)
    goal_item = AgendaItem.objects.get(meeting=meeting, source="goal")
    client.force_login(personas.employee.user)

    added = send(client, "post", meeting_url(meeting, "/agenda"), {"text": "  SQL course "})
    assert added.status_code == 201, added.content
    mine = added.json()
    assert (mine["text"], mine["source"], mine["can_remove"]) == ("SQL course", "manual", True)
    client.force_login(personas.manager.user)
    his = send(client, "post", meeting_url(meeting, "/agenda"), {"text": "Depot"}).json()
    assert his["author"]["full_name"] == "Mark Manager"

    order = [his["id"], mine["id"], str(goal_item.public_id)]
    ordered = send(client, "put", meeting_url(meeting, "/agenda/order"), {"order": order})
    assert ordered.status_code == 200, ordered.content
    assert [item["id"] for item in ordered.json()] == order
    # An order that misses an item: the agenda changed meanwhile.
    stale = send(client, "put", meeting_url(meeting, "/agenda/order"), {"order": order[:2]})
    assert set(field_errors(stale)) == {"order"}

    ticked = send(client, "post", meeting_url(meeting, f"/agenda/{mine['id']}/discussed"))
    assert ticked.json()["discussed_at"] is not None
    unticked = send(
        client,
        "post",
        meeting_url(meeting, f"/agenda/{mine['id']}/discussed"),
        {"discussed": False},
    )
    assert unticked.json()["discussed_at"] is None

    # Only its author removes a talking point; goals stay.
    assert_forbidden(send(client, "delete", meeting_url(meeting, f"/agenda/{mine['id']}")))
    goal_delete = send(client, "delete", meeting_url(meeting, f"/agenda/{goal_item.public_id}"))
    assert set(field_errors(goal_delete)) == {"item"}
    assert send(client, "delete", meeting_url(meeting, f"/agenda/{his['id']}")).status_code == 204
    assert_not_found(send(client, "delete", meeting_url(meeting, f"/agenda/{his['id']}")))
    blank = send(client, "post", meeting_url(meeting, "/agenda"), {"text": " "})
    assert field_errors(blank) == {"text": "Write the talking point first."}


def test_an_agenda_item_of_another_conversation_is_not_found(client, personas):
    meeting = builders.meeting(personas)
    other = builders.meeting(personas, days=2)
    item = services.agenda_item_add(meeting=other, actor=personas.employee.user, text="Leave")
    client.force_login(personas.employee.user)

    assert_not_found(send(client, "delete", meeting_url(meeting, f"/agenda/{item.public_id}")))
    assert_not_found(
        send(client, "post", meeting_url(meeting, f"/agenda/{item.public_id}/discussed"))
    )
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_the_employee_answers_the_check_in_by_question_id(client, personas):
    builders.check_in_template(personas)
    meeting = builders.meeting(personas)
    first, second, third = question_ids(meeting)
    client.force_login(personas.employee.user)

    response = send(
        client,
        "put",
        meeting_url(meeting, "/checkin"),
        {"answers": {first: "The Almere routes", second: "  "}},
    )

    assert response.status_code == 200, response.content
    assert [(q["id"], q["answer"]) for q in response.json()] == [
        (first, "The Almere routes"),
        (second, ""),
        (third, None),
    ]
    assert CheckInAnswer.objects.get(text="The Almere routes").author == personas.employee.user
    unknown = str(uuid.uuid4())
    errors = field_errors(
        send(client, "put", meeting_url(meeting, "/checkin"), {"answers": {unknown: "?"}})
    )
    assert errors == {f"answers.{unknown}": "This conversation has no question with this id."}
    too_long = send(
        client, "put", meeting_url(meeting, "/checkin"), {"answers": {third: "x" * 20_001}}
    )
    assert set(field_errors(too_long)) == {f"answers.{third}"}
    # The manager reads the answers but does not write them.
    client.force_login(personas.manager.user)
    assert client.get(meeting_url(meeting)).json()["checkin"][0]["answer"] == "The Almere routes"
    assert_forbidden(
        send(client, "put", meeting_url(meeting, "/checkin"), {"answers": {first: "Mine"}})
    )


# --- Shared notes ----------------------------------------------------------------------------


def test_a_stale_save_of_the_shared_notes_is_a_conflict_and_writes_nothing(client, personas):
    meeting = builders.meeting(personas)
    client.force_login(personas.employee.user)
    first = send(
        client,
        "put",
        meeting_url(meeting, "/shared-note"),
        {"text": "Eva: SQL course in May", "version": 1},
    )
    assert first.status_code == 200, first.content
    assert (first.json()["version"], first.json()["revision_count"]) == (2, 1)

    client.force_login(personas.manager.user)
    stale = send(
        client,
        "put",
        meeting_url(meeting, "/shared-note"),
        {"text": "Mark: depot visit", "version": 1},
    )

    assert stale.status_code == 409, stale.content
    body = stale.json()
    assert body["code"] == "conflict" and body["errors"] == []
    assert "version 2" in body["detail"]
    note = SharedNote.objects.get(meeting=meeting)
    assert (note.text, note.version, note.updated_by) == (
        "Eva: SQL course in May",
        2,
        personas.employee.user,
    )
    assert SharedNoteRevision.objects.filter(note=note).count() == 1
    # With the version he now knows, his save wins, and both are in the history.
    merged = send(
        client,
        "put",
        meeting_url(meeting, "/shared-note"),
        {"text": "Eva: SQL course in May\nMark: depot visit", "version": 2},
    )
    assert merged.json()["version"] == 3
    history = client.get(meeting_url(meeting, "/shared-note/history")).json()
    assert [(r["version"], r["author"]["full_name"]) for r in history["results"]] == [
        (3, "Mark Manager"),
        (2, "Eva Employee"),
    ]
    # Notes are content: not in the audit log.
    assert not AuditEntry.objects.filter(action__icontains="note").exists()


def test_the_shared_notes_need_the_version(client, personas):
    meeting = builders.meeting(personas)
    client.force_login(personas.employee.user)

    response = send(client, "put", meeting_url(meeting, "/shared-note"), {"text": "No version"})

    assert set(field_errors(response)) == {"version"}
    assert SharedNote.objects.get(meeting=meeting).text == ""


# --- Action items ----------------------------------------------------------------------------


def test_open_action_items_carry_over_to_the_next_1on1_until_done(client, personas):
    series = builders.series(personas)
    first = builders.planned(series)
    client.force_login(personas.manager.user)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    made = [
        send(client, "post", meeting_url(first, "/action-items"), data).json()
        for data in (
            {"text": "Book the SQL course", "owner": str(personas.employee.public_id)},
            {"text": "Ask the depot", "due_date": str(yesterday)},
            {"text": "Send the routes", "owner": str(personas.employee.public_id)},
        )
    ]
    assert made[1]["owner"]["full_name"] == "Mark Manager" and made[1]["overdue"] is True
    done = send(client, "post", f"{ACTION_ITEMS}/{made[2]['id']}/done")
    assert done.status_code == 200 and done.json()["done_at"] is not None

    send(client, "post", meeting_url(first, "/held"))
    following = builders.planned(series)
    body = client.get(meeting_url(following)).json()

    assert [(a["text"], a["carried_over"]) for a in body["action_items"]] == [
        ("Ask the depot", True),
        ("Book the SQL course", True),
    ]
    # Eva's own open items, wherever they were agreed.
    client.force_login(personas.employee.user)
    mine = client.get(ACTION_ITEMS, {"owner": "me", "open": "true"}).json()["results"]
    assert [a["text"] for a in mine] == ["Book the SQL course"]
    assert ids(client.get(ACTION_ITEMS, {"open": "false"})) == [made[2]["id"]]
    assert ids(client.get(ACTION_ITEMS, {"conversation": following.public_id})) == [
        made[1]["id"],
        made[0]["id"],
    ]
    # Ticked off from the later conversation, it no longer carries over.
    send(client, "post", f"{ACTION_ITEMS}/{made[0]['id']}/done")
    body = client.get(meeting_url(following)).json()
    assert [a["text"] for a in body["action_items"]] == ["Ask the depot"]
    reopened = send(client, "post", f"{ACTION_ITEMS}/{made[0]['id']}/done", {"done": False})
    assert reopened.json()["done_at"] is None


def test_an_action_item_is_for_one_of_the_two(client, personas):
    meeting = builders.meeting(personas)
    client.force_login(personas.manager.user)

    for owner in (personas.peer, personas.director):
        response = send(
            client,
            "post",
            meeting_url(meeting, "/action-items"),
            {"text": "Help out", "owner": str(owner.public_id)},
        )
        assert set(field_errors(response)) == {"owner"}
    empty = send(client, "post", meeting_url(meeting, "/action-items"), {"text": "  "})
    assert set(field_errors(empty)) == {"text"}
    filters = {"owner": "someone"}
    assert set(field_errors(client.get(ACTION_ITEMS, filters))) == {"owner"}
    assert not ActionItem.objects.exists()


# --- Series ----------------------------------------------------------------------------------


def test_1on1s_are_started_changed_and_stopped(client, personas):
    client.force_login(personas.employee.user)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = send(
        client,
        "post",
        SERIES,
        {
            "with": str(personas.manager.public_id),
            "cadence": "biweekly",
            "next_date": str(tomorrow),
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    series = Series.objects.get(public_id=body["id"])
    assert (series.manager, series.employee) == (personas.manager, personas.employee)
    assert (body["cadence"], body["time_of_day"], body["active"]) == ("biweekly", "10:00:00", True)
    assert body["last_held_at"] is None
    [planned] = ids(client.get(CONVERSATIONS, {"status": "upcoming"}))

    changed = send(
        client,
        "patch",
        f"{SERIES}/{series.public_id}",
        {"next_date": str(tomorrow + datetime.timedelta(days=2)), "time_of_day": "14:30"},
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["cadence"], changed.json()["time_of_day"]) == ("biweekly", "14:30:00")
    moved = Meeting.objects.get(public_id=planned)
    assert timezone.localtime(moved.scheduled_for).strftime("%H:%M") == "14:30"

    stopped = send(client, "post", f"{SERIES}/{series.public_id}/stop")
    assert stopped.json()["active"] is False
    # The planned 1:1 stays: removing it would tell whether the other wrote a private note.
    assert Meeting.objects.filter(public_id=planned).exists()
    assert ids(client.get(SERIES)) == []
    assert ids(client.get(SERIES, {"active": "false"})) == [body["id"]]
    assert_forbidden(send(client, "post", f"{SERIES}/{series.public_id}/stop"))
    assert_forbidden(send(client, "patch", f"{SERIES}/{series.public_id}", {"cadence": "weekly"}))
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "conversations.series_started",
        "conversations.series_edited",
        "conversations.series_stopped",
    } <= actions


def test_a_bad_series_is_refused(client, personas):
    client.force_login(personas.manager.user)
    tomorrow = str(timezone.localdate() + datetime.timedelta(days=1))
    yesterday = str(timezone.localdate() - datetime.timedelta(days=1))
    start = {"with": str(personas.employee.public_id), "cadence": "weekly", "next_date": tomorrow}

    assert set(field_errors(send(client, "post", SERIES, start | {"next_date": yesterday}))) == {
        "next_date"
    }
    assert set(field_errors(send(client, "post", SERIES, start | {"cadence": "daily"}))) == {
        "cadence"
    }
    assert send(client, "post", SERIES, start).status_code == 201
    assert set(field_errors(send(client, "post", SERIES, start))) == {"employee"}
    # The director is above Eva, but not her manager.
    client.force_login(personas.director.user)
    assert_forbidden(send(client, "post", SERIES, start))


# --- Formal reports --------------------------------------------------------------------------


def test_a_draft_report_is_for_its_writer_only(client, personas):
    draft = builders.report(personas, shared=False)

    for name in ("employee", "director", "hr", "admin", "peer", "outsider"):
        client.force_login(personas.get(name).user)
        assert ids(client.get(REPORTS)) == [], name
        assert_not_found(client.get(report_url(draft)))
        assert_not_found(client.get(report_url(draft, "/pdf")))
        assert_not_found(send(client, "post", report_url(draft, "/share")))
    client.force_login(personas.manager.user)
    body = client.get(report_url(draft)).json()
    assert (body["status"], body["can_edit"], body["can_share"]) == ("draft", True, True)


def test_a_shared_report_is_for_the_employee_the_chain_and_hr(client, personas):
    report = builders.report(personas)

    for name in ("employee", "manager", "director", "hr"):
        client.force_login(personas.get(name).user)
        assert ids(client.get(REPORTS)) == id_of(report), name
        body = client.get(report_url(report)).json()
        assert body["text"].startswith("Eva planned")
        # The conversation itself stays the participants'.
        expected = str(report.meeting.public_id) if name in ("employee", "manager") else None
        assert body["conversation_id"] == expected
    for name in ("admin", "peer", "outsider"):
        client.force_login(personas.get(name).user)
        assert ids(client.get(REPORTS)) == [], name
        assert_not_found(client.get(report_url(report)))


def test_the_manager_writes_and_shares_the_employee_responds_and_acknowledges(client, personas):
    formal = builders.meeting(personas, kind="performance", days=-1)
    client.force_login(personas.manager.user)

    written = send(client, "post", meeting_url(formal, "/report"), {"text": "Good year."})
    assert written.status_code == 200, written.content
    report_id = written.json()["id"]
    rewritten = send(client, "post", meeting_url(formal, "/report"), {"text": "A good year."})
    assert (rewritten.json()["id"], rewritten.json()["text"]) == (report_id, "A good year.")
    shared = send(client, "post", f"{REPORTS}/{report_id}/share")
    assert shared.json()["status"] == "shared"
    late = send(client, "post", meeting_url(formal, "/report"), {"text": "!"})
    assert set(field_errors(late)) == {"text"}
    assert_forbidden(send(client, "post", f"{REPORTS}/{report_id}/respond", {"response": "Me"}))

    client.force_login(personas.employee.user)
    assert_forbidden(send(client, "post", meeting_url(formal, "/report"), {"text": "Mine"}))
    responded = send(
        client, "post", f"{REPORTS}/{report_id}/respond", {"response": "I'd like the SQL course."}
    )
    assert responded.json()["responded_at"] is not None
    acknowledged = send(client, "post", f"{REPORTS}/{report_id}/acknowledge")
    body = acknowledged.json()
    assert (body["status"], body["can_respond"], body["can_acknowledge"]) == (
        "acknowledged",
        False,
        False,
    )
    # Locked: no second response, no second acknowledgement.
    assert_forbidden(send(client, "post", f"{REPORTS}/{report_id}/respond", {"response": "Oh"}))
    assert_forbidden(send(client, "post", f"{REPORTS}/{report_id}/acknowledge"))
    report = FormalReport.objects.get(public_id=report_id)
    assert report.employee_response == "I'd like the SQL course."
    assert list(
        AuditEntry.objects.filter(object_id=report_id)
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "conversations.report_written",
        "conversations.report_written",
        "conversations.report_shared",
        "conversations.report_responded",
        "conversations.report_acknowledged",
    ]


def test_a_correction_is_a_new_version_shared_and_acknowledged_anew(client, personas):
    report = builders.report(personas)
    services.report_acknowledge(report=report, actor=personas.employee.user)
    client.force_login(personas.manager.user)

    without_reason = send(client, "post", report_url(report, "/correct"), {"text": "Fixed"})
    assert set(field_errors(without_reason)) == {"reason"}
    corrected = send(
        client,
        "post",
        report_url(report, "/correct"),
        {"text": "Eva planned every route on time.", "reason": "The dates were wrong."},
    )

    assert corrected.status_code == 201, corrected.content
    new = corrected.json()
    assert (new["version"], new["status"], new["supersedes_id"]) == (
        2,
        "draft",
        str(report.public_id),
    )
    assert new["correction_reason"] == "The dates were wrong."
    # A second correction of the same version, or of the draft: refused.
    again = {"text": "Again", "reason": "Again"}
    assert_forbidden(send(client, "post", report_url(report, "/correct"), again))
    assert_forbidden(send(client, "post", f"{REPORTS}/{new['id']}/correct", again))
    # Until it is shared, Eva reads the first version only, as it was.
    client.force_login(personas.employee.user)
    assert ids(client.get(REPORTS)) == id_of(report)
    old = client.get(report_url(report)).json()
    assert (old["status"], old["superseded_by_id"]) == ("acknowledged", None)
    assert_not_found(client.get(f"{REPORTS}/{new['id']}"))

    client.force_login(personas.manager.user)
    assert client.get(report_url(report)).json()["superseded_by_id"] == new["id"]
    send(client, "post", f"{REPORTS}/{new['id']}/share")
    client.force_login(personas.employee.user)
    assert ids(client.get(REPORTS, {"current": "true"})) == [new["id"]]
    assert [v["version"] for v in client.get(report_url(report)).json()["versions"]] == [2, 1]
    assert send(client, "post", f"{REPORTS}/{new['id']}/acknowledge").status_code == 200
    report.refresh_from_db()
    assert report.text.startswith("Eva planned every Almere route")
    assert AuditEntry.objects.filter(
        action="conversations.report_corrected", object_id=new["id"]
    ).exists()


def test_an_appraisal_is_rated_on_its_scale_and_a_performance_conversation_not(client, personas):
    builders.rating_scale(personas)
    appraisal = builders.meeting(personas, kind="appraisal", days=-1)
    performance = builders.meeting(personas, kind="performance", days=-2)
    client.force_login(personas.manager.user)

    unrated = send(client, "post", meeting_url(appraisal, "/report"), {"text": "Solid"}).json()
    assert set(field_errors(send(client, "post", f"{REPORTS}/{unrated['id']}/share"))) == {"rating"}
    wrong = send(client, "post", meeting_url(appraisal, "/report"), {"text": "x", "rating": 9})
    assert set(field_errors(wrong)) == {"rating"}
    rated = send(client, "post", meeting_url(appraisal, "/report"), {"text": "x", "rating": 4})
    assert rated.json()["rating"] == {"value": 4, "name": "Exceeds expectations"}
    assert [lvl["value"] for lvl in rated.json()["rating_scale"]["levels"]] == [1, 2, 3, 4, 5]
    no_rating = send(
        client, "post", meeting_url(performance, "/report"), {"text": "x", "rating": 3}
    )
    assert set(field_errors(no_rating)) == {"rating"}
    # A report belongs to a formal conversation.
    ad_hoc = builders.meeting(personas)
    assert_forbidden(send(client, "post", meeting_url(ad_hoc, "/report"), {"text": "x"}))


def test_the_pdf_is_the_report_for_the_personnel_file_and_audited(client, personas):
    report = builders.report(personas)
    client.force_login(personas.hr.user)

    response = client.get(report_url(report, "/pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="performance-')
    assert "Eva planned every Almere route" in pdf_text(response.content)
    entry = AuditEntry.objects.get(action="conversations.report_exported")
    assert (entry.actor, entry.object_id) == (personas.hr.user, str(report.public_id))


def test_the_report_list_filters(client, personas):
    builders.rating_scale(personas)
    performance = builders.report(personas)
    appraisal = builders.report(personas, kind="appraisal")
    services.report_acknowledge(report=performance, actor=personas.employee.user)
    client.force_login(personas.hr.user)

    assert set(ids(client.get(REPORTS))) == set(id_of(performance, appraisal))
    assert ids(client.get(REPORTS, {"kind": "appraisal"})) == id_of(appraisal)
    assert ids(client.get(REPORTS, {"status": "acknowledged"})) == id_of(performance)
    assert ids(client.get(REPORTS, {"status": "shared"})) == id_of(appraisal)
    assert ids(client.get(REPORTS, {"employee": personas.peer.public_id})) == []
    assert set(field_errors(client.get(REPORTS, {"employee": "nobody"}))) == {"employee"}


# --- Authentication --------------------------------------------------------------------------


def test_a_token_saves_notes_without_csrf_but_a_session_needs_it(personas):
    meeting = builders.meeting(personas)
    _token, secret = access_token_create(user=personas.employee.user, name="Script")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.employee.user)
    script = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})
    data = {"text": "From a script", "version": 1}

    refused = send(browser, "put", meeting_url(meeting, "/shared-note"), data)
    accepted = send(script, "put", meeting_url(meeting, "/shared-note"), data)

    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    assert accepted.status_code == 200
    assert SharedNote.objects.get(meeting=meeting).text == "From a script"


# --- Query budgets ---------------------------------------------------------------------------
# Every request starts with two queries: the session, and the user with their person.


def grow(personas, n):
    """The pair's past: n held conversations, each with four action items (one left open, so
    it carries over), shared notes and a private note; and a shared report per five."""
    target = target_meeting(personas)
    have = Meeting.objects.filter(kind="ad_hoc").count()
    for index in range(have, n):
        meeting = builders.meeting(personas, days=-(index + 2))
        services.shared_note_save(meeting=meeting, actor=personas.manager.user, text="a", version=1)
        services.private_note_save(meeting=meeting, actor=personas.manager.user, text=SECRET)
        for number in range(4):
            item = services.action_item_add(
                meeting=meeting,
                actor=personas.manager.user,
                owner=personas.employee if number % 2 else personas.manager,
                text=f"Action {index}.{number}",
                due_date=timezone.localdate() - datetime.timedelta(days=number),
            )
            if number:
                services.action_item_complete(item=item, actor=personas.manager.user)
        services.meeting_mark_held(meeting=meeting, actor=personas.manager.user)
        if index % 5 == 0:
            builders.report(personas)
    return target


def target_meeting(personas) -> Meeting:
    """The pair's planned 1:1, with questions, a goal, a talking point and both notes."""
    series = Series.objects.filter(manager=personas.manager, employee=personas.employee).first()
    if series is None:
        builders.check_in_template(personas)
        create_goal(personas.employee, title="Plan the Almere routes")
        series = builders.series(personas)
        meeting = builders.planned(series)
        services.agenda_item_add(meeting=meeting, actor=personas.employee.user, text="SQL")
        services.private_note_save(meeting=meeting, actor=personas.manager.user, text=SECRET)
        return meeting
    return builders.planned(series)


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(captured), response.json()


@pytest.mark.parametrize("viewer", ["manager", "employee"])
def test_the_conversation_list_runs_a_fixed_number_of_queries(client, personas, viewer):
    client.force_login(personas.get(viewer).user)
    counts = []
    for size in (5, 50):
        grow(personas, size)
        # Count, page (both people and the series joined in).
        count, body = count_queries(client, CONVERSATIONS, {"page_size": 200})
        assert body["count"] == Meeting.objects.count()
        counts.append(count)
        # The same, plus the person of the filter.
        count, _body = count_queries(
            client, CONVERSATIONS, {"status": "past", "with": personas.manager.public_id}
        )
        counts.append(count)
    assert counts == [4, 5, 4, 5]


def test_the_detail_with_a_long_history_runs_a_fixed_number_of_queries(client, personas):
    """The brief's numbers: 50 earlier conversations and 200 action items between the two."""
    client.force_login(personas.manager.user)
    counts = []
    for size in (5, 50):
        target = grow(personas, size)
        # The meeting (both people, series, shared notes with who saved them, the number of
        # revisions), the agenda (authors and goals joined in), which of its goals are still
        # visible, the check-in answers, the action items (own and carried over, with owners
        # and their meetings), my private note.
        count, body = count_queries(client, meeting_url(target))
        counts.append(count)
        assert len(body["action_items"]) == min(size, queries.ACTIONS_SHOWN)
        assert all(item["carried_over"] for item in body["action_items"])
        assert body["my_private_note"]["text"] == SECRET
    assert ActionItem.objects.count() == 200
    assert counts == [8, 8]


def test_the_action_item_list_runs_a_fixed_number_of_queries(client, personas):
    client.force_login(personas.employee.user)
    counts = []
    for size in (5, 50):
        grow(personas, size)
        # Count, page (owners and meetings joined in).
        count, body = count_queries(client, ACTION_ITEMS, {"page_size": 200})
        assert body["count"] == 4 * size
        counts.append(count)
        # The same for one conversation's items, plus the conversation.
        count, body = count_queries(
            client, ACTION_ITEMS, {"conversation": target_meeting(personas).public_id}
        )
        assert body["count"] == size
        counts.append(count)
    assert counts == [4, 5, 4, 5]


def test_the_report_list_runs_a_fixed_number_of_queries(client, personas):
    client.force_login(personas.director.user)
    counts = []
    for size in (5, 50):
        grow(personas, size)
        # The page and one row more (meeting, people, rating and the version corrected joined
        # in; whether a correction is visible as a subquery), not counted.
        count, body = count_queries(client, REPORTS, {"page_size": 200})
        assert body["count"] is None
        assert len(body["results"]) == FormalReport.objects.count() == size // 5
        counts.append(count)
    assert counts == [3, 3]


def test_the_report_list_is_counted_for_one_employee_and_pages_without_a_count(client, personas):
    for _ in range(3):
        formal = builders.meeting(personas, kind="performance", days=-1)
        report = services.report_write(meeting=formal, actor=personas.manager.user, text="Fine")
        services.report_share(report=report, actor=personas.manager.user)
    client.force_login(personas.hr.user)

    first = client.get(REPORTS, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    counted = client.get(
        REPORTS, {"page_size": 2, "employee": str(personas.employee.public_id)}
    ).json()

    assert (first["count"], len(first["results"]), first["previous"]) == (None, 2, None)
    assert (second["count"], len(second["results"]), second["next"]) == (None, 1, None)
    assert "page=1" in second["previous"]
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 3
    assert (counted["count"], len(counted["results"])) == (3, 2)
    assert "page=2" in counted["next"]


def test_hrs_list_of_reports_puts_their_own_drafts_among_everyones_shared_ones(client, personas):
    """HR's list is two lists merged (`policies.reports_visible_to_hr`): every shared report,
    and HR's own drafts. Page by page, it is the one list, newest conversation first."""
    hannas_report = PersonFactory(manager=personas.hr, team=personas.hr.team)
    reports = {}

    def formal(writer, about, days, *, shared):
        meeting = builders.meeting(
            personas,
            kind="performance",
            days=days,
            actor=writer.user,
            manager=writer,
            employee=about,
        )
        report = services.report_write(meeting=meeting, actor=writer.user, text=f"Day {days}")
        if shared:
            report = services.report_share(report=report, actor=writer.user)
        reports[days] = str(report.public_id)

    for days in (-10, -8, -6, -4, -2):
        formal(personas.manager, personas.employee, days, shared=True)
    formal(personas.manager, personas.employee, -5, shared=False)  # Mark's alone
    for days in (-9, -3, -1):
        formal(personas.hr, hannas_report, days, shared=False)
    formal(personas.hr, hannas_report, -7, shared=True)
    client.force_login(personas.hr.user)

    def listed(**params):
        ids, url, pages = [], REPORTS, 0
        while url:
            body = client.get(url, params if pages == 0 else None).json()
            assert body["count"] is None
            ids += [r["id"] for r in body["results"]]
            url, pages = body["next"], pages + 1
        return ids, pages

    expected = [reports[days] for days in (-1, -2, -3, -4, -6, -7, -8, -9, -10)]
    for size in (1, 2, 4, 9, 50):
        assert listed(page_size=size) == (expected, -(-len(expected) // size)), size
    assert listed(status="draft")[0] == [reports[days] for days in (-1, -3, -9)]
    assert listed(status="shared", page_size=2)[0] == [
        reports[days] for days in (-2, -4, -6, -7, -8, -10)
    ]
    assert client.get(REPORTS, {"page": 3, "page_size": 5}).json()["results"] == []


def test_the_report_list_shows_many_people_for_the_same_cost(client, personas):
    """Reports about many employees, for HR: the rows' people come with the page."""
    for _ in range(12):
        colleague = PersonFactory(manager=personas.manager, team=personas.planning)
        formal = builders.meeting(personas, kind="performance", days=-1, employee=colleague)
        report = services.report_write(meeting=formal, actor=personas.manager.user, text="Fine")
        services.report_share(report=report, actor=personas.manager.user)
    client.force_login(personas.hr.user)

    count, body = count_queries(client, REPORTS, {"page_size": 200})

    # The page of shared reports, and HR's own drafts (none here) to merge among them.
    assert (count, len(body["results"])) == (4, 12)
