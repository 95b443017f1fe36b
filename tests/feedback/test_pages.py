import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stip.core.models import AuditEntry
from stip.feedback import services
from stip.feedback.models import (
    CompanyValue,
    Feedback,
    FeedbackReply,
    ManagerNote,
    Participant,
    Praise,
    QuestionSet,
    Reaction,
    RequestRecipient,
    Response,
    Round,
)
from stip.goals.models import Goal
from tests.factories import GoalFactory, PersonFactory, TeamFactory
from tests.feedback.builders import answer, question_set, start_round

pytestmark = pytest.mark.django_db


def url(name, obj=None, **kwargs):
    if obj is not None:
        kwargs["public_id"] = obj.public_id
    return reverse(name, kwargs=kwargs or None)


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def errors_at(html: str, field_id: str) -> str:
    """The error list rendered under one field (by its id), or ""."""
    match = re.search(rf'id="{re.escape(field_id)}_error">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def value(name_en="Customer first", name_nl="Klant voorop", **kwargs) -> CompanyValue:
    return CompanyValue.objects.create(name_en=name_en, name_nl=name_nl, **kwargs)


def give_data(recipient, **fields) -> dict:
    return {
        "recipient": str(recipient.public_id),
        "text": "",
        "visibility": "recipient",
        "goal": "",
        "value": "",
    } | fields


def colleagues(personas, n):
    # Names no page shows otherwise: a random one could be the subject's ("Eva") and make a
    # test of what a page must not name fail by chance.
    return [
        PersonFactory(
            first_name=f"Quintijn{i}",
            last_name=f"Zwaluwstaart{i}",
            manager=personas.manager,
            team=personas.planning,
        )
        for i in range(n)
    ]


# Giving feedback ------------------------------------------------------------------------------


def test_a_peer_gives_feedback_about_a_goal_for_a_value(client, personas):
    goal = GoalFactory(owner=personas.employee, title="Plan the Almere routes", visibility="team")
    customer_first = value()
    client.force_login(personas.peer.user)
    form = html_of(client.get(url("feedback:give"), {"to": personas.employee.public_id}))
    assert "Feedback for Eva Employee" in form
    assert "Plan the Almere routes" in form  # her goals, offered
    assert "Customer first" in form

    response = client.post(
        url("feedback:give"),
        give_data(
            personas.employee,
            text="Your route plan for Almere saved us two trucks.",
            visibility="recipient_and_manager",
            goal=str(goal.public_id),
            value=str(customer_first.public_id),
        ),
    )
    feedback = Feedback.objects.get()
    assert response.status_code == 302
    assert response.url == url("feedback:detail", feedback)
    assert (feedback.author, feedback.recipient) == (personas.peer, personas.employee)
    assert (feedback.goal, feedback.value) == (goal, customer_first)
    assert feedback.visibility == Feedback.Visibility.RECIPIENT_AND_MANAGER
    entry = AuditEntry.objects.get(action="feedback.given")
    assert entry.actor == personas.peer.user
    assert entry.object_id == str(feedback.public_id)

    html = html_of(client.get(response.url))
    assert "Your feedback is sent to Eva Employee." in html
    assert "Your route plan for Almere saved us two trucks." in html
    assert "Plan the Almere routes" in html and "Customer first" in html

    client.force_login(personas.employee.user)
    assert "saved us two trucks" in html_of(client.get(url("feedback:mine")))
    client.force_login(personas.manager.user)
    assert "saved us two trucks" in html_of(client.get(url("feedback:person", personas.employee)))


def test_empty_feedback_is_refused_at_the_field_and_the_recipient_kept(client, personas):
    client.force_login(personas.peer.user)
    html = html_of(client.post(url("feedback:give"), give_data(personas.employee, text="  \n ")))
    assert "empty feedback says nothing" in errors_at(html, "id_text")
    # The picker still holds the person chosen.
    assert f'value="{personas.employee.public_id}" checked' in html
    assert not Feedback.objects.exists()


def test_overlong_feedback_is_refused_and_the_text_kept(client, personas):
    client.force_login(personas.peer.user)
    text = "Thorough. " * 501  # 5010 characters
    html = html_of(client.post(url("feedback:give"), give_data(personas.employee, text=text)))
    assert "Keep it under 5000 characters" in errors_at(html, "id_text")
    assert text.strip() in html
    assert not Feedback.objects.exists()


def test_no_recipient_is_refused_and_the_text_kept(client, personas):
    client.force_login(personas.peer.user)
    data = give_data(personas.employee, text="Thanks for the help")
    del data["recipient"]
    html = html_of(client.post(url("feedback:give"), data))
    assert "Choose a person." in errors_at(html, "recipient")
    assert "Thanks for the help</textarea>" in html


def test_feedback_to_oneself_is_refused(client, personas):
    client.force_login(personas.employee.user)
    data = give_data(personas.employee, text="Well done, me")
    html = html_of(client.post(url("feedback:give"), data))
    assert "Choose someone who works here." in errors_at(html, "recipient")
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", '<a href="javascript:alert(1)">click</a>', "javascript:alert(1)"],
)
def test_markup_in_feedback_is_shown_as_text(client, personas, text):
    services.feedback_give(author=personas.peer.user, recipient=personas.employee, text=text)
    services.praise_give(author=personas.peer.user, recipient=personas.employee, text=text)
    client.force_login(personas.employee.user)
    feedback = Feedback.objects.get()
    pages = [
        html_of(client.get(url("feedback:detail", feedback))),
        html_of(client.get(url("feedback:mine"))),
        html_of(client.get(url("feedback:praise"))),
        html_of(client.get(url("people:profile", personas.employee))),
    ]
    for html in pages:
        assert "<script>alert(1)" not in html
        assert 'href="javascript:' not in html
        assert "alert(1)" in html  # shown, as text
    assert "&lt;script&gt;" in pages[0] or "javascript:alert(1)" in pages[0]


def test_the_goals_offered_are_the_recipients_that_the_author_may_see(client, personas):
    GoalFactory(owner=personas.employee, title="Shared with the team", visibility="team")
    GoalFactory(owner=personas.employee, title="Ask for a raise", visibility="private")
    GoalFactory(owner=personas.outsider, title="Someone else's", visibility="organisation")
    client.force_login(personas.peer.user)
    # Choosing the recipient in the picker fetches their goals (htmx).
    html = html_of(
        client.get(
            url("feedback:give"),
            {"part": "goal", "recipient": str(personas.employee.public_id)},
            headers={"HX-Request": "true"},
        )
    )
    assert 'id="goal-field"' in html and "<html" not in html
    assert "Shared with the team" in html
    assert "Ask for a raise" not in html and "Someone else" not in html
    private = Goal.objects.get(title="Ask for a raise")
    html = html_of(
        client.post(
            url("feedback:give"),
            give_data(personas.employee, text="Nice", goal=str(private.public_id)),
        )
    )
    assert "Select a valid choice" in errors_at(html, "id_goal")


def test_the_people_picker_suggests_at_most_ten_and_keeps_who_is_chosen(client, personas):
    PersonFactory.create_batch(12, last_name="Jansen", team=personas.finance)
    client.force_login(personas.manager.user)
    html = html_of(
        client.get(
            url("feedback:people"),
            {"field": "respondents", "q": "jans", "respondents": [str(personas.peer.public_id)]},
        )
    )
    assert html.count('type="checkbox"') == 11  # Piet, chosen, then ten suggestions
    assert f'value="{personas.peer.public_id}" checked' in html
    html = html_of(client.get(url("feedback:people"), {"field": "recipient", "q": "mark"}))
    assert "Mark Manager" not in html  # not oneself
    assert client.get(url("feedback:people"), {"field": "password"}).status_code == 404


def test_author_and_recipient_reply_the_others_cannot(client, personas):
    feedback = services.feedback_give(
        author=personas.peer.user,
        recipient=personas.employee,
        text="Good meeting",
        visibility="recipient_and_manager",
    )
    client.force_login(personas.employee.user)
    response = client.post(
        url("feedback:reply", feedback),
        {"text": "Thank you, Piet!"},
        headers={"HX-Request": "true"},
    )
    html = html_of(response)
    assert "<html" not in html and 'id="replies"' in html  # the fragment
    assert "Thank you, Piet!" in html
    client.force_login(personas.peer.user)
    response = client.post(url("feedback:reply", feedback), {"text": "You're welcome"})
    assert response.status_code == 302
    html = html_of(client.get(response.url))
    assert "Thank you, Piet!" in html and "You&#x27;re welcome" in html
    # Her manager reads along, but does not reply.
    client.force_login(personas.manager.user)
    html = html_of(client.get(url("feedback:detail", feedback)))
    assert "Thank you, Piet!" in html and 'name="text"' not in html
    assert client.post(url("feedback:reply", feedback), {"text": "Hi"}).status_code == 404
    assert FeedbackReply.objects.count() == 2
    # An empty reply says so, and nothing is saved.
    client.force_login(personas.employee.user)
    html = html_of(client.post(url("feedback:reply", feedback), {"text": " "}))
    assert "empty feedback says nothing" in errors_at(html, "id_text")
    assert FeedbackReply.objects.count() == 2


def test_the_recipient_marks_feedback_helpful(client, personas):
    feedback = services.feedback_give(
        author=personas.peer.user, recipient=personas.employee, text="Good meeting"
    )
    client.force_login(personas.employee.user)
    html = html_of(
        client.post(
            url("feedback:helpful", feedback), {"helpful": "1"}, headers={"HX-Request": "true"}
        )
    )
    assert "Helpful" in html and "Undo" in html
    feedback.refresh_from_db()
    assert feedback.helpful_at is not None
    client.post(url("feedback:helpful", feedback), {"helpful": "0"})
    feedback.refresh_from_db()
    assert feedback.helpful_at is None
    client.force_login(personas.peer.user)
    assert client.post(url("feedback:helpful", feedback), {"helpful": "1"}).status_code == 404


# Requests -------------------------------------------------------------------------------------


def test_ask_answer_and_read(client, personas):
    client.force_login(personas.employee.user)
    due = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(
        url("feedback:request_new"),
        {
            "subject": str(personas.employee.public_id),
            "question": "How was my talk at the planning day?",
            "due_date": due.isoformat(),
            "respondents": [str(personas.peer.public_id), str(personas.outsider.public_id)],
        },
    )
    request = personas.employee.feedback_requests_about.get()
    assert response.status_code == 302 and response.url == url("feedback:request", request)
    assert request.due_date == due
    assert set(request.recipients.values_list("respondent", flat=True)) == {
        personas.peer.pk,
        personas.outsider.pk,
    }
    assert AuditEntry.objects.filter(action="feedback.request_created").count() == 1

    # The peer finds it on their home page and answers.
    client.force_login(personas.peer.user)
    home = html_of(client.get(url("home")))
    assert "Eva Employee asks for your feedback" in home
    assert url("feedback:request", request) in home
    response = client.post(
        url("feedback:request_answer", request),
        {"text": "Clear story, good examples.", "visibility": "recipient"},
    )
    assert response.status_code == 302
    answer_ = Feedback.objects.get(request=request)
    assert (answer_.author, answer_.recipient) == (personas.peer, personas.employee)
    assert request.recipients.get(respondent=personas.peer).status == "answered"
    assert AuditEntry.objects.filter(action="feedback.given", actor=personas.peer.user).exists()
    html = html_of(client.get(response.url))
    assert "You answered this request." in html
    assert "Eva Employee asks" not in html_of(client.get(url("home")))
    # Answering twice is refused with a message.
    html = html_of(
        client.post(
            url("feedback:request_answer", request), {"text": "Again", "visibility": "recipient"}
        )
    )
    assert "You have already answered this request." in html
    assert Feedback.objects.filter(request=request).count() == 1

    # The outsider declines.
    client.force_login(personas.outsider.user)
    response = client.post(url("feedback:request_decline", request))
    assert response.status_code == 302
    assert request.recipients.get(respondent=personas.outsider).status == "declined"

    # She reads the answer and who answered.
    client.force_login(personas.employee.user)
    html = html_of(client.get(url("feedback:request", request)))
    assert "Clear story, good examples." in html
    assert "Answered" in html and "Declined" in html
    requests_tab = html_of(client.get(url("feedback:mine"), {"show": "requests"}))
    assert "How was my talk at the planning day?" in requests_tab
    assert "1 of 2 people answered" in requests_tab


def test_a_request_needs_someone_to_ask_and_keeps_the_question(client, personas):
    client.force_login(personas.employee.user)
    html = html_of(
        client.post(url("feedback:request_new"), {"question": "How am I doing?", "respondents": []})
    )
    assert "Choose at least one colleague to ask." in errors_at(html, "respondents")
    assert "How am I doing?</textarea>" in html
    assert not RequestRecipient.objects.exists()


def test_a_manager_shares_the_answers_about_a_report(client, personas):
    request = services.feedback_request_create(
        requester=personas.manager.user,
        subject=personas.employee,
        question="How does Eva run the planning meeting?",
        respondents=[personas.peer],
    )
    services.feedback_give(
        author=personas.peer.user,
        recipient=personas.employee,
        text="Short and sharp",
        request=request,
    )
    client.force_login(personas.employee.user)
    assert client.get(url("feedback:request", request)).status_code == 404
    assert "Short and sharp" not in html_of(client.get(url("feedback:mine")))

    client.force_login(personas.manager.user)
    html = html_of(client.get(url("feedback:request", request)))
    assert "Short and sharp" in html
    assert "Share the answers with Eva Employee" in html
    response = client.post(url("feedback:request_share", request))
    assert response.status_code == 302
    assert "Eva Employee can now read the answers." in html_of(client.get(response.url))
    assert AuditEntry.objects.filter(action="feedback.request_shared_with_subject").count() == 1

    client.force_login(personas.employee.user)
    assert "Short and sharp" in html_of(client.get(url("feedback:request", request)))
    assert "Short and sharp" in html_of(client.get(url("feedback:mine")))
    # Only the manager who asked shares; the peer may not.
    client.force_login(personas.peer.user)
    assert client.post(url("feedback:request_share", request)).status_code == 404


def test_only_the_chain_asks_about_someone(client, personas):
    client.force_login(personas.peer.user)
    response = client.get(url("feedback:request_new"), {"about": personas.employee.public_id})
    assert response.status_code == 404
    client.force_login(personas.director.user)
    html = html_of(client.get(url("feedback:request_new"), {"about": personas.employee.public_id}))
    assert f'<option value="{personas.employee.public_id}" selected>' in html


# Manager notes --------------------------------------------------------------------------------


def test_a_manager_writes_a_note_and_shares_it_with_hr(client, personas):
    client.force_login(personas.manager.user)
    response = client.post(
        url("feedback:note_new", personas.employee), {"text": "Ready to lead the Almere team"}
    )
    note = ManagerNote.objects.get()
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="feedback.manager_note_written").count() == 1
    notes = html_of(client.get(response.url))
    assert "Ready to lead the Almere team" in notes and "Share with HR" in notes

    client.force_login(personas.hr.user)
    tab = url("feedback:person", personas.employee) + "?show=notes"
    assert "Ready to lead" not in html_of(client.get(tab))
    client.force_login(personas.manager.user)
    client.post(url("feedback:note_share", note))
    assert AuditEntry.objects.filter(action="feedback.manager_note_shared_with_hr").count() == 1
    client.force_login(personas.hr.user)
    assert "Ready to lead" in html_of(client.get(tab))
    client.force_login(personas.employee.user)
    assert "Ready to lead" not in html_of(client.get(tab))
    assert (
        client.post(url("feedback:note_new", personas.employee), {"text": "x"}).status_code == 404
    )


# Praise ---------------------------------------------------------------------------------------


def test_praise_for_a_value_is_on_the_wall_and_the_profile(client, personas):
    customer_first, together = value(), value("Stronger together", "Samen sterker")
    client.force_login(personas.peer.user)
    response = client.post(
        url("feedback:praise_new"),
        {
            "recipient": str(personas.employee.public_id),
            "value": str(customer_first.public_id),
            "text": "You rerouted the trucks when the A6 closed.",
        },
    )
    assert response.status_code == 302 and response.url == url("feedback:praise")
    praise = Praise.objects.get()
    assert (praise.author, praise.recipient, praise.value) == (
        personas.peer,
        personas.employee,
        customer_first,
    )
    wall = html_of(client.get(response.url))
    assert "Your praise for Eva Employee is on the wall." in wall
    assert "You rerouted the trucks" in wall and "Customer first" in wall
    services.praise_give(
        author=personas.employee.user, recipient=personas.outsider, text="Thanks for the budget"
    )

    def wall_for(**filters):
        return html_of(client.get(url("feedback:praise"), filters, headers={"HX-Request": "true"}))

    # Operations holds Planning: its praise is found by the parent team too.
    found = wall_for(team=str(personas.operations.public_id))
    assert "You rerouted the trucks" in found and "Thanks for the budget" not in found
    found = wall_for(team=str(personas.finance.public_id))
    assert "You rerouted the trucks" not in found and "Thanks for the budget" in found
    found = wall_for(value=str(customer_first.public_id))
    assert "You rerouted the trucks" in found and "Thanks for the budget" not in found
    assert "1 message of praise" in found
    # The whole wall is not counted (a value keeps its count).
    whole = wall_for()
    assert "You rerouted the trucks" in whole and "Thanks for the budget" in whole
    assert "messages of praise" not in whole
    assert "No praise here yet." in wall_for(value=str(together.public_id))

    client.force_login(personas.outsider.user)
    profile = html_of(client.get(url("people:profile", personas.employee)))
    assert "You rerouted the trucks" in profile and "Customer first" in profile
    assert url("feedback:person", personas.employee) in profile


def test_the_walls_later_pages_hold_the_older_praise_in_order(client, personas):
    customer_first = value()
    for n in range(30):
        services.praise_give(
            author=personas.peer.user,
            recipient=personas.employee,
            text=f"Praise number {n}",
            value=customer_first if n % 2 else None,
        )
    client.force_login(personas.manager.user)

    first = html_of(client.get(url("feedback:praise")))
    assert re.findall(r"Praise number (\d+)", first) == [str(n) for n in range(29, 4, -1)]
    assert "Page 1<" in first and 'rel="next"' in first and 'rel="prev"' not in first
    second = html_of(client.get(url("feedback:praise"), {"page": 2}))
    assert re.findall(r"Praise number (\d+)", second) == ["4", "3", "2", "1", "0"]
    assert "Page 2<" in second and 'rel="next"' not in second and 'rel="prev"' in second
    past = html_of(client.get(url("feedback:praise"), {"page": 3}))
    assert "There is no more praise here." in past and "Praise number" not in past
    # Filtered by the value: its stored count, and its own praise only.
    first = html_of(client.get(url("feedback:praise"), {"value": customer_first.public_id}))
    assert "15 messages of praise" in first and "Page 2" not in first
    assert re.findall(r"Praise number (\d+)", first) == [str(n) for n in range(29, 0, -2)]


def test_the_wall_offers_the_top_two_levels_of_teams_and_the_one_asked_for(client, personas):
    # A third level is offered only once it is asked for: the filter includes sub-teams, and a
    # large organisation's every team would be a thousand options.
    routes = TeamFactory(name="Route planning", parent=personas.planning)
    client.force_login(personas.employee.user)

    wall = html_of(client.get(url("feedback:praise")))
    assert ">Planning</option>" in wall and "Route planning" not in wall
    chosen = html_of(client.get(url("feedback:praise"), {"team": str(routes.public_id)}))
    assert f'<option value="{routes.public_id}" selected>Route planning</option>' in chosen


def test_praise_needs_a_recipient_and_text_and_keeps_what_was_typed(client, personas):
    client.force_login(personas.peer.user)
    html = html_of(
        client.post(
            url("feedback:praise_new"),
            {"recipient": str(personas.employee.public_id), "text": "", "value": ""},
        )
    )
    assert "empty feedback says nothing" in errors_at(html, "id_text")
    assert f'value="{personas.employee.public_id}" checked' in html
    assert not Praise.objects.exists()


def test_reactions_toggle(client, personas):
    praise = services.praise_give(
        author=personas.peer.user, recipient=personas.employee, text="Thanks!"
    )
    client.force_login(personas.manager.user)
    react = url("feedback:praise_react", praise)
    html = html_of(client.post(react, {"kind": "heart"}, headers={"HX-Request": "true"}))
    assert "<html" not in html
    assert re.search(r'aria-pressed="true" title="Love it">.*?reaction-count">1<', html, re.S)
    assert Reaction.objects.filter(praise=praise, person=personas.manager, kind="heart").exists()
    client.force_login(personas.peer.user)
    client.post(react, {"kind": "heart"})
    client.post(react, {"kind": "applause"})
    assert Reaction.objects.filter(praise=praise).count() == 3
    client.force_login(personas.manager.user)
    html = html_of(client.post(react, {"kind": "heart"}, headers={"HX-Request": "true"}))
    assert re.search(r'aria-pressed="false" title="Love it">.*?reaction-count">1<', html, re.S)
    assert Reaction.objects.filter(praise=praise).count() == 2
    assert client.post(react, {"kind": "thumbs"}).status_code == 400


# Company values -------------------------------------------------------------------------------


def test_hr_keeps_the_company_values_in_both_languages(client, personas):
    client.force_login(personas.employee.user)
    assert client.get(url("feedback:values")).status_code == 404
    client.force_login(personas.hr.user)
    html = html_of(client.post(url("feedback:values"), {"name_en": "Own it", "name_nl": ""}))
    assert "Give the value a Dutch name." in errors_at(html, "id_name_nl")
    assert 'value="Own it"' in html
    response = client.post(
        url("feedback:values"),
        {"name_en": "Own it", "name_nl": "Eigenaarschap", "description_en": "We do what we say."},
    )
    assert response.status_code == 302
    own_it = CompanyValue.objects.get()
    response = client.post(
        url("feedback:value_edit", own_it),
        {"name_en": "Own it", "name_nl": "Eigen verantwoordelijkheid", "active": "on"},
    )
    assert response.status_code == 302
    own_it.refresh_from_db()
    assert own_it.name_nl == "Eigen verantwoordelijkheid" and own_it.active
    # The list counts its praise.
    services.praise_give(
        author=personas.peer.user, recipient=personas.employee, text="Thanks!", value=own_it
    )
    values = html_of(client.get(url("feedback:values")))
    assert re.search(r"<td>Eigen verantwoordelijkheid</td>\s*<td>1</td>", values)
    response = client.post(url("feedback:value_active", own_it), {"active": "0"})
    assert "“Own it” is no longer in use." in html_of(client.get(response.url))
    own_it.refresh_from_db()
    assert not own_it.active
    assert AuditEntry.objects.filter(action="feedback.value_saved").count() == 3
    # A value no longer in use is not offered for new praise, but stays in the filter.
    client.force_login(personas.peer.user)
    assert "Own it" not in html_of(client.get(url("feedback:praise_new")))
    assert "Own it" in html_of(client.get(url("feedback:praise")))


# Question sets --------------------------------------------------------------------------------


def question_set_data(**fields) -> dict:
    data = {
        "name_en": "Leadership",
        "name_nl": "Leiderschap",
        "scale": "",
        "scale_name_en": "",
        "scale_name_nl": "",
        "level-TOTAL_FORMS": "7",
        "level-INITIAL_FORMS": "0",
        "question-TOTAL_FORMS": "10",
        "question-INITIAL_FORMS": "0",
    }
    for row in range(10):
        data[f"question-{row}-kind"] = "rating"
    return data | fields


def test_hr_makes_a_question_set_with_a_new_scale(client, personas):
    client.force_login(personas.hr.user)
    response = client.post(
        url("feedback:question_set_new"),
        question_set_data(
            **{
                "level-0-label_en": "Rarely",
                "level-0-label_nl": "Zelden",
                "level-1-label_en": "Often",
                "level-1-label_nl": "Vaak",
                "question-0-text_en": "Listens",
                "question-0-text_nl": "Luistert",
                "question-2-kind": "open",
                "question-2-text_en": "What should they keep doing?",
                "question-2-text_nl": "Waar moet diegene mee doorgaan?",
            }
        ),
    )
    question_set_ = QuestionSet.objects.get()
    assert response.status_code == 302
    assert response.url == url("feedback:question_set", question_set_)
    questions = list(question_set_.questions.order_by("position"))
    assert [(q.kind, q.text_nl) for q in questions] == [
        ("rating", "Luistert"),
        ("open", "Waar moet diegene mee doorgaan?"),
    ]
    assert list(questions[0].scale.levels.values_list("value", "name_en")) == [
        (1, "Rarely"),
        (2, "Often"),
    ]
    html = html_of(client.get(response.url))
    assert "1 · Rarely" in html and "Waar moet diegene mee doorgaan?" in html


def test_a_question_set_without_dutch_is_refused_where_it_is_missing(client, personas):
    client.force_login(personas.hr.user)
    html = html_of(
        client.post(
            url("feedback:question_set_new"),
            question_set_data(
                **{
                    "question-3-kind": "open",
                    "question-3-text_en": "What should they keep doing?",
                    "question-3-text_nl": "",
                }
            ),
        )
    )
    assert "Write the question in English and in Dutch." in errors_at(html, "id_question-3-text_nl")
    assert 'value="What should they keep doing?"' in html
    assert not QuestionSet.objects.exists()


# 360° rounds ----------------------------------------------------------------------------------


def test_a_manager_starts_a_round_about_a_report(client, personas):
    questions = question_set(personas.hr)
    client.force_login(personas.manager.user)
    form = html_of(client.get(url("feedback:round_new"), {"about": personas.employee.public_id}))
    # Her direct reports would be preselected; she has none. The anonymous perspectives:
    assert 'value="peer" id="id_anonymous_0" checked' in form
    response = client.post(
        url("feedback:round_new") + f"?about={personas.employee.public_id}",
        {
            "subject": str(personas.employee.public_id),
            "question_set": str(questions.public_id),
            "closes_on": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
            "peer": [str(personas.peer.public_id)],
            "other": [str(personas.outsider.public_id)],
            "anonymous": ["peer", "report"],
        },
    )
    round_ = Round.objects.get()
    assert response.status_code == 302 and response.url == url("feedback:round", round_)
    assert round_.started_by == personas.manager and round_.subject == personas.employee
    assert dict(Participant.objects.values_list("person", "perspective")) == {
        personas.employee.pk: "self",
        personas.manager.pk: "manager",
        personas.peer.pk: "peer",
        personas.outsider.pk: "other",
    }
    assert AuditEntry.objects.filter(action="feedback.round_started").count() == 1
    html = html_of(client.get(response.url))
    assert "The round has started." in html
    assert "Who has answered" in html  # counts for the manager


def test_a_round_in_the_past_is_refused_at_the_date(client, personas):
    questions = question_set(personas.hr)
    client.force_login(personas.employee.user)
    html = html_of(
        client.post(
            url("feedback:round_new"),
            {
                "subject": str(personas.employee.public_id),
                "question_set": str(questions.public_id),
                "closes_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
                "peer": [str(personas.peer.public_id)],
            },
        )
    )
    assert "The closing date has already passed." in errors_at(html, "id_closes_on")
    assert f'value="{personas.peer.public_id}" checked' in html
    assert not Round.objects.exists()


def answer_data(round_, rating, text=""):
    rating_q, open_q = round_.question_set.questions.order_by("position")
    return {f"rating_{rating_q.pk}": str(rating), f"text_{open_q.pk}": text}


def test_a_peer_answers_once(client, personas):
    round_ = start_round(personas, peers=[personas.peer])
    client.force_login(personas.peer.user)
    form = html_of(client.get(url("feedback:round_answer", round_)))
    assert "Your answers are anonymous" in form
    assert "1 · Rarely" in form and "4 · Always" in form
    response = client.post(url("feedback:round_answer", round_), answer_data(round_, 3, "Calm"))
    assert response.status_code == 302
    response_ = Response.objects.get()
    assert response_.perspective == "peer" and response_.author_id is None
    assert Participant.objects.get(person=personas.peer).answered
    # No audit entry names who answered.
    assert not AuditEntry.objects.filter(actor=personas.peer.user).exists()

    html = html_of(client.post(url("feedback:round_answer", round_), answer_data(round_, 1)))
    assert "You have already answered this round." in html
    assert Response.objects.count() == 1
    assert "You have already answered this round." in html_of(
        client.get(url("feedback:round_answer", round_))
    )


def test_a_rating_that_is_not_a_level_is_refused(client, personas):
    round_ = start_round(personas, peers=[personas.peer])
    client.force_login(personas.peer.user)
    rating_q = round_.question_set.questions.order_by("position").first()
    html = html_of(client.post(url("feedback:round_answer", round_), answer_data(round_, 9)))
    assert "Select a valid choice" in errors_at(html, f"id_rating_{rating_q.pk}")
    assert not Response.objects.exists()


def test_a_closed_round_takes_no_answers(client, personas):
    round_ = start_round(personas, peers=[personas.peer])
    client.force_login(personas.manager.user)
    response = client.post(url("feedback:round_close", round_), {"release": "0"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="feedback.round_closed").count() == 1
    client.force_login(personas.peer.user)
    html = html_of(client.post(url("feedback:round_answer", round_), answer_data(round_, 3)))
    assert "This round is closed and takes no more answers." in html
    assert not Response.objects.exists()
    assert "closed and takes no more answers" in html_of(client.get(url("feedback:round", round_)))


def test_a_participant_declines(client, personas):
    round_ = start_round(personas, peers=[personas.peer])
    client.force_login(personas.peer.user)
    assert client.post(url("feedback:round_decline", round_)).status_code == 302
    assert Participant.objects.get(person=personas.peer).declined
    assert "You declined to answer." in html_of(client.get(url("feedback:round", round_)))


def closed_round(personas, *, peers, reports=()):
    round_ = start_round(personas, peers=peers, reports=reports)
    answer(round_, personas.employee, 3, "I plan ahead")
    answer(round_, personas.manager, 4, "Calm under pressure")
    for index, person in enumerate([*peers, *reports]):
        answer(round_, person, 2 + index % 3, f"Peer remark {index}")
    return services.round_close(round_=round_, actor=personas.manager.user)


def test_two_peer_answers_show_no_peer_section_but_an_explanation(client, personas):
    peers = colleagues(personas, 2)
    round_ = closed_round(personas, peers=peers)
    client.force_login(personas.manager.user)
    html = html_of(client.get(url("feedback:round_result", round_)))
    assert (
        "Fewer than 3 people answered as peers, so their answers are not shown, "
        "to keep them anonymous." in html
    )
    assert '<th scope="row">Peers</th>' not in html
    assert "Peer remark" not in html
    for peer in peers:
        assert peer.full_name not in html and peer.last_name not in html
    # The named answers are there, with their names.
    assert "Calm under pressure" in html and "Mark Manager" in html
    # The overall is over what is shown (self 3, manager 4), never the hidden peers.
    assert re.search(r"Overall</th>.*?result-number\">3\.5<", html, re.S)


def test_three_peer_answers_show_averages_and_no_names(client, personas):
    peers = colleagues(personas, 3)
    round_ = closed_round(personas, peers=peers)  # peers rate 2, 3 and 4
    client.force_login(personas.manager.user)
    html = html_of(client.get(url("feedback:round_result", round_)))
    assert re.search(r'<th scope="row">Peers</th>.*?result-number">3\.0<', html, re.S)
    assert "Peer remark 0" in html and "Peer remark 2" in html
    assert "Fewer than" not in html
    for peer in peers:
        assert peer.full_name not in html
        assert peer.first_name not in html and peer.last_name not in html
        assert str(peer.public_id) not in html


def test_small_peer_and_report_groups_are_shown_together(client, personas):
    peers = colleagues(personas, 2)
    report = PersonFactory(manager=personas.employee, team=personas.planning)
    round_ = closed_round(personas, peers=peers, reports=[report])
    client.force_login(personas.director.user)
    html = html_of(client.get(url("feedback:round_result", round_)))
    assert "Colleagues (peers and direct reports together)" in html
    assert '<th scope="row">Peers</th>' not in html
    assert report.full_name not in html


def test_the_subject_reads_the_result_once_released(client, personas):
    round_ = closed_round(personas, peers=colleagues(personas, 3))
    client.force_login(personas.employee.user)
    assert client.get(url("feedback:round_result", round_)).status_code == 404
    assert "once Mark Manager releases it" in html_of(client.get(url("feedback:round", round_)))
    client.force_login(personas.manager.user)
    client.post(url("feedback:round_close", round_), {"release": "1"})
    assert AuditEntry.objects.filter(action="feedback.round_released").count() == 1
    client.force_login(personas.employee.user)
    assert "Calm under pressure" in html_of(client.get(url("feedback:round_result", round_)))


def test_the_home_card_lists_open_rounds(client, personas):
    round_ = start_round(personas, peers=[personas.peer])
    client.force_login(personas.peer.user)
    home = html_of(client.get(url("home")))
    assert "360° feedback about Eva Employee" in home
    assert url("feedback:round_answer", round_) in home
    client.force_login(personas.employee.user)
    assert "Your self-evaluation (360° feedback)" in html_of(client.get(url("home")))


# Query budgets --------------------------------------------------------------------------------
#
# Each page is measured twice, with its list at two sizes; the counts must be equal. Every page
# starts with two queries: the session, and the user with their person.


def grow_praise(personas, n):
    customer_first = CompanyValue.objects.first() or value()
    for _ in range(n - Praise.objects.count()):
        author = PersonFactory(team=personas.planning)
        praise = services.praise_give(
            author=author.user, recipient=personas.employee, text="Thanks", value=customer_first
        )
        services.praise_react(praise=praise, person=personas.peer.user, kind="heart")


def grow_received(personas, n):
    for _ in range(n - Feedback.objects.count()):
        author = PersonFactory(team=personas.finance)
        services.feedback_give(
            author=author.user,
            recipient=personas.employee,
            text="Good",
            visibility="recipient_and_manager",  # her manager reads it too
        )
        services.feedback_give(author=personas.employee.user, recipient=author, text="Thanks")


def result_round(personas):
    return Round.objects.first() or start_round(personas, peers=[])


def grow_result(personas, n):
    round_ = result_round(personas)
    if round_.status == Round.Status.CLOSED:
        Round.objects.filter(pk=round_.pk).update(status=Round.Status.OPEN)
    for index in range(n - Participant.objects.filter(round=round_).count()):
        person = PersonFactory(manager=personas.manager, team=personas.planning)
        perspective = ("peer", "report", "other")[index % 3]
        Participant.objects.create(round=round_, person=person, perspective=perspective)
        answer(round_, person, 1 + index % 4, f"Remark {index}")
    services.round_close(round_=round_, actor=personas.manager.user)


def employee(personas):
    return personas.employee


QUERY_BUDGETS = [
    # + one page of praise and one more, with author, recipient (and team) and value, not
    # counted; the reaction counts with mine among them for the page; the team and value
    # filters' options.
    ("feedback:praise", None, {}, "employee", grow_praise, 6),
    # + count and one page of what she received, with author, recipient, value, goal and
    # request joined; the "asked for" card: her open requests and open rounds.
    ("feedback:mine", None, {}, "employee", grow_received, 6),
    # The same for what she gave.
    ("feedback:mine", None, {"show": "given"}, "employee", grow_received, 6),
    # + count and one page of her praise; reaction counts with mine; the "asked for" card.
    ("feedback:mine", None, {"show": "praise"}, "employee", grow_praise, 7),
    # Her manager on her page: + the employee; count and one page of what she received.
    ("feedback:person", employee, {}, "manager", grow_received, 5),
    # + the round with subject, starter and question set; answers counted per perspective;
    # the questions; rating sums per perspective; the comments shown; the named authors; the
    # scales' levels.
    ("feedback:round_result", result_round, {}, "manager", grow_result, 9),
]


@pytest.mark.parametrize(
    ("name", "obj", "params", "viewer", "grow", "budget"),
    QUERY_BUDGETS,
    ids=[f"{row[0]}{row[2]}" for row in QUERY_BUDGETS],
)
def test_query_counts_do_not_grow_with_the_data(
    client, personas, name, obj, params, viewer, grow, budget
):
    client.force_login(getattr(personas, viewer).user)
    counts = []
    for size in (5, 40):
        grow(personas, size)
        target = url(name, obj(personas) if obj else None)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(target, params).status_code == 200
        counts.append(len(queries))
    assert counts == [budget, budget]


def test_a_question_too_few_peers_rated_shows_no_peer_average(client, personas):
    peers = colleagues(personas, 3)
    round_ = start_round(personas, peers=peers)
    _rating_q, open_q = round_.question_set.questions.order_by("position")
    answer(round_, peers[0], 4, "Shares a lot")
    for peer in peers[1:]:  # they leave the rating out
        services.round_answer(
            round_=round_, respondent=peer.user, ratings={}, texts={open_q.pk: "Kind"}
        )
    round_ = services.round_close(round_=round_, actor=personas.manager.user)
    client.force_login(personas.manager.user)
    html = html_of(client.get(url("feedback:round_result", round_)))
    assert "Fewer than 3 of them rated this question" in html
    assert 'result-number">4.0<' not in html  # the one peer's rating, never shown
    assert "Shares a lot" in html  # the group of three is shown, comments included


def test_declining_after_answering_says_so(client, personas):
    round_ = start_round(personas, peers=[personas.peer])
    answer(round_, personas.peer, 3)
    client.force_login(personas.peer.user)
    response = client.post(url("feedback:round_decline", round_))
    assert response.status_code == 302
    assert "You have already answered this round." in html_of(client.get(response.url))
    assert not Participant.objects.get(person=personas.peer).declined
