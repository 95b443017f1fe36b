import datetime
import json
import uuid

import pytest
from django.utils import timezone

from stip.core.models import AuditEntry
from stip.feedback import services
from stip.feedback.models import (
    CompanyValue,
    Feedback,
    ManagerNote,
    Participant,
    Praise,
    QuestionSet,
    Reaction,
    RequestRecipient,
    Response,
    Round,
)
from tests.factories import GoalFactory, PersonFactory
from tests.feedback.builders import answer, question_set, start_round

pytestmark = pytest.mark.django_db

FEEDBACK = "/api/v1/feedback"
REQUESTS = "/api/v1/feedback/requests"
PRAISE = "/api/v1/praise"
VALUES = "/api/v1/values"
ROUNDS = "/api/v1/rounds"
QUESTION_SETS = "/api/v1/question-sets"
SCALES = "/api/v1/rating-scales"


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


def give(author, recipient, text="Thanks for the clear planning", **kwargs):
    return services.feedback_give(author=author.user, recipient=recipient, text=text, **kwargs)


def value(name="Customer first", nl="Klant voorop", **kwargs):
    return CompanyValue.objects.create(name_en=name, name_nl=nl, **kwargs)


def colleagues(personas, n):
    return PersonFactory.create_batch(n, manager=personas.manager, team=personas.planning)


# --- Feedback --------------------------------------------------------------------------------


def test_the_list_item_says_what_the_feedback_is(client, personas):
    goal = GoalFactory(owner=personas.employee, title="Plan Almere")
    customer_first = value()
    feedback = give(personas.peer, personas.employee, goal=goal, value=customer_first)
    client.force_login(personas.employee.user)

    [item] = client.get(FEEDBACK).json()["results"]

    assert item == {
        "id": str(feedback.public_id),
        "author": {"id": str(personas.peer.public_id), "full_name": "Piet Peer"},
        "recipient": {"id": str(personas.employee.public_id), "full_name": "Eva Employee"},
        "text": "Thanks for the clear planning",
        "visibility": "recipient",
        "goal": {"id": str(goal.public_id), "title": "Plan Almere"},
        "value": {"id": str(customer_first.public_id), "name": "Customer first"},
        "request_id": None,
        "helpful": False,
        "reply_count": 0,
        "created_at": item["created_at"],
    }


def test_feedback_is_for_its_author_its_recipient_and_the_chain_when_chosen(client, personas):
    private = give(personas.peer, personas.employee, "Only for you")
    shared = give(
        personas.peer, personas.employee, "Managers too", visibility="recipient_and_manager"
    )
    about_employee = {"person": str(personas.employee.public_id)}

    expected = {
        "employee": [shared, private],
        "peer": [shared, private],
        "manager": [shared],
        "director": [shared],
        "hr": [],
        "admin": [],
        "outsider": [],
    }
    for name, visible in expected.items():
        client.force_login(personas.get(name).user)
        assert ids(client.get(FEEDBACK, about_employee)) == id_of(*visible), name
        for feedback in (private, shared):
            response = client.get(f"{FEEDBACK}/{feedback.public_id}")
            if feedback in visible:
                assert response.status_code == 200, name
            else:
                assert_not_found(response)


def test_me_and_the_direction(client, personas):
    received = give(personas.peer, personas.employee)
    given = give(personas.employee, personas.manager)
    client.force_login(personas.employee.user)

    assert ids(client.get(FEEDBACK)) == id_of(received)
    assert ids(client.get(FEEDBACK, {"person": "ME"})) == id_of(received)
    assert ids(client.get(FEEDBACK, {"direction": "given"})) == id_of(given)
    # The peer's own feedback, as far as the employee may see it: what they gave her.
    peer = {"person": str(personas.peer.public_id), "direction": "given"}
    assert ids(client.get(FEEDBACK, peer)) == id_of(received)


def test_unknown_filter_values_are_validation_errors(client, personas):
    client.force_login(personas.employee.user)

    assert set(field_errors(client.get(FEEDBACK, {"person": uuid.uuid4()}))) == {"person"}
    assert set(field_errors(client.get(FEEDBACK, {"person": "you"}))) == {"person"}
    assert set(field_errors(client.get(FEEDBACK, {"direction": "sideways"}))) == {"direction"}
    # Someone who has left is unknown to an employee.
    leaver = {"person": str(personas.leaver.public_id)}
    assert set(field_errors(client.get(FEEDBACK, leaver))) == {"person"}


def test_it_gives_feedback_about_a_goal_and_a_value(client, personas):
    goal = GoalFactory(owner=personas.employee, visibility="team")
    honest = value("Honest and open", "Eerlijk en open")
    client.force_login(personas.peer.user)

    response = send(
        client,
        "post",
        FEEDBACK,
        {
            "recipient": str(personas.employee.public_id),
            "text": "  Your route plan saved us a truck.  ",
            "visibility": "recipient_and_manager",
            "goal": str(goal.public_id),
            "value": str(honest.public_id),
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    feedback = Feedback.objects.get(public_id=body["id"])
    assert (feedback.author, feedback.recipient, feedback.text) == (
        personas.peer,
        personas.employee,
        "Your route plan saved us a truck.",
    )
    assert (feedback.goal, feedback.value, feedback.visibility) == (
        goal,
        honest,
        "recipient_and_manager",
    )
    assert body["goal"]["id"] == str(goal.public_id)
    assert body["replies"] == [] and body["can_reply"] is True
    assert body["can_mark_helpful"] is False
    entry = AuditEntry.objects.get(action="feedback.given")
    assert entry.actor == personas.peer.user
    assert entry.object_id == body["id"]


def test_a_goal_the_reader_may_no_longer_see_is_not_revealed(client, personas):
    goal = GoalFactory(owner=personas.employee, visibility="team")
    feedback = give(personas.peer, personas.employee, goal=goal)
    goal.visibility = "private"
    goal.save()

    client.force_login(personas.peer.user)
    assert client.get(f"{FEEDBACK}/{feedback.public_id}").json()["goal"] is None
    client.force_login(personas.employee.user)
    assert client.get(f"{FEEDBACK}/{feedback.public_id}").json()["goal"]["id"] == str(
        goal.public_id
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"text": "   "}, "text", "Write something first: empty feedback says nothing."),
        ({"text": "x" * 5001}, "text", "Ensure this value has at most 5000 characters."),
        ({"recipient": None}, "recipient", "This field is required."),
        ({"recipient": str(uuid.uuid4())}, "recipient", "There is no person with this id."),
        ({"goal": str(uuid.uuid4())}, "goal", "There is no goal with this id."),
        ({"value": str(uuid.uuid4())}, "value", "There is no company value with this id."),
        ({"request": str(uuid.uuid4())}, "request", "There is no request with this id."),
        ({"visibility": "everyone"}, "visibility", None),
    ],
)
def test_bad_feedback_is_refused_with_the_field_and_why(client, personas, change, field, message):
    client.force_login(personas.peer.user)
    body = {"recipient": str(personas.employee.public_id), "text": "Well done"} | change

    errors = field_errors(send(client, "post", FEEDBACK, body))

    assert field in errors
    if message:
        assert errors[field] == message
    assert not Feedback.objects.exists()


def test_a_retired_value_and_feedback_to_oneself_are_refused(client, personas):
    retired = value(active=False)
    client.force_login(personas.peer.user)
    body = {"recipient": str(personas.employee.public_id), "text": "Well done"}

    errors = field_errors(send(client, "post", FEEDBACK, body | {"value": str(retired.public_id)}))
    assert errors == {"value": "This value is no longer in use."}
    assert_forbidden(
        send(client, "post", FEEDBACK, body | {"recipient": str(personas.peer.public_id)})
    )
    assert not Feedback.objects.exists()


def test_author_and_recipient_reply_the_chain_only_reads(client, personas):
    feedback = give(personas.peer, personas.employee, visibility="recipient_and_manager")
    url = f"{FEEDBACK}/{feedback.public_id}"

    client.force_login(personas.employee.user)
    assert send(client, "post", f"{url}/replies", {"text": "Thank you!"}).status_code == 201
    client.force_login(personas.peer.user)
    assert send(client, "post", f"{url}/replies", {"text": "You're welcome"}).status_code == 201
    client.force_login(personas.manager.user)
    assert_forbidden(send(client, "post", f"{url}/replies", {"text": "Me too"}))
    assert_forbidden(send(client, "put", f"{url}/helpful", {"helpful": True}))
    client.force_login(personas.outsider.user)
    assert_not_found(send(client, "post", f"{url}/replies", {"text": "Hi"}))
    assert_not_found(send(client, "put", f"{url}/helpful", {"helpful": True}))

    client.force_login(personas.employee.user)
    assert field_errors(send(client, "post", f"{url}/replies", {"text": ""})) == {
        "text": "Write something first: empty feedback says nothing."
    }
    response = send(client, "put", f"{url}/helpful", {"helpful": True})
    assert response.status_code == 200
    body = response.json()
    assert body["helpful"] is True and body["reply_count"] == 2
    assert [(r["author"]["full_name"], r["text"]) for r in body["replies"]] == [
        ("Eva Employee", "Thank you!"),
        ("Piet Peer", "You're welcome"),
    ]
    assert send(client, "put", f"{url}/helpful", {"helpful": False}).json()["helpful"] is False


# --- Requests --------------------------------------------------------------------------------


def test_a_request_is_made_answered_and_declined(client, personas):
    client.force_login(personas.employee.user)
    response = send(
        client,
        "post",
        REQUESTS,
        {
            "question": "How did my planning meeting go?",
            "respondents": [str(personas.peer.public_id), str(personas.manager.public_id)],
            "due_date": str(timezone.localdate() + datetime.timedelta(days=7)),
        },
    )
    assert response.status_code == 201, response.content
    made = response.json()
    url = f"{REQUESTS}/{made['id']}"
    assert (made["asked"], made["answered"], made["my_status"]) == (2, 0, None)
    assert made["subject"]["id"] == str(personas.employee.public_id)
    assert AuditEntry.objects.filter(action="feedback.request_created").count() == 1

    client.force_login(personas.peer.user)
    [asked] = client.get(REQUESTS, {"role": "asked"}).json()["results"]
    assert (asked["id"], asked["my_status"]) == (made["id"], "pending")
    assert client.get(REQUESTS).json()["count"] == 0  # the peer made none
    assert send(client, "post", f"{url}/decline").json()["my_status"] == "declined"
    assert field_errors(send(client, "post", f"{url}/decline")) == {
        None: "You have already answered this request."
    }
    assert ids(client.get(REQUESTS, {"role": "asked", "status": "pending"})) == []

    client.force_login(personas.manager.user)
    answer = send(client, "post", FEEDBACK, {"request": made["id"], "text": "Clear and short"})
    assert answer.status_code == 201, answer.content
    assert answer.json()["recipient"]["id"] == str(personas.employee.public_id)
    assert answer.json()["request_id"] == made["id"]
    again = send(client, "post", FEEDBACK, {"request": made["id"], "text": "And again"})
    assert field_errors(again) == {"text": "You have already answered this request."}

    client.force_login(personas.employee.user)
    detail = client.get(url).json()
    assert (detail["asked"], detail["answered"]) == (2, 1)
    assert [a["text"] for a in detail["answers"]] == ["Clear and short"]
    assert sorted((r["person"]["full_name"], r["status"]) for r in detail["recipients"]) == [
        ("Mark Manager", "answered"),
        ("Piet Peer", "declined"),
    ]
    # A respondent sees the request, their own answer and nobody else's status.
    client.force_login(personas.manager.user)
    detail = client.get(url).json()
    assert detail["recipients"] is None and detail["my_status"] == "answered"
    assert [a["text"] for a in detail["answers"]] == ["Clear and short"]
    for name in ("director", "hr", "outsider"):
        client.force_login(personas.get(name).user)
        assert_not_found(client.get(url))


def test_answers_to_a_managers_request_reach_the_report_once_shared(client, personas):
    request = services.feedback_request_create(
        requester=personas.manager.user,
        subject=personas.employee,
        question="How does Eva run the planning meeting?",
        respondents=[personas.peer],
    )
    url = f"{REQUESTS}/{request.public_id}"
    client.force_login(personas.peer.user)
    response = send(client, "post", FEEDBACK, {"request": str(request.public_id), "text": "Clear"})
    answer_id = response.json()["id"]

    client.force_login(personas.employee.user)
    assert answer_id not in ids(client.get(FEEDBACK))
    assert_not_found(client.get(url))
    assert_not_found(client.get(f"{FEEDBACK}/{answer_id}"))

    client.force_login(personas.peer.user)
    assert_forbidden(send(client, "post", f"{url}/share"))
    client.force_login(personas.manager.user)
    shared = send(client, "post", f"{url}/share")
    assert shared.status_code == 200 and shared.json()["shared_with_subject_at"]

    client.force_login(personas.employee.user)
    assert answer_id in ids(client.get(FEEDBACK))
    assert [a["id"] for a in client.get(url).json()["answers"]] == [answer_id]
    assert AuditEntry.objects.filter(action="feedback.request_shared_with_subject").count() == 1


def test_a_request_is_about_oneself_or_a_report(client, personas):
    body = {"question": "How am I doing?", "respondents": [str(personas.manager.public_id)]}
    client.force_login(personas.peer.user)

    about_a_colleague = body | {"subject": str(personas.employee.public_id)}
    assert_forbidden(send(client, "post", REQUESTS, about_a_colleague))
    assert field_errors(send(client, "post", REQUESTS, body | {"respondents": []})) == {
        "respondents": "Choose at least one colleague to ask."
    }
    unknown = body | {"respondents": [str(uuid.uuid4())]}
    assert set(field_errors(send(client, "post", REQUESTS, unknown))) == {"respondents"}
    yesterday = str(timezone.localdate() - datetime.timedelta(days=1))
    assert set(field_errors(send(client, "post", REQUESTS, body | {"due_date": yesterday}))) == {
        "due_date"
    }
    assert set(field_errors(send(client, "post", REQUESTS, body | {"question": " "}))) == {
        "question"
    }
    # Someone who was not asked cannot decline; a request about oneself is not shared.
    client.force_login(personas.employee.user)
    mine = send(client, "post", REQUESTS, body).json()
    assert_forbidden(send(client, "post", f"{REQUESTS}/{mine['id']}/decline"))
    assert_forbidden(send(client, "post", f"{REQUESTS}/{mine['id']}/share"))


# --- Manager notes ---------------------------------------------------------------------------


def test_manager_notes_are_for_the_chain_and_for_hr_once_shared(client, personas):
    notes = f"/api/v1/people/{personas.employee.public_id}/notes"
    client.force_login(personas.manager.user)
    response = send(client, "post", notes, {"text": "Ready for the Almere routes"})
    assert response.status_code == 201, response.content
    note = response.json()
    assert note["shared_with_hr_at"] is None
    assert AuditEntry.objects.get(action="feedback.manager_note_written").actor == (
        personas.manager.user
    )

    def listed(name):
        client.force_login(personas.get(name).user)
        return client.get(notes)

    assert ids(listed("manager")) == ids(listed("director")) == [note["id"]]
    assert ids(listed("hr")) == []
    for name in ("employee", "peer", "outsider", "admin"):
        assert_forbidden(listed(name))

    share = f"/api/v1/feedback/notes/{note['id']}/share"
    client.force_login(personas.director.user)
    assert_forbidden(send(client, "post", share))
    client.force_login(personas.employee.user)
    assert_not_found(send(client, "post", share))
    client.force_login(personas.manager.user)
    assert send(client, "post", share).json()["shared_with_hr_at"]
    assert ids(listed("hr")) == [note["id"]]
    assert_forbidden(listed("employee"))


def test_only_the_chain_writes_notes(client, personas):
    for name in ("employee", "peer", "hr", "outsider"):
        client.force_login(personas.get(name).user)
        url = f"/api/v1/people/{personas.employee.public_id}/notes"
        assert_forbidden(send(client, "post", url, {"text": "A note"}))
    client.force_login(personas.manager.user)
    assert_not_found(send(client, "post", f"/api/v1/people/{uuid.uuid4()}/notes", {"text": "x"}))
    assert not ManagerNote.objects.exists()


# --- Praise and values -----------------------------------------------------------------------


def test_the_wall_counts_reactions_and_knows_mine(client, personas):
    customer_first = value()
    praise = services.praise_give(
        author=personas.peer.user,
        recipient=personas.employee,
        text="Saved the Almere route!",
        value=customer_first,
    )
    url = f"{PRAISE}/{praise.public_id}/reactions"

    client.force_login(personas.manager.user)
    assert send(client, "put", f"{url}/heart").json()["reactions"]["heart"] == 1
    client.force_login(personas.outsider.user)
    send(client, "put", f"{url}/heart")
    once = send(client, "put", f"{url}/party", {"reacted": True}).json()
    twice = send(client, "put", f"{url}/party", {"reacted": True}).json()
    assert (
        once["reactions"]
        == twice["reactions"]
        == {
            "applause": 0,
            "heart": 2,
            "star": 0,
            "party": 1,
        }
    )
    assert twice["my_reactions"] == ["heart", "party"]
    # Toggled off again.
    assert send(client, "put", f"{url}/heart").json()["my_reactions"] == ["party"]

    client.force_login(personas.manager.user)
    [item] = client.get(PRAISE).json()["results"]
    assert item["reactions"]["heart"] == 1 and item["my_reactions"] == ["heart"]
    assert item["value"] == {"id": str(customer_first.public_id), "name": "Customer first"}
    assert set(field_errors(send(client, "put", f"{url}/hug"))) == {"kind"}
    assert_not_found(send(client, "put", f"{PRAISE}/{uuid.uuid4()}/reactions/heart"))


def test_the_wall_filters(client, personas):
    customer_first = value()
    planning = services.praise_give(
        author=personas.peer.user, recipient=personas.employee, text="Great", value=customer_first
    )
    finance = services.praise_give(
        author=personas.peer.user, recipient=personas.outsider, text="Quick invoices"
    )
    client.force_login(personas.hr.user)

    assert ids(client.get(PRAISE)) == id_of(finance, planning)
    assert ids(client.get(PRAISE, {"team": str(personas.operations.public_id)})) == id_of(planning)
    assert ids(client.get(PRAISE, {"value": str(customer_first.public_id)})) == id_of(planning)
    assert ids(client.get(PRAISE, {"recipient": str(personas.outsider.public_id)})) == id_of(
        finance
    )
    assert set(field_errors(client.get(PRAISE, {"team": uuid.uuid4()}))) == {"team"}
    assert set(field_errors(client.get(PRAISE, {"value": uuid.uuid4()}))) == {"value"}


def test_praise_is_given_to_a_colleague(client, personas):
    client.force_login(personas.peer.user)
    body = {"recipient": str(personas.employee.public_id), "text": "Thanks for covering!"}

    response = send(client, "post", PRAISE, body)
    assert response.status_code == 201, response.content
    assert response.json()["reactions"]["applause"] == 0
    assert_forbidden(
        send(client, "post", PRAISE, body | {"recipient": str(personas.peer.public_id)})
    )
    assert set(field_errors(send(client, "post", PRAISE, body | {"text": ""}))) == {"text"}
    assert Praise.objects.count() == 1


def test_hr_keeps_the_values(client, personas):
    body = {"name_en": "Stronger together", "name_nl": "Samen sterker"}
    client.force_login(personas.employee.user)
    assert_forbidden(send(client, "post", VALUES, body))

    client.force_login(personas.hr.user)
    created = send(client, "post", VALUES, body)
    assert created.status_code == 201, created.content
    url = f"{VALUES}/{created.json()['id']}"
    assert field_errors(send(client, "post", VALUES, body | {"name_nl": " "})) == {
        "name_nl": "Give the value a Dutch name."
    }
    retired = send(client, "patch", url, {"active": False}).json()
    assert (retired["name_en"], retired["active"]) == ("Stronger together", False)
    assert AuditEntry.objects.filter(action="feedback.value_saved").count() == 2
    assert_not_found(send(client, "patch", f"{VALUES}/{uuid.uuid4()}", {"active": True}))

    client.force_login(personas.employee.user)
    assert_forbidden(send(client, "patch", url, {"active": True}))
    assert ids(client.get(VALUES, {"active": True})) == []
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"
    [listed] = client.get(VALUES).json()["results"]
    assert listed["name"] == "Stronger together"  # the employee's own language: English


def test_hr_builds_scales_and_question_sets(client, personas):
    client.force_login(personas.hr.user)
    scale = send(
        client,
        "post",
        SCALES,
        {
            "name_en": "Agreement",
            "name_nl": "Instemming",
            "levels": [
                {"name_en": "Disagree", "name_nl": "Oneens"},
                {"name_en": "Agree", "name_nl": "Eens"},
            ],
        },
    )
    assert scale.status_code == 201, scale.content
    assert [level["value"] for level in scale.json()["levels"]] == [1, 2]
    body = {
        "name_en": "Leadership",
        "name_nl": "Leiderschap",
        "questions": [
            {"kind": "rating", "text_en": "Listens", "text_nl": "Luistert",
             "scale": scale.json()["id"]},
            {"kind": "open", "text_en": "What works?", "text_nl": "Wat werkt?"},
        ],
    }  # fmt: skip

    created = send(client, "post", QUESTION_SETS, body)

    assert created.status_code == 201, created.content
    questions = created.json()["questions"]
    assert [(q["number"], q["kind"], q["text"]) for q in questions] == [
        (1, "rating", "Listens"),
        (2, "open", "What works?"),
    ]
    assert questions[0]["scale"]["name"] == "Agreement"
    no_scale = body | {"questions": [{"kind": "rating", "text_en": "A", "text_nl": "B"}]}
    assert field_errors(send(client, "post", QUESTION_SETS, no_scale)) == {
        "questions.0.scale": "Choose a scale."
    }
    unknown = body | {"questions": [body["questions"][0] | {"scale": str(uuid.uuid4())}]}
    assert set(field_errors(send(client, "post", QUESTION_SETS, unknown))) == {"questions.0.scale"}
    client.force_login(personas.manager.user)
    assert_forbidden(send(client, "post", QUESTION_SETS, body))
    assert_forbidden(send(client, "post", SCALES, {"name_en": "A", "name_nl": "B", "levels": []}))
    assert client.get(QUESTION_SETS).json()["count"] == 1
    assert QuestionSet.objects.count() == 1


# --- 360° rounds -----------------------------------------------------------------------------


def round_url(round_, suffix=""):
    return f"{ROUNDS}/{round_.public_id}{suffix}"


def test_a_round_is_started_through_the_api(client, personas):
    template = question_set(personas.hr)
    peers = colleagues(personas, 3)
    client.force_login(personas.manager.user)
    body = {
        "subject": str(personas.employee.public_id),
        "question_set": str(template.public_id),
        "closes_on": str(timezone.localdate() + datetime.timedelta(days=10)),
        "respondents": {
            "peer": [str(p.public_id) for p in peers],
            "other": [str(personas.outsider.public_id)],
        },
    }

    response = send(client, "post", ROUNDS, body)

    assert response.status_code == 201, response.content
    detail = response.json()
    assert detail["anonymous_perspectives"] == ["peer", "report"]
    assert detail["participation"] == [
        {"perspective": "self", "label": "Self", "asked": 1, "answered": 0},
        {"perspective": "manager", "label": "Manager", "asked": 1, "answered": 0},
        {"perspective": "peer", "label": "Peers", "asked": 3, "answered": 0},
        {"perspective": "other", "label": "Others", "asked": 1, "answered": 0},
    ]
    assert detail["invitation"] == {"perspective": "manager", "answered": False, "declined": False}
    assert detail["can_manage"] is True and detail["result_available"] is False
    assert [q["number"] for q in detail["questions"]] == [1, 2]
    assert [level["name"] for level in detail["questions"][0]["scale"]["levels"]] == [
        "Rarely",
        "Sometimes",
        "Often",
        "Always",
    ]
    assert AuditEntry.objects.filter(action="feedback.round_started").count() == 1
    # Counts only: nobody asked is named.
    text = json.dumps(detail)
    for person in (*peers, personas.outsider):
        assert str(person.public_id) not in text and person.last_name not in text

    client.force_login(personas.peer.user)
    assert_forbidden(send(client, "post", ROUNDS, body))
    past = body | {"closes_on": str(timezone.localdate() - datetime.timedelta(days=1))}
    client.force_login(personas.manager.user)
    assert set(field_errors(send(client, "post", ROUNDS, past))) == {"closes_on"}
    unknown = body | {"question_set": str(uuid.uuid4())}
    assert set(field_errors(send(client, "post", ROUNDS, unknown))) == {"question_set"}
    nobody = body | {"respondents": {"report": [str(uuid.uuid4())]}}
    assert set(field_errors(send(client, "post", ROUNDS, nobody))) == {"respondents.report"}
    assert Round.objects.count() == 1


def test_who_sees_a_round(client, personas):
    invited = start_round(personas, peers=[personas.peer])
    not_invited = start_round(personas, peers=colleagues(personas, 1))

    expected = {
        "employee": [not_invited, invited],
        "manager": [not_invited, invited],
        "director": [not_invited, invited],
        "hr": [not_invited, invited],
        "admin": [not_invited, invited],
        "peer": [invited],
        "outsider": [],
    }
    for name, visible in expected.items():
        client.force_login(personas.get(name).user)
        assert ids(client.get(ROUNDS)) == id_of(*visible), name
        for round_ in (invited, not_invited):
            response = client.get(round_url(round_))
            if round_ in visible:
                assert response.status_code == 200, name
            else:
                assert_not_found(response)
    client.force_login(personas.peer.user)
    assert ids(client.get(ROUNDS, {"invited": True})) == id_of(invited)
    client.force_login(personas.employee.user)
    assert ids(client.get(ROUNDS, {"invited": False})) == []
    assert len(ids(client.get(ROUNDS, {"subject": "me", "status": "open"}))) == 2


def test_answering_a_round(client, personas):
    peers = colleagues(personas, 3)
    round_ = start_round(personas, peers=peers)
    url = round_url(round_, "/answers")

    client.force_login(peers[0].user)
    response = send(client, "post", url, {"ratings": {"1": 3}, "texts": {"2": "Always helps"}})
    assert response.status_code == 204, response.content
    assert field_errors(send(client, "post", url, {"ratings": {"1": 2}})) == {
        None: "You have already answered this round."
    }
    stored = Response.objects.get()
    assert (stored.perspective, stored.author) == ("peer", None)
    assert not AuditEntry.objects.filter(actor=peers[0].user).exists()
    detail = client.get(round_url(round_)).json()
    assert detail["invitation"]["answered"] is True
    assert detail["participation"] == []  # counts are for the subject and the managers

    client.force_login(peers[1].user)
    assert field_errors(send(client, "post", url, {"ratings": {"1": 9}})) == {
        "ratings.1": "Choose one of the levels."
    }
    assert field_errors(send(client, "post", url, {"texts": {"2": "x" * 5001}})) == {
        "texts.2": "Keep it under 5000 characters."
    }
    assert field_errors(send(client, "post", url, {"ratings": {"7": 1}})) == {
        "ratings.7": "This round has no question with this number."
    }
    assert field_errors(send(client, "post", url, {"texts": {"2": "  "}})) == {
        None: "Answer at least one question."
    }
    # Seen but not asked: HR; not seen at all: the outsider.
    client.force_login(personas.hr.user)
    assert_forbidden(send(client, "post", url, {"ratings": {"1": 3}}))
    client.force_login(personas.outsider.user)
    assert_not_found(send(client, "post", url, {"ratings": {"1": 3}}))

    services.round_close(round_=round_, actor=personas.manager.user)
    client.force_login(peers[1].user)
    assert field_errors(send(client, "post", url, {"ratings": {"1": 3}})) == {
        None: "This round is closed and takes no more answers."
    }
    assert Response.objects.count() == 1


def test_declining_a_round(client, personas):
    peers = colleagues(personas, 2)
    round_ = start_round(personas, peers=peers)
    url = round_url(round_, "/decline")

    client.force_login(peers[0].user)
    assert send(client, "post", url).status_code == 204
    assert client.get(round_url(round_)).json()["invitation"]["declined"] is True
    answer(round_, peers[1], 3)
    client.force_login(peers[1].user)
    assert field_errors(send(client, "post", url)) == {
        None: "You have already answered this round."
    }
    client.force_login(personas.hr.user)
    assert_forbidden(send(client, "post", url))
    assert Participant.objects.filter(declined=True).count() == 1


def test_closing_releasing_and_reading_the_result(client, personas):
    peers = colleagues(personas, 3)
    round_ = start_round(personas, peers=peers)
    for peer, rating, text in zip(
        peers, (2, 3, 4), ("Plans ahead", "Asks for help", ""), strict=True
    ):
        answer(round_, peer, rating, text)
    answer(round_, personas.employee, 4, "I plan ahead")
    answer(round_, personas.manager, 3)
    result = round_url(round_, "/result")

    client.force_login(personas.manager.user)
    assert_not_found(client.get(result))  # open: no result for anyone
    client.force_login(peers[0].user)
    assert_forbidden(send(client, "post", round_url(round_, "/close")))
    client.force_login(personas.manager.user)
    closed = send(client, "post", round_url(round_, "/close"), {"release": False})
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["released_at"] is None
    assert closed.json()["result_available"] is True

    for name in ("manager", "director", "hr", "admin"):
        client.force_login(personas.get(name).user)
        assert client.get(result).status_code == 200, name
    for name in ("employee", "peer", "outsider"):
        client.force_login(personas.get(name).user)
        assert_not_found(client.get(result))

    client.force_login(personas.manager.user)
    released = send(client, "post", round_url(round_, "/close"), {"release": True}).json()
    assert released["released_at"] is not None
    assert AuditEntry.objects.filter(action="feedback.round_released").count() == 1
    client.force_login(personas.employee.user)
    body = client.get(result).json()

    assert body["minimum"] == 3 and body["hidden"] == [] and body["hidden_note"] is None
    assert [(g["key"], g["count"], g["anonymous"], g["authors"]) for g in body["groups"]] == [
        ("self", 1, False, ["Eva Employee"]),
        ("manager", 1, False, ["Mark Manager"]),
        ("peer", 3, True, []),
    ]
    rating, open_question = body["questions"]
    assert rating["averages"] == {"self": 4.0, "manager": 3.0, "peer": 3.0}
    assert rating["overall"] == 3.2  # (4 + 3 + 2 + 3 + 4) / 5
    assert open_question["comments"] == {"peer": ["Asks for help", "Plans ahead"],
                                         "self": ["I plan ahead"]}  # fmt: skip
    text = json.dumps(body)
    for peer in peers:
        assert str(peer.public_id) not in text and peer.last_name not in text


def test_two_peers_are_hidden_and_counted_nowhere(client, personas):
    peers = colleagues(personas, 3)
    round_ = start_round(personas, peers=peers)
    answer(round_, peers[0], 1, "Hidden remark")
    answer(round_, peers[1], 1)
    answer(round_, personas.manager, 4)
    services.round_close(round_=round_, actor=personas.manager.user)
    client.force_login(personas.hr.user)

    body = client.get(round_url(round_, "/result")).json()

    assert [g["key"] for g in body["groups"]] == ["manager"]
    assert body["hidden"] == [{"perspective": "peer", "label": "Peers"}]
    assert "Fewer than 3 people answered as Peers" in body["hidden_note"]
    assert body["questions"][0]["overall"] == 4.0
    assert "Hidden remark" not in json.dumps(body)


# --- Authentication --------------------------------------------------------------------------


def test_a_token_gives_feedback(personas):
    from django.test import Client

    from stip.core.services import access_token_create

    _token, secret = access_token_create(user=personas.peer.user, name="Script")
    script = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})
    body = {"recipient": str(personas.employee.public_id), "text": "From a script"}

    assert send(script, "post", FEEDBACK, body).status_code == 201
    assert send(Client(), "post", FEEDBACK, body).status_code == 401


# --- Query budgets ---------------------------------------------------------------------------


@pytest.fixture(params=[10, 200], ids=["10-items", "200-items"])
def crowd(request, personas):
    """The employee with `n` pieces of feedback (every other one linked to a goal, a value and
    a request; every third shared with the managers) and `n` praise on the wall with
    reactions."""
    n = request.param
    people = PersonFactory.create_batch(max(2, n // 10), manager=personas.manager)
    customer_first = value()
    goal = GoalFactory(owner=personas.employee)
    feedback_request = services.feedback_request_create(
        requester=personas.employee.user,
        subject=personas.employee,
        question="How am I doing?",
        respondents=people,
    )
    Feedback.objects.bulk_create(
        Feedback(
            author=people[i % len(people)],
            recipient=personas.employee,
            text=f"Feedback {i}",
            goal=goal if i % 2 else None,
            value=customer_first if i % 2 else None,
            request=feedback_request if i % 2 else None,
            visibility="recipient_and_manager" if i % 3 == 0 else "recipient",
        )
        for i in range(n)
    )
    praise = Praise.objects.bulk_create(
        Praise(author=people[i % len(people)], recipient=personas.employee, text=f"Praise {i}")
        for i in range(n)
    )
    Reaction.objects.bulk_create(
        Reaction(praise=p, person=person, kind=kind)
        for p in praise
        for person in people[:2]
        for kind in ("heart", "party")
    )
    RequestRecipient.objects.filter(request=feedback_request).update(status="answered")
    return n


def test_the_feedback_list_runs_a_fixed_number_of_queries(
    client, personas, crowd, django_assert_num_queries
):
    client.force_login(personas.employee.user)

    # Session, user with person, count, page (authors, recipients, goals, values and requests
    # joined in; whether the goal and the request are visible and the reply count as
    # subqueries).
    with django_assert_num_queries(4):
        response = client.get(FEEDBACK, {"page_size": 200})
    assert response.json()["count"] == crowd
    # The same, plus looking up the person of the filter.
    client.force_login(personas.manager.user)
    with django_assert_num_queries(5):
        response = client.get(
            FEEDBACK, {"page_size": 200, "person": str(personas.employee.public_id)}
        )
    assert response.json()["count"] == len(range(0, crowd, 3))


def test_the_praise_wall_runs_a_fixed_number_of_queries(
    client, personas, crowd, django_assert_num_queries
):
    client.force_login(personas.manager.user)

    # Session, user with person, the page and one more, not counted (authors, recipients and
    # values joined in), the page's reaction counts with the caller's own reactions among them.
    with django_assert_num_queries(4):
        response = client.get(PRAISE, {"page_size": 200})
    assert response.json()["results"][0]["reactions"]["heart"] == 2
    assert response.json()["count"] is None
    # One recipient's praise is counted, through their own index.
    with django_assert_num_queries(6):
        response = client.get(
            PRAISE, {"page_size": 200, "recipient": str(personas.employee.public_id)}
        )
    assert response.json()["count"] == Praise.objects.filter(recipient=personas.employee).count()


@pytest.fixture(params=[4, 40], ids=["4-answers", "40-answers"])
def closed_round(request, personas):
    peers = colleagues(personas, request.param)
    round_ = start_round(personas, peers=peers)
    for i, peer in enumerate(peers):
        answer(round_, peer, 1 + i % 4, f"Comment {i}")
    answer(round_, personas.employee, 3, "Mine")
    answer(round_, personas.manager, 4)
    return services.round_close(round_=round_, actor=personas.manager.user, release=True)


def test_the_result_runs_a_fixed_number_of_queries(
    client, personas, closed_round, django_assert_num_queries
):
    client.force_login(personas.employee.user)

    # Session, user with person, the round (subject, starter and question set joined in, the
    # caller's invitation as subqueries), then the result: answers per perspective, the
    # questions, rating sums per perspective and question, the comments, the named authors.
    with django_assert_num_queries(8):
        response = client.get(round_url(closed_round, "/result"))
    assert (
        response.json()["groups"][-1]["count"]
        == Response.objects.filter(perspective="peer").count()
    )


def test_the_round_detail_runs_a_fixed_number_of_queries(
    client, personas, closed_round, django_assert_num_queries
):
    client.force_login(personas.manager.user)

    # Session, user with person, the round, participation counts, the questions with their
    # scales, the scales' levels.
    with django_assert_num_queries(6):
        response = client.get(round_url(closed_round))
    assert response.json()["participation"][-1]["answered"] >= 4


@pytest.fixture(params=[2, 12], ids=["2-each", "12-each"])
def many(request, personas):
    """`n` rounds about the employee (the peer asked in each), `n` question sets of three
    questions on one scale, `n` requests the employee made of the peer."""
    n = request.param
    template = question_set(personas.hr)
    for i in range(n):
        services.round_start(
            actor=personas.manager.user,
            subject=personas.employee,
            question_set=template,
            closes_on=timezone.localdate(),
            respondents={"peer": [personas.peer]},
        )
        services.question_set_create(
            actor=personas.hr.user,
            name_en=f"Set {i}",
            name_nl=f"Set {i}",
            questions=[
                {"kind": "rating", "text_en": f"Q{j}", "text_nl": f"V{j}",
                 "scale": template.questions.first().scale}
                for j in range(3)
            ],
        )  # fmt: skip
        services.feedback_request_create(
            requester=personas.employee.user,
            subject=personas.employee,
            question=f"Question {i}",
            respondents=[personas.peer],
        )
    return n


def test_the_other_lists_run_a_fixed_number_of_queries(
    client, personas, many, django_assert_num_queries
):
    client.force_login(personas.peer.user)

    # Session, user with person, count, page (subject, starter and question set joined in,
    # the caller's invitation as subqueries).
    with django_assert_num_queries(4):
        assert client.get(ROUNDS).json()["count"] == many
    # Session, user with person, count, page (requester and subject joined in, the counts and
    # the caller's own status in the same query).
    with django_assert_num_queries(4):
        assert client.get(REQUESTS, {"role": "asked"}).json()["count"] == many
    # Session, user with person, count, page, the questions with their scales, the levels.
    with django_assert_num_queries(6):
        assert client.get(QUESTION_SETS).json()["count"] == many + 1
