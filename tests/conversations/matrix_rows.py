"""Who may use which conversation page. A meeting — and all it holds — is for its two
participants only: not the manager's manager, not HR, not administrators. A formal report is
for its writer while it is a draft; once shared, also for the employee, their management chain
and HR (not administrators)."""

import datetime

from django.utils import timezone

from stip.conversations import services
from stip.conversations.models import AgendaItem, Meeting
from tests.conversations import builders
from tests.matrix import (
    FOUND,
    NOT_FOUND,
    OK,
    SIGNED_IN,
    UNAUTHORIZED,
    Row,
    api_everyone,
    api_only,
    everyone,
    only,
    path,
    url,
)

PAIR = ("employee", "manager")
REPORT_READERS = ("employee", "manager", "director", "hr")


def _meeting(p):
    return builders.meeting(p).public_id


def _series(p):
    return builders.series(p).public_id


def _item(p, author="employee"):
    meeting = builders.meeting(p)
    item = services.agenda_item_add(
        meeting=meeting, actor=getattr(p, author).user, text="The Almere routes"
    )
    return meeting, item


def _action(p):
    meeting = builders.meeting(p)
    return meeting, services.action_item_add(
        meeting=meeting, actor=p.manager.user, owner=p.employee, text="Draft the proposal"
    )


def _held(p):
    meeting = builders.meeting(p)
    return services.meeting_mark_held(meeting=meeting, actor=p.manager.user).public_id


def _shared_report(p):
    return builders.report(p).public_id


def _draft_report(p):
    return builders.report(p, shared=False).public_id


def _appraisal_draft(p):
    return builders.report(p, kind="appraisal", shared=False).public_id


def _formal_meeting(p):
    return builders.meeting(p, kind="performance").public_id


def _organisation_template(p):
    return builders.check_in_template(p).public_id


def _managers_template(p):
    return services.checkin_template_create(
        actor=p.manager.user,
        name="Mark's",
        kind="check_in",
        questions=["How are you?"],
        organisation=False,
    ).public_id


def _scale(p):
    return builders.rating_scale(p).public_id


def meeting_url(name):
    return url(name, public_id=_meeting)


def item_url(name, author="employee"):
    def build(p):
        from django.urls import reverse

        meeting, item = _item(p, author)
        return reverse(name, kwargs={"public_id": meeting.public_id, "item_id": item.public_id})

    return build


def action_url(p):
    from django.urls import reverse

    meeting, item = _action(p)
    return reverse(
        "conversations:action_done",
        kwargs={"public_id": meeting.public_id, "item_id": item.public_id},
    )


PAGE_ROWS = [
    Row("conversations:mine", url("conversations:mine"), everyone(OK)),
    Row("conversations:team", url("conversations:team"), everyone(OK)),
    Row("conversations:overview", url("conversations:overview"), only(("hr",), OK)),
    Row("conversations:new", url("conversations:new"), everyone(OK)),
    Row("conversations:series_new", url("conversations:series_new"), everyone(OK)),
    Row("conversations:series", url("conversations:series", public_id=_series), only(PAIR, OK)),
    Row(
        "conversations:series_edit",
        url("conversations:series_edit", public_id=_series),
        only(PAIR, OK),
    ),
    Row(
        "conversations:series_stop",
        url("conversations:series_stop", public_id=_series),
        only(PAIR, FOUND),
        method="post",
    ),
    Row("conversations:meeting", meeting_url("conversations:meeting"), only(PAIR, OK)),
    Row("conversations:meeting_edit", meeting_url("conversations:meeting_edit"), only(PAIR, OK)),
    Row(
        "conversations:meeting_held",
        meeting_url("conversations:meeting_held"),
        only(PAIR, FOUND),
        method="post",
    ),
    Row(
        "conversations:agenda_add",
        meeting_url("conversations:agenda_add"),
        only(PAIR, FOUND),
        method="post",
        data=lambda p: {"text": "How did the Almere week go?"},
    ),
    Row(
        "conversations:agenda_refresh",
        meeting_url("conversations:agenda_refresh"),
        only(PAIR, FOUND),
        method="post",
    ),
    Row(
        "conversations:agenda_move",
        item_url("conversations:agenda_move"),
        only(PAIR, FOUND),
        method="post",
        data=lambda p: {"direction": "up"},
    ),
    Row(
        "conversations:agenda_discussed",
        item_url("conversations:agenda_discussed"),
        only(PAIR, FOUND),
        method="post",
        data=lambda p: {"discussed": "1"},
    ),
    Row(
        "conversations:agenda_remove (the employee's talking point)",
        item_url("conversations:agenda_remove"),
        only(("employee",), FOUND),
        method="post",
    ),
    Row(
        "conversations:checkin",
        meeting_url("conversations:checkin"),
        only(("employee",), FOUND),
        method="post",
    ),
    Row(
        "conversations:shared_notes",
        meeting_url("conversations:shared_notes"),
        only(PAIR, FOUND),
        method="post",
        data=lambda p: {"text": "We agreed on the Almere plan.", "version": "1"},
    ),
    Row(
        "conversations:notes_history",
        meeting_url("conversations:notes_history"),
        only(PAIR, OK),
    ),
    Row(
        "conversations:private_note",
        meeting_url("conversations:private_note"),
        only(PAIR, FOUND),
        method="post",
        data=lambda p: {"text": "Only mine."},
    ),
    Row(
        "conversations:action_add",
        meeting_url("conversations:action_add"),
        only(PAIR, FOUND),
        method="post",
        data=lambda p: {"text": "Send the proposal", "owner": str(p.employee.public_id)},
    ),
    Row(
        "conversations:action_done",
        action_url,
        only(PAIR, FOUND),
        method="post",
        data=lambda p: {"done": "1"},
    ),
    Row(
        "conversations:report_write",
        url("conversations:report_write", public_id=_formal_meeting),
        only(("manager",), OK),
    ),
    Row(
        "conversations:report (shared)",
        url("conversations:report", public_id=_shared_report),
        only(REPORT_READERS, OK),
    ),
    Row(
        "conversations:report (draft)",
        url("conversations:report", public_id=_draft_report),
        only(("manager",), OK),
    ),
    Row(
        "conversations:report_share",
        url("conversations:report_share", public_id=_draft_report),
        only(("manager",), FOUND),
        method="post",
    ),
    Row(
        "conversations:report_respond",
        url("conversations:report_respond", public_id=_shared_report),
        only(("employee",), FOUND),
        method="post",
        data=lambda p: {"response": "I agree, and I would like the SQL course."},
    ),
    Row(
        "conversations:report_acknowledge",
        url("conversations:report_acknowledge", public_id=_shared_report),
        only(("employee",), FOUND),
        method="post",
    ),
    Row(
        "conversations:report_correct",
        url("conversations:report_correct", public_id=_shared_report),
        only(("manager",), OK),
    ),
    Row(
        "conversations:report_quote",
        url("conversations:report_quote", public_id=_appraisal_draft),
        only(("manager",), OK),
    ),
    Row(
        "conversations:report_pdf (shared)",
        url("conversations:report_pdf", public_id=_shared_report),
        only(REPORT_READERS, OK),
    ),
    Row(
        "conversations:report_pdf (draft)",
        url("conversations:report_pdf", public_id=_draft_report),
        only(("manager",), OK),
    ),
    Row("conversations:templates", url("conversations:templates"), everyone(OK)),
    Row("conversations:template_new", url("conversations:template_new"), everyone(OK)),
    Row(
        "conversations:template_edit (the organisation's)",
        url("conversations:template_edit", public_id=_organisation_template),
        only(("hr",), OK),
    ),
    Row(
        "conversations:template_edit (a manager's own)",
        url("conversations:template_edit", public_id=_managers_template),
        only(("manager",), OK),
    ),
    Row("conversations:scales", url("conversations:scales"), only(("hr",), OK)),
    Row("conversations:scale_new", url("conversations:scale_new"), only(("hr",), OK)),
    Row(
        "conversations:scale_edit",
        url("conversations:scale_edit", public_id=_scale),
        only(("hr",), OK),
    ),
]

# --- API -------------------------------------------------------------------------------------
# Denials: a meeting, series, action item or report the caller may not see answers 404; one
# they see but may not act on, 403; a person in a body they may not see, 422 (an unknown id).
# Anonymous callers and people who have left get 401 (`api_only`, `api_everyone`).

CREATED = 201
NO_CONTENT = 204
FORBIDDEN = 403
INVALID = 422

API = "/api/v1"


def answers(**by_role):
    """Every role's answer spelled out: anonymous callers and people who have left get 401."""
    return {"anonymous": UNAUTHORIZED, "leaver": UNAUTHORIZED, **by_role}


def roles(default, **by_role):
    """`default` for every signed-in persona but those named."""
    return answers(**(dict.fromkeys(SIGNED_IN, default) | by_role))


def conversation_path(suffix="", build=_meeting):
    return lambda p: f"{API}/conversations/{build(p)}{suffix}"


def _checkin_meeting(p):
    builders.check_in_template(p)
    return builders.meeting(p).public_id


def _agenda_item_path(suffix="", author="employee"):
    def build(p):
        meeting, item = _item(p, author)
        return f"{API}/conversations/{meeting.public_id}/agenda/{item.public_id}{suffix}"

    return build


def _newest_agenda(p):
    """The agenda of the meeting the row's URL just made, in reverse."""
    meeting = Meeting.objects.order_by("-pk").first()
    items = AgendaItem.objects.filter(meeting=meeting).order_by("-position", "-pk")
    return {"order": [str(i.public_id) for i in items]}


def _first_question(p):
    meeting = Meeting.objects.order_by("-pk").first()
    question = AgendaItem.objects.filter(meeting=meeting, source="question").order_by("position")
    return {"answers": {str(question.first().public_id): "The Almere routes went well."}}


def _action_done_path(p):
    item = _action(p)[1]
    return f"{API}/action-items/{item.public_id}/done"


def series_path(suffix=""):
    return lambda p: f"{API}/conversation-series/{_series(p)}{suffix}"


def report_path(build, suffix=""):
    return lambda p: f"{API}/conversation-reports/{build(p)}{suffix}"


def new_conversation(kind, other):
    return lambda p: {
        "kind": kind,
        "with": str(getattr(p, other).public_id),
        "scheduled_for": builders.at(2).isoformat(),
    }


def new_series(other):
    return lambda p: {
        "with": str(getattr(p, other).public_id),
        "cadence": "weekly",
        "next_date": str(timezone.localdate() + datetime.timedelta(days=1)),
    }


API_ROWS = [
    # Conversations.
    Row(f"GET {API}/conversations", path(f"{API}/conversations"), api_everyone(OK)),
    Row(
        f"POST {API}/conversations (ad hoc, with the employee)",
        path(f"{API}/conversations"),
        roles(FORBIDDEN, employee=INVALID, manager=CREATED, director=CREATED),
        method="post",
        data=new_conversation("ad_hoc", "employee"),
        json=True,
    ),
    Row(
        f"POST {API}/conversations (ad hoc, with the manager)",
        path(f"{API}/conversations"),
        roles(FORBIDDEN, employee=CREATED, peer=CREATED, director=CREATED, manager=INVALID),
        method="post",
        data=new_conversation("ad_hoc", "manager"),
        json=True,
    ),
    Row(
        f"POST {API}/conversations (a performance conversation with the employee)",
        path(f"{API}/conversations"),
        roles(FORBIDDEN, employee=INVALID, manager=CREATED, director=CREATED),
        method="post",
        data=new_conversation("performance", "employee"),
        json=True,
    ),
    Row(
        f"POST {API}/conversations (a performance conversation with the manager)",
        path(f"{API}/conversations"),
        roles(FORBIDDEN, manager=INVALID, director=CREATED),
        method="post",
        data=new_conversation("performance", "manager"),
        json=True,
    ),
    Row(f"GET {API}/conversations/{{id}}", conversation_path(), api_only(PAIR, OK)),
    Row(
        f"PATCH {API}/conversations/{{id}}",
        conversation_path(),
        api_only(PAIR, OK),
        method="patch",
        data=lambda p: {"scheduled_for": builders.at(3).isoformat()},
        json=True,
    ),
    Row(
        f"POST {API}/conversations/{{id}}/held",
        conversation_path("/held"),
        api_only(PAIR, OK),
        method="post",
    ),
    Row(
        f"POST {API}/conversations/{{id}}/held (held already)",
        lambda p: f"{API}/conversations/{_held(p)}/held",
        api_only(PAIR, FORBIDDEN),
        method="post",
    ),
    # Agenda.
    Row(
        f"POST {API}/conversations/{{id}}/agenda",
        conversation_path("/agenda"),
        api_only(PAIR, CREATED),
        method="post",
        data=lambda p: {"text": "How did the Almere week go?"},
        json=True,
    ),
    Row(
        f"PUT {API}/conversations/{{id}}/agenda/order",
        lambda p: f"{API}/conversations/{_item(p)[0].public_id}/agenda/order",
        api_only(PAIR, OK),
        method="put",
        data=_newest_agenda,
        json=True,
    ),
    Row(
        f"POST {API}/conversations/{{id}}/agenda/{{item_id}}/discussed",
        _agenda_item_path("/discussed"),
        api_only(PAIR, OK),
        method="post",
        data=lambda p: {"discussed": True},
        json=True,
    ),
    Row(
        f"DELETE {API}/conversations/{{id}}/agenda/{{item_id}} (the employee's talking point)",
        _agenda_item_path(),
        api_only(("employee",), NO_CONTENT, no=NOT_FOUND) | {"manager": FORBIDDEN},
        method="delete",
    ),
    # Check-in.
    Row(
        f"PUT {API}/conversations/{{id}}/checkin",
        conversation_path("/checkin", build=_checkin_meeting),
        api_only(("employee",), OK) | {"manager": FORBIDDEN},
        method="put",
        data=_first_question,
        json=True,
    ),
    # Notes.
    Row(
        f"PUT {API}/conversations/{{id}}/shared-note",
        conversation_path("/shared-note"),
        api_only(PAIR, OK),
        method="put",
        data=lambda p: {"text": "We agreed on the Almere plan.", "version": 1},
        json=True,
    ),
    Row(
        f"GET {API}/conversations/{{id}}/shared-note/history",
        conversation_path("/shared-note/history"),
        api_only(PAIR, OK),
    ),
    Row(
        f"PUT {API}/conversations/{{id}}/private-note",
        conversation_path("/private-note"),
        api_only(PAIR, OK),
        method="put",
        data=lambda p: {"text": "Only mine."},
        json=True,
    ),
    # Action items.
    Row(f"GET {API}/action-items", path(f"{API}/action-items"), api_everyone(OK)),
    Row(
        f"POST {API}/conversations/{{id}}/action-items",
        conversation_path("/action-items"),
        api_only(PAIR, CREATED),
        method="post",
        data=lambda p: {"text": "Send the proposal", "owner": str(p.employee.public_id)},
        json=True,
    ),
    Row(
        f"POST {API}/action-items/{{id}}/done",
        _action_done_path,
        api_only(PAIR, OK),
        method="post",
        data=lambda p: {"done": True},
        json=True,
    ),
    # Series.
    Row(f"GET {API}/conversation-series", path(f"{API}/conversation-series"), api_everyone(OK)),
    Row(
        f"POST {API}/conversation-series (with the employee)",
        path(f"{API}/conversation-series"),
        roles(FORBIDDEN, employee=INVALID, manager=CREATED),
        method="post",
        data=new_series("employee"),
        json=True,
    ),
    Row(
        f"POST {API}/conversation-series (with the manager)",
        path(f"{API}/conversation-series"),
        roles(FORBIDDEN, employee=CREATED, peer=CREATED, director=CREATED, manager=INVALID),
        method="post",
        data=new_series("manager"),
        json=True,
    ),
    Row(f"GET {API}/conversation-series/{{id}}", series_path(), api_only(PAIR, OK)),
    Row(
        f"PATCH {API}/conversation-series/{{id}}",
        series_path(),
        api_only(PAIR, OK),
        method="patch",
        data=lambda p: {"cadence": "monthly"},
        json=True,
    ),
    Row(
        f"POST {API}/conversation-series/{{id}}/stop",
        series_path("/stop"),
        api_only(PAIR, OK),
        method="post",
    ),
    # Formal reports.
    Row(
        f"POST {API}/conversations/{{id}}/report",
        conversation_path("/report", build=_formal_meeting),
        api_only(PAIR, OK) | {"employee": FORBIDDEN},
        method="post",
        data=lambda p: {"text": "Eva planned every route on time."},
        json=True,
    ),
    Row(
        f"GET {API}/conversation-reports",
        path(f"{API}/conversation-reports"),
        api_everyone(OK),
    ),
    Row(
        f"GET {API}/conversation-reports/{{id}} (shared)",
        report_path(_shared_report),
        api_only(REPORT_READERS, OK),
    ),
    Row(
        f"GET {API}/conversation-reports/{{id}} (draft)",
        report_path(_draft_report),
        api_only(("manager",), OK),
    ),
    Row(
        f"POST {API}/conversation-reports/{{id}}/share (draft)",
        report_path(_draft_report, "/share"),
        api_only(("manager",), OK),
        method="post",
    ),
    Row(
        f"POST {API}/conversation-reports/{{id}}/share (shared already)",
        report_path(_shared_report, "/share"),
        api_only(REPORT_READERS, FORBIDDEN),
        method="post",
    ),
    Row(
        f"POST {API}/conversation-reports/{{id}}/respond",
        report_path(_shared_report, "/respond"),
        api_only(REPORT_READERS, FORBIDDEN) | {"employee": OK},
        method="post",
        data=lambda p: {"response": "I agree, and I would like the SQL course."},
        json=True,
    ),
    Row(
        f"POST {API}/conversation-reports/{{id}}/acknowledge",
        report_path(_shared_report, "/acknowledge"),
        api_only(REPORT_READERS, FORBIDDEN) | {"employee": OK},
        method="post",
    ),
    Row(
        f"POST {API}/conversation-reports/{{id}}/correct",
        report_path(_shared_report, "/correct"),
        api_only(REPORT_READERS, FORBIDDEN) | {"manager": CREATED},
        method="post",
        data=lambda p: {"text": "Eva planned every route on time.", "reason": "A typo."},
        json=True,
    ),
    Row(
        f"GET {API}/conversation-reports/{{id}}/pdf (shared)",
        report_path(_shared_report, "/pdf"),
        api_only(REPORT_READERS, OK),
    ),
    Row(
        f"GET {API}/conversation-reports/{{id}}/pdf (draft)",
        report_path(_draft_report, "/pdf"),
        api_only(("manager",), OK),
    ),
]
