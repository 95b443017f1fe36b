"""The formal report's PDF: what it holds, what it never holds, and that every export is logged."""

import pytest
from django.urls import reverse

from stip.conversations import pdf, services
from stip.conversations.models import MeetingKind
from stip.core.models import AuditEntry
from tests.conversations import builders
from tests.conversations.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

ONE_ON_ONE_NOTE = "Eva mentioned her divorce"
PERFORMANCE_NOTE = "Eva is thinking of leaving"
PRIVATE_NOTE = "Mark wonders about a burn-out"
EMPLOYEE_PRIVATE = "Eva wants a raise"
REPORT_TEXT = "Eva planned every Almere route on time — €12.000 saved, “well done”."


@pytest.fixture
def conversations(personas, settings):
    """A 1:1, then a performance conversation, each with shared and private notes; the
    performance conversation's report is shared, responded to and acknowledged."""
    settings.STIP_ORGANISATION_NAME = "Zuiderzee Logistiek B.V."
    one_on_one = builders.meeting(personas, days=-20)
    services.shared_note_save(
        meeting=one_on_one, actor=personas.employee.user, text=ONE_ON_ONE_NOTE, version=1
    )
    services.private_note_save(meeting=one_on_one, actor=personas.manager.user, text=PRIVATE_NOTE)
    report = builders.report(personas, text=REPORT_TEXT)
    services.shared_note_save(
        meeting=report.meeting, actor=personas.manager.user, text=PERFORMANCE_NOTE, version=1
    )
    services.private_note_save(
        meeting=report.meeting, actor=personas.manager.user, text=PRIVATE_NOTE
    )
    services.private_note_save(
        meeting=report.meeting, actor=personas.employee.user, text=EMPLOYEE_PRIVATE
    )
    services.report_respond(
        report=report, actor=personas.employee.user, response="I would like the SQL course."
    )
    return services.report_acknowledge(report=report, actor=personas.employee.user)


def test_the_pdf_holds_the_report_and_nothing_said_in_the_conversations(personas, conversations):
    data = pdf.report_pdf(conversations, exported_by=personas.hr.user, compress=False)

    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Zuiderzee Logistiek B.V." in text
    assert "Performance conversation" in text
    assert "Eva Employee" in text and "Mark Manager" in text
    assert REPORT_TEXT in text  # €, curly quotes and the dash survive: a Unicode font
    assert "I would like the SQL course." in text
    assert "Eva Employee acknowledged having read this report on" in text
    assert "Exported on" in text and "Hanna HR" in text
    for secret in (ONE_ON_ONE_NOTE, PERFORMANCE_NOTE, PRIVATE_NOTE, EMPLOYEE_PRIVATE):
        assert secret not in text


@pytest.mark.parametrize("role", ["employee", "manager", "director", "hr"])
def test_every_download_is_a_logged_pdf_without_notes(client, personas, conversations, role):
    client.force_login(getattr(personas, role).user)
    response = client.get(
        reverse("conversations:report_pdf", kwargs={"public_id": conversations.public_id})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = response.content
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert REPORT_TEXT in text
    for secret in (ONE_ON_ONE_NOTE, PERFORMANCE_NOTE, PRIVATE_NOTE, EMPLOYEE_PRIVATE):
        assert secret not in text
    entry = AuditEntry.objects.get(action="conversations.report_exported")
    assert entry.actor == getattr(personas, role).user
    assert entry.object_id == str(conversations.public_id)


def test_an_appraisal_pdf_shows_the_judgement_and_a_quote_marked_as_such(personas):
    one_on_one = builders.meeting(personas, days=-20)
    services.shared_note_save(
        meeting=one_on_one,
        actor=personas.employee.user,
        text="Finished the route tool early.\nWorried about the night shifts.",
        version=1,
    )
    draft = builders.report(personas, kind=MeetingKind.APPRAISAL, shared=False, text="A good year.")
    services.report_quote_note(
        report=draft,
        actor=personas.manager.user,
        source=one_on_one,
        passage="Finished the route tool early.",
    )
    draft.refresh_from_db()
    text = pdf_text(pdf.report_pdf(draft, compress=False))
    assert "Appraisal" in text
    assert "3 — Meets expectations" in text
    assert "Finished the route tool early." in text
    assert "quoted from the shared notes of the Conversation of" in text
    assert "night shifts" not in text
    assert "Not acknowledged yet." in text


def test_a_corrected_version_says_what_it_corrects(personas):
    report = builders.report(personas)
    new = services.report_correct(
        report=report, actor=personas.manager.user, text="Corrected text", reason="Wrong depot"
    )
    text = pdf_text(pdf.report_pdf(new, compress=False))
    assert "Corrected text" in text
    assert "version 1; reason: Wrong depot" in text
    assert "not yet" in text  # not shared yet
