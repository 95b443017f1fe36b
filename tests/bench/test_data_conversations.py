"""The benchmark's conversations: about the rows asked for, the same on every run, as the
services would have left them, nothing for leavers after they left, and objects the personas of
their pages may see."""

import datetime

import pytest
from django.db.models import Count, Max, Q
from django.utils import timezone

from bench import data, data_conversations
from stip.conversations import policies
from stip.conversations.models import (
    FORMAL_KINDS,
    ActionItem,
    AgendaItem,
    CheckInAnswer,
    CheckInQuestion,
    CheckInTemplate,
    FormalReport,
    Meeting,
    MeetingKind,
    PrivateNote,
    RatingLevel,
    RatingScale,
    ReportQuote,
    Series,
    SharedNote,
    SharedNoteRevision,
)
from stip.people.demo import seed_generated_organisation
from stip.people.models import Person
from tests.factories import GoalFactory

PEOPLE = 200
ROWS = PEOPLE * 40
PLANNED_ORDER = {"question": 0, "goal_changed": 1, "goal": 1, "strategic_goal": 2, "manual": 3}
MODELS = (
    CheckInTemplate,
    CheckInQuestion,
    RatingScale,
    RatingLevel,
    Series,
    Meeting,
    SharedNote,
    SharedNoteRevision,
    AgendaItem,
    CheckInAnswer,
    PrivateNote,
    ActionItem,
    FormalReport,
    ReportQuote,
)


@pytest.fixture
def generated(db):
    organisation = seed_generated_organisation(people=PEOPLE, seed=3)
    ctx = data.context_for(organisation, seed=3)
    return ctx, data_conversations.generate(ctx, ROWS)


def fingerprint() -> list:
    """What the generator chose, without the clock: who, what, which kind, which state."""
    return [
        list(Series.objects.order_by("public_id").values_list(
            "public_id", "manager_id", "employee_id", "cadence", "active", "next_date"
        )),
        list(Meeting.objects.order_by("public_id").values_list(
            "public_id", "series__public_id", "manager_id", "employee_id", "kind", "title",
            "scheduled_for", Q(held_at__isnull=False),
        )),
        list(SharedNote.objects.order_by("meeting__public_id").values_list(
            "meeting__public_id", "text", "version"
        )),
        list(AgendaItem.objects.order_by("public_id").values_list(
            "public_id", "meeting__public_id", "source", "text", "position"
        )),
        list(ActionItem.objects.order_by("public_id").values_list(
            "public_id", "owner_id", "text", "due_date", Q(done_at__isnull=False)
        )),
        list(PrivateNote.objects.order_by("meeting__public_id", "author_id").values_list(
            "meeting__public_id", "author_id", "text"
        )),
        list(FormalReport.objects.order_by("public_id").values_list(
            "public_id", "version", "text", "rating__value", Q(shared_at__isnull=False)
        )),
    ]  # fmt: skip


def erase() -> None:
    ReportQuote.objects.all().delete()
    FormalReport.objects.filter(version__gt=1).delete()
    for model in reversed(MODELS):
        model.objects.all().delete()


def test_it_writes_about_the_rows_asked_for(generated):
    _ctx, written = generated

    assert written == sum(model.objects.count() for model in MODELS)
    assert 0.85 * ROWS <= written <= 1.15 * ROWS


def test_the_same_seed_gives_the_same_conversations(generated):
    ctx, _written = generated
    first = fingerprint()
    erase()

    data_conversations.generate(data.context_for(ctx.organisation, seed=3), ROWS)

    assert fingerprint() == first


def test_every_active_series_has_its_next_one_on_one_planned(generated):
    ctx, _written = generated
    series = list(Series.objects.active())
    planned = {
        meeting.series_id: meeting
        for meeting in Meeting.objects.filter(series__active=True, held_at__isnull=True)
    }
    unplanned = Meeting.objects.filter(series__active=True, held_at__isnull=True)

    assert len(series) > PEOPLE / 2
    assert unplanned.values("series").annotate(n=Count("pk")).filter(n__gt=1).count() == 0
    for one in series:
        meeting = planned[one.pk]
        local = timezone.localtime(meeting.scheduled_for)
        assert (local.date(), local.time()) == (one.next_date, one.time_of_day)
        held = Meeting.objects.filter(series=one, held_at__isnull=False)
        assert held.filter(scheduled_for__gte=meeting.scheduled_for).count() == 0
    overdue = [s for s in series if s.next_date < ctx.today]
    assert 0 < len(overdue) < len(series) / 4
    assert Series.objects.filter(active=False).exists()


def test_meetings_are_as_the_services_leave_them(generated):
    ctx, _written = generated
    now = timezone.now()

    assert not Meeting.objects.filter(held_at__gt=now).exists()
    assert not Meeting.objects.filter(kind=MeetingKind.ONE_ON_ONE, series__isnull=True).exists()
    assert set(Meeting.objects.values_list("kind", flat=True).distinct()) == set(MeetingKind)
    assert Meeting.objects.count() == SharedNote.objects.count()
    for note in SharedNote.objects.annotate(
        saves=Count("revisions"), last=Max("revisions__version")
    ):
        assert note.version == 1 + note.saves
        if note.saves:
            last = note.revisions.get(version=note.last)
            assert (note.text, note.updated_by_id) == (last.text, last.author_id)
        else:
            assert note.text == ""
    questions = {
        template.pk: list(template.questions.order_by("position").values_list("pk", flat=True))
        for template in CheckInTemplate.objects.all()
    }
    agendas: dict[int, list[AgendaItem]] = {}
    for item in AgendaItem.objects.order_by("meeting", "position"):
        agendas.setdefault(item.meeting_id, []).append(item)
    for meeting in Meeting.objects.all():
        agenda = agendas.get(meeting.pk, [])
        assert [item.position for item in agenda] == list(range(len(agenda)))
        asked = [item.question_id for item in agenda if item.source == AgendaItem.Source.QUESTION]
        assert asked == questions.get(meeting.checkin_template_id, [])
        # The points the meeting was planned with (questions, then goals), then talking points.
        ranks = [PLANNED_ORDER[item.source] for item in agenda]
        assert ranks == sorted(ranks)
        for item in agenda:
            assert (item.author_id is not None) == (item.source == AgendaItem.Source.MANUAL)
        if meeting.held_at is None:
            assert all(item.discussed_at is None for item in agenda)
    pairs = {m.pk: m for m in Meeting.objects.select_related("manager", "employee")}
    for answer in CheckInAnswer.objects.all():
        meeting = pairs[answer.meeting_id]
        assert answer.author_id == meeting.employee.user_id
        assert answer.question_id in questions[meeting.checkin_template_id]
    for note in PrivateNote.objects.all():
        meeting = pairs[note.meeting_id]
        assert note.author_id in (meeting.manager.user_id, meeting.employee.user_id)
    for item in ActionItem.objects.all():
        meeting = pairs[item.meeting_id]
        assert item.owner_id in (meeting.manager_id, meeting.employee_id)
        assert item.done_at is None or meeting.held_at <= item.done_at <= now
    open_items = ActionItem.objects.open()
    assert open_items.filter(due_date__lt=ctx.today).exists()
    assert open_items.filter(due_date__gte=ctx.today).exists()
    assert ActionItem.objects.filter(done_at__isnull=False).exists()


def test_formal_reports_are_in_the_states_the_services_allow(generated):
    reports = FormalReport.objects.select_related("meeting", "rating", "supersedes")

    assert reports.filter(shared_at__isnull=True).exists()
    assert reports.filter(shared_at__isnull=False, acknowledged_at__isnull=True).exists()
    assert reports.filter(acknowledged_at__isnull=False).exists()
    assert reports.filter(version=2).exists()
    for report in reports:
        meeting = report.meeting
        assert meeting.kind in FORMAL_KINDS and meeting.held_at is not None
        assert report.author_id == meeting.manager.user_id
        if meeting.kind == MeetingKind.APPRAISAL:
            assert report.rating_id is not None or report.shared_at is None
            if report.rating_id is not None:
                assert report.rating.scale_id == meeting.rating_scale_id
        else:
            assert report.rating_id is None
        if report.supersedes is not None:
            assert report.supersedes.shared_at is not None
            assert report.supersedes.meeting_id == meeting.pk
            assert report.correction_reason
    # As services.report_share marks them: the conversations with a shared version, only.
    marked = set(Meeting.objects.filter(has_shared_report=True).values_list("pk", flat=True))
    assert marked == set(reports.filter(shared_at__isnull=False).values_list("meeting", flat=True))
    for quote in ReportQuote.objects.select_related("report__meeting", "source_meeting"):
        source, meeting = quote.source_meeting, quote.report.meeting
        assert meeting.kind == MeetingKind.APPRAISAL
        assert source.is_development
        assert (source.manager_id, source.employee_id) == (meeting.manager_id, meeting.employee_id)
        assert quote.passage in SharedNote.objects.get(meeting=source).text
        assert f"> {quote.passage}" in quote.report.text


@pytest.mark.django_db
def test_planned_one_on_ones_have_the_employees_open_goals_on_the_agenda():
    organisation = seed_generated_organisation(people=PEOPLE, seed=3)
    ctx = data.context_for(organisation, seed=3)
    employee = Person.objects.get(pk=ctx.personas["employee"])
    around = {
        "start_date": ctx.today - datetime.timedelta(days=100),
        "end_date": ctx.today + datetime.timedelta(days=100),
    }
    goals = [GoalFactory(owner=employee, title=f"Goal {n}", **around) for n in range(3)]
    GoalFactory(owner=employee, status="achieved", closed_at=timezone.now(), **around)

    data_conversations.generate(ctx, ROWS)

    planned = Meeting.objects.get(series__employee=employee, held_at__isnull=True)
    agenda = list(AgendaItem.objects.filter(meeting=planned).order_by("position"))
    on_agenda = [item.goal_id for item in agenda if item.source == AgendaItem.Source.GOAL]
    assert on_agenda == [goal.pk for goal in goals]
    questions = [item for item in agenda if item.source == AgendaItem.Source.QUESTION]
    assert agenda[len(questions)].goal_id == goals[0].pk
    held = AgendaItem.objects.filter(meeting__held_at__isnull=False, goal__isnull=False)
    assert not held.exists()


def test_leavers_get_nothing_after_they_left(generated):
    leavers = Person.objects.filter(end_date__isnull=False)
    assert leavers.exists()
    for leaver in leavers:
        end = datetime.datetime.combine(
            leaver.end_date + datetime.timedelta(days=1),
            datetime.time(),
            tzinfo=timezone.get_current_timezone(),
        )
        meetings = Meeting.objects.filter(employee=leaver)
        assert not meetings.filter(
            Q(scheduled_for__gte=end) | Q(created_at__gte=end) | Q(held_at__gte=end)
        ).exists()
        assert not Series.objects.filter(employee=leaver, active=True).exists()
        assert not ActionItem.objects.filter(meeting__employee=leaver, created_at__gte=end).exists()


def test_the_manager_persona_meets_each_report(generated):
    ctx, _written = generated
    manager = Person.objects.get(pk=ctx.personas["manager"])
    reports = Person.objects.current().filter(manager=manager)

    assert reports.count() == Series.objects.active().filter(manager=manager).count()
    employee = Person.objects.get(pk=ctx.personas["employee"])
    held = Meeting.objects.of_pair(manager.pk, employee.pk).filter(held_at__isnull=False)
    assert held.filter(kind=MeetingKind.ONE_ON_ONE).count() >= 20


def test_the_objects_are_visible_to_the_personas_of_their_pages(generated):
    ctx, _written = generated
    people = {
        role: Person.objects.select_related("user").get(pk=ctx.personas[role])
        for role in ("employee", "manager", "hr")
    }
    users = {role: person.user for role, person in people.items()}
    found = data_conversations.objects()

    for name in ("conversation", "conversation: planned", "conversation: most revised notes"):
        meeting = found[name]
        assert policies.can_view_meeting(users["employee"], meeting), name
        assert policies.can_view_meeting(users["manager"], meeting), name
        assert not policies.can_view_meeting(users["hr"], meeting), name
    assert policies.can_change_meeting(users["employee"], found["conversation: planned"])
    series = found["conversation series"]
    assert policies.can_change_series(users["employee"], series)
    assert policies.can_change_series(users["manager"], series)
    report = FormalReport.objects.select_related("meeting__employee").get(
        pk=found["conversation report"].pk
    )
    assert all(policies.can_view_report(user, report) for user in users.values())
    assert policies.can_correct_report(users["manager"], report)
    draft = FormalReport.objects.select_related("meeting__employee").get(
        pk=found["conversation report: draft appraisal"].pk
    )
    assert policies.can_quote_into_report(users["manager"], draft)
    assert draft.quotes.count() == 2
    assert not policies.can_view_report(users["employee"], draft)
    assert not policies.can_view_report(users["hr"], draft)
    assert policies.can_write_report(users["manager"], found["conversation: appraisal"])
    assert policies.can_edit_template(users["manager"], found["check-in template: manager's"])
    assert policies.can_edit_template(users["hr"], found["check-in template: organisation's"])
    assert policies.can_manage_rating_scales(users["hr"])
    assert found["appraisal rating scale"].is_default
