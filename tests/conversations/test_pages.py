import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stip.conversations import services
from stip.conversations.models import (
    ActionItem,
    AgendaItem,
    CheckInTemplate,
    FormalReport,
    Meeting,
    MeetingKind,
    OverviewRank,
    RatingScale,
    ReportQuote,
    Series,
)
from stip.core.models import AuditEntry
from stip.people.models import Person
from tests.conversations import builders
from tests.factories import PersonFactory
from tests.goals.builders import create_goal

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, **kwargs):
    return reverse(name, kwargs=kwargs or None)


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    return match.group(1).strip() if match else ""


def hidden(html: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    return match.group(1) if match else ""


# Planning ------------------------------------------------------------------------------------


def test_a_manager_starts_1on1s_from_the_team_page(client, personas):
    builders.check_in_template(personas)
    client.force_login(personas.manager.user)
    team = html_of(client.get(url("conversations:team")))
    assert "Eva Employee" in team and "Start 1:1s" in team
    form = html_of(
        client.get(url("conversations:series_new"), {"employee": personas.employee.public_id})
    )
    assert f'value="{personas.employee.public_id}" selected' in form
    next_date = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        url("conversations:series_new"),
        {
            "employee": personas.employee.public_id,
            "cadence": "weekly",
            "next_date": next_date.isoformat(),
            "time_of_day": "09:30",
            "checkin_template": CheckInTemplate.objects.get().public_id,
        },
    )
    series = Series.objects.get()
    assert response.status_code == 302
    assert response.url == url("conversations:series", public_id=series.public_id)
    assert (series.manager, series.employee, series.cadence) == (
        personas.manager,
        personas.employee,
        "weekly",
    )
    meeting = builders.planned(series)
    assert timezone.localtime(meeting.scheduled_for).time() == datetime.time(9, 30)
    # Eva is no longer offered: the two have 1:1s.
    form = html_of(client.get(url("conversations:series_new")))
    assert f'value="{personas.employee.public_id}"' not in form


def test_the_employee_plans_an_ad_hoc_conversation_but_not_a_formal_one(client, personas):
    client.force_login(personas.employee.user)
    form = html_of(client.get(url("conversations:new")))
    assert '<option value="appraisal"' not in form  # Eva has no reports: no formal kinds
    data = {
        "kind": "ad_hoc",
        "person": personas.manager.public_id,
        "day": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
        "time": "14:00",
        "title": "About the Almere depot",
    }
    response = client.post(url("conversations:new"), data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert (meeting.manager, meeting.employee, meeting.kind) == (
        personas.manager,
        personas.employee,
        "ad_hoc",
    )
    # Mark manages Eva but has a manager too: with Diana he is the employee.
    client.force_login(personas.manager.user)
    html = html_of(
        client.post(
            url("conversations:new"),
            data | {"kind": "appraisal", "person": personas.director.public_id},
        )
    )
    assert "Only the manager plans a performance conversation or an appraisal." in html


def test_a_meeting_can_be_moved_and_marked_as_held(client, personas):
    series = builders.series(personas)
    meeting = builders.planned(series)
    client.force_login(personas.employee.user)
    day = timezone.localdate() + datetime.timedelta(days=4)
    response = client.post(
        url("conversations:meeting_edit", public_id=meeting.public_id),
        {"day": day.isoformat(), "time": "11:00"},
    )
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.next_date == day
    response = client.post(url("conversations:meeting_held", public_id=meeting.public_id))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held_at is not None
    html = html_of(client.get(url("conversations:meeting", public_id=meeting.public_id)))
    assert "Mark as held" not in html and "Add a talking point" not in html


# The agenda, with htmx -----------------------------------------------------------------------


def test_the_employee_adds_a_talking_point_and_the_manager_sees_it(client, personas):
    create_goal(personas.employee, title="Plan the Almere routes")
    meeting = builders.meeting(personas)
    client.force_login(personas.employee.user)
    response = client.post(
        url("conversations:agenda_add", public_id=meeting.public_id),
        {"text": "Can I join the SQL course?"},
        **HTMX,
    )
    fragment = html_of(response)
    assert fragment.startswith('<section class="card" id="agenda"')
    assert "Can I join the SQL course?" in fragment
    empty = html_of(
        client.post(
            url("conversations:agenda_add", public_id=meeting.public_id), {"text": " "}, **HTMX
        )
    )
    assert "This field is required." in empty

    client.force_login(personas.manager.user)
    page = html_of(client.get(url("conversations:meeting", public_id=meeting.public_id)))
    assert "Can I join the SQL course?" in page
    assert "Plan the Almere routes" in page  # the employee's open goal, on the agenda
    item = AgendaItem.objects.get(source="manual")
    goal_item = AgendaItem.objects.get(source="goal")
    # The manager may not remove Eva's point; nobody removes a goal.
    assert (
        client.post(
            url("conversations:agenda_remove", public_id=meeting.public_id, item_id=item.public_id)
        ).status_code
        == 404
    )
    assert (
        client.post(
            url(
                "conversations:agenda_remove",
                public_id=meeting.public_id,
                item_id=goal_item.public_id,
            )
        ).status_code
        == 404
    )
    fragment = html_of(
        client.post(
            url(
                "conversations:agenda_discussed",
                public_id=meeting.public_id,
                item_id=item.public_id,
            ),
            {"discussed": "1"},
            **HTMX,
        )
    )
    assert 'class="agenda-item is-discussed"' in fragment


def test_an_agenda_item_links_its_goal_and_labels_its_buttons(client, personas):
    goal = create_goal(personas.employee, title="Plan the Almere routes")
    meeting = builders.meeting(personas)
    client.force_login(personas.employee.user)
    client.post(
        url("conversations:agenda_add", public_id=meeting.public_id), {"text": "SQL <course>"}
    )
    point = AgendaItem.objects.get(source="manual")
    personas.employee.user.language = "nl"
    personas.employee.user.save(update_fields=["language"])

    page = html_of(client.get(url("conversations:meeting", public_id=meeting.public_id)))

    def item_url(name):
        return url(name, public_id=meeting.public_id, item_id=point.public_id)

    assert f'action="{item_url("conversations:agenda_discussed")}"' in page
    assert f'action="{item_url("conversations:agenda_move")}"' in page
    assert f'action="{item_url("conversations:agenda_remove")}"' in page
    assert "Besproken: “SQL &lt;course&gt;”" in page and "SQL <course>" not in page
    assert "“SQL &lt;course&gt;” omhoog" in page and "“SQL &lt;course&gt;” omlaag" in page
    assert f'<a href="/goals/{goal.public_id}/">Plan the Almere routes</a>' in page
    assert '<span class="goal-status goal-status-on_track">Op koers</span>' in page
    client.force_login(personas.manager.user)
    page = html_of(client.get(url("conversations:meeting", public_id=meeting.public_id)))
    assert f'action="{item_url("conversations:agenda_remove")}"' not in page  # Eva's point


def test_talking_points_move_up_and_down(client, personas):
    meeting = builders.meeting(personas)
    for text in ("First", "Second", "Third"):
        services.agenda_item_add(meeting=meeting, actor=personas.employee.user, text=text)
    third = AgendaItem.objects.get(text="Third")
    client.force_login(personas.manager.user)
    client.post(
        url("conversations:agenda_move", public_id=meeting.public_id, item_id=third.public_id),
        {"direction": "up"},
        **HTMX,
    )
    order = list(
        meeting.agenda.filter(source="manual").order_by("position").values_list("text", flat=True)
    )
    assert order == ["First", "Third", "Second"]


# Check-in, notes and action items ------------------------------------------------------------


def test_the_employee_answers_the_check_in_and_the_manager_reads_it(client, personas):
    builders.check_in_template(personas)
    meeting = builders.planned(builders.series(personas))
    question = meeting.agenda.filter(source="question").first().question
    client.force_login(personas.employee.user)
    fragment = html_of(
        client.post(
            url("conversations:checkin", public_id=meeting.public_id),
            {f"question_{question.pk}": "The Almere routes are done."},
            **HTMX,
        )
    )
    assert "Saved." in fragment
    client.force_login(personas.manager.user)
    page = html_of(client.get(url("conversations:meeting", public_id=meeting.public_id)))
    assert "The Almere routes are done." in page
    assert f'name="question_{question.pk}"' not in page  # read, not answered, by the manager


def test_two_people_saving_the_shared_notes_at_once_lose_nothing(client, personas):
    meeting = builders.meeting(personas)
    client.force_login(personas.employee.user)
    eva_page = html_of(client.get(url("conversations:meeting", public_id=meeting.public_id)))
    assert hidden(eva_page, "version") == "1"
    services.shared_note_save(
        meeting=meeting, actor=personas.manager.user, text="Mark: routes agreed.", version=1
    )

    response = client.post(
        url("conversations:shared_notes", public_id=meeting.public_id),
        {"text": "Eva: I will plan Almere.", "version": "1"},
        **HTMX,
    )

    fragment = html_of(response)
    assert "Someone else saved these notes while you were writing." in fragment
    assert textarea(fragment, "text") == "Eva: I will plan Almere."  # what she typed, kept
    assert "Mark: routes agreed." in fragment  # what is saved now, shown
    assert hidden(fragment, "version") == "2"
    meeting.shared_note.refresh_from_db()
    assert meeting.shared_note.text == "Mark: routes agreed."

    merged = "Mark: routes agreed.\nEva: I will plan Almere."
    fragment = html_of(
        client.post(
            url("conversations:shared_notes", public_id=meeting.public_id),
            {"text": merged, "version": "2"},
            **HTMX,
        )
    )
    assert "Saved." in fragment
    history = html_of(client.get(url("conversations:notes_history", public_id=meeting.public_id)))
    assert "Version 3" in history and "Version 2" in history
    assert "Mark Manager" in history and "Eva Employee" in history


def test_a_conflict_without_htmx_renders_the_whole_page_with_the_text_kept(client, personas):
    meeting = builders.meeting(personas)
    services.shared_note_save(meeting=meeting, actor=personas.manager.user, text="Saved", version=1)
    client.force_login(personas.employee.user)
    html = html_of(
        client.post(
            url("conversations:shared_notes", public_id=meeting.public_id),
            {"text": "Typed", "version": "1"},
        )
    )
    assert textarea(html, "text") == "Typed"
    assert "<h1>" in html


def test_the_private_note_is_saved_for_its_author(client, personas):
    meeting = builders.meeting(personas)
    client.force_login(personas.manager.user)
    fragment = html_of(
        client.post(
            url("conversations:private_note", public_id=meeting.public_id),
            {"text": "Ask about her leave"},
            **HTMX,
        )
    )
    assert "Saved." in fragment and "Ask about her leave" in fragment
    client.force_login(personas.employee.user)
    page = html_of(client.get(url("conversations:meeting", public_id=meeting.public_id)))
    assert "Ask about her leave" not in page
    assert "not Mark Manager, not HR, not administrators" in page


def test_action_items_are_added_ticked_off_and_carried_over(client, personas):
    first = builders.meeting(personas, days=-7)
    client.force_login(personas.manager.user)
    due = timezone.localdate() + datetime.timedelta(days=5)
    fragment = html_of(
        client.post(
            url("conversations:action_add", public_id=first.public_id),
            {
                "text": "Send the route proposal",
                "owner": personas.employee.public_id,
                "due_date": due.isoformat(),
            },
            **HTMX,
        )
    )
    assert "Send the route proposal" in fragment
    bad = html_of(
        client.post(
            url("conversations:action_add", public_id=first.public_id),
            {"text": "x", "owner": personas.peer.public_id},
            **HTMX,
        )
    )
    assert "Select a valid choice." in bad

    later = builders.meeting(personas, days=7)
    page = html_of(client.get(url("conversations:meeting", public_id=later.public_id)))
    assert "Send the route proposal" in page and "carried over from" in page

    item = ActionItem.objects.get()
    client.force_login(personas.employee.user)
    fragment = html_of(
        client.post(
            url("conversations:action_done", public_id=later.public_id, item_id=item.public_id),
            {"done": "1"},
            **HTMX,
        )
    )
    item.refresh_from_db()
    assert item.done_at is not None
    assert "Send the route proposal" not in fragment  # done: no longer carried


# Formal reports ------------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 11, 27, 9, tzinfo=datetime.UTC), tick=False)
def test_an_action_item_says_when_it_is_due_overdue_carried_over_and_done(client, personas):
    earlier = builders.meeting(personas, days=-14)  # 13 November 2026
    late = services.action_item_add(
        meeting=earlier,
        actor=personas.manager.user,
        owner=personas.employee,
        text="Plan the <b>route</b>",
        due_date=datetime.date(2026, 11, 20),
    )
    done = services.action_item_add(
        meeting=earlier, actor=personas.manager.user, owner=personas.manager, text="Call Transport"
    )
    services.action_item_complete(item=done, actor=personas.manager.user)
    meeting = builders.meeting(personas, days=1)
    personas.employee.user.language = "nl"
    personas.employee.user.save(update_fields=["language"])
    client.force_login(personas.employee.user)

    page = html_of(client.get(url("conversations:meeting", public_id=meeting.public_id)))

    row = page[page.index("Plan the &lt;b&gt;route&lt;/b&gt;") :]
    row = row[: row.index("</li>")]
    assert "deadline 20 november 2026" in row
    assert '<span class="badge badge-overdue">te laat</span>' in row
    assert "meegenomen van 13 november 2026" in row
    assert "Klaar: “Plan the &lt;b&gt;route&lt;/b&gt;”" in page
    done_url = url("conversations:action_done", public_id=meeting.public_id, item_id=late.public_id)
    assert f'action="{done_url}"' in page
    assert "Call Transport" not in page  # done at an earlier meeting: not carried over
    client.force_login(personas.manager.user)
    page = html_of(client.get(url("conversations:meeting", public_id=earlier.public_id)))
    row = page[page.index("Call Transport") :]
    assert "done Nov. 27, 2026" in row[: row.index("</li>")]
    assert "badge-overdue" not in row[: row.index("</li>")]


def test_the_manager_writes_and_shares_the_report_the_employee_responds_and_acknowledges(
    client, personas
):
    builders.check_in_template(personas, kind="performance", questions=["How did the year go?"])
    meeting = builders.meeting(personas, kind=MeetingKind.PERFORMANCE, days=-1)
    client.force_login(personas.manager.user)
    form = html_of(client.get(url("conversations:report_write", public_id=meeting.public_id)))
    assert "How did the year go?" in textarea(form, "text")  # the template's outline
    assert "Overall judgement" not in form  # no rating in a performance conversation
    response = client.post(
        url("conversations:report_write", public_id=meeting.public_id),
        {"text": "Eva had a strong year.", "share": "1"},
    )
    report = FormalReport.objects.get()
    assert response.status_code == 302
    assert response.url == url("conversations:report", public_id=report.public_id)
    assert report.shared_at is not None

    client.force_login(personas.employee.user)
    html = html_of(client.get(url("conversations:report", public_id=report.public_id)))
    assert "Eva had a strong year." in html and "I have read this report" in html
    client.post(
        url("conversations:report_respond", public_id=report.public_id),
        {"response": "Thank you; I want to grow into planning lead."},
    )
    client.post(url("conversations:report_acknowledge", public_id=report.public_id))
    report.refresh_from_db()
    assert report.employee_response == "Thank you; I want to grow into planning lead."
    assert report.acknowledged_at is not None
    html = html_of(client.get(url("conversations:report", public_id=report.public_id)))
    assert "Acknowledged and locked" in html and "I have read this report" not in html
    assert (
        client.post(
            url("conversations:report_respond", public_id=report.public_id), {"response": "x"}
        ).status_code
        == 404
    )

    # A correction is a new version; the old one says so.
    client.force_login(personas.manager.user)
    response = client.post(
        url("conversations:report_correct", public_id=report.public_id),
        {"text": "Eva had a very strong year.", "reason": "Understated"},
    )
    new = FormalReport.objects.get(version=2)
    assert response.url == url("conversations:report", public_id=new.public_id)
    old = html_of(client.get(url("conversations:report", public_id=report.public_id)))
    assert "This version was corrected." in old


def test_an_appraisal_report_needs_a_rating_before_it_is_shared(client, personas):
    builders.rating_scale(personas)
    meeting = builders.meeting(personas, kind=MeetingKind.APPRAISAL, days=-1)
    client.force_login(personas.manager.user)
    html = html_of(
        client.post(
            url("conversations:report_write", public_id=meeting.public_id),
            {"text": "A good year.", "share": "1"},
        )
    )
    assert "An appraisal needs an overall judgement." in html
    level = meeting.rating_scale.levels.get(value=4)
    client.post(
        url("conversations:report_write", public_id=meeting.public_id),
        {"text": "A good year.", "rating": level.pk, "share": "1"},
    )
    report = FormalReport.objects.get()
    assert report.rating == level and report.shared_at is not None


def test_the_manager_quotes_a_1on1_passage_into_the_appraisal_on_purpose(client, personas):
    one_on_one = builders.meeting(personas, days=-30)
    services.shared_note_save(
        meeting=one_on_one,
        actor=personas.employee.user,
        text="Eva built the route tool.\nEva is tired.",
        version=1,
    )
    draft = builders.report(personas, kind=MeetingKind.APPRAISAL, shared=False, text="Good year")
    client.force_login(personas.manager.user)
    write = html_of(
        client.get(url("conversations:report_write", public_id=draft.meeting.public_id))
    )
    assert "Eva built the route tool." not in write and "Quote a passage" in write
    choose = html_of(client.get(url("conversations:report_quote", public_id=draft.public_id)))
    assert "Eva built the route tool." not in choose  # a list of conversations, not their notes
    source = client.get(
        url("conversations:report_quote", public_id=draft.public_id),
        {"source": one_on_one.public_id},
    )
    assert "Eva is tired." in html_of(source)
    response = client.post(
        url("conversations:report_quote", public_id=draft.public_id),
        {"source": one_on_one.public_id, "passage": "Eva built the route tool."},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert "> Eva built the route tool." in draft.text and "tired" not in draft.text
    assert ReportQuote.objects.count() == 1
    assert AuditEntry.objects.filter(action="conversations.note_quoted").count() == 1
    report_page = html_of(client.get(url("conversations:report", public_id=draft.public_id)))
    assert "<blockquote>Eva built the route tool.<br>" in report_page
    assert "Passages quoted from earlier conversations" in report_page


# Templates and scales ------------------------------------------------------------------------


def test_hr_keeps_the_organisations_questions_and_a_manager_their_own(client, personas):
    client.force_login(personas.hr.user)
    client.post(
        url("conversations:template_new"),
        {
            "name": "Check-in",
            "kind": "check_in",
            "questions": "What went well?\n\nWhat blocks you?\n",
            "organisation": "on",
        },
    )
    template = CheckInTemplate.objects.get()
    assert template.owner is None
    assert list(template.questions.values_list("text", flat=True)) == [
        "What went well?",
        "What blocks you?",
    ]
    client.force_login(personas.manager.user)
    client.post(
        url("conversations:template_new"),
        {
            "name": "Mark's",
            "kind": "check_in",
            "questions": "How is your energy?",
            "organisation": "on",
        },
    )
    mine = CheckInTemplate.objects.get(name="Mark's")
    assert mine.owner == personas.manager  # only HR makes organisation templates
    # Mark's own questions replace the organisation's for his 1:1s.
    meeting = builders.planned(builders.series(personas))
    assert list(meeting.agenda.filter(source="question").values_list("text", flat=True)) == [
        "How is your energy?"
    ]


def test_hr_defines_a_rating_scale_with_labels_in_both_languages(client, personas):
    client.force_login(personas.hr.user)
    html = html_of(
        client.post(
            url("conversations:scale_new"),
            {"name": "Three points", "levels": "1 | Low\n2 | Mid | Midden"},
        )
    )
    assert "Line 1: write value | English label | Dutch label." in html
    client.post(
        url("conversations:scale_new"),
        {
            "name": "Three points",
            "levels": "1 | Below | Onder\n2 | Meets | Voldoet\n3 | Above | Boven",
            "is_default": "on",
        },
    )
    scale = RatingScale.objects.get()
    assert scale.is_default
    assert [str(level) for level in scale.levels.all()] == ["1 — Below", "2 — Meets", "3 — Above"]
    client.cookies["django_language"] = "nl"
    personas.hr.user.language = "nl"
    personas.hr.user.save()
    html = html_of(client.get(url("conversations:scales")))
    assert "Voldoet" in html


# Query budgets -------------------------------------------------------------------------------
# Every page starts with two queries: the session, and the user with their person.


def target_series(p) -> Series:
    series = Series.objects.filter(manager=p.manager, employee=p.employee).first()
    if series is None:
        if not CheckInTemplate.objects.exists():
            builders.check_in_template(p)
        create_goal(p.employee, title="Plan the Almere routes")
        series = builders.series(p)
        meeting = builders.planned(series)
        services.agenda_item_add(meeting=meeting, actor=p.employee.user, text="SQL course")
        services.private_note_save(meeting=meeting, actor=p.manager.user, text="Mine")
    return series


def target_meeting(p) -> Meeting:
    return builders.planned(target_series(p))


def grow_history(p, n):
    """The pair's past: n held conversations, each with four action items (one left open, so
    it carries over), shared notes saved twice and a private note."""
    target_series(p)
    have = Meeting.objects.filter(kind="ad_hoc", employee=p.employee).count()
    for index in range(have, n):
        meeting = builders.meeting(p, days=-(index + 2))
        services.shared_note_save(meeting=meeting, actor=p.manager.user, text="a", version=1)
        services.shared_note_save(meeting=meeting, actor=p.employee.user, text="ab", version=2)
        services.private_note_save(meeting=meeting, actor=p.manager.user, text="mine")
        for number in range(4):
            item = services.action_item_add(
                meeting=meeting,
                actor=p.manager.user,
                owner=p.employee if number % 2 else p.manager,
                text=f"Action {index}.{number}",
                due_date=timezone.localdate() - datetime.timedelta(days=1),
            )
            if number:
                services.action_item_complete(item=item, actor=p.manager.user)
        services.meeting_mark_held(meeting=meeting, actor=p.manager.user)


def grow_team(p, n):
    """n more direct reports of Mark, each with 1:1s that are overdue, and a held one."""
    grow_history(p, 2)
    have = p.manager.reports.count()
    for _ in range(have, n):
        report = PersonFactory(manager=p.manager, team=p.planning)
        series = builders.series(p, employee=report, days=0)
        meeting = builders.planned(series)
        services.meeting_mark_held(meeting=meeting, actor=p.manager.user)
        Series.objects.filter(pk=series.pk).update(
            next_date=timezone.localdate() - datetime.timedelta(days=3)
        )


def grow_overview(p, n):
    """n more managers, each with a report and a held 1:1."""
    from stip.people.models import Person

    grow_history(p, 2)
    have = Person.objects.filter(reports__isnull=False).distinct().count()
    for _ in range(have, n):
        boss = PersonFactory(team=p.finance)
        report = PersonFactory(manager=boss, team=p.finance)
        meeting = services.meeting_create(
            actor=boss.user,
            kind="ad_hoc",
            manager=boss,
            employee=report,
            scheduled_for=builders.at(-3),
        )
        services.meeting_mark_held(meeting=meeting, actor=boss.user)


def grow_report(p, n):
    """A report corrected n times, with n quotes in its latest draft's predecessors."""
    report = the_report(p)
    grow_history(p, n)
    while FormalReport.objects.filter(meeting=report.meeting).count() < n:
        current = FormalReport.objects.current().get(meeting=report.meeting)
        if current.shared_at is None:
            services.report_share(report=current, actor=p.manager.user)
            current.refresh_from_db()
        services.report_correct(report=current, actor=p.manager.user, text="v", reason="why")
    current = FormalReport.objects.current().get(meeting=report.meeting)
    if current.shared_at is None:
        services.report_share(report=current, actor=p.manager.user)


def the_report(p) -> FormalReport:
    existing = FormalReport.objects.filter(meeting__kind="performance").order_by("version").first()
    return existing or builders.report(p)


def latest_report(p) -> FormalReport:
    return FormalReport.objects.current().get(meeting=the_report(p).meeting)


def grow_home(p, n):
    grow_history(p, n)
    grow_team(p, n)


def grow_revisions(p, n):
    meeting = target_meeting(p)
    note = meeting.shared_note
    note.refresh_from_db()
    while note.version < n:
        services.shared_note_save(
            meeting=meeting, actor=p.employee.user, text=f"v{note.version}", version=note.version
        )
        note.refresh_from_db()


QUERY_BUDGETS = [
    # + the meeting with both people, its series, shared notes (with who saved them last) and
    # the number of revisions; the agenda with authors and goals; the check-in answers; my
    # private note; the action items, own and carried over, with owners and their meetings.
    ("conversations:meeting", target_meeting, "manager", grow_history, 7),
    ("conversations:meeting", target_meeting, "employee", grow_history, 7),
    # + overdue series with the last 1:1 held (a subquery); upcoming meetings; count and one
    # page of past meetings.
    ("conversations:mine", None, "manager", grow_history, 6),
    # + count and one page of direct reports with their series and last 1:1 (subqueries).
    ("conversations:team", None, "manager", grow_team, 4),
    # + one page of managers, by name, with their counts (subqueries), not counted.
    ("conversations:overview", None, "hr", grow_overview, 3),
    # + the series; count and one page of its meetings; the pair's open action items.
    ("conversations:series", target_series, "manager", grow_history, 6),
    # + the meeting; count and one page of revisions with their authors.
    ("conversations:notes_history", target_meeting, "employee", grow_revisions, 5),
    # + the report with meeting, people, scale, rating and author; its versions; its quotes.
    ("conversations:report", latest_report, "director", grow_report, 5),
]


@pytest.mark.parametrize(
    ("name", "target", "viewer", "grow", "budget"),
    QUERY_BUDGETS,
    ids=[f"{row[0]}-{row[2]}" for row in QUERY_BUDGETS],
)
def test_query_counts_do_not_grow_with_the_history(
    client, personas, name, target, viewer, grow, budget
):
    client.force_login(getattr(personas, viewer).user)
    counts = []
    for size in (5, 50):
        grow(personas, size)
        kwargs = {"public_id": target(personas).public_id} if target else {}
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(name, **kwargs)).status_code == 200
        counts.append(len(queries))
    assert counts == [budget, budget]


def test_the_meeting_page_with_a_long_history_is_pinned(client, personas):
    """The brief's numbers: 50 meetings and 200 action items between the two."""
    grow_history(personas, 50)
    assert Meeting.objects.filter(employee=personas.employee).count() == 51
    assert ActionItem.objects.count() == 200
    client.force_login(personas.manager.user)
    target = url("conversations:meeting", public_id=target_meeting(personas).public_id)
    with CaptureQueriesContext(connection) as queries:
        html = html_of(client.get(target))
    assert len(queries) == 7
    assert html.count("carried over from") == 50  # one open item per earlier meeting


def _held(personas, manager, employee, days_ago: int):
    meeting = builders.meeting(
        personas, days=-days_ago, actor=manager.user, manager=manager, employee=employee
    )
    services.meeting_mark_held(meeting=meeting, actor=manager.user)
    Meeting.objects.filter(pk=meeting.pk).update(held_at=builders.at(-days_ago))


def test_the_overview_puts_the_fewest_1on1s_of_the_last_90_days_first(client, personas):
    """The window slides with the calendar: the counts are taken when HR looks, so a 1:1 held
    91 days ago no longer counts and one of 89 days ago still does."""
    never = PersonFactory(first_name="Nora", last_name="Never", team=personas.finance)
    PersonFactory(manager=never, team=personas.finance)
    recent = PersonFactory(first_name="Ruud", last_name="Recent", team=personas.finance)
    _held(personas, recent, PersonFactory(manager=recent, team=personas.finance), 89)
    _held(personas, personas.director, personas.manager, 91)
    _held(personas, personas.manager, personas.employee, 3)
    _held(personas, personas.manager, personas.peer, 10)
    client.force_login(personas.hr.user)

    html = html_of(client.get(url("conversations:overview"), {"order": "fewest"}))

    # The first time, the order is counted while HR waits; after that, it is read as counted.
    assert OverviewRank.objects.count() == 4
    assert "In the order counted on" not in html
    again = html_of(client.get(url("conversations:overview"), {"order": "fewest"}))
    assert "In the order counted on" in again
    for page in (html, again):
        names = re.findall(r'<td><a href="/people/[^"]*">([^<]*)</a></td>', page)
        # None held: never first, then the longest ago; then one, then two.
        assert names == ["Nora Never", "Diana de Directeur", "Ruud Recent", "Mark Manager"]
        # The direct reports and the 1:1s held in 90 days, per row.
        cells = [
            re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r'<td class="num">(.*?)</td>', page)
        ]
        assert cells[1::2] == ["0", "0", "1", "2"]


def overview_names(client, **params) -> list[str]:
    html = html_of(client.get(url("conversations:overview"), {"order": "fewest"} | params))
    return re.findall(r'<td><a href="/people/[^"]*">([^<]*)</a></td>', html)


def test_the_overview_order_is_counted_again_when_it_is_an_hour_old(client, personas):
    """Between counts the order stands and each row's figures are up to date; HR looking at an
    order older than an hour has it counted again, in the background, for the next page."""
    client.force_login(personas.hr.user)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.overview_count()
        assert overview_names(client) == ["Mark Manager", "Diana de Directeur"]
    with time_machine.travel(start + datetime.timedelta(minutes=59), tick=False):
        _held(personas, personas.manager, personas.employee, 0)
        _held(personas, personas.manager, personas.peer, 0)
        html = html_of(client.get(url("conversations:overview"), {"order": "fewest"}))
        # Mark has two now, Diana none: the figures say so, the order is the last count's.
        assert re.findall(r'<td><a href="/people/[^"]*">([^<]*)</a></td>', html) == [
            "Mark Manager",
            "Diana de Directeur",
        ]
        assert "<strong>2</strong>" in html
        assert OverviewRank.objects.get(manager=personas.manager).counted_at == start
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        # This page asks for a count (run at once in the tests); the next one reads it.
        overview_names(client)
        assert OverviewRank.objects.get(manager=personas.manager).counted_at > start
        assert overview_names(client) == ["Diana de Directeur", "Mark Manager"]


def test_the_overview_order_leaves_out_who_stopped_managing_and_adds_new_managers_later(
    client, personas
):
    client.force_login(personas.hr.user)
    services.overview_count()
    # Mark's reports all move to Diana; Piet gets a report after the count.
    for report in Person.objects.filter(manager=personas.manager):
        report.manager = personas.director
        report.save()
    PersonFactory(manager=personas.peer, team=personas.finance)

    assert overview_names(client) == ["Diana de Directeur"]
    OverviewRank.objects.update(counted_at=timezone.now() - datetime.timedelta(hours=2))
    overview_names(client)  # asks for the count
    assert overview_names(client) == ["Piet Peer", "Diana de Directeur"]


def test_a_count_that_is_still_fresh_is_not_made_again(personas):
    assert services.overview_count() == 2
    assert services.overview_count() == 0
    assert OverviewRank.objects.count() == 2


def test_the_overview_by_fewest_1on1s_costs_the_same_whatever_the_number_of_managers(
    client, personas
):
    client.force_login(personas.hr.user)
    counts = []
    for size in (5, 50):
        grow_overview(personas, size)
        OverviewRank.objects.all().delete()
        services.overview_count()
        # + when the order was counted; a page of managers in that order with their team and
        # counts, not counted.
        with CaptureQueriesContext(connection) as queries:
            html = html_of(client.get(url("conversations:overview"), {"order": "fewest"}))
        counts.append(len(queries))
        assert html.count('<td class="nowrap">') == min(size, 50)
    assert counts == [4, 4]


def test_the_overview_pages_without_a_total(client, personas):
    grow_overview(personas, 60)
    client.force_login(personas.hr.user)
    for order in ("name", "fewest"):
        first = html_of(client.get(url("conversations:overview"), {"order": order}))
        second = html_of(client.get(url("conversations:overview"), {"order": order, "page": 2}))
        assert first.count('<td class="nowrap">') == 50
        assert second.count('<td class="nowrap">') == 10
        assert "Page 1" in first and 'rel="next"' in first and "Page 1 of" not in first
        assert 'rel="prev"' in second and 'rel="next"' not in second


@pytest.mark.parametrize("viewer", ["manager", "employee"])
def test_the_home_card_costs_three_queries_whatever_the_history(rf, personas, viewer):
    """The conversations card on the home page (`{% conversations_card %}`): upcoming meetings
    with unanswered questions counted, overdue action items, overdue 1:1s. The whole home page
    is pinned in tests/people/test_pages.py."""
    from django.template import Context, Template

    user = getattr(personas, viewer).user
    card = Template("{% load conversations_tags %}{% conversations_card %}")
    counts = []
    for size in (5, 50):
        grow_home(personas, size)
        request = rf.get("/")
        request.user = type(user).objects.select_related("person").get(pk=user.pk)
        with CaptureQueriesContext(connection) as queries:
            html = card.render(Context({"request": request}))
        counts.append(len(queries))
    assert counts == [3, 3]
    assert "Conversations" in html
