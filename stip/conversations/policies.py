"""Who may see and do what in conversations. Pages, the API and the services share these.

Seeing:
- a meeting (a 1:1, an ad-hoc or a formal conversation) and everything in it — agenda,
  check-in answers, shared notes and their history, action items — is for its two
  participants only. HR and administrators do not see it; neither does the manager's manager.
- a private note: its author, and nobody else, anywhere (`queries.private_note_of`).
- a formal report: the manager who writes it; once shared, also the employee, the employee's
  management chain and HR. Administrators do not (they support the installation, they are not
  HR).
- HR's overview: counts of 1:1s per manager, never their content.
"""

from django.db.models import Q

from stip.core.policies import built_once, is_hr, person_of
from stip.people.models import Person


def _participant(user, meeting) -> Person | None:
    """The signed-in person when they are one of the meeting's two participants."""
    person = person_of(user)
    if person is None or person.pk not in (meeting.manager_id, meeting.employee_id):
        return None
    return person


def _is_current(person: Person | None) -> bool:
    return person is not None and person.is_current


# Meetings ------------------------------------------------------------------------------------


def meetings_visible_to(queryset, user):
    person = person_of(user)
    if person is None:
        return queryset.none()
    return queryset.filter(Q(manager=person) | Q(employee=person))


def series_visible_to(queryset, user):
    return meetings_visible_to(queryset, user)


def can_view_meeting(user, meeting) -> bool:
    return _participant(user, meeting) is not None


def can_view_series(user, series) -> bool:
    return _participant(user, series) is not None


def can_meet(manager: Person | None, employee: Person | None) -> bool:
    """A conversation is between someone and a person in their reporting line below them."""
    return (
        manager is not None
        and employee is not None
        and employee.is_under(manager)
        and _is_current(manager)
        and _is_current(employee)
    )


def can_start_series(user, *, manager: Person, employee: Person) -> bool:
    """A 1:1 series is between a manager and a direct report; either of them starts it."""
    person = person_of(user)
    return (
        person is not None
        and person.pk in (manager.pk, employee.pk)
        and employee.manager_id == manager.pk
        and can_meet(manager, employee)
    )


def can_change_series(user, series) -> bool:
    return _participant(user, series) is not None and series.active


def can_create_meeting(user, *, kind: str, manager: Person, employee: Person) -> bool:
    """Either side starts an ad-hoc conversation; the manager plans a formal one."""
    from stip.conversations.models import FORMAL_KINDS, MeetingKind

    person = person_of(user)
    if person is None or person.pk not in (manager.pk, employee.pk):
        return False
    if kind in FORMAL_KINDS and person.pk != manager.pk:
        return False
    if kind not in MeetingKind.values:
        return False
    return can_meet(manager, employee)


def can_change_meeting(user, meeting) -> bool:
    """Reschedule, mark as held: either participant, until it is held."""
    return _participant(user, meeting) is not None and not meeting.is_held


def can_edit_agenda(user, meeting) -> bool:
    """Add, order and remove talking points: before the meeting is held."""
    return _participant(user, meeting) is not None and not meeting.is_held


def can_mark_discussed(user, meeting) -> bool:
    """Ticking points off happens during the meeting and just after it."""
    return _participant(user, meeting) is not None


def can_remove_agenda_item(user, item) -> bool:
    """A talking point goes only by the hand of whoever added it; default points stay."""
    return (
        not item.is_default
        and item.author_id is not None
        and item.author_id == user.pk
        and can_edit_agenda(user, item.meeting)
    )


def can_answer_checkin(user, meeting) -> bool:
    """The report answers the check-in questions, before the meeting is held."""
    person = person_of(user)
    return person is not None and person.pk == meeting.employee_id and not meeting.is_held


def can_write_notes(user, meeting) -> bool:
    """Shared notes, one's private note and action items: during and after the meeting."""
    return _participant(user, meeting) is not None


def can_complete_action_item(user, item) -> bool:
    return can_write_notes(user, item.meeting)


# Formal reports ------------------------------------------------------------------------------


def reports_visible_to(queryset, user):
    """The reports `user` may read, for a list: the ones they wrote, and once shared, those
    about them and anyone under them; HR reads every shared report.

    In SQL, the list is one set of ids from two queries that each start from an index (the
    person's meetings as the manager; the meetings of the people in their reporting line),
    joined with `UNION ALL`: one `OR` across the meeting and the reporting line is served by no
    index, so it read, joined and sorted every report (docs/performance.md, finding 10). HR
    reads nearly every report, so theirs stays a test of each row. For one report, or the
    versions of one meeting, `can_view_report` decides without gathering the list."""
    from stip.conversations.models import FORMAL_KINDS, FormalReport, Meeting

    person = person_of(user)
    if person is None:
        return queryset.none()
    # Only formal conversations have a report: said, so that PostgreSQL expects a few of the
    # manager's meetings, not all of them, and looks up their reports through the meeting
    # index rather than reading every report (docs/performance.md, finding 14).
    written = Meeting.objects.filter(manager=person, kind__in=FORMAL_KINDS).values("pk")
    if is_hr(user):
        return queryset.filter(Q(meeting__in=written) | Q(shared_at__isnull=False))
    if person.path:
        about = Q(
            meeting__employee__in=Person.objects.db_manager(queryset.db)
            .and_below(person)
            .values("pk")
        )
    else:
        about = Q(meeting__employee=person)
    mine = FormalReport.objects.filter(meeting__in=written)
    shared = FormalReport.objects.filter(about, shared_at__isnull=False)
    ids = mine.order_by().values("pk").union(shared.order_by().values("pk"), all=True)
    return queryset.filter(pk__in=ids)


def all_reports_visible_to(reports, user):
    """`reports_visible_to` of the whole table, built once for a signed-in user object while
    what the rule reads of them stays the same (`core.policies.built_once`): a list of reports
    asks for it twice a page (the reports, and the corrections of each that the reader may
    read), HR's list four times, and building it was a tenth of the list's time."""
    if user is None or not user.is_authenticated:
        return reports_visible_to(reports, user)
    person = person_of(user)
    key = (is_hr(user), person and (person.pk, person.path))
    return built_once(user, "formal reports", key, lambda: reports_visible_to(reports, user))


def reports_visible_to_hr(queryset, user):
    """What HR may read of reports (`reports_visible_to`), as two lists that a page merges in
    the conversations' order: every shared report, of the conversations that have one
    (`Meeting.has_shared_report`, whose index walks them newest first), and the drafts of
    their own conversations, which are few. In one list, the test of each row walked every
    conversation outside a series past the drafts and those without a report, more of them
    the larger the organisation (docs/performance.md, finding 10). None for anyone but HR."""
    person = person_of(user)
    if person is None or not is_hr(user):
        return None
    shared = queryset.filter(meeting__has_shared_report=True, shared_at__isnull=False)
    drafts = queryset.filter(meeting__manager=person, shared_at__isnull=True)
    return shared, drafts


def can_view_report(user, report) -> bool:
    """The one-object form of `reports_visible_to` (needs `report.meeting.employee`)."""
    person = person_of(user)
    if person is None:
        return False
    meeting = report.meeting
    if person.pk == meeting.manager_id:
        return True
    if not report.is_shared:
        return False
    return is_hr(user) or person.pk == meeting.employee_id or meeting.employee.is_under(person)


def can_write_report(user, meeting) -> bool:
    """The manager who held a formal conversation writes its report."""
    person = person_of(user)
    return person is not None and meeting.is_formal and person.pk == meeting.manager_id


def can_edit_report(user, report) -> bool:
    """A draft, by its writer. Once shared, a change is a correction (a new version)."""
    return can_write_report(user, report.meeting) and not report.is_shared


def can_share_report(user, report) -> bool:
    return can_edit_report(user, report)


def _is_current_version(report) -> bool:
    try:
        report.superseded_by  # noqa: B018 (a reverse one-to-one: raises when there is none)
    except type(report).superseded_by.RelatedObjectDoesNotExist:
        return True
    return False


def can_respond_to_report(user, report) -> bool:
    """The employee responds to the shared, current version until they acknowledge it."""
    person = person_of(user)
    return (
        person is not None
        and person.pk == report.meeting.employee_id
        and report.is_shared
        and not report.is_locked
        and _is_current_version(report)
    )


def can_acknowledge_report(user, report) -> bool:
    return can_respond_to_report(user, report)


def can_correct_report(user, report) -> bool:
    """After sharing, the writer corrects the current version by writing a new one."""
    return (
        can_write_report(user, report.meeting) and report.is_shared and _is_current_version(report)
    )


def can_quote_into_report(user, report) -> bool:
    """The deliberate copy across the wall: into an appraisal's draft, by its writer."""
    from stip.conversations.models import MeetingKind

    return can_edit_report(user, report) and report.meeting.kind == MeetingKind.APPRAISAL


def can_quote_from(user, source, report) -> bool:
    """A passage may come from a development conversation of the same two people that the
    writer took part in (they could read its shared notes anyway)."""
    return (
        source.is_development
        and source.manager_id == report.meeting.manager_id
        and source.employee_id == report.meeting.employee_id
        and can_view_meeting(user, source)
    )


def can_export_report(user, report) -> bool:
    return can_view_report(user, report)


# Templates, scales, overview -----------------------------------------------------------------


def templates_visible_to(queryset, user):
    """The organisation's templates for everyone; a manager's own to that manager; HR sees
    the managers' templates too (they are forms, not conversations)."""
    person = person_of(user)
    if person is None:
        return queryset.none()
    if is_hr(user):
        return queryset
    return queryset.filter(Q(owner__isnull=True) | Q(owner=person))


def can_create_template(user, *, organisation: bool) -> bool:
    person = person_of(user)
    if person is None:
        return False
    if organisation:
        return is_hr(user)
    return _is_current(person)


def can_edit_template(user, template) -> bool:
    person = person_of(user)
    if person is None:
        return False
    if template.owner_id is None:
        return is_hr(user)
    return template.owner_id == person.pk


def can_manage_rating_scales(user) -> bool:
    return is_hr(user)


def can_view_overview(user) -> bool:
    return is_hr(user)
