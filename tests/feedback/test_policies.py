"""Who sees which feedback, on every page that lists it: a person's received, given, requests,
praise and notes tabs, the detail and request pages, the praise wall and the profile, the
home card, the list of rounds and a round's result. Each record has its own marker text."""

import pytest
from django.urls import reverse

from stip.feedback import services
from stip.feedback.models import Round
from stip.people.models import Person
from tests.factories import PersonFactory
from tests.feedback.builders import answer, start_round

pytestmark = pytest.mark.django_db

ROLES = ("employee", "manager", "director", "peer", "hr", "admin", "outsider")

# Feedback to the employee, from the peer.
FOR_HER = "Marker for her eyes only"
FOR_HER_MANAGERS = "Marker for her and her managers"
ASKED_BY_MANAGER = "Marker asked for by her manager"
# Who sees each, wherever it is listed.
SEES_FEEDBACK = {
    FOR_HER: {"employee", "peer"},
    FOR_HER_MANAGERS: {"employee", "peer", "manager", "director"},
    # The manager asked; the peer wrote it; she reads it only once shared.
    ASKED_BY_MANAGER: {"manager", "peer"},
}
OWN_REQUEST = "Marker: how was my talk?"
MANAGERS_REQUEST = "Marker: how does Eva plan?"
SEES_REQUEST = {
    OWN_REQUEST: {"employee", "peer"},
    MANAGERS_REQUEST: {"manager", "peer"},
}
NOTE = "Marker: ready for the Almere team"
PRAISE = "Marker: you saved the day"


@pytest.fixture
def records(personas):
    p = personas
    own = services.feedback_request_create(
        requester=p.employee.user, subject=p.employee, question=OWN_REQUEST, respondents=[p.peer]
    )
    managers = services.feedback_request_create(
        requester=p.manager.user,
        subject=p.employee,
        question=MANAGERS_REQUEST,
        respondents=[p.peer],
    )
    feedback = {
        FOR_HER: services.feedback_give(author=p.peer.user, recipient=p.employee, text=FOR_HER),
        FOR_HER_MANAGERS: services.feedback_give(
            author=p.peer.user,
            recipient=p.employee,
            text=FOR_HER_MANAGERS,
            visibility="recipient_and_manager",
        ),
        ASKED_BY_MANAGER: services.feedback_give(
            author=p.peer.user, recipient=p.employee, text=ASKED_BY_MANAGER, request=managers
        ),
    }
    note = services.manager_note_write(author=p.manager.user, subject=p.employee, text=NOTE)
    services.praise_give(author=p.peer.user, recipient=p.employee, text=PRAISE)
    peers = [p.peer, *PersonFactory.create_batch(2, manager=p.manager, team=p.planning)]
    round_ = start_round(p, peers=peers)
    for index, colleague in enumerate(peers):
        answer(round_, colleague, 2 + index, f"Comment {index}")
    round_ = services.round_close(round_=round_, actor=p.manager.user)
    return {
        "feedback": feedback,
        "requests": {OWN_REQUEST: own, MANAGERS_REQUEST: managers},
        "note": note,
        "round": round_,
    }


def page(client, name, *, params=None, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs or None), params or {})
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_feedback_is_listed_and_opened_only_by_whom_it_is_for(client, personas, records, role):
    client.force_login(getattr(personas, role).user)
    received = page(client, "feedback:person", public_id=personas.employee.public_id)
    given = page(
        client, "feedback:person", public_id=personas.peer.public_id, params={"show": "given"}
    )
    for text, feedback in records["feedback"].items():
        sees = role in SEES_FEEDBACK[text]
        assert (text in received) is sees, (text, "received")
        assert (text in given) is sees, (text, "given")
        detail = client.get(reverse("feedback:detail", args=[feedback.public_id]))
        assert detail.status_code == (200 if sees else 404), text


@pytest.mark.parametrize("role", ROLES)
def test_requests_are_listed_and_opened_only_by_the_asker_and_the_asked(
    client, personas, records, role
):
    client.force_login(getattr(personas, role).user)
    listed = page(
        client,
        "feedback:person",
        public_id=personas.employee.public_id,
        params={"show": "requests"},
    )
    for question, request in records["requests"].items():
        sees = role in SEES_REQUEST[question]
        assert (question in listed) is sees, question
        response = client.get(reverse("feedback:request", args=[request.public_id]))
        assert response.status_code == (200 if sees else 404), question
    # The peer's open request waits on their home page, and only theirs.
    assert (OWN_REQUEST in page(client, "home")) is (role == "peer")


def test_a_shared_request_and_its_answers_reach_the_report(client, personas, records):
    request = records["requests"][MANAGERS_REQUEST]
    services.feedback_request_share(request=request, actor=personas.manager.user)
    client.force_login(personas.employee.user)
    assert ASKED_BY_MANAGER in page(client, "feedback:request", public_id=request.public_id)
    assert ASKED_BY_MANAGER in page(client, "feedback:mine")
    assert MANAGERS_REQUEST in page(client, "feedback:mine", params={"show": "requests"})


@pytest.mark.parametrize("role", ROLES)
def test_praise_is_for_everyone_on_the_wall_the_profile_and_the_praise_tab(
    client, personas, records, role
):
    client.force_login(getattr(personas, role).user)
    assert PRAISE in page(client, "feedback:praise")
    assert PRAISE in page(client, "people:profile", public_id=personas.employee.public_id)
    assert PRAISE in page(
        client, "feedback:person", public_id=personas.employee.public_id, params={"show": "praise"}
    )


# The notes tab: the management chain writes and reads; HR has the tab for shared notes.
HAS_NOTES_TAB = {"manager", "director", "hr"}
READS_NOTE = {"manager", "director"}


@pytest.mark.parametrize("role", ROLES)
def test_manager_notes_are_for_the_chain_and_for_hr_only_once_shared(
    client, personas, records, role
):
    client.force_login(getattr(personas, role).user)
    notes_url = reverse("feedback:person", args=[personas.employee.public_id]) + "?show=notes"
    html = page(client, "feedback:person", public_id=personas.employee.public_id)
    assert ("?show=notes" in html) is (role in HAS_NOTES_TAB)
    notes = client.get(notes_url).content.decode()
    assert (NOTE in notes) is (role in READS_NOTE)
    services.manager_note_share(note=records["note"], actor=personas.manager.user)
    assert (NOTE in client.get(notes_url).content.decode()) is (role in READS_NOTE | {"hr"})


# A closed round about the employee, started by her manager, three peers asked.
SEES_ROUND = {"employee", "manager", "director", "peer", "hr", "admin"}
READS_RESULT = {"manager", "director", "hr", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_rounds_and_their_result_are_for_whom_they_may_be(client, personas, records, role):
    round_ = records["round"]
    client.force_login(getattr(personas, role).user)
    round_url = reverse("feedback:round", args=[round_.public_id])
    assert (round_url in page(client, "feedback:rounds")) is (role in SEES_ROUND)
    assert client.get(round_url).status_code == (200 if role in SEES_ROUND else 404)
    result = client.get(reverse("feedback:round_result", args=[round_.public_id]))
    assert result.status_code == (200 if role in READS_RESULT else 404)
    services.round_close(round_=round_, actor=personas.manager.user, release=True)
    result = client.get(reverse("feedback:round_result", args=[round_.public_id]))
    assert result.status_code == (200 if role in READS_RESULT | {"employee"} else 404)
    if result.status_code == 200:
        # The peers' answers are shown as a group of three, without a name.
        html = result.content.decode()
        assert "Comment 0" in html
        assert personas.peer.full_name not in html


def test_a_round_is_seen_under_its_subjects_chain_and_not_by_a_namesake_path(client, personas):
    # The chain is a prefix of the path: someone at "/<id>0/" is not under "/<id>/", although
    # the strings begin alike (SQLite asks for the prefix as a range of the path index).
    lookalike = PersonFactory(team=personas.finance)
    director_path = personas.director.path
    Person.objects.filter(pk=lookalike.pk).update(path=f"{director_path[:-1]}0/")
    round_ = start_round(personas, peers=[])
    lookalikes_round = start_round(personas, peers=[])
    Round.objects.filter(pk=lookalikes_round.pk).update(subject=lookalike, started_by=lookalike)

    client.force_login(personas.director.user)
    rounds = page(client, "feedback:rounds")
    assert reverse("feedback:round", args=[round_.public_id]) in rounds
    assert reverse("feedback:round", args=[lookalikes_round.public_id]) not in rounds
