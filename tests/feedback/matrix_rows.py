import datetime

from django.utils import timezone

from stip.feedback import services
from stip.feedback.models import CompanyValue
from tests.feedback.builders import question_set, start_round
from tests.matrix import NOT_FOUND, OK, UNAUTHORIZED, Row, api_everyone, api_only, path

# The feedback pages' rows.
PAGE_ROWS = []

# --- API -------------------------------------------------------------------------------------
# Denials: something the caller may not see answers 404; something they see but may not act
# on, 403; a reference in a body to something they may not see, 422 (as an unknown id).

CREATED = 201
NO_CONTENT = 204
FORBIDDEN = 403
INVALID = 422

# The employee's management chain.
CHAIN = ("manager", "director")
HR_AND_ADMIN = ("hr", "admin")


def answers(**by_role):
    """Every role's answer spelled out: anonymous callers and people who have left get 401."""
    return {"anonymous": UNAUTHORIZED, "leaver": UNAUTHORIZED, **by_role}


def roles(default, **by_role):
    """`default` for every signed-in persona but those named."""
    signed_in = ("employee", "manager", "director", "peer", "hr", "admin", "outsider")
    return answers(**(dict.fromkeys(signed_in, default) | by_role))


def body(**fields):
    return lambda p: {key: value(p) if callable(value) else value for key, value in fields.items()}


def person_id(attr):
    return lambda p: str(getattr(p, attr).public_id)


# -- Builders: each row makes its own record, fresh for every persona.


def _feedback(p, visibility="recipient"):
    return services.feedback_give(
        author=p.peer.user, recipient=p.employee, text="Clear planning", visibility=visibility
    )


def feedback_path(suffix="", **kwargs):
    return lambda p: f"/api/v1/feedback/{_feedback(p, **kwargs).public_id}{suffix}"


def _own_request(p):
    """The employee asks the peer about herself."""
    return services.feedback_request_create(
        requester=p.employee.user, subject=p.employee, question="How was my talk?",
        respondents=[p.peer],
    )  # fmt: skip


def _managers_request(p):
    """The manager asks the peer about the employee; not shared with her yet."""
    return services.feedback_request_create(
        requester=p.manager.user, subject=p.employee, question="How does Eva plan?",
        respondents=[p.peer],
    )  # fmt: skip


def request_path(build, suffix=""):
    return lambda p: f"/api/v1/feedback/requests/{build(p).public_id}{suffix}"


def note_share_path(p):
    note = services.manager_note_write(author=p.manager.user, subject=p.employee, text="Ready")
    return f"/api/v1/feedback/notes/{note.public_id}/share"


def praise_reaction_path(p):
    praise = services.praise_give(author=p.peer.user, recipient=p.employee, text="Thanks!")
    return f"/api/v1/praise/{praise.public_id}/reactions/heart"


def value_path(p):
    value = CompanyValue.objects.create(name_en="Customer first", name_nl="Klant voorop")
    return f"/api/v1/values/{value.public_id}"


def _round(p, *, close=False, release=False):
    """A round about the employee started by her manager, the peer invited."""
    round_ = start_round(p, peers=[p.peer])
    if close or release:
        round_ = services.round_close(round_=round_, actor=p.manager.user, release=release)
    return round_


def round_path(suffix="", **kwargs):
    return lambda p: f"/api/v1/rounds/{_round(p, **kwargs).public_id}{suffix}"


def uninvited_round_path(p):
    round_ = start_round(p, peers=[])
    return f"/api/v1/rounds/{round_.public_id}"


def new_round(subject=None):
    def data(p):
        fields = {
            "question_set": str(question_set(p.hr).public_id),
            "closes_on": str(timezone.localdate() + datetime.timedelta(days=14)),
            "respondents": {"peer": [str(p.peer.public_id)]},
        }
        if subject is not None:
            fields["subject"] = str(getattr(p, subject).public_id)
        return fields

    return data


API_ROWS = [
    # Feedback.
    Row("GET /api/v1/feedback", path("/api/v1/feedback"), api_everyone(OK)),
    Row(
        "POST /api/v1/feedback (to the employee)",
        path("/api/v1/feedback"),
        roles(CREATED, employee=FORBIDDEN),
        method="post",
        data=body(recipient=person_id("employee"), text="Thanks for the help"),
        json=True,
    ),
    Row(
        "POST /api/v1/feedback (answering the employee's request to the peer)",
        path("/api/v1/feedback"),
        roles(INVALID, peer=CREATED, employee=FORBIDDEN),
        method="post",
        data=lambda p: {"request": str(_own_request(p).public_id), "text": "It was clear"},
        json=True,
    ),
    Row(
        "GET /api/v1/feedback/{id} (for the recipient only)",
        feedback_path(),
        api_only(("employee", "peer"), OK),
    ),
    Row(
        "GET /api/v1/feedback/{id} (for the recipient and her managers)",
        feedback_path(visibility="recipient_and_manager"),
        api_only(("employee", "peer", *CHAIN), OK),
    ),
    Row(
        "POST /api/v1/feedback/{id}/replies",
        feedback_path("/replies", visibility="recipient_and_manager"),
        roles(NOT_FOUND, employee=CREATED, peer=CREATED, manager=FORBIDDEN, director=FORBIDDEN),
        method="post",
        data=body(text="Thank you!"),
        json=True,
    ),
    Row(
        "PUT /api/v1/feedback/{id}/helpful",
        feedback_path("/helpful", visibility="recipient_and_manager"),
        roles(NOT_FOUND, employee=OK, peer=FORBIDDEN, manager=FORBIDDEN, director=FORBIDDEN),
        method="put",
        data=body(helpful=True),
        json=True,
    ),
    # Requests.
    Row("GET /api/v1/feedback/requests", path("/api/v1/feedback/requests"), api_everyone(OK)),
    Row(
        "POST /api/v1/feedback/requests (about oneself)",
        path("/api/v1/feedback/requests"),
        api_everyone(CREATED),
        method="post",
        data=body(
            question="How am I doing?",
            respondents=lambda p: [str(p.peer.public_id), str(p.outsider.public_id)],
        ),
        json=True,
    ),
    Row(
        "POST /api/v1/feedback/requests (about the employee)",
        path("/api/v1/feedback/requests"),
        api_only(("employee", *CHAIN), CREATED, no=FORBIDDEN),
        method="post",
        data=body(
            subject=person_id("employee"),
            question="How does Eva plan?",
            respondents=lambda p: [str(p.peer.public_id), str(p.outsider.public_id)],
        ),
        json=True,
    ),
    Row(
        "GET /api/v1/feedback/requests/{id} (the employee's own)",
        request_path(_own_request),
        api_only(("employee", "peer"), OK),
    ),
    Row(
        "GET /api/v1/feedback/requests/{id} (the manager's about the employee, not shared)",
        request_path(_managers_request),
        api_only(("manager", "peer"), OK),
    ),
    Row(
        "POST /api/v1/feedback/requests/{id}/decline",
        request_path(_own_request, "/decline"),
        roles(NOT_FOUND, peer=OK, employee=FORBIDDEN),
        method="post",
    ),
    Row(
        "POST /api/v1/feedback/requests/{id}/share",
        request_path(_managers_request, "/share"),
        roles(NOT_FOUND, manager=OK, peer=FORBIDDEN),
        method="post",
    ),
    # Manager notes.
    Row(
        "GET /api/v1/people/{id}/notes (about the employee)",
        path("/api/v1/people/{id}/notes", id=person_id("employee")),
        roles(FORBIDDEN, manager=OK, director=OK, hr=OK),
    ),
    Row(
        "GET /api/v1/people/{id}/notes (about someone who left)",
        path("/api/v1/people/{id}/notes", id=person_id("leaver")),
        roles(NOT_FOUND, hr=OK, admin=FORBIDDEN),
    ),
    Row(
        "POST /api/v1/people/{id}/notes (about the employee)",
        path("/api/v1/people/{id}/notes", id=person_id("employee")),
        api_only(CHAIN, CREATED, no=FORBIDDEN),
        method="post",
        data=body(text="Ready for the Almere routes"),
        json=True,
    ),
    Row(
        "POST /api/v1/feedback/notes/{id}/share",
        note_share_path,
        roles(NOT_FOUND, manager=OK, director=FORBIDDEN),
        method="post",
    ),
    # Praise and values.
    Row("GET /api/v1/praise", path("/api/v1/praise"), api_everyone(OK)),
    Row(
        "POST /api/v1/praise (to the employee)",
        path("/api/v1/praise"),
        roles(CREATED, employee=FORBIDDEN),
        method="post",
        data=body(recipient=person_id("employee"), text="You saved the day!"),
        json=True,
    ),
    Row(
        "PUT /api/v1/praise/{id}/reactions/{kind}",
        praise_reaction_path,
        api_everyone(OK),
        method="put",
    ),
    Row("GET /api/v1/values", path("/api/v1/values"), api_everyone(OK)),
    Row(
        "POST /api/v1/values",
        path("/api/v1/values"),
        api_only(HR_AND_ADMIN, CREATED, no=FORBIDDEN),
        method="post",
        data=body(name_en="Stronger together", name_nl="Samen sterker"),
        json=True,
    ),
    Row(
        "PATCH /api/v1/values/{id}",
        value_path,
        api_only(HR_AND_ADMIN, OK, no=FORBIDDEN),
        method="patch",
        data=body(active=False),
        json=True,
    ),
    # Rating scales and question sets.
    Row("GET /api/v1/rating-scales", path("/api/v1/rating-scales"), api_everyone(OK)),
    Row(
        "POST /api/v1/rating-scales",
        path("/api/v1/rating-scales"),
        api_only(HR_AND_ADMIN, CREATED, no=FORBIDDEN),
        method="post",
        data=body(
            name_en="Agreement",
            name_nl="Instemming",
            levels=[{"name_en": "No", "name_nl": "Nee"}, {"name_en": "Yes", "name_nl": "Ja"}],
        ),
        json=True,
    ),
    Row("GET /api/v1/question-sets", path("/api/v1/question-sets"), api_everyone(OK)),
    Row(
        "POST /api/v1/question-sets",
        path("/api/v1/question-sets"),
        api_only(HR_AND_ADMIN, CREATED, no=FORBIDDEN),
        method="post",
        data=body(
            name_en="Reflection",
            name_nl="Reflectie",
            questions=[{"kind": "open", "text_en": "What works?", "text_nl": "Wat werkt?"}],
        ),
        json=True,
    ),
    # 360° rounds.
    Row("GET /api/v1/rounds", path("/api/v1/rounds"), api_everyone(OK)),
    Row(
        "POST /api/v1/rounds (about oneself)",
        path("/api/v1/rounds"),
        api_everyone(CREATED),
        method="post",
        data=new_round(),
        json=True,
    ),
    Row(
        "POST /api/v1/rounds (about the employee)",
        path("/api/v1/rounds"),
        api_only(("employee", *CHAIN, "hr"), CREATED, no=FORBIDDEN),
        method="post",
        data=new_round(subject="employee"),
        json=True,
    ),
    Row(
        "GET /api/v1/rounds/{id} (the peer invited)",
        round_path(),
        roles(OK, outsider=NOT_FOUND),
    ),
    Row(
        "GET /api/v1/rounds/{id} (the peer not invited)",
        uninvited_round_path,
        roles(OK, outsider=NOT_FOUND, peer=NOT_FOUND),
    ),
    Row(
        "POST /api/v1/rounds/{id}/answers",
        round_path("/answers"),
        roles(
            FORBIDDEN, employee=NO_CONTENT, manager=NO_CONTENT, peer=NO_CONTENT, outsider=NOT_FOUND
        ),
        method="post",
        data=body(ratings={"1": 3}, texts={"2": "Keeps the team calm"}),
        json=True,
    ),
    Row(
        "POST /api/v1/rounds/{id}/decline",
        round_path("/decline"),
        roles(
            FORBIDDEN, employee=NO_CONTENT, manager=NO_CONTENT, peer=NO_CONTENT, outsider=NOT_FOUND
        ),
        method="post",
    ),
    Row(
        "POST /api/v1/rounds/{id}/close",
        round_path("/close"),
        roles(FORBIDDEN, manager=OK, director=OK, hr=OK, outsider=NOT_FOUND),
        method="post",
        data=body(release=True),
        json=True,
    ),
    Row(
        "GET /api/v1/rounds/{id}/result (open)",
        round_path("/result"),
        roles(NOT_FOUND),
    ),
    Row(
        "GET /api/v1/rounds/{id}/result (closed, not released)",
        round_path("/result", close=True),
        api_only((*CHAIN, *HR_AND_ADMIN), OK),
    ),
    Row(
        "GET /api/v1/rounds/{id}/result (released to the employee)",
        round_path("/result", release=True),
        api_only(("employee", *CHAIN, *HR_AND_ADMIN), OK),
    ),
]


# --- Pages -----------------------------------------------------------------------------------
# Something a persona may not see, or may see but not act on, answers 404 on every page; people
# who are signed out (or have left) are sent to sign in. Each row builds its own records.

# (Imported here, not at the top: this part of the file is the pages engineer's.)
from django.urls import reverse  # noqa: E402

from stip.feedback.models import Round  # noqa: E402
from tests.matrix import FOUND, everyone, only  # noqa: E402

EMPLOYEE_AND_CHAIN = ("employee", *CHAIN)
ROUND_PARTICIPANTS = ("employee", "manager", "peer")  # self, her manager, the invited peer


def page(name, build=None, query="", **ids):
    """The page `name`: of the record `build(p)` makes, or with `ids` naming personas."""

    def url(p):
        kwargs = {key: getattr(p, attr).public_id for key, attr in ids.items()}
        if build is not None:
            kwargs["public_id"] = build(p).public_id
        target = reverse(name, kwargs=kwargs or None)
        return target + query.format(**{a: getattr(p, a).public_id for a in p.NAMES})

    return url


def _note(p):
    return services.manager_note_write(author=p.manager.user, subject=p.employee, text="Ready")


def _answered_managers_request(p):
    request = _managers_request(p)
    return services.feedback_give(
        author=p.peer.user, recipient=p.employee, text="Calm and clear", request=request
    )


def _praise(p):
    return services.praise_give(author=p.peer.user, recipient=p.employee, text="Thanks!")


def _value(p):
    return CompanyValue.objects.create(name_en="Customer first", name_nl="Klant voorop")


def _question_set(p):
    return question_set(p.hr)


def _round_answers(p):
    """A POST of the answer form for the newest round: a rating and a comment."""
    rating, open_question = Round.objects.latest("pk").question_set.questions.order_by("position")
    return {f"rating_{rating.pk}": "3", f"text_{open_question.pk}": "Keeps the team calm"}


def _question_set_form(p):
    data = {
        "name_en": "Leadership",
        "name_nl": "Leiderschap",
        "scale": "",
        "level-TOTAL_FORMS": "7",
        "level-INITIAL_FORMS": "0",
        "question-TOTAL_FORMS": "10",
        "question-INITIAL_FORMS": "0",
        "level-0-label_en": "Rarely",
        "level-0-label_nl": "Zelden",
        "level-1-label_en": "Always",
        "level-1-label_nl": "Altijd",
        "question-0-kind": "rating",
        "question-0-text_en": "Listens",
        "question-0-text_nl": "Luistert",
    }
    for row in range(1, 10):
        data[f"question-{row}-kind"] = "rating"
    return data


def _round_form(subject=None):
    def data(p):
        return {
            "subject": str(getattr(p, subject or "employee").public_id),
            "question_set": str(question_set(p.hr).public_id),
            "closes_on": str(timezone.localdate() + datetime.timedelta(days=14)),
            "peer": [str(p.outsider.public_id)],
            "anonymous": ["peer", "report"],
        }

    return data


PAGE_ROWS += [
    # A person's feedback.
    Row("feedback:mine", page("feedback:mine"), everyone(OK)),
    Row("feedback:person", page("feedback:person", public_id="employee"), everyone(OK)),
    Row(
        "feedback:person (someone who left)",
        page("feedback:person", public_id="leaver"),
        only(HR_AND_ADMIN, OK),
    ),
    Row(
        "feedback:note_new",
        page("feedback:note_new", public_id="employee"),
        only(CHAIN, OK),
    ),
    Row(
        "feedback:note_new (saved)",
        page("feedback:note_new", public_id="employee"),
        only(CHAIN, FOUND),
        method="post",
        data=lambda p: {"text": "Ready for the Almere routes"},
    ),
    Row(
        "feedback:note_share",
        page("feedback:note_share", _note),
        only(("manager",), FOUND),
        method="post",
    ),
    Row(
        "feedback:people",
        lambda p: reverse("feedback:people") + "?field=respondents&q=Eva",
        everyone(OK),
    ),
    # Giving feedback.
    Row("feedback:give", page("feedback:give"), everyone(OK)),
    Row(
        "feedback:give (to the employee)",
        page("feedback:give", query="?to={employee}"),
        everyone(OK),
    ),
    Row(
        "feedback:give (sent to the employee)",
        page("feedback:give"),
        {**everyone(FOUND), "employee": OK},  # not to oneself: the form says so
        method="post",
        data=body(recipient=person_id("employee"), text="Clear planning", visibility="recipient"),
    ),
    Row(
        "feedback:detail (for the recipient only)",
        page("feedback:detail", lambda p: _feedback(p)),
        only(("employee", "peer"), OK),
    ),
    Row(
        "feedback:detail (for the recipient and her managers)",
        page("feedback:detail", lambda p: _feedback(p, "recipient_and_manager")),
        only(("employee", "peer", *CHAIN), OK),
    ),
    Row(
        "feedback:detail (an answer to the manager's request, not shared)",
        page("feedback:detail", _answered_managers_request),
        only(("manager", "peer"), OK),
    ),
    Row(
        "feedback:reply",
        page("feedback:reply", lambda p: _feedback(p, "recipient_and_manager")),
        only(("employee", "peer"), FOUND),
        method="post",
        data=lambda p: {"text": "Thank you!"},
    ),
    Row(
        "feedback:helpful",
        page("feedback:helpful", lambda p: _feedback(p, "recipient_and_manager")),
        only(("employee",), FOUND),
        method="post",
        data=lambda p: {"helpful": "1"},
    ),
    # Requests.
    Row("feedback:request_new", page("feedback:request_new"), everyone(OK)),
    Row(
        "feedback:request_new (about the employee)",
        page("feedback:request_new", query="?about={employee}"),
        only(EMPLOYEE_AND_CHAIN, OK),
    ),
    Row(
        "feedback:request_new (sent, about oneself)",
        page("feedback:request_new"),
        everyone(FOUND),
        method="post",
        data=lambda p: {
            "question": "How am I doing?",
            "respondents": [str(p.peer.public_id), str(p.outsider.public_id)],
        },
    ),
    Row(
        "feedback:request (the employee's own)",
        page("feedback:request", _own_request),
        only(("employee", "peer"), OK),
    ),
    Row(
        "feedback:request (the manager's about the employee, not shared)",
        page("feedback:request", _managers_request),
        only(("manager", "peer"), OK),
    ),
    Row(
        "feedback:request_answer",
        page("feedback:request_answer", _own_request),
        only(("peer",), FOUND),
        method="post",
        data=lambda p: {"text": "It was clear", "visibility": "recipient"},
    ),
    Row(
        "feedback:request_decline",
        page("feedback:request_decline", _own_request),
        only(("peer",), FOUND),
        method="post",
    ),
    Row(
        "feedback:request_share",
        page("feedback:request_share", _managers_request),
        only(("manager",), FOUND),
        method="post",
    ),
    # Praise.
    Row("feedback:praise", page("feedback:praise"), everyone(OK)),
    Row("feedback:praise_new", page("feedback:praise_new"), everyone(OK)),
    Row(
        "feedback:praise_new (posted for the employee)",
        page("feedback:praise_new"),
        {**everyone(FOUND), "employee": OK},  # not for oneself: the form says so
        method="post",
        data=body(recipient=person_id("employee"), text="You saved the day!"),
    ),
    Row(
        "feedback:praise_react",
        page("feedback:praise_react", _praise),
        everyone(FOUND),
        method="post",
        data=lambda p: {"kind": "heart"},
    ),
    # Company values and question sets: HR.
    Row("feedback:values", page("feedback:values"), only(HR_AND_ADMIN, OK)),
    Row(
        "feedback:values (added)",
        page("feedback:values"),
        only(HR_AND_ADMIN, FOUND),
        method="post",
        data=lambda p: {"name_en": "Stronger together", "name_nl": "Samen sterker", "active": "on"},
    ),
    Row("feedback:value_edit", page("feedback:value_edit", _value), only(HR_AND_ADMIN, OK)),
    Row(
        "feedback:value_edit (saved)",
        page("feedback:value_edit", _value),
        only(HR_AND_ADMIN, FOUND),
        method="post",
        data=lambda p: {"name_en": "Clients first", "name_nl": "Klant voorop", "active": "on"},
    ),
    Row(
        "feedback:value_active",
        page("feedback:value_active", _value),
        only(HR_AND_ADMIN, FOUND),
        method="post",
        data=lambda p: {"active": "0"},
    ),
    Row("feedback:question_sets", page("feedback:question_sets"), only(HR_AND_ADMIN, OK)),
    Row("feedback:question_set_new", page("feedback:question_set_new"), only(HR_AND_ADMIN, OK)),
    Row(
        "feedback:question_set_new (saved)",
        page("feedback:question_set_new"),
        only(HR_AND_ADMIN, FOUND),
        method="post",
        data=_question_set_form,
    ),
    Row(
        "feedback:question_set",
        page("feedback:question_set", _question_set),
        only(HR_AND_ADMIN, OK),
    ),
    # 360° rounds.
    Row("feedback:rounds", page("feedback:rounds"), everyone(OK)),
    Row("feedback:round_new", page("feedback:round_new"), everyone(OK)),
    Row(
        "feedback:round_new (about the employee)",
        page("feedback:round_new", query="?about={employee}"),
        only((*EMPLOYEE_AND_CHAIN, "hr"), OK),
    ),
    Row(
        "feedback:round_new (started, about the employee)",
        page("feedback:round_new", query="?about={employee}"),
        only((*EMPLOYEE_AND_CHAIN, "hr"), FOUND),
        method="post",
        data=_round_form(),
    ),
    Row(
        "feedback:round (the peer invited)",
        page("feedback:round", lambda p: _round(p)),
        {**everyone(OK), "outsider": NOT_FOUND},
    ),
    Row(
        "feedback:round_close",
        page("feedback:round_close", lambda p: _round(p)),
        only((*CHAIN, "hr"), FOUND),
        method="post",
        data=lambda p: {"release": "1"},
    ),
    Row(
        "feedback:round_answer",
        page("feedback:round_answer", lambda p: _round(p)),
        only(ROUND_PARTICIPANTS, OK),
    ),
    Row(
        "feedback:round_answer (sent)",
        page("feedback:round_answer", lambda p: _round(p)),
        only(ROUND_PARTICIPANTS, FOUND),
        method="post",
        data=_round_answers,
    ),
    Row(
        "feedback:round_decline",
        page("feedback:round_decline", lambda p: _round(p)),
        only(ROUND_PARTICIPANTS, FOUND),
        method="post",
    ),
    Row(
        "feedback:round_result (open)",
        page("feedback:round_result", lambda p: _round(p)),
        only((), OK),
    ),
    Row(
        "feedback:round_result (closed, not released)",
        page("feedback:round_result", lambda p: _round(p, close=True)),
        only((*CHAIN, *HR_AND_ADMIN), OK),
    ),
    Row(
        "feedback:round_result (released to the employee)",
        page("feedback:round_result", lambda p: _round(p, release=True)),
        only((*EMPLOYEE_AND_CHAIN, *HR_AND_ADMIN), OK),
    ),
]
