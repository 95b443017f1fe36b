"""Who sees what of a conversation, on every page that shows conversations: the meeting page
and its history, the lists, the home page, the formal report, its PDF and HR's overview.

Private notes are their author's alone — not the other participant's, not HR's, not an
administrator's — and the notes of 1:1s stay out of formal reports unless quoted on purpose.
"""

import pathlib
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from stip.conversations import models, services
from stip.conversations.models import MeetingKind
from tests.conversations import builders
from tests.conversations.pdf_text import pdf_text
from tests.factories import PersonFactory
from tests.matrix import ROLES

pytestmark = pytest.mark.django_db

MARKS_PRIVATE = "MARK-PRIVATE-7731 wonders about a burn-out"
EVAS_PRIVATE = "EVA-PRIVATE-4410 wants a raise"
SHARED_1ON1 = "SHARED-1ON1-2290 Eva is worried about the night shifts"
TALKING_POINT = "TALKING-POINT-5521 Can I join the SQL course?"
REPORT_TEXT = "REPORT-8807 Eva planned every route on time."


def page(client, name, **kwargs):
    return client.get(reverse(name, kwargs=kwargs or None))


def text(response) -> str:
    return response.content.decode() if response.status_code == 200 else ""


@pytest.fixture
def history(personas):
    """Mark's 1:1s with Eva: one held with shared and private notes, the next one planned with
    a talking point; and a performance conversation whose report Mark shared."""
    series = builders.series(personas, days=0)
    held = builders.planned(series)
    services.shared_note_save(
        meeting=held, actor=personas.employee.user, text=SHARED_1ON1, version=1
    )
    services.private_note_save(meeting=held, actor=personas.manager.user, text=MARKS_PRIVATE)
    services.private_note_save(meeting=held, actor=personas.employee.user, text=EVAS_PRIVATE)
    services.meeting_mark_held(meeting=held, actor=personas.manager.user)
    upcoming = builders.planned(series)
    services.agenda_item_add(meeting=upcoming, actor=personas.employee.user, text=TALKING_POINT)
    services.private_note_save(meeting=upcoming, actor=personas.manager.user, text=MARKS_PRIVATE)
    report = builders.report(personas, text=REPORT_TEXT)
    services.private_note_save(
        meeting=report.meeting, actor=personas.manager.user, text=MARKS_PRIVATE
    )
    return {"held": held, "upcoming": upcoming, "series": series, "report": report}


def everything_seen_by(client, history) -> str:
    """Every conversation page a person can reach, concatenated (404s count as nothing)."""
    held, upcoming, report = history["held"], history["upcoming"], history["report"]
    responses = [
        page(client, "home"),
        page(client, "conversations:mine"),
        page(client, "conversations:team"),
        page(client, "conversations:overview"),
        page(client, "conversations:series", public_id=history["series"].public_id),
        page(client, "conversations:meeting", public_id=held.public_id),
        page(client, "conversations:meeting", public_id=upcoming.public_id),
        page(client, "conversations:meeting", public_id=report.meeting.public_id),
        page(client, "conversations:notes_history", public_id=held.public_id),
        page(client, "conversations:report", public_id=report.public_id),
    ]
    seen = "".join(text(r) for r in responses)
    pdf = page(client, "conversations:report_pdf", public_id=report.public_id)
    if pdf.status_code == 200:
        seen += pdf_text(pdf.content)
    return seen


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anonymous", "leaver")])
def test_private_notes_are_seen_by_their_author_alone_everywhere(client, personas, history, role):
    client.force_login(getattr(personas, role).user)
    seen = everything_seen_by(client, history)
    assert (MARKS_PRIVATE in seen) is (role == "manager")
    assert (EVAS_PRIVATE in seen) is (role == "employee")


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anonymous", "leaver")])
def test_a_1on1_is_seen_by_its_two_participants_only(client, personas, history, role):
    client.force_login(getattr(personas, role).user)
    participant = role in ("employee", "manager")
    held = history["held"]
    assert page(client, "conversations:meeting", public_id=held.public_id).status_code == (
        200 if participant else 404
    )
    seen = everything_seen_by(client, history)
    assert (SHARED_1ON1 in seen) is participant
    assert (TALKING_POINT in seen) is participant
    # The report, once shared: the employee, the management chain and HR.
    assert (REPORT_TEXT in seen) is (role in ("employee", "manager", "director", "hr"))


def test_a_draft_report_is_for_its_writer_alone(client, personas):
    draft = builders.report(personas, shared=False, text=REPORT_TEXT)
    for role in ("employee", "director", "hr", "admin", "peer"):
        client.force_login(getattr(personas, role).user)
        assert page(client, "conversations:report", public_id=draft.public_id).status_code == 404
        assert (
            page(client, "conversations:report_pdf", public_id=draft.public_id).status_code == 404
        )
        assert REPORT_TEXT not in text(page(client, "conversations:mine"))
    client.force_login(personas.manager.user)
    assert REPORT_TEXT in text(page(client, "conversations:report", public_id=draft.public_id))


def _formal_report(personas, writer, about, *, shared=True):
    formal = builders.meeting(
        personas,
        kind=MeetingKind.PERFORMANCE,
        days=-1,
        actor=writer.user,
        manager=writer,
        employee=about,
    )
    report = services.report_write(meeting=formal, actor=writer.user, text=REPORT_TEXT)
    if shared:
        report = services.report_share(report=report, actor=writer.user)
    return report


def test_the_list_of_reports_and_the_one_report_rule_agree(personas):
    """`reports_visible_to` (the lists) and `can_view_report` (one report, its versions) are
    two forms of one rule: the same reports, for everyone, in every state."""
    from stip.conversations.policies import can_view_report

    corrected = _formal_report(personas, personas.manager, personas.employee)
    reports = [
        _formal_report(personas, personas.manager, personas.employee, shared=False),
        _formal_report(personas, personas.manager, personas.peer),
        # Skip-level: the director about Eva, read by Mark too once shared (she is under him).
        _formal_report(personas, personas.director, personas.employee),
        _formal_report(personas, personas.director, personas.employee, shared=False),
        _formal_report(personas, personas.director, personas.manager),
        corrected,
        # A correction is a draft until shared: its writer's alone, the shared version stays.
        services.report_correct(
            report=corrected, actor=personas.manager.user, text="v2", reason="A typo"
        ),
    ]
    expected = {
        "employee": {2, 5},
        "manager": {0, 1, 2, 4, 5, 6},
        "director": {1, 2, 3, 4, 5},
        "peer": {1},
        "hr": {1, 2, 4, 5},
    }
    for role in [r for r in ROLES if r != "anonymous"]:
        user = getattr(personas, role).user
        listed = set(models.FormalReport.objects.visible_to(user).values_list("pk", flat=True))
        one_by_one = {r.pk for r in reports if can_view_report(user, r)}
        assert listed == one_by_one, role
        assert listed == {reports[i].pk for i in expected.get(role, set())}, role


def test_hrs_two_lists_of_reports_are_what_hr_may_read(personas):
    """`reports_visible_to_hr` splits HR's reports for their list: the shared ones, of the
    conversations marked as having one, and HR's own drafts. Together, and without overlap,
    they are what `reports_visible_to` gives HR; anyone else gets none."""
    from stip.conversations.policies import reports_visible_to_hr

    hannas_report = PersonFactory(manager=personas.hr, team=personas.hr.team)
    corrected = _formal_report(personas, personas.manager, personas.employee)
    services.report_correct(report=corrected, actor=personas.manager.user, text="v2", reason="-")
    _formal_report(personas, personas.manager, personas.peer, shared=False)
    _formal_report(personas, personas.hr, hannas_report)
    corrected_own = _formal_report(personas, personas.hr, hannas_report)
    services.report_correct(report=corrected_own, actor=personas.hr.user, text="v2", reason="-")
    _formal_report(personas, personas.hr, hannas_report, shared=False)

    reports = models.FormalReport.objects.all()
    shared, drafts = reports_visible_to_hr(reports, personas.hr.user)
    shared, drafts = set(shared), set(drafts)
    assert not shared & drafts
    assert shared | drafts == set(reports.visible_to(personas.hr.user))
    assert all(r.is_shared for r in shared) and len(shared) == 3
    assert {(r.meeting.manager, r.is_shared) for r in drafts} == {(personas.hr, False)}
    assert len(drafts) == 2  # the correction and the draft
    # Every conversation with a shared version is marked, and only those.
    marked = set(models.Meeting.objects.filter(has_shared_report=True))
    assert marked == {r.meeting for r in reports if r.is_shared}
    for role in ("employee", "manager", "director", "admin", "outsider"):
        assert reports_visible_to_hr(reports, getattr(personas, role).user) is None, role


def test_hr_sees_counts_not_content(client, personas, history):
    client.force_login(personas.hr.user)
    overview = text(page(client, "conversations:overview"))
    row = re.search(r"Mark Manager</a></td>(.*?)</tr>", overview, re.S).group(1)
    assert re.findall(r"<strong>(\d+)</strong>", row) == ["1"]  # one 1:1 held
    assert history["held"].public_id.hex not in overview.replace("-", "")
    assert SHARED_1ON1 not in overview and TALKING_POINT not in overview
    held_url = reverse("conversations:meeting", kwargs={"public_id": history["held"].public_id})
    assert held_url not in overview


def test_the_wall_an_appraisal_shows_nothing_of_earlier_conversations(client, personas, history):
    appraisal = builders.report(personas, kind=MeetingKind.APPRAISAL, shared=False, text="Good")
    client.force_login(personas.manager.user)
    for name, public_id in (
        ("conversations:meeting", appraisal.meeting.public_id),
        ("conversations:report_write", appraisal.meeting.public_id),
        ("conversations:report", appraisal.public_id),
    ):
        html = text(page(client, name, public_id=public_id))
        assert html, name
        assert SHARED_1ON1 not in html, name
        assert TALKING_POINT not in html, name
    # Only the deliberate quote page shows the earlier notes, to copy a passage from.
    quote = client.get(
        reverse("conversations:report_quote", kwargs={"public_id": appraisal.public_id}),
        {"source": history["held"].public_id},
    )
    assert SHARED_1ON1 in text(quote)


def test_private_notes_are_read_through_their_authors_queryset_only():
    """A structural check: outside the model, its one reading query and the services that write
    it, no module of Stip touches PrivateNote; the Django admin registers no conversation."""
    root = pathlib.Path(models.__file__).resolve().parent.parent
    allowed = {
        "conversations/models.py",
        "conversations/queries.py",
        "conversations/services.py",
    }
    offenders = []
    for path in root.rglob("*"):
        if path.suffix not in {".py", ".html"} or "migrations" in path.parts:
            continue
        relative = path.relative_to(root).as_posix()
        if relative not in allowed and re.search(r"\bPrivateNote\b", path.read_text("utf-8")):
            offenders.append(relative)
    assert offenders == []
    queries_source = (root / "conversations" / "queries.py").read_text()
    assert re.findall(r"PrivateNote\.objects\.\w+", queries_source) == ["PrivateNote.objects.of"]
    for model in (
        models.Meeting,
        models.PrivateNote,
        models.SharedNote,
        models.SharedNoteRevision,
        models.AgendaItem,
        models.CheckInAnswer,
        models.ActionItem,
        models.FormalReport,
    ):
        assert not admin.site.is_registered(model), model


def test_the_reports_a_user_may_read_follow_them_when_they_change(personas):
    """`FormalReport.objects.visible_to(user)` is built once for a user object (a request's):
    what it was built from is checked on every call, so it never outlives a change of role or
    place in the tree."""
    report = builders.report(personas)  # Mark's shared report about Eva
    user = personas.peer.user
    readable = models.FormalReport.objects.visible_to(user)
    assert not readable.filter(pk=report.pk).exists()
    # Each call is a queryset of its own: narrowing one leaves the next as it was.
    assert not readable.filter(version=99).exists()
    assert models.FormalReport.objects.visible_to(personas.peer.user).count() == 0

    person = user.person
    person.is_hr = True  # HR reads every shared report
    assert models.FormalReport.objects.visible_to(user).filter(pk=report.pk).exists()
    person.is_hr = False
    assert not models.FormalReport.objects.visible_to(user).filter(pk=report.pk).exists()
    # Moved above Eva in the tree: her shared report is theirs to read.
    person.path = personas.manager.path[: -len(f"{personas.manager.pk}/")]
    assert models.FormalReport.objects.visible_to(user).filter(pk=report.pk).exists()
    # Another user object of the same account builds its own.
    fresh = type(user).objects.get(pk=user.pk)
    assert not models.FormalReport.objects.visible_to(fresh).filter(pk=report.pk).exists()
