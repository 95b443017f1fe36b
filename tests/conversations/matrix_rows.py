"""Who may use which conversation page. A meeting — and all it holds — is for its two
participants only: not the manager's manager, not HR, not administrators. A formal report is
for its writer while it is a draft; once shared, also for the employee, their management chain
and HR (not administrators)."""

from stip.conversations import services
from tests.conversations import builders
from tests.matrix import FOUND, OK, Row, everyone, only, url

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

# The conversations API comes with the next change; its rows go here.
API_ROWS = []
