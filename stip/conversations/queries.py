"""Shared reads about conversations: pages, the home card and (later) the API and the
reminders use the same ones, always through the policies' `visible_to`.

Every function returns a bounded number of queries whatever the length of a pair's history.
"""

import datetime
import functools

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from stip.conversations import policies
from stip.conversations.models import (
    CHECK_IN_KINDS,
    ActionItem,
    AgendaItem,
    CheckInAnswer,
    CheckInTemplate,
    FormalReport,
    Meeting,
    MeetingKind,
    OverviewRank,
    PrivateNote,
    RatingScale,
    Series,
    SharedNoteRevision,
)
from stip.core.querysets import reused
from stip.core.rows import Row
from stip.goals import queries as goal_queries
from stip.goals.models import Goal, GoalUpdate
from stip.people.models import Person

# Default agenda points taken from goals, per kind: a bound, so that a person with a hundred
# goals does not get a hundred-point agenda.
DEFAULT_GOALS_MAX = 20
# What the meeting page lists of the pair's action items (own and carried over).
ACTIONS_SHOWN = 100
HOME_SHOWN = 5
UPCOMING_SHOWN = 20
OVERDUE_SHOWN = 20
OVERVIEW_DAYS = 90


def start_of_today() -> datetime.datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


# One meeting ---------------------------------------------------------------------------------


def meeting_detail(user, public_id) -> Meeting:
    """The meeting with its people, its shared notes (and who saved them last) and the number
    of revisions of those notes: one query."""
    return _meeting_detail().visible_to(user).get(public_id=public_id)


@reused
def _meeting_detail():
    """What `meeting_detail` joins and counts, built once per process (`core.querysets`): its
    five joins and counting subquery took longer to build than the query took to compile and
    run (1.5 of a conversation's ~13 ms on the benchmark's machine)."""
    return (
        Meeting.objects.with_people()
        .select_related("shared_note__updated_by__person", "checkin_template", "rating_scale")
        .annotate(revision_count=_revision_count())
    )


# What the meeting's page shows of it, its two people, its series and its shared notes (with
# who saved them last); `meeting_detail` reads every column, for the views that change it.
MEETING_PAGE_FIELDS = (
    "public_id",
    "series_id",
    "manager_id",
    "employee_id",
    "kind",
    "title",
    "scheduled_for",
    "held_at",
    "series__public_id",
    "series__cadence",
    "manager__public_id",
    "manager__first_name",
    "manager__last_name",
    "employee__public_id",
    "employee__first_name",
    "employee__last_name",
    "shared_note__meeting_id",
    "shared_note__text",
    "shared_note__version",
    "shared_note__updated_at",
    "shared_note__updated_by_id",
    "shared_note__updated_by__email",
    "shared_note__updated_by__person__user_id",
    "shared_note__updated_by__person__first_name",
    "shared_note__updated_by__person__last_name",
)


def meeting_page(user, public_id) -> Meeting:
    """`meeting_detail` for the meeting's page, which only reads it: its `MEETING_PAGE_FIELDS`.
    Two people's, an account's and a series' every column, and the template and scale the page
    does not show, were a hundred columns to compile and build objects from, a third of the query's
    time."""
    return _meeting_page().visible_to(user).get(public_id=public_id)


@reused
def _meeting_page():
    return (
        Meeting.objects.with_people()
        .select_related("shared_note__updated_by__person")
        .only(*MEETING_PAGE_FIELDS)
        .annotate(revision_count=_revision_count())
    )


@functools.cache
def _revision_count():
    """How many revisions a meeting's shared notes have: an expression built once per process
    (`core.querysets`)."""
    revisions = SharedNoteRevision.objects.filter(note__meeting=OuterRef("pk"))
    return Coalesce(_count_of(revisions, "note__meeting"), 0)


# What the agenda shows of an item, its goal and its author (a goal's row holds much more).
AGENDA_FIELDS = (
    "public_id",
    "meeting_id",
    "source",
    "text",
    "question_id",
    "position",
    "discussed_at",
    "goal__public_id",
    "goal__status",
    "author__person__public_id",
    "author__person__first_name",
    "author__person__last_name",
)


def agenda_of(meeting: Meeting) -> list[AgendaItem]:
    return list(_agenda().filter(meeting=meeting))


@reused
def _agenda():
    return AgendaItem.objects.select_related("author__person", "goal").only(*AGENDA_FIELDS)


# What the meeting page's agenda shows of an item: its rows are written in Python
# (`conversations_tags.agenda_items`), and the check-in form reads a question's id and text.
AGENDA_ROW_FIELDS = (
    "public_id",
    "source",
    "text",
    "question_id",
    "discussed_at",
    "goal_id",
    "goal__public_id",
    "goal__status",
    "author_id",
    "author__person__first_name",
    "author__person__last_name",
)


def agenda_rows_of(meeting: Meeting) -> list[Row]:
    """`agenda_of` as the page's rows, read as values: instances of the item, its author's
    account and person and its goal took longer to build than the query took to run. In the
    agenda's order; every item is the one meeting's, so its order is `position` alone (the
    model's order joins the meeting for its date)."""
    return [Row(values) for values in _agenda_rows().filter(meeting=meeting)]


@reused
def _agenda_rows():
    return AgendaItem.objects.values(*AGENDA_ROW_FIELDS).order_by("position", "pk")


def answers_of(meeting: Meeting) -> dict[int, CheckInAnswer]:
    """The check-in answers by question id."""
    return {a.question_id: a for a in CheckInAnswer.objects.filter(meeting=meeting)}


def private_note_of(user, meeting: Meeting) -> PrivateNote | None:
    """The caller's own private note, and nobody else's: there is no other reader."""
    return PrivateNote.objects.of(user).filter(meeting=meeting).first()


# What a list of action items shows of each, its owner and the meeting it was agreed in.
ACTION_FIELDS = (
    "public_id",
    "text",
    "due_date",
    "done_at",
    "owner__public_id",
    "owner__first_name",
    "owner__last_name",
    "meeting__public_id",
    "meeting__kind",
    "meeting__scheduled_for",
)


def action_items_for(meeting: Meeting):
    """The action items on a meeting: its own, and those of the pair's earlier meetings that
    were still open at its time (they carry over until done). An appraisal carries over only
    from earlier appraisals: agreements from development conversations stay out of it.
    Carried-over items first, then by due date."""
    return _of_meeting(_action_items(), meeting)


@reused
def _action_items():
    return ActionItem.objects.select_related("owner", "meeting").only(*ACTION_FIELDS)


def action_item_rows(meeting: Meeting):
    """`action_items_for` as values (`ACTION_FIELDS` and `carried`), for the meeting page's
    rows (`conversations_tags.action_items`): building an item, its owner and its meeting for
    each row took as long as the query's SQL and filters."""
    return _of_meeting(_action_item_rows(), meeting)


@reused
def _action_item_rows():
    return ActionItem.objects.values(*ACTION_FIELDS)


def _of_meeting(items, meeting: Meeting):
    """`items` filtered and ordered as `action_items_for` says."""
    earlier = Q(
        meeting__scheduled_for__lt=meeting.scheduled_for,
    ) & (Q(done_at__isnull=True) | Q(done_at__gt=meeting.scheduled_for))
    if meeting.kind == MeetingKind.APPRAISAL:
        earlier &= Q(meeting__kind=MeetingKind.APPRAISAL)
    return (
        items.filter(
            meeting__manager_id=meeting.manager_id, meeting__employee_id=meeting.employee_id
        )
        .filter(Q(meeting=meeting) | earlier)
        .annotate(
            carried=Case(
                When(meeting=meeting, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("-carried", F("due_date").asc(nulls_last=True), "created_at", "pk")
    )


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The pair's meeting before this one (whatever its kind), or None."""
    return (
        Meeting.objects.of_pair(meeting.manager_id, meeting.employee_id)
        .filter(
            Q(scheduled_for__lt=meeting.scheduled_for)
            | Q(scheduled_for=meeting.scheduled_for, pk__lt=meeting.pk)
        )
        .order_by("-scheduled_for", "-pk")
        .first()
    )


def revisions_of(meeting: Meeting):
    return SharedNoteRevision.objects.filter(note__meeting=meeting).select_related("author__person")


def _readable(user, versions, meeting: Meeting) -> list[FormalReport]:
    """The versions of one meeting's report that `user` may read, decided per version by
    `policies.can_view_report`: a meeting has a handful, and the list form
    (`reports_visible_to`) would first gather every report the user may read."""
    readable = []
    for version in versions:
        version.meeting = meeting
        if policies.can_view_report(user, version):
            readable.append(version)
    return readable


def reports_of(user, meeting: Meeting) -> list[FormalReport]:
    """The versions of a meeting's report the user may see, newest first (needs the meeting's
    employee)."""
    return _readable(
        user, FormalReport.objects.filter(meeting=meeting).order_by("-version"), meeting
    )


def report_detail(user, public_id) -> FormalReport:
    """The report with its meeting, people, scale, rating, author and the version it corrects,
    if `user` may read it (else FormalReport.DoesNotExist): one query."""
    report = FormalReport.objects.select_related(
        "meeting__manager__user",
        "meeting__employee__user",
        "meeting__rating_scale",
        "rating",
        "author__person",
        "supersedes",
    ).get(public_id=public_id)
    if not policies.can_view_report(user, report):
        raise FormalReport.DoesNotExist
    return report


def report_versions(user, report: FormalReport) -> list[FormalReport]:
    """Every version of the report that `user` may read, newest first."""
    versions = FormalReport.objects.filter(meeting_id=report.meeting_id).order_by("-version")
    return _readable(user, versions, report.meeting)


def quotable_meetings(report: FormalReport):
    """The development conversations of the report's two people, newest first: where a
    deliberate quote may come from (the writer took part in all of them)."""
    meeting = report.meeting
    return (
        Meeting.objects.of_pair(meeting.manager_id, meeting.employee_id)
        .filter(kind__in=[k.value for k in MeetingKind if k != MeetingKind.APPRAISAL])
        .exclude(pk=meeting.pk)
        .select_related("shared_note")
        .order_by("-scheduled_for", "-pk")
    )


# Default agenda ------------------------------------------------------------------------------


def _goals_both_see(manager: Person, employee: Person):
    seen_by_manager = Goal.objects.visible_to(manager.user).values("pk")
    return Goal.objects.visible_to(employee.user).filter(pk__in=seen_by_manager)


def open_goals_for_agenda(meeting: Meeting):
    """The employee's open goals in the quarter of the meeting."""
    quarter = goal_queries.quarter_of(timezone.localtime(meeting.scheduled_for).date())
    return (
        _goals_both_see(meeting.manager, meeting.employee)
        .filter(owner=meeting.employee)
        .open()
        .in_period(quarter.start, quarter.end)
        .order_by("end_date", "title", "pk")[:DEFAULT_GOALS_MAX]
    )


def goals_changed_since(meeting: Meeting, since: datetime.datetime):
    """The employee's goals whose status differs from what it was at `since` (from the
    GoalUpdate history; a goal nobody updated before then started on track), including goals
    closed since."""
    before = (
        GoalUpdate.objects.filter(goal=OuterRef("pk"), created_at__lte=since)
        .order_by("-created_at", "-pk")
        .values("status")[:1]
    )
    touched = Exists(GoalUpdate.objects.filter(goal=OuterRef("pk"), created_at__gt=since))
    return (
        _goals_both_see(meeting.manager, meeting.employee)
        .filter(owner=meeting.employee)
        .filter(touched | Q(closed_at__gt=since))
        .annotate(status_before=Coalesce(Subquery(before), Value(Goal.Status.ON_TRACK.value)))
        .exclude(status=F("status_before"))
        .order_by("end_date", "title", "pk")[:DEFAULT_GOALS_MAX]
    )


def strategic_goals_for_agenda(meeting: Meeting):
    day = timezone.localtime(meeting.scheduled_for).date()
    seen_by_manager = Goal.objects.visible_to(meeting.manager.user).values("pk")
    return goal_queries.strategic_goals(meeting.employee.user, today=day).filter(
        pk__in=seen_by_manager
    )[:DEFAULT_GOALS_MAX]


def templates_for(person: Person, *, kind: str):
    """The live templates a manager may choose for a conversation: the organisation's and
    their own."""
    return (
        CheckInTemplate.objects.filter(kind=kind, archived_at__isnull=True)
        .filter(Q(owner__isnull=True) | Q(owner=person))
        .order_by(F("owner").asc(nulls_first=True), "name", "pk")
    )


def default_template(person: Person, *, kind: str) -> CheckInTemplate | None:
    """The manager's own template of that kind if they made one, else the organisation's."""
    return (
        templates_for(person, kind=kind)
        .order_by(F("owner").asc(nulls_last=True), "name", "pk")
        .first()
    )


def default_rating_scale() -> RatingScale | None:
    return (
        RatingScale.objects.filter(archived_at__isnull=True)
        .order_by("-is_default", "name", "pk")
        .first()
    )


# Lists ---------------------------------------------------------------------------------------


def _mine(user):
    return Meeting.objects.visible_to(user).for_lists()


def upcoming(user):
    """Meetings not held yet from today on, soonest first."""
    return (
        _mine(user)
        .filter(held_at__isnull=True, scheduled_for__gte=start_of_today())
        .order_by("scheduled_for", "pk")
    )


def past(user):
    """Held meetings, and those whose day has passed without being marked as held."""
    return (
        _mine(user)
        .filter(Q(held_at__isnull=False) | Q(scheduled_for__lt=start_of_today()))
        .order_by("-scheduled_for", "-pk")
    )


def _last_held(manager_ref: str, employee_ref: str):
    return Subquery(
        Meeting.objects.filter(
            manager=OuterRef(manager_ref),
            employee=OuterRef(employee_ref),
            held_at__isnull=False,
        )
        .order_by("-held_at")
        .values("held_at")[:1]
    )


NAME_FIELDS = ("public_id", "first_name", "last_name")


def overdue_series(user):
    """Active series of mine whose planned 1:1 has passed without being held, with the last
    time the two met ("no 1:1 with Sanne for 6 weeks")."""
    return _overdue(_overdue_series(), user)


def overdue_series_rows(user):
    """`overdue_series` as the home page's card reads it: the series' public id, the two
    people's ids and names, and when they last met."""
    return _overdue(_overdue_series_rows(), user)


def _overdue(series, user):
    return series.visible_to(user).active().filter(next_date__lt=timezone.localdate())


@reused
def _overdue_series():
    return (
        Series.objects.select_related("manager", "employee")
        # What the reminders show: the series, and the two people's names.
        .only(
            "public_id",
            "cadence",
            "next_date",
            *(f"{person}__{field}" for person in ("manager", "employee") for field in NAME_FIELDS),
        )
        .annotate(last_held=_last_held("manager", "employee"))
        .order_by("next_date", "pk")
    )


def series_of(user):
    """My series, active and stopped, with the last time the two met: one query."""
    return (
        Series.objects.visible_to(user)
        .select_related("manager", "employee")
        .annotate(last_held=_last_held("manager", "employee"))
        .order_by("next_date", "pk")
    )


def my_series(user):
    return series_of(user).active()


# What the team page's person card (people_tags.person_card) reads of each report; a column it
# reads beyond these costs a query per row (the page's query count is pinned in the tests).
TEAM_CARD_FIELDS = (
    "public_id",
    "first_name",
    "last_name",
    "is_hr",
    "end_date",
    "is_active",
    "job_title",
    "team__name",
)


def team_rows(user, manager: Person):
    """The manager's direct reports with their active 1:1 series with the manager (if any)
    and the last 1:1 the two held: one query per page."""
    series = Series.objects.active().filter(manager=manager, employee=OuterRef("pk"))
    return (
        Person.objects.visible_to(user)
        .current()
        .filter(manager=manager)
        # The card's columns only: building 50 people with every column of two tables
        # cost more than the query.
        .select_related("team")
        .only(*TEAM_CARD_FIELDS)
        .annotate(
            series_id=Subquery(series.values("public_id")[:1]),
            series_cadence=Subquery(series.values("cadence")[:1]),
            series_next=Subquery(series.values("next_date")[:1]),
            last_held=Subquery(
                Meeting.objects.filter(
                    manager=manager, employee=OuterRef("pk"), held_at__isnull=False
                )
                .order_by("-held_at")
                .values("held_at")[:1]
            ),
        )
        .order_by("last_name", "first_name", "pk")
    )


def series_meetings(series: Series):
    return Meeting.objects.filter(series=series).order_by("-scheduled_for", "-pk")


def open_items_of_pair(manager_id: int, employee_id: int):
    return (
        ActionItem.objects.open()
        .filter(meeting__manager_id=manager_id, meeting__employee_id=employee_id)
        .select_related("owner", "meeting")
        .order_by(F("due_date").asc(nulls_last=True), "created_at", "pk")
    )


def overview_managers():
    """Every current manager: someone with current direct reports."""
    reports = Person.objects.current().filter(manager=OuterRef("pk"))
    return Person.objects.current().filter(Exists(reports))


def _with_held(managers, today: datetime.date | None = None):
    """`managers` with how many 1:1s and ad-hoc conversations each held in the last
    OVERVIEW_DAYS days, and when the last one was."""
    today = today or timezone.localdate()
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=OVERVIEW_DAYS), datetime.time())
    )
    held = Meeting.objects.filter(
        manager=OuterRef("pk"), kind__in=CHECK_IN_KINDS, held_at__isnull=False
    )
    return managers.annotate(
        held_recently=Coalesce(_count_of(held.filter(held_at__gte=since), "manager"), 0),
        # The latest first, one row: read backwards from the index, it stops at once, where
        # MAX() reads every meeting each manager ever held.
        last_held=Subquery(held.order_by("-held_at").values("held_at")[:1]),
    )


def by_fewest_held(managers, *, today: datetime.date | None = None):
    """`managers` with the fewest 1:1s in the last OVERVIEW_DAYS days first, then those who
    held their last one longest ago, then by name. The window slides every day, so every
    manager's count is taken at the time of asking and every manager is sorted: this carries
    only what the order needs, and `overview_rows` reads a page's rows."""
    return _with_held(managers, today).order_by(
        "held_recently", F("last_held").asc(nulls_first=True), "last_name", "first_name", "pk"
    )


def overview_counted_at() -> datetime.datetime | None:
    """When the "fewest 1:1s first" order was last counted (`OverviewRank`), or None."""
    return OverviewRank.objects.values_list("counted_at", flat=True).first()


def by_counted_fewest_held(managers):
    """`managers` in the "fewest 1:1s first" order as last counted: a page reads
    `OverviewRank` by position and stops when it is full. Managers since the count are left
    out until the next one."""
    return managers.filter(overview_rank__isnull=False).order_by("overview_rank__position")


def overview_rows(managers, *, today: datetime.date | None = None):
    """HR's overview of `managers`: each with their team, how many current direct reports
    they have, how many 1:1s and ad-hoc conversations they held in the last OVERVIEW_DAYS
    days and when the last one was. Counts only, no content: one query per page."""
    reports = Person.objects.current().filter(manager=OuterRef("pk"))
    return (
        _with_held(managers, today)
        .select_related("team")
        .annotate(report_total=_count_of(reports, "manager"))
    )


# The home page's card and reminders ----------------------------------------------------------


def _count_of(queryset, group: str):
    return Subquery(
        queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


# The home page's card reads its rows as values (`conversations_tags.conversations_card`):
# building meetings, series and their two people, and compiling the joins that build them, was
# half of each query's time for the five rows it shows.
PAIR_ROW = (
    "manager_id",
    "employee_id",
    "manager__first_name",
    "manager__last_name",
    "employee__first_name",
    "employee__last_name",
)


def home_upcoming(user):
    """My next meetings (this week and the next), with how many check-in questions are still
    unanswered when I am the employee, as the card's values: each meeting's public id, title,
    kind, moment, the two people's ids and names and the questions counted. One query."""
    start = start_of_today()
    return (
        _upcoming_rows()
        .visible_to(user)
        .filter(scheduled_for__gte=start, scheduled_for__lt=start + datetime.timedelta(days=14))
    )


@reused
def _upcoming_rows():
    questions = AgendaItem.objects.filter(meeting=OuterRef("pk"), source=AgendaItem.Source.QUESTION)
    answered = CheckInAnswer.objects.filter(meeting=OuterRef("pk")).exclude(text="")
    return (
        Meeting.objects.filter(held_at__isnull=True)
        .values("public_id", "title", "kind", "scheduled_for", *PAIR_ROW)
        .annotate(
            question_total=Coalesce(_count_of(questions, "meeting"), 0),
            answer_total=Coalesce(_count_of(answered, "meeting"), 0),
        )
        .order_by("scheduled_for", "pk")
    )


def overdue_action_items(person: Person, *, today: datetime.date | None = None):
    """`person`'s open action items past their due day, as the home page's card reads them:
    the item's text, its due day and its meeting's public id."""
    return _overdue_item_rows().filter(owner=person, due_date__lt=today or timezone.localdate())


@reused
def _overdue_item_rows():
    return (
        ActionItem.objects.open()
        .values("text", "due_date", "meeting__public_id")
        .order_by("due_date", "pk")
    )


@reused
def _overdue_series_rows():
    return _overdue_series().values("public_id", *PAIR_ROW, "last_held")


def meetings_on(day: datetime.date):
    """Meetings planned on `day` and not held: the day-before reminders (for the notifications
    feature: call with tomorrow's date)."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return (
        Meeting.objects.filter(held_at__isnull=True, scheduled_for__gte=start)
        .filter(scheduled_for__lt=start + datetime.timedelta(days=1))
        .with_people()
        .order_by("scheduled_for", "pk")
    )
