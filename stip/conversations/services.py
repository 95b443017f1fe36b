"""Every change to conversations. Views, the API and commands call these; nothing else saves a
meeting, a note or a report.

Each service checks its policy (PermissionDenied for a caller who may not act), validates
(ValidationError with messages per field, translated) and writes in one transaction. Changes to
the records HR relies on — series, meetings, formal reports, quotes, exports — write an audit
entry. The content of a conversation (talking points, answers, notes) never goes into the audit
log, and a private note leaves no trace there at all.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from stip.conversations import policies, queries
from stip.conversations.models import (
    FORMAL_KINDS,
    MAX_LINE,
    MAX_TEXT,
    ActionItem,
    AgendaItem,
    Cadence,
    CheckInAnswer,
    CheckInQuestion,
    CheckInTemplate,
    FormalReport,
    Meeting,
    MeetingKind,
    OverviewRank,
    PrivateNote,
    RatingLevel,
    RatingScale,
    ReportQuote,
    Series,
    SharedNote,
    SharedNoteRevision,
)
from stip.core.audit import audit_record
from stip.core.policies import person_of
from stip.goals.models import Goal
from stip.people.models import Person

# Questions per template, and levels per scale: forms, not databases.
MAX_QUESTIONS = 20
MAX_LEVELS = 10


class NoteConflict(Exception):
    """Someone else saved the shared notes after the caller loaded them."""

    def __init__(self, note: SharedNote):
        super().__init__(
            _(
                "Someone else saved these notes while you were writing. Your text is kept "
                "below and nothing was overwritten: compare it with the notes as they are "
                "saved now, merge what you need, and save again."
            )
        )
        self.note = note


# Dates ---------------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def next_after(day: datetime.date, cadence: str) -> datetime.date:
    if cadence == Cadence.WEEKLY:
        return day + datetime.timedelta(weeks=1)
    if cadence == Cadence.BIWEEKLY:
        return day + datetime.timedelta(weeks=2)
    return add_months(day, 1)


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _snapshot_meeting(meeting: Meeting) -> dict:
    return {
        "kind": meeting.kind,
        "manager": str(meeting.manager.public_id),
        "employee": str(meeting.employee.public_id),
        "scheduled_for": meeting.scheduled_for.isoformat(),
        "held_at": meeting.held_at.isoformat() if meeting.held_at else None,
    }


def _snapshot_series(series: Series) -> dict:
    return {
        "cadence": series.cadence,
        "next_date": series.next_date.isoformat(),
        "time_of_day": series.time_of_day.isoformat(timespec="minutes"),
        "active": series.active,
    }


def _clean_line(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: [message]})
    if len(text) > MAX_LINE:
        raise ValidationError({field: [_("Keep it under %(max)s characters.") % {"max": MAX_LINE}]})
    return text


def _clean_text(text: str, field: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError({field: [_("Keep it under %(max)s characters.") % {"max": MAX_TEXT}]})
    return text


# Series --------------------------------------------------------------------------------------


@transaction.atomic
def series_start(
    *,
    actor,
    manager: Person,
    employee: Person,
    cadence: str,
    next_date: datetime.date,
    time_of_day: datetime.time = datetime.time(10, 0),
    checkin_template: CheckInTemplate | None = None,
) -> Series:
    """Start a recurring 1:1 between a manager and a direct report, and plan the first one."""
    if not policies.can_start_series(actor, manager=manager, employee=employee):
        raise PermissionDenied
    if cadence not in Cadence.values:
        raise ValidationError({"cadence": [_("Choose how often you meet.")]})
    if next_date < timezone.localdate():
        raise ValidationError({"next_date": [_("The first 1:1 cannot be in the past.")]})
    if Series.objects.active().filter(manager=manager, employee=employee).exists():
        raise ValidationError(
            {"employee": [_("%(name)s and you already have 1:1s.") % {"name": employee}]}
        )
    _check_template(checkin_template, manager, CheckInTemplate.Kind.CHECK_IN)
    if checkin_template is None:
        checkin_template = queries.default_template(manager, kind=CheckInTemplate.Kind.CHECK_IN)
    series = Series.objects.create(
        manager=manager,
        employee=employee,
        cadence=cadence,
        next_date=next_date,
        time_of_day=time_of_day,
        checkin_template=checkin_template,
    )
    audit_record(
        actor=actor,
        action="conversations.series_started",
        obj=series,
        after=_snapshot_series(series),
    )
    _create_meeting(
        actor=actor,
        kind=MeetingKind.ONE_ON_ONE,
        manager=manager,
        employee=employee,
        scheduled_for=_at(next_date, time_of_day),
        series=series,
        checkin_template=checkin_template,
    )
    return series


@transaction.atomic
def series_edit(
    *,
    series: Series,
    actor,
    cadence: str,
    next_date: datetime.date,
    time_of_day: datetime.time,
) -> Series:
    """Change the rhythm and the next date; the planned 1:1 moves with it."""
    if not policies.can_change_series(actor, series):
        raise PermissionDenied
    if cadence not in Cadence.values:
        raise ValidationError({"cadence": [_("Choose how often you meet.")]})
    locked = Series.objects.select_for_update(of=("self",)).get(pk=series.pk)
    before = _snapshot_series(locked)
    locked.cadence, locked.next_date, locked.time_of_day = cadence, next_date, time_of_day
    locked.save(update_fields=["cadence", "next_date", "time_of_day", "updated_at"])
    planned = _planned_meeting(locked)
    if planned is not None:
        planned.scheduled_for = _at(next_date, time_of_day)
        planned.save(update_fields=["scheduled_for", "updated_at"])
    audit_record(
        actor=actor,
        action="conversations.series_edited",
        obj=locked,
        before=before,
        after=_snapshot_series(locked),
    )
    return locked


@transaction.atomic
def series_stop(*, series: Series, actor) -> Series:
    """Stop the recurring 1:1s. Meetings already planned stay: either side may still hold or
    move them. (Removing a planned meeting only when "nobody wrote in it" would tell the one
    who stops whether the other wrote a private note for it.)"""
    if not policies.can_change_series(actor, series):
        raise PermissionDenied
    locked = Series.objects.select_for_update(of=("self",)).get(pk=series.pk)
    locked.active = False
    locked.save(update_fields=["active", "updated_at"])
    audit_record(actor=actor, action="conversations.series_stopped", obj=locked)
    return locked


def _planned_meeting(series: Series) -> Meeting | None:
    """The series' next meeting: not held, the earliest."""
    return (
        Meeting.objects.filter(series=series, held_at__isnull=True)
        .order_by("scheduled_for", "pk")
        .first()
    )


# Meetings ------------------------------------------------------------------------------------


def _check_template(template: CheckInTemplate | None, manager: Person, kind: str) -> None:
    if template is None:
        return
    if (
        template.archived_at is not None
        or template.kind != kind
        or (template.owner_id is not None and template.owner_id != manager.pk)
    ):
        raise ValidationError({"checkin_template": [_("Choose one of the templates offered.")]})


def _template_kind(kind: str) -> str:
    return {
        MeetingKind.PERFORMANCE: CheckInTemplate.Kind.PERFORMANCE,
        MeetingKind.APPRAISAL: CheckInTemplate.Kind.APPRAISAL,
    }.get(kind, CheckInTemplate.Kind.CHECK_IN)


@transaction.atomic
def meeting_create(
    *,
    actor,
    kind: str,
    manager: Person,
    employee: Person,
    scheduled_for: datetime.datetime,
    title: str = "",
    checkin_template: CheckInTemplate | None = None,
    rating_scale: RatingScale | None = None,
) -> Meeting:
    """Plan an ad-hoc or a formal conversation (1:1s come from their series). Its agenda
    starts with the employee's goals, the strategic goals and the template's questions."""
    if kind == MeetingKind.ONE_ON_ONE:
        raise ValidationError({"kind": [_("A 1:1 belongs to a series: start the 1:1s instead.")]})
    if not policies.can_create_meeting(actor, kind=kind, manager=manager, employee=employee):
        raise PermissionDenied
    template_kind = _template_kind(kind)
    _check_template(checkin_template, manager, template_kind)
    if checkin_template is None:
        checkin_template = queries.default_template(manager, kind=template_kind)
    if kind == MeetingKind.APPRAISAL:
        rating_scale = rating_scale or queries.default_rating_scale()
        if rating_scale is None:
            raise ValidationError(
                {"rating_scale": [_("HR has not defined a rating scale for appraisals yet.")]}
            )
        if rating_scale.archived_at is not None:
            raise ValidationError({"rating_scale": [_("That rating scale is no longer used.")]})
    else:
        rating_scale = None
    return _create_meeting(
        actor=actor,
        kind=kind,
        manager=manager,
        employee=employee,
        scheduled_for=scheduled_for,
        title=title,
        checkin_template=checkin_template,
        rating_scale=rating_scale,
    )


def _create_meeting(
    *,
    actor,
    kind: str,
    manager: Person,
    employee: Person,
    scheduled_for: datetime.datetime,
    series: Series | None = None,
    title: str = "",
    checkin_template: CheckInTemplate | None = None,
    rating_scale: RatingScale | None = None,
) -> Meeting:
    if len(title) > 200:
        raise ValidationError({"title": [_("Keep the title under 200 characters.")]})
    meeting = Meeting.objects.create(
        series=series,
        manager=manager,
        employee=employee,
        kind=kind,
        title=title.strip(),
        scheduled_for=scheduled_for,
        created_by=actor,
        checkin_template=checkin_template,
        rating_scale=rating_scale,
    )
    SharedNote.objects.create(meeting=meeting)
    _materialise_agenda(meeting)
    audit_record(
        actor=actor,
        action="conversations.meeting_planned",
        obj=meeting,
        after=_snapshot_meeting(meeting),
    )
    return meeting


def _materialise_agenda(meeting: Meeting) -> None:
    """The default agenda: the check-in questions, the goals whose status changed since the
    pair's previous meeting, the other open goals of the quarter and the strategic goals.
    Rows, so that the agenda stays as it was planned and can be ordered."""
    items: list[AgendaItem] = []
    if meeting.checkin_template_id:
        questions = CheckInQuestion.objects.filter(
            template_id=meeting.checkin_template_id, archived_at__isnull=True
        ).order_by("position", "pk")
        items += [
            AgendaItem(meeting=meeting, source=AgendaItem.Source.QUESTION, text=q.text, question=q)
            for q in questions
        ]
    items += _goal_items(meeting, existing=set())
    for position, item in enumerate(items):
        item.position = position
    AgendaItem.objects.bulk_create(items)


def _goal_items(meeting: Meeting, *, existing: set[tuple[str, int]]) -> list[AgendaItem]:
    """Agenda items for goals not on the agenda yet (`existing`: (source, goal id) pairs)."""
    items: list[AgendaItem] = []
    flagged = {goal_id for source, goal_id in existing if source == "goal_changed"}
    seen = {goal_id for source, goal_id in existing if source != "strategic_goal"}
    previous = queries.previous_meeting(meeting)
    if previous is not None:
        since = previous.held_at or previous.scheduled_for
        for goal in queries.goals_changed_since(meeting, since):
            if goal.pk not in flagged:
                flagged.add(goal.pk)
                seen.add(goal.pk)
                items.append(_goal_item(meeting, goal, AgendaItem.Source.GOAL_CHANGED))
    for goal in queries.open_goals_for_agenda(meeting):
        if goal.pk not in seen:
            seen.add(goal.pk)
            items.append(_goal_item(meeting, goal, AgendaItem.Source.GOAL))
    strategic_seen = {goal_id for source, goal_id in existing if source == "strategic_goal"}
    items.extend(
        _goal_item(meeting, goal, AgendaItem.Source.STRATEGIC_GOAL)
        for goal in queries.strategic_goals_for_agenda(meeting)
        if goal.pk not in strategic_seen and goal.pk not in seen
    )
    return items


def _goal_item(meeting: Meeting, goal: Goal, source: str) -> AgendaItem:
    return AgendaItem(meeting=meeting, source=source, text=goal.title[:MAX_LINE], goal=goal)


@transaction.atomic
def meeting_reschedule(*, meeting: Meeting, actor, scheduled_for: datetime.datetime) -> Meeting:
    if not policies.can_change_meeting(actor, meeting):
        raise PermissionDenied
    locked = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    before = _snapshot_meeting(locked)
    locked.scheduled_for = scheduled_for
    locked.save(update_fields=["scheduled_for", "updated_at"])
    if locked.series_id and _planned_meeting(locked.series) == locked:
        local = timezone.localtime(scheduled_for)
        Series.objects.filter(pk=locked.series_id).update(
            next_date=local.date(), time_of_day=local.time(), updated_at=timezone.now()
        )
    audit_record(
        actor=actor,
        action="conversations.meeting_rescheduled",
        obj=locked,
        before=before,
        after=_snapshot_meeting(locked),
    )
    return locked


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, actor) -> Meeting:
    """The meeting took place. A series moves on by its cadence (to a date after today) and
    its next 1:1 is planned, so that both can add talking points to it straight away."""
    if not policies.can_change_meeting(actor, meeting):
        raise PermissionDenied
    # Lock the meeting row only: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
    locked = Meeting.objects.select_for_update(of=("self",)).with_people().get(pk=meeting.pk)
    if locked.held_at is not None:
        return locked
    locked.held_at = timezone.now()
    locked.save(update_fields=["held_at", "updated_at"])
    audit_record(
        actor=actor,
        action="conversations.meeting_held",
        obj=locked,
        after=_snapshot_meeting(locked),
    )
    if locked.series_id:
        series = Series.objects.select_for_update(of=("self",)).get(pk=locked.series_id)
        if series.active:
            _advance(series, held=locked, actor=actor)
    return locked


def _advance(series: Series, *, held: Meeting, actor) -> None:
    today = timezone.localdate()
    day = next_after(timezone.localtime(held.scheduled_for).date(), series.cadence)
    while day <= today:
        day = next_after(day, series.cadence)
    series.next_date = day
    series.save(update_fields=["next_date", "updated_at"])
    if _planned_meeting(series) is None:
        _create_meeting(
            actor=actor,
            kind=MeetingKind.ONE_ON_ONE,
            manager=series.manager,
            employee=series.employee,
            scheduled_for=_at(day, series.time_of_day),
            series=series,
            checkin_template=series.checkin_template,
        )


# Agenda --------------------------------------------------------------------------------------


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, actor, text: str) -> AgendaItem:
    if not policies.can_edit_agenda(actor, meeting):
        raise PermissionDenied
    text = _clean_line(text, "text", _("Write the talking point first."))
    _lock_meeting(meeting)  # positions are handed out one at a time
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"]
    return AgendaItem.objects.create(
        meeting=meeting,
        author=actor,
        source=AgendaItem.Source.MANUAL,
        text=text,
        position=0 if last is None else last + 1,
    )


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor) -> None:
    """Remove one's own talking point. Default points (goals, questions) are not removable."""
    if item.is_default:
        raise ValidationError({"item": [_("Goals and questions stay on the agenda.")]})
    if not policies.can_remove_agenda_item(actor, item):
        raise PermissionDenied
    item.delete()


@transaction.atomic
def agenda_item_reorder(*, meeting: Meeting, actor, order: list) -> list[AgendaItem]:
    """Put the agenda in the given order: a list of every item's public id."""
    if not policies.can_edit_agenda(actor, meeting):
        raise PermissionDenied
    _lock_meeting(meeting)
    items = {str(i.public_id): i for i in AgendaItem.objects.filter(meeting=meeting)}
    wanted = [str(public_id) for public_id in order]
    if sorted(wanted) != sorted(items):
        raise ValidationError(
            {"order": [_("The agenda changed meanwhile: reload the page and try again.")]}
        )
    for position, public_id in enumerate(wanted):
        items[public_id].position = position
    AgendaItem.objects.bulk_update(items.values(), ["position"])
    return [items[public_id] for public_id in wanted]


def agenda_item_move(*, item: AgendaItem, actor, up: bool) -> None:
    """Swap a point with its neighbour among the points of the same group (talking points,
    goals, strategic goals, questions), through `agenda_item_reorder`."""
    group = _group_of(item.source)
    items = list(AgendaItem.objects.filter(meeting_id=item.meeting_id).order_by("position", "pk"))
    same = [i for i in items if _group_of(i.source) == group]
    index = next(n for n, i in enumerate(same) if i.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(same):
        return
    a, b = same[index], same[other]
    order = [i.public_id for i in items]
    ia, ib = order.index(a.public_id), order.index(b.public_id)
    order[ia], order[ib] = order[ib], order[ia]
    agenda_item_reorder(meeting=item.meeting, actor=actor, order=order)


def _group_of(source: str) -> str:
    return "goal" if source == AgendaItem.Source.GOAL_CHANGED else source


@transaction.atomic
def agenda_item_mark_discussed(*, item: AgendaItem, actor, discussed: bool = True) -> AgendaItem:
    if not policies.can_mark_discussed(actor, item.meeting):
        raise PermissionDenied
    item.discussed_at = timezone.now() if discussed else None
    item.save(update_fields=["discussed_at", "updated_at"])
    return item


@transaction.atomic
def agenda_refresh_goals(*, meeting: Meeting, actor) -> int:
    """Add the goals that opened or changed status since the agenda was planned (a 1:1 is
    planned right after the previous one). Nothing is removed. Returns how many were added."""
    if not policies.can_edit_agenda(actor, meeting):
        raise PermissionDenied
    _lock_meeting(meeting)
    existing_rows = AgendaItem.objects.filter(meeting=meeting, goal__isnull=False).values_list(
        "source", "goal_id"
    )
    existing = set(existing_rows)
    new = _goal_items(meeting, existing=existing)
    # A goal already on the agenda as an open goal whose status changed since: flag it there.
    changed = [i.goal_id for i in new if i.source == AgendaItem.Source.GOAL_CHANGED]
    flagged = AgendaItem.objects.filter(
        meeting=meeting, source=AgendaItem.Source.GOAL, goal_id__in=changed
    ).update(source=AgendaItem.Source.GOAL_CHANGED, updated_at=timezone.now())
    on_agenda = {goal_id for source, goal_id in existing if source != "strategic_goal"}
    new = [
        i for i in new if i.source == AgendaItem.Source.STRATEGIC_GOAL or i.goal_id not in on_agenda
    ]
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"]
    start = 0 if last is None else last + 1
    for offset, item in enumerate(new):
        item.position = start + offset
    AgendaItem.objects.bulk_create(new)
    return len(new) + flagged


# Check-in ------------------------------------------------------------------------------------


@transaction.atomic
def checkin_answer(*, meeting: Meeting, actor, answers: dict[int, str]) -> list[CheckInAnswer]:
    """The employee's answers to the meeting's questions, by question id (empty clears)."""
    if not policies.can_answer_checkin(actor, meeting):
        raise PermissionDenied
    asked = set(
        AgendaItem.objects.filter(meeting=meeting, source=AgendaItem.Source.QUESTION).values_list(
            "question_id", flat=True
        )
    )
    unknown = set(answers) - asked
    if unknown:
        raise ValidationError({"answers": [_("That question is not on this agenda.")]})
    existing = {a.question_id: a for a in CheckInAnswer.objects.filter(meeting=meeting)}
    changed, created = [], []
    for question_id, raw in answers.items():
        text = _clean_text(raw, f"question_{question_id}")
        answer = existing.get(question_id)
        if answer is None:
            created.append(
                CheckInAnswer(meeting=meeting, question_id=question_id, author=actor, text=text)
            )
        elif answer.text != text:
            answer.text, answer.author, answer.updated_at = text, actor, timezone.now()
            changed.append(answer)
    CheckInAnswer.objects.bulk_create(created)
    CheckInAnswer.objects.bulk_update(changed, ["text", "author", "updated_at"])
    return created + changed


# Notes ---------------------------------------------------------------------------------------


@transaction.atomic
def shared_note_save(*, meeting: Meeting, actor, text: str, version: int | None) -> SharedNote:
    """Save the shared notes. `version` is the one the writer loaded; if someone saved since,
    NoteConflict is raised and nothing changes. Every save is kept as a revision."""
    if not policies.can_write_notes(actor, meeting):
        raise PermissionDenied
    text = _clean_text(text, "text")
    note = SharedNote.objects.select_for_update(of=("self",)).get(meeting=meeting)
    if version is not None and note.version != version:
        raise NoteConflict(note)
    if note.text == text:
        return note
    note.text = text
    note.updated_by = actor
    note.version = F("version") + 1
    note.save(update_fields=["text", "updated_by", "version", "updated_at"])
    note.refresh_from_db(fields=["version", "updated_at"])
    SharedNoteRevision.objects.create(
        note=note, version=note.version, author=actor, at=note.updated_at, text=text
    )
    return note


@transaction.atomic
def private_note_save(*, meeting: Meeting, actor, text: str) -> PrivateNote:
    """The caller's own private note on a meeting. Deliberately not audited."""
    if not policies.can_write_notes(actor, meeting):
        raise PermissionDenied
    text = _clean_text(text, "text")
    note, created = PrivateNote.objects.select_for_update(of=("self",)).get_or_create(
        meeting=meeting, author=actor, defaults={"text": text}
    )
    if not created and note.text != text:
        note.text = text
        note.save(update_fields=["text", "updated_at"])
    return note


# Action items --------------------------------------------------------------------------------


@transaction.atomic
def action_item_add(
    *,
    meeting: Meeting,
    actor,
    owner: Person,
    text: str,
    due_date: datetime.date | None = None,
) -> ActionItem:
    if not policies.can_write_notes(actor, meeting):
        raise PermissionDenied
    text = _clean_line(text, "text", _("Write what will be done."))
    if owner.pk not in (meeting.manager_id, meeting.employee_id):
        raise ValidationError({"owner": [_("An action is for one of the two of you.")]})
    return ActionItem.objects.create(
        meeting=meeting, owner=owner, text=text, due_date=due_date, created_by=actor
    )


@transaction.atomic
def action_item_complete(*, item: ActionItem, actor, done: bool = True) -> ActionItem:
    """Tick an action off (or open it again): from any meeting of the pair it shows on."""
    if not policies.can_complete_action_item(actor, item):
        raise PermissionDenied
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done_at", "updated_at"])
    return item


# Formal reports ------------------------------------------------------------------------------


def _snapshot_report(report: FormalReport) -> dict:
    return {
        "version": report.version,
        "rating": report.rating.value if report.rating_id else None,
        "shared_at": report.shared_at.isoformat() if report.shared_at else None,
        "acknowledged_at": report.acknowledged_at.isoformat() if report.acknowledged_at else None,
        "length": len(report.text),
    }


def _check_rating(meeting: Meeting, rating: RatingLevel | None) -> None:
    if meeting.kind != MeetingKind.APPRAISAL:
        if rating is not None:
            raise ValidationError(
                {"rating": [_("A performance conversation has no judgement: no rating.")]}
            )
        return
    if rating is not None and rating.scale_id != meeting.rating_scale_id:
        raise ValidationError({"rating": [_("Choose a level of this appraisal's scale.")]})


def _lock_report(report: FormalReport) -> FormalReport:
    return (
        FormalReport.objects.select_for_update(of=("self",))
        .select_related("meeting__employee", "rating")
        .get(pk=report.pk)
    )


@transaction.atomic
def report_write(
    *,
    meeting: Meeting,
    actor,
    text: str,
    rating: RatingLevel | None = None,
) -> FormalReport:
    """Write (or rewrite) the draft report of a formal conversation. Once shared, a draft is no
    longer a draft: use `report_correct`."""
    if not policies.can_write_report(actor, meeting):
        raise PermissionDenied
    text = _clean_text(text, "text")
    _check_rating(meeting, rating)
    _lock_meeting(meeting)
    report = (
        FormalReport.objects.select_for_update(of=("self",))
        .filter(meeting=meeting, superseded_by__isnull=True)
        .order_by("-version")
        .first()
    )
    if report is None:
        report = FormalReport.objects.create(
            meeting=meeting, author=actor, text=text, rating=rating
        )
        audit_record(
            actor=actor,
            action="conversations.report_written",
            obj=report,
            after=_snapshot_report(report),
        )
        return report
    if report.is_shared:
        raise ValidationError(
            {"text": [_("This report is shared already. Write a correction instead.")]}
        )
    before = _snapshot_report(report)
    report.text, report.rating, report.author = text, rating, actor
    report.save(update_fields=["text", "rating", "author", "updated_at"])
    audit_record(
        actor=actor,
        action="conversations.report_written",
        obj=report,
        before=before,
        after=_snapshot_report(report),
    )
    return report


@transaction.atomic
def report_share(*, report: FormalReport, actor) -> FormalReport:
    """Share the draft with the employee (and so with their management chain and HR)."""
    if not policies.can_share_report(actor, report):
        raise PermissionDenied
    locked = _lock_report(report)
    if not locked.text.strip():
        raise ValidationError({"text": [_("Write the report before you share it.")]})
    if locked.meeting.kind == MeetingKind.APPRAISAL and locked.rating_id is None:
        raise ValidationError({"rating": [_("An appraisal needs an overall judgement.")]})
    locked.shared_at = timezone.now()
    locked.save(update_fields=["shared_at", "updated_at"])
    Meeting.objects.filter(pk=locked.meeting_id, has_shared_report=False).update(
        has_shared_report=True
    )
    audit_record(
        actor=actor,
        action="conversations.report_shared",
        obj=locked,
        after=_snapshot_report(locked),
    )
    return locked


@transaction.atomic
def report_respond(*, report: FormalReport, actor, response: str) -> FormalReport:
    """The employee's response, until they acknowledge the report."""
    if not policies.can_respond_to_report(actor, report):
        raise PermissionDenied
    response = _clean_text(response, "response")
    locked = _lock_report(report)
    if locked.is_locked:
        raise ValidationError({"response": [_("The report is acknowledged and locked.")]})
    locked.employee_response = response
    locked.responded_at = timezone.now() if response else None
    locked.save(update_fields=["employee_response", "responded_at", "updated_at"])
    audit_record(
        actor=actor,
        action="conversations.report_responded",
        obj=locked,
        after={"length": len(response)},
    )
    return locked


@transaction.atomic
def report_acknowledge(*, report: FormalReport, actor) -> FormalReport:
    """The employee has read the report (not: agrees with it). Locks this version."""
    if not policies.can_acknowledge_report(actor, report):
        raise PermissionDenied
    locked = _lock_report(report)
    if locked.is_locked:
        return locked
    locked.acknowledged_at = timezone.now()
    locked.save(update_fields=["acknowledged_at", "updated_at"])
    audit_record(
        actor=actor,
        action="conversations.report_acknowledged",
        obj=locked,
        after=_snapshot_report(locked),
    )
    return locked


@transaction.atomic
def report_correct(
    *,
    report: FormalReport,
    actor,
    text: str,
    reason: str,
    rating: RatingLevel | None = None,
) -> FormalReport:
    """Correct a shared report: a new version (a draft, to be shared and acknowledged again)
    that supersedes it. The old version stays as it was, readable by the same people."""
    if not policies.can_correct_report(actor, report):
        raise PermissionDenied
    text = _clean_text(text, "text")
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Write the corrected report.")]
    if not reason:
        errors["reason"] = [_("Say why the report is corrected: it is kept with it.")]
    if errors:
        raise ValidationError(errors)
    _check_rating(report.meeting, rating)
    locked = _lock_report(report)
    if FormalReport.objects.filter(supersedes=locked).exists():
        raise ValidationError({"text": [_("Someone corrected this report already.")]})
    new = FormalReport.objects.create(
        meeting=locked.meeting,
        version=locked.version + 1,
        supersedes=locked,
        correction_reason=reason,
        author=actor,
        text=text,
        rating=rating,
    )
    audit_record(
        actor=actor,
        action="conversations.report_corrected",
        obj=new,
        before=_snapshot_report(locked),
        after=_snapshot_report(new) | {"supersedes": str(locked.public_id), "reason": reason},
    )
    return new


def quote_block(passage: str, source: Meeting) -> str:
    """A copied passage as it appears in the report: marked as a quote, naming its source."""
    when = date_format(timezone.localtime(source.scheduled_for).date(), "DATE_FORMAT")
    lines = "\n".join(f"> {line}" for line in passage.splitlines())
    # Translators: under a passage copied into an appraisal, e.g. "quoted from the shared
    # notes of the 1:1 of 3 March 2026".
    label = _("quoted from the shared notes of the %(kind)s of %(date)s") % {
        "kind": source.get_kind_display(),
        "date": when,
    }
    return f"{lines}\n> — {label}"


@transaction.atomic
def report_quote_note(*, report: FormalReport, actor, source: Meeting, passage: str) -> ReportQuote:
    """The deliberate copy across the wall: a passage of a development conversation's shared
    notes into an appraisal's draft. The passage must be in the source as it stands; it is
    appended marked as a quote with its source, kept as a `ReportQuote` and logged."""
    if not policies.can_quote_into_report(actor, report):
        raise PermissionDenied
    if not policies.can_quote_from(actor, source, report):
        raise PermissionDenied
    passage = (passage or "").strip().replace("\r\n", "\n")
    if not passage:
        raise ValidationError({"passage": [_("Choose the passage to quote.")]})
    note_text = SharedNote.objects.get(meeting=source).text.replace("\r\n", "\n")
    if passage not in note_text:
        raise ValidationError(
            {
                "passage": [
                    _("Quote the notes word for word: this passage is not in them as written.")
                ]
            }
        )
    locked = _lock_report(report)
    block = quote_block(passage, source)
    text = f"{locked.text.rstrip()}\n\n{block}" if locked.text.strip() else block
    if len(text) > MAX_TEXT:
        raise ValidationError({"passage": [_("The report would become too long.")]})
    locked.text = text
    locked.save(update_fields=["text", "updated_at"])
    quote = ReportQuote.objects.create(
        report=locked, source_meeting=source, passage=passage, quoted_by=actor
    )
    audit_record(
        actor=actor,
        action="conversations.note_quoted",
        obj=locked,
        after={
            "source": f"conversations.meeting:{source.public_id}",
            "source_kind": source.kind,
            "destination": f"conversations.formalreport:{locked.public_id}",
            "length": len(passage),
        },
    )
    return quote


def report_export(*, report: FormalReport, actor) -> bytes:
    """The report as a PDF for the personnel file. Every export is logged."""
    from stip.conversations.pdf import report_pdf

    if not policies.can_export_report(actor, report):
        raise PermissionDenied
    content = report_pdf(report, exported_by=actor)
    audit_record(
        actor=actor,
        action="conversations.report_exported",
        obj=report,
        after={"format": "pdf", "version": report.version},
    )
    return content


# Templates and scales ------------------------------------------------------------------------


def _question_lines(lines: list[str]) -> list[str]:
    cleaned = [line.strip() for line in lines if line.strip()]
    if not cleaned:
        raise ValidationError({"questions": [_("Write at least one question.")]})
    if len(cleaned) > MAX_QUESTIONS:
        raise ValidationError(
            {"questions": [_("At most %(max)s questions.") % {"max": MAX_QUESTIONS}]}
        )
    if any(len(line) > MAX_LINE for line in cleaned):
        raise ValidationError(
            {"questions": [_("Keep each question under %(max)s characters.") % {"max": MAX_LINE}]}
        )
    return cleaned


@transaction.atomic
def checkin_template_create(
    *, actor, name: str, kind: str, questions: list[str], organisation: bool
) -> CheckInTemplate:
    if not policies.can_create_template(actor, organisation=organisation):
        raise PermissionDenied
    name = _clean_line(name, "name", _("Give the template a name."))
    if kind not in CheckInTemplate.Kind.values:
        raise ValidationError({"kind": [_("Choose what the questions are for.")]})
    lines = _question_lines(questions)
    template = CheckInTemplate.objects.create(
        name=name,
        kind=kind,
        owner=None if organisation else person_of(actor),
        created_by=actor,
    )
    CheckInQuestion.objects.bulk_create(
        CheckInQuestion(template=template, text=text, position=n) for n, text in enumerate(lines)
    )
    audit_record(
        actor=actor,
        action="conversations.template_created",
        obj=template,
        after={"name": name, "kind": kind, "questions": lines},
    )
    return template


@transaction.atomic
def checkin_template_edit(
    *, template: CheckInTemplate, actor, name: str, questions: list[str]
) -> CheckInTemplate:
    """Rename and rewrite the questions. A question that is dropped is archived (earlier
    answers keep it); one that stays keeps its row; new ones are added. Meetings planned
    before keep the questions they were planned with."""
    if not policies.can_edit_template(actor, template):
        raise PermissionDenied
    name = _clean_line(name, "name", _("Give the template a name."))
    lines = _question_lines(questions)
    locked = CheckInTemplate.objects.select_for_update(of=("self",)).get(pk=template.pk)
    current = {q.text: q for q in locked.questions.filter(archived_at__isnull=True)}
    before = {"name": locked.name, "questions": list(current)}
    now = timezone.now()
    kept, new = [], []
    for position, text in enumerate(lines):
        question = current.pop(text, None)
        if question is None:
            new.append(CheckInQuestion(template=locked, text=text, position=position))
        else:
            question.position = position
            kept.append(question)
    CheckInQuestion.objects.bulk_update(kept, ["position"])
    CheckInQuestion.objects.filter(pk__in=[q.pk for q in current.values()]).update(archived_at=now)
    CheckInQuestion.objects.bulk_create(new)
    locked.name = name
    locked.save(update_fields=["name", "updated_at"])
    audit_record(
        actor=actor,
        action="conversations.template_edited",
        obj=locked,
        before=before,
        after={"name": name, "questions": lines},
    )
    return locked


@transaction.atomic
def checkin_template_archive(*, template: CheckInTemplate, actor) -> CheckInTemplate:
    if not policies.can_edit_template(actor, template):
        raise PermissionDenied
    if template.archived_at is None:
        template.archived_at = timezone.now()
        template.save(update_fields=["archived_at", "updated_at"])
        audit_record(actor=actor, action="conversations.template_archived", obj=template)
    return template


@dataclass(frozen=True)
class LevelInput:
    value: int
    name_en: str
    name_nl: str


def _check_levels(levels: list[LevelInput]) -> None:
    if len(levels) < 2:
        raise ValidationError({"levels": [_("A scale has at least two levels.")]})
    if len(levels) > MAX_LEVELS:
        raise ValidationError({"levels": [_("At most %(max)s levels.") % {"max": MAX_LEVELS}]})
    values = [level.value for level in levels]
    if len(set(values)) != len(values):
        raise ValidationError({"levels": [_("Each level needs its own value.")]})
    if any(not level.name_en.strip() or not level.name_nl.strip() for level in levels):
        raise ValidationError({"levels": [_("Give every level a label in English and Dutch.")]})


@transaction.atomic
def rating_scale_save(
    *,
    actor,
    name: str,
    levels: list[LevelInput],
    is_default: bool = False,
    scale: RatingScale | None = None,
) -> RatingScale:
    """Create a scale, or change one that no appraisal uses yet (a used scale's levels are
    part of judged records: HR makes a new scale instead)."""
    if not policies.can_manage_rating_scales(actor):
        raise PermissionDenied
    name = _clean_line(name, "name", _("Give the scale a name."))
    _check_levels(levels)
    levels_change = scale is None or [
        (lvl.value, lvl.name_en, lvl.name_nl) for lvl in scale.levels.order_by("value")
    ] != [
        (lvl.value, lvl.name_en.strip(), lvl.name_nl.strip())
        for lvl in sorted(levels, key=lambda lvl: lvl.value)
    ]
    if levels_change and scale is not None and Meeting.objects.filter(rating_scale=scale).exists():
        raise ValidationError(
            {"levels": [_("Appraisals use this scale: its levels cannot change. Make a new one.")]}
        )
    if is_default:
        RatingScale.objects.filter(is_default=True).exclude(pk=scale.pk if scale else None).update(
            is_default=False
        )
    before = None
    if scale is None:
        scale = RatingScale.objects.create(name=name, is_default=is_default)
    else:
        before = {"name": scale.name, "levels": [lvl.value for lvl in scale.levels.all()]}
        scale.name, scale.is_default = name, is_default
        scale.save(update_fields=["name", "is_default", "updated_at"])
        if levels_change:
            scale.levels.all().delete()
    if levels_change:
        RatingLevel.objects.bulk_create(
            RatingLevel(
                scale=scale,
                value=level.value,
                name_en=level.name_en.strip()[:120],
                name_nl=level.name_nl.strip()[:120],
            )
            for level in sorted(levels, key=lambda lvl: lvl.value)
        )
    audit_record(
        actor=actor,
        action="conversations.rating_scale_saved",
        obj=scale,
        before=before,
        after={
            "name": name,
            "default": is_default,
            "levels": [[lvl.value, lvl.name_en, lvl.name_nl] for lvl in levels],
        },
    )
    return scale


__all__ = [
    "FORMAL_KINDS",
    "LevelInput",
    "NoteConflict",
    "action_item_add",
    "action_item_complete",
    "agenda_item_add",
    "agenda_item_mark_discussed",
    "agenda_item_move",
    "agenda_item_remove",
    "agenda_item_reorder",
    "agenda_refresh_goals",
    "checkin_answer",
    "checkin_template_archive",
    "checkin_template_create",
    "checkin_template_edit",
    "meeting_create",
    "meeting_mark_held",
    "meeting_reschedule",
    "private_note_save",
    "rating_scale_save",
    "report_acknowledge",
    "report_correct",
    "report_export",
    "report_quote_note",
    "report_respond",
    "report_share",
    "report_write",
    "series_edit",
    "series_start",
    "series_stop",
    "shared_note_save",
]


# HR's overview ------------------------------------------------------------------------------

# The "fewest 1:1s first" order is counted again when it is older than this and HR looks.
OVERVIEW_RECOUNT_AFTER = datetime.timedelta(hours=1)


def overview_count_due(counted_at: datetime.datetime | None) -> bool:
    return counted_at is None or counted_at <= timezone.now() - OVERVIEW_RECOUNT_AFTER


def overview_count() -> int:
    """Count HR's overview in its "fewest 1:1s first" order and keep every manager's place
    (`OverviewRank`), replacing the last count in one transaction: a page reads either the
    old order or the new one. Skipped when a count made since this one was asked for is still
    fresh (two HR pages may both have asked). Returns how many managers were placed."""
    try:
        with transaction.atomic():
            latest = queries.overview_counted_at()
            if not overview_count_due(latest):
                return 0
            now = timezone.now()
            managers = queries.by_fewest_held(
                queries.overview_managers(), today=timezone.localdate(now)
            )
            ids = list(managers.values_list("pk", flat=True))
            OverviewRank.objects.all().delete()
            OverviewRank.objects.bulk_create(
                (
                    OverviewRank(manager_id=pk, position=n, counted_at=now)
                    for n, pk in enumerate(ids)
                ),
                batch_size=1000,
            )
    except IntegrityError:
        # On PostgreSQL, a count that ran at the same time placed its managers first.
        return 0
    return len(ids)
