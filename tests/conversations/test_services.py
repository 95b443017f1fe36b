import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from stip.conversations import queries, services
from stip.conversations.models import (
    ActionItem,
    AgendaItem,
    CheckInQuestion,
    FormalReport,
    Meeting,
    MeetingKind,
    ReportQuote,
    Series,
    SharedNoteRevision,
)
from stip.core.models import AuditEntry
from stip.goals import services as goal_services
from stip.goals.models import Goal
from tests.conversations import builders
from tests.goals.builders import create_goal

pytestmark = pytest.mark.django_db


# Series and meetings -------------------------------------------------------------------------


def test_starting_1on1s_plans_the_first_one_with_questions_goals_and_strategic_goals(personas):
    builders.check_in_template(personas)
    own = create_goal(personas.employee, title="Plan the Almere routes")
    strategic = create_goal(
        personas.hr, level="organisation", title="Deliver 98% on time", visibility="organisation"
    )
    goal_services.goal_set_strategic(goal=strategic, actor=personas.hr.user, strategic=True)

    series = builders.series(personas)

    meeting = builders.planned(series)
    assert meeting.kind == MeetingKind.ONE_ON_ONE
    assert (meeting.manager, meeting.employee) == (personas.manager, personas.employee)
    agenda = list(meeting.agenda.order_by("position").values_list("source", "text"))
    assert agenda == [
        ("question", "What went well?"),
        ("question", "What blocks you?"),
        ("question", "What do you need from me?"),
        ("goal", own.title),
        ("strategic_goal", strategic.title),
    ]
    assert meeting.shared_note.version == 1
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"conversations.series_started", "conversations.meeting_planned"} <= actions


def test_only_the_pair_starts_1on1s_and_only_once(personas):
    for outsider in (personas.hr, personas.director, personas.peer):
        with pytest.raises(PermissionDenied):
            builders.series(personas, actor=outsider.user)
    # The employee may start them with their own manager.
    builders.series(personas, actor=personas.employee.user)
    with pytest.raises(ValidationError) as error:
        builders.series(personas)
    assert "employee" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Series.objects.create(
            manager=personas.manager,
            employee=personas.employee,
            cadence="weekly",
            next_date=timezone.localdate(),
        )


def test_a_series_is_between_a_manager_and_a_direct_report(personas):
    with pytest.raises(PermissionDenied):
        # The director is above Eva, but not her direct manager.
        builders.series(personas, actor=personas.director.user, manager=personas.director)


@time_machine.travel(datetime.datetime(2026, 11, 26, 9, tzinfo=datetime.UTC), tick=False)
def test_marking_a_1on1_held_moves_the_series_on_and_plans_the_next_one(personas):
    series = builders.series(personas, days=0)
    first = builders.planned(series)

    services.meeting_mark_held(meeting=first, actor=personas.employee.user)

    first.refresh_from_db()
    series.refresh_from_db()
    assert first.held_at is not None
    assert series.next_date == datetime.date(2026, 12, 10)
    second = builders.planned(series)
    assert timezone.localtime(second.scheduled_for).date() == datetime.date(2026, 12, 10)
    assert AuditEntry.objects.filter(action="conversations.meeting_held").count() == 1


@time_machine.travel(datetime.datetime(2026, 11, 26, 9, tzinfo=datetime.UTC), tick=False)
def test_a_late_1on1_moves_the_next_date_past_today(personas):
    series = builders.series(personas, days=0, cadence="weekly")
    first = builders.planned(series)
    Meeting.objects.filter(pk=first.pk).update(
        scheduled_for=timezone.now() - datetime.timedelta(days=20)
    )
    first.refresh_from_db()
    services.meeting_mark_held(meeting=first, actor=personas.manager.user)
    series.refresh_from_db()
    assert series.next_date == datetime.date(2026, 11, 27)


def test_monthly_cadence_keeps_the_day_or_the_last_of_the_month():
    assert services.next_after(datetime.date(2026, 1, 31), "monthly") == datetime.date(2026, 2, 28)
    assert services.next_after(datetime.date(2026, 12, 15), "monthly") == datetime.date(2027, 1, 15)
    assert services.next_after(datetime.date(2026, 1, 1), "weekly") == datetime.date(2026, 1, 8)


def test_either_side_plans_an_ad_hoc_conversation_only_the_manager_a_formal_one(personas):
    builders.meeting(personas, actor=personas.employee.user)
    with pytest.raises(PermissionDenied):
        builders.meeting(personas, actor=personas.employee.user, kind=MeetingKind.PERFORMANCE)
    with pytest.raises(PermissionDenied):
        builders.meeting(personas, actor=personas.hr.user)
    with pytest.raises(ValidationError):
        builders.meeting(personas, kind=MeetingKind.ONE_ON_ONE)
    # An appraisal needs HR's scale.
    with pytest.raises(ValidationError) as error:
        builders.meeting(personas, kind=MeetingKind.APPRAISAL)
    assert "rating_scale" in error.value.message_dict
    scale = builders.rating_scale(personas)
    appraisal = builders.meeting(personas, kind=MeetingKind.APPRAISAL)
    assert appraisal.rating_scale == scale


def test_stopping_a_series_keeps_planned_1on1s_so_it_reveals_no_private_note(personas):
    series = builders.series(personas)
    planned = builders.planned(series)
    services.series_stop(series=series, actor=personas.employee.user)
    assert Meeting.objects.filter(pk=planned.pk).exists()

    other = builders.series(personas)
    kept = builders.planned(other)
    services.private_note_save(meeting=kept, actor=personas.manager.user, text="Ask about leave")
    services.series_stop(series=other, actor=personas.employee.user)
    # Whether or not the manager wrote a private note, the employee sees the same outcome.
    assert Meeting.objects.filter(pk=kept.pk).exists()
    series.refresh_from_db()
    assert not series.active


# Agenda --------------------------------------------------------------------------------------


def test_both_add_talking_points_and_reorder_them_but_default_points_stay(personas):
    create_goal(personas.employee, title="Plan the Almere routes")
    meeting = builders.meeting(personas)
    first = services.agenda_item_add(meeting=meeting, actor=personas.employee.user, text="Leave")
    second = services.agenda_item_add(meeting=meeting, actor=personas.manager.user, text="Depot")
    goal_item = meeting.agenda.get(source=AgendaItem.Source.GOAL)
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(meeting=meeting, actor=personas.hr.user, text="Snooping")

    services.agenda_item_move(item=second, actor=personas.employee.user, up=True)
    manual = list(
        meeting.agenda.filter(source="manual").order_by("position").values_list("text", flat=True)
    )
    assert manual == ["Depot", "Leave"]

    with pytest.raises(ValidationError):
        services.agenda_item_remove(item=goal_item, actor=personas.employee.user)
    with pytest.raises(PermissionDenied):
        # Only the author removes a talking point.
        services.agenda_item_remove(item=first, actor=personas.manager.user)
    services.agenda_item_remove(item=first, actor=personas.employee.user)
    assert not AgendaItem.objects.filter(pk=first.pk).exists()

    with pytest.raises(ValidationError):
        services.agenda_item_reorder(
            meeting=meeting, actor=personas.manager.user, order=[second.public_id]
        )

    services.agenda_item_mark_discussed(item=goal_item, actor=personas.manager.user)
    goal_item.refresh_from_db()
    assert goal_item.discussed_at is not None


def test_the_agenda_closes_when_the_meeting_is_held(personas):
    meeting = builders.meeting(personas)
    services.meeting_mark_held(meeting=meeting, actor=personas.manager.user)
    meeting.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(meeting=meeting, actor=personas.employee.user, text="Late")
    # Notes and action items go on after the meeting.
    services.shared_note_save(
        meeting=meeting, actor=personas.employee.user, text="Afterthought", version=1
    )


def test_goals_whose_status_changed_since_the_last_meeting_are_on_the_agenda(personas):
    goal = create_goal(personas.employee, title="Plan the Almere routes")
    first = builders.meeting(personas, days=-14)
    services.meeting_mark_held(meeting=first, actor=personas.manager.user)
    goal_services.goal_update_progress(
        goal=goal, actor=personas.employee.user, version=None, status=Goal.Status.AT_RISK
    )
    untouched = create_goal(personas.employee, title="Lead the daily start")

    second = builders.meeting(personas)

    sources = dict(second.agenda.filter(goal__isnull=False).values_list("goal_id", "source"))
    assert sources == {goal.pk: "goal_changed", untouched.pk: "goal"}


def test_refreshing_the_agenda_adds_goals_that_changed_after_it_was_planned(personas):
    goal = create_goal(personas.employee, title="Plan the Almere routes")
    first = builders.meeting(personas, days=-14)
    services.meeting_mark_held(meeting=first, actor=personas.manager.user)
    second = builders.meeting(personas)
    assert second.agenda.filter(source="goal_changed").count() == 0
    goal_services.goal_update_progress(
        goal=goal, actor=personas.employee.user, version=None, status=Goal.Status.OFF_TRACK
    )
    added = services.agenda_refresh_goals(meeting=second, actor=personas.employee.user)
    assert added == 1
    assert second.agenda.filter(source="goal_changed", goal=goal).count() == 1
    assert services.agenda_refresh_goals(meeting=second, actor=personas.employee.user) == 0


# Check-in ------------------------------------------------------------------------------------


def test_the_employee_answers_the_check_in_questions_before_the_meeting(personas):
    builders.check_in_template(personas)
    meeting = builders.planned(builders.series(personas))
    questions = list(meeting.agenda.filter(source="question").values_list("question_id", flat=True))
    services.checkin_answer(
        meeting=meeting,
        actor=personas.employee.user,
        answers={questions[0]: "The Almere routes", questions[1]: ""},
    )
    assert queries.answers_of(meeting)[questions[0]].text == "The Almere routes"
    with pytest.raises(PermissionDenied):
        services.checkin_answer(
            meeting=meeting, actor=personas.manager.user, answers={questions[0]: "Not yours"}
        )
    other = CheckInQuestion.objects.create(template=meeting.checkin_template, text="Extra")
    with pytest.raises(ValidationError):
        services.checkin_answer(
            meeting=meeting, actor=personas.employee.user, answers={other.pk: "Sneaky"}
        )


def test_a_changed_template_keeps_the_questions_earlier_meetings_were_planned_with(personas):
    template = builders.check_in_template(personas)
    meeting = builders.planned(builders.series(personas))
    services.checkin_template_edit(
        template=template,
        actor=personas.hr.user,
        name="Check-in",
        questions=["What do you need from me?", "What are you proud of?"],
    )
    live = list(
        template.questions.filter(archived_at__isnull=True)
        .order_by("position")
        .values_list("text", flat=True)
    )
    assert live == ["What do you need from me?", "What are you proud of?"]
    assert meeting.agenda.filter(source="question").count() == 3
    with pytest.raises(PermissionDenied):
        services.checkin_template_edit(
            template=template, actor=personas.manager.user, name="Mine", questions=["?"]
        )


# Notes ---------------------------------------------------------------------------------------


def test_a_stale_save_of_the_shared_notes_is_refused_and_overwrites_nothing(personas):
    meeting = builders.meeting(personas)
    services.shared_note_save(
        meeting=meeting, actor=personas.manager.user, text="Mark's notes", version=1
    )
    with pytest.raises(services.NoteConflict) as conflict:
        services.shared_note_save(
            meeting=meeting, actor=personas.employee.user, text="Eva's notes", version=1
        )
    assert conflict.value.note.text == "Mark's notes"
    assert conflict.value.note.version == 2
    meeting.shared_note.refresh_from_db()
    assert meeting.shared_note.text == "Mark's notes"
    services.shared_note_save(
        meeting=meeting, actor=personas.employee.user, text="Both notes", version=2
    )
    history = list(
        SharedNoteRevision.objects.filter(note__meeting=meeting).values_list("version", "text")
    )
    assert history == [(3, "Both notes"), (2, "Mark's notes")]


def test_notes_are_not_written_to_the_audit_log(personas):
    meeting = builders.meeting(personas)
    services.shared_note_save(
        meeting=meeting, actor=personas.manager.user, text="Eva is tired", version=1
    )
    services.private_note_save(meeting=meeting, actor=personas.manager.user, text="Burn-out?")
    logged = str(list(AuditEntry.objects.values_list("action", "before", "after", "object_repr")))
    assert "tired" not in logged
    assert "Burn-out" not in logged
    assert "private" not in logged


def test_a_private_note_is_one_per_author_and_read_by_nobody_else(personas):
    meeting = builders.meeting(personas)
    services.private_note_save(meeting=meeting, actor=personas.manager.user, text="Mine")
    services.private_note_save(meeting=meeting, actor=personas.manager.user, text="Mine, edited")
    services.private_note_save(meeting=meeting, actor=personas.employee.user, text="Eva's")
    assert queries.private_note_of(personas.manager.user, meeting).text == "Mine, edited"
    assert queries.private_note_of(personas.employee.user, meeting).text == "Eva's"
    for other in (personas.hr, personas.admin, personas.director, personas.peer):
        assert queries.private_note_of(other.user, meeting) is None
    with pytest.raises(PermissionDenied):
        services.private_note_save(meeting=meeting, actor=personas.hr.user, text="HR's")


# Action items --------------------------------------------------------------------------------


def test_open_action_items_carry_over_to_later_meetings_until_done(personas):
    first = builders.meeting(personas, days=-14)
    open_item = services.action_item_add(
        meeting=first, actor=personas.manager.user, owner=personas.employee, text="Open"
    )
    done_item = services.action_item_add(
        meeting=first, actor=personas.manager.user, owner=personas.manager, text="Done early"
    )
    services.action_item_complete(item=done_item, actor=personas.manager.user)
    later = builders.meeting(personas, days=1)
    own = services.action_item_add(
        meeting=later, actor=personas.employee.user, owner=personas.employee, text="New"
    )
    shown = {item.text: item.carried for item in queries.action_items_for(later)}
    assert shown == {"Open": 1, "New": 0}

    # Ticked off at the later meeting: it stays there (done at its time) but no longer carries.
    services.action_item_complete(item=open_item, actor=personas.employee.user)
    assert {i.text for i in queries.action_items_for(later)} == {"New"}
    # The earlier meeting still shows its own items.
    assert {i.text for i in queries.action_items_for(first)} == {"Open", "Done early"}
    assert own.meeting == later

    with pytest.raises(ValidationError):
        services.action_item_add(
            meeting=later, actor=personas.manager.user, owner=personas.peer, text="Not theirs"
        )


def test_development_action_items_do_not_carry_into_an_appraisal(personas):
    builders.rating_scale(personas)
    one_on_one = builders.meeting(personas, days=-7)
    services.action_item_add(
        meeting=one_on_one, actor=personas.manager.user, owner=personas.employee, text="Learn SQL"
    )
    appraisal = builders.meeting(personas, kind=MeetingKind.APPRAISAL)
    assert list(queries.action_items_for(appraisal)) == []


def test_overdue_action_items_are_listed_for_their_owner(personas):
    meeting = builders.meeting(personas, days=-10)
    services.action_item_add(
        meeting=meeting,
        actor=personas.manager.user,
        owner=personas.employee,
        text="Late",
        due_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    services.action_item_add(
        meeting=meeting,
        actor=personas.manager.user,
        owner=personas.employee,
        text="Later",
        due_date=timezone.localdate() + datetime.timedelta(days=2),
    )
    assert [a["text"] for a in queries.overdue_action_items(personas.employee)] == ["Late"]
    assert list(queries.overdue_action_items(personas.manager)) == []


# Formal reports ------------------------------------------------------------------------------


def test_a_report_is_written_shared_responded_to_and_acknowledged(personas):
    meeting = builders.meeting(personas, kind=MeetingKind.PERFORMANCE, days=-1)
    with pytest.raises(ValidationError):
        services.report_share(
            report=services.report_write(meeting=meeting, actor=personas.manager.user, text=""),
            actor=personas.manager.user,
        )
    report = services.report_write(
        meeting=meeting, actor=personas.manager.user, text="Eva did well."
    )
    with pytest.raises(PermissionDenied):
        services.report_respond(report=report, actor=personas.employee.user, response="Early")
    report = services.report_share(report=report, actor=personas.manager.user)
    with pytest.raises(ValidationError):
        services.report_write(meeting=meeting, actor=personas.manager.user, text="Changed")

    services.report_respond(report=report, actor=personas.employee.user, response="Thanks.")
    report = services.report_acknowledge(report=report, actor=personas.employee.user)
    assert report.is_locked and report.acknowledged_at is not None
    assert report.employee_response == "Thanks."
    with pytest.raises(PermissionDenied):
        services.report_respond(report=report, actor=personas.employee.user, response="Later")
    actions = list(
        AuditEntry.objects.filter(action__startswith="conversations.report")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "conversations.report_written",
        "conversations.report_written",
        "conversations.report_shared",
        "conversations.report_responded",
        "conversations.report_acknowledged",
    ]


def test_a_performance_conversation_has_no_rating_an_appraisal_needs_one(personas):
    scale = builders.rating_scale(personas)
    performance = builders.meeting(personas, kind=MeetingKind.PERFORMANCE)
    with pytest.raises(ValidationError):
        services.report_write(
            meeting=performance,
            actor=personas.manager.user,
            text="x",
            rating=scale.levels.first(),
        )
    appraisal = builders.meeting(personas, kind=MeetingKind.APPRAISAL)
    draft = services.report_write(meeting=appraisal, actor=personas.manager.user, text="x")
    with pytest.raises(ValidationError) as error:
        services.report_share(report=draft, actor=personas.manager.user)
    assert "rating" in error.value.message_dict
    other_scale = services.rating_scale_save(
        actor=personas.hr.user,
        name="Other",
        levels=[services.LevelInput(1, "Low", "Laag"), services.LevelInput(2, "High", "Hoog")],
    )
    with pytest.raises(ValidationError):
        services.report_write(
            meeting=appraisal,
            actor=personas.manager.user,
            text="x",
            rating=other_scale.levels.first(),
        )


def test_a_correction_after_acknowledgement_is_a_new_audited_version(personas):
    report = builders.report(personas)
    report = services.report_acknowledge(report=report, actor=personas.employee.user)
    with pytest.raises(ValidationError) as error:
        services.report_correct(report=report, actor=personas.manager.user, text="New", reason="")
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.report_correct(
            report=report, actor=personas.employee.user, text="Mine", reason="Because"
        )

    new = services.report_correct(
        report=report,
        actor=personas.manager.user,
        text="Eva planned every route on time.",
        reason="The first version named the wrong depot.",
    )

    report.refresh_from_db()
    assert report.text.startswith("Eva planned every Almere route")  # untouched
    assert report.acknowledged_at is not None
    assert (new.version, new.supersedes, new.shared_at) == (2, report, None)
    entry = AuditEntry.objects.get(action="conversations.report_corrected")
    assert entry.after["supersedes"] == str(report.public_id)
    assert entry.after["reason"] == "The first version named the wrong depot."
    with pytest.raises(PermissionDenied):
        # Only the latest version is corrected, responded to and acknowledged.
        services.report_correct(report=report, actor=personas.manager.user, text="x", reason="y")
    new = services.report_share(report=new, actor=personas.manager.user)
    services.report_acknowledge(report=new, actor=personas.employee.user)
    assert FormalReport.objects.filter(meeting=report.meeting).count() == 2


# The wall ------------------------------------------------------------------------------------


def test_quoting_a_1on1_passage_into_an_appraisal_is_marked_and_logged(personas):
    one_on_one = builders.meeting(personas, days=-30)
    services.shared_note_save(
        meeting=one_on_one,
        actor=personas.employee.user,
        text="Eva finished the route tool early.\nShe is worried about her workload.",
        version=1,
    )
    draft = builders.report(personas, kind=MeetingKind.APPRAISAL, shared=False, text="Good year.")

    with pytest.raises(ValidationError) as error:
        services.report_quote_note(
            report=draft,
            actor=personas.manager.user,
            source=one_on_one,
            passage="Eva is lazy",  # not in the notes
        )
    assert "passage" in error.value.message_dict

    quote = services.report_quote_note(
        report=draft,
        actor=personas.manager.user,
        source=one_on_one,
        passage="Eva finished the route tool early.",
    )

    draft.refresh_from_db()
    assert "> Eva finished the route tool early." in draft.text
    assert "quoted from the shared notes of the Conversation of" in draft.text
    assert "workload" not in draft.text
    assert quote.source_meeting == one_on_one
    entry = AuditEntry.objects.get(action="conversations.note_quoted")
    assert entry.actor == personas.manager.user
    assert entry.after["source"] == f"conversations.meeting:{one_on_one.public_id}"
    assert entry.after["destination"] == f"conversations.formalreport:{draft.public_id}"


def test_only_the_appraisals_writer_quotes_and_only_from_their_own_conversations(personas):
    one_on_one = builders.meeting(personas, days=-30)
    services.shared_note_save(
        meeting=one_on_one, actor=personas.employee.user, text="Passage", version=1
    )
    performance = builders.report(personas, shared=False)
    with pytest.raises(PermissionDenied):
        # Into a performance conversation's report: nothing to judge, nothing to quote into.
        services.report_quote_note(
            report=performance, actor=personas.manager.user, source=one_on_one, passage="Passage"
        )
    appraisal = builders.report(personas, kind=MeetingKind.APPRAISAL, shared=False)
    with pytest.raises(PermissionDenied):
        services.report_quote_note(
            report=appraisal, actor=personas.hr.user, source=one_on_one, passage="Passage"
        )
    services.report_share(report=appraisal, actor=personas.manager.user)
    appraisal.refresh_from_db()
    with pytest.raises(PermissionDenied):
        # A shared appraisal is corrected, not quoted into.
        services.report_quote_note(
            report=appraisal, actor=personas.manager.user, source=one_on_one, passage="Passage"
        )
    assert ReportQuote.objects.count() == 0


def test_an_appraisal_starts_without_anything_from_earlier_conversations(personas):
    one_on_one = builders.meeting(personas, days=-7)
    services.shared_note_save(
        meeting=one_on_one, actor=personas.manager.user, text="Tired lately", version=1
    )
    services.action_item_add(
        meeting=one_on_one, actor=personas.manager.user, owner=personas.employee, text="Rest"
    )
    builders.rating_scale(personas)
    appraisal = builders.meeting(personas, kind=MeetingKind.APPRAISAL)
    assert appraisal.shared_note.text == ""
    assert not ActionItem.objects.filter(meeting=appraisal).exists()
    assert list(queries.action_items_for(appraisal)) == []


# Rating scales -------------------------------------------------------------------------------


def test_a_scale_in_use_keeps_its_levels(personas):
    scale = builders.rating_scale(personas)
    builders.meeting(personas, kind=MeetingKind.APPRAISAL)
    levels = [
        services.LevelInput(lvl.value, lvl.name_en, lvl.name_nl) for lvl in scale.levels.all()
    ]
    services.rating_scale_save(
        actor=personas.hr.user, name="Renamed", levels=levels, is_default=True, scale=scale
    )
    with pytest.raises(ValidationError):
        services.rating_scale_save(
            actor=personas.hr.user, name="Renamed", levels=levels[:2], scale=scale
        )
    with pytest.raises(PermissionDenied):
        services.rating_scale_save(actor=personas.manager.user, name="Mine", levels=levels)
    scale.refresh_from_db()
    assert scale.name == "Renamed" and scale.levels.count() == 5
