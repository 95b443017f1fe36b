"""Conversations — 1:1 series, meetings with their agenda, check-in, notes and action items,
and the formal reports — under the same rules as the pages.

Reads go through the conversation policies and queries (`meetings_visible_to`,
`reports_visible_to`, `queries.private_note_of`); every change goes through a service. How the
services' refusals answer:

- a meeting, series, action item or report the caller may not see, or an id that does not
  exist: 404. A meeting and all it holds is for its two participants only; a report is for its
  writer while it is a draft, and once shared also for the employee, their chain and HR;
- something the caller sees but may not do (the manager answering the check-in, changing a
  meeting that was held, someone else's talking point, a report they read but did not write):
  403, `permission_denied`;
- a service's ValidationError: 422, one entry per field, named as in the request;
- shared notes saved on an outdated `version`: 409, `conflict`; nothing is written.

A private note is its author's alone: it is read only through `queries.private_note_of` for the
caller, in `my_private_note` and in the answer to saving it. No answer says anything about
anyone else's private note, not even whether one exists.
"""

import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from stip.api.errors import ApiError, error_responses, invalid, renamed_errors
from stip.api.pagination import (
    Page,
    PageIn,
    UncountedPage,
    answer_page,
    paginate,
    uncounted_page,
)
from stip.api.schemas import PublicOut
from stip.conversations import policies, queries, services
from stip.conversations.models import (
    MAX_LINE,
    MAX_TEXT,
    ActionItem,
    AgendaItem,
    Cadence,
    CheckInTemplate,
    FormalReport,
    Meeting,
    MeetingKind,
    RatingLevel,
    RatingScale,
    Series,
)
from stip.conversations.pdf import report_filename
from stip.core import paging
from stip.core.policies import person_of
from stip.goals.models import Goal
from stip.people.api import PersonRef
from stip.people.models import Person

router = Router(tags=["conversations"])

# Values in the API as in the database; named for the OpenAPI schema, where a bare "Kind" or
# "Status" would collide with other apps' names.
ConversationKind = StrEnum("ConversationKind", {m.name: m.value for m in MeetingKind})
ConversationCadence = StrEnum("ConversationCadence", {m.name: m.value for m in Cadence})
AgendaSource = StrEnum("AgendaSource", {m.name: m.value for m in AgendaItem.Source})
# 1:1s come from their series: POST /conversation-series plans them.
NewConversationKind = Literal["ad_hoc", "performance", "appraisal"]
FormalKind = Literal["performance", "appraisal"]
ReportStatus = Literal["draft", "shared", "acknowledged"]

# The schemas bound what they read; the services say "keep it under …" in their own words.
LongText = Annotated[str, Field(max_length=2 * MAX_TEXT)]
Line = Annotated[str, Field(max_length=2 * MAX_LINE)]


# --- Schemas out -----------------------------------------------------------------------------


class ConversationRef(PublicOut):
    kind: ConversationKind
    scheduled_for: datetime.datetime


class ConversationOut(PublicOut):
    kind: ConversationKind = Field(
        description="`one_on_one` (of a series), `ad_hoc`, `performance` (the "
        "functioneringsgesprek) or `appraisal` (the beoordelingsgesprek)."
    )
    title: str
    manager: PersonRef
    employee: PersonRef
    scheduled_for: datetime.datetime
    held_at: datetime.datetime | None
    series_id: UUID | None = Field(description="The 1:1 series, for a 1:1.")

    @staticmethod
    def resolve_series_id(obj: Meeting) -> UUID | None:
        # `for_lists` and `with_people` join the series in: no query per row.
        return obj.series.public_id if obj.series_id else None


class AgendaItemOut(PublicOut):
    source: AgendaSource = Field(
        description="`manual` for a talking point someone added; the others were put on the "
        "agenda when the conversation was planned and cannot be removed."
    )
    text: str
    goal_id: UUID | None = Field(
        description="The goal of a goal item; null when there is none or you may no longer see it."
    )
    author: PersonRef | None = Field(description="Who added a talking point.")
    position: int
    discussed_at: datetime.datetime | None
    can_remove: bool = Field(description="Your own talking point, before the meeting is held.")

    @staticmethod
    def resolve_goal_id(obj: AgendaItem) -> UUID | None:
        # `goal_visible` is set by `_agenda`: one query for the whole agenda.
        return obj.goal.public_id if obj.goal_id and getattr(obj, "goal_visible", False) else None

    @staticmethod
    def resolve_author(obj: AgendaItem) -> Person | None:
        return person_of(obj.author) if obj.author_id else None

    @staticmethod
    def resolve_can_remove(obj: AgendaItem, context) -> bool:
        return policies.can_remove_agenda_item(context["request"].user, obj)


class CheckInQuestionOut(Schema):
    id: UUID = Field(description="The question's id on this agenda: answer it by this id.")
    question: str
    answer: str | None = Field(description="The employee's answer; null while unanswered.")
    answered_at: datetime.datetime | None


class SharedNoteOut(Schema):
    text: str
    version: int = Field(
        description="Send it back when you save: a save based on an older version is refused (409)."
    )
    updated_at: datetime.datetime
    updated_by: PersonRef | None = Field(description="Null until someone saves the notes.")
    revision_count: int = Field(description="How many saves GET …/shared-note/history lists.")

    @staticmethod
    def resolve_updated_by(obj) -> Person | None:
        return person_of(obj.updated_by) if obj.updated_by_id else None


class NoteRevisionOut(Schema):
    version: int
    text: str
    author: PersonRef | None
    at: datetime.datetime

    @staticmethod
    def resolve_author(obj) -> Person | None:
        return person_of(obj.author) if obj.author_id else None


class OwnNoteOut(Schema):
    text: str
    updated_at: datetime.datetime


class ActionItemOut(PublicOut):
    text: str
    owner: PersonRef
    due_date: datetime.date | None
    done_at: datetime.datetime | None
    overdue: bool = Field(description="Open and due before today.")
    agreed_in: ConversationRef = Field(description="The conversation it was agreed in.")

    @staticmethod
    def resolve_overdue(obj: ActionItem) -> bool:
        return (
            obj.done_at is None and obj.due_date is not None and obj.due_date < timezone.localdate()
        )

    @staticmethod
    def resolve_agreed_in(obj: ActionItem) -> Meeting:
        return obj.meeting


class ConversationActionItemOut(ActionItemOut):
    carried_over: bool = Field(
        description="Agreed in an earlier conversation of the two and still open at this one's "
        "time."
    )

    @staticmethod
    def resolve_carried_over(obj: ActionItem) -> bool:
        return bool(getattr(obj, "carried", 0))


class RatingLevelOut(Schema):
    value: int
    name: str = Field(description="In your language.")


class RatingScaleOut(PublicOut):
    name: str
    levels: list[RatingLevelOut] = Field(description="From the lowest value up.")

    @staticmethod
    def resolve_levels(obj: RatingScale) -> list[RatingLevel]:
        return list(obj.levels.all())


class ReportRef(PublicOut):
    version: int
    status: ReportStatus

    @staticmethod
    def resolve_status(obj: FormalReport) -> str:
        return _status(obj)


class ConversationDetailOut(ConversationOut):
    agenda: list[AgendaItemOut] = Field(description="In order.")
    checkin: list[CheckInQuestionOut] = Field(
        description="The check-in questions on the agenda and the employee's answers."
    )
    shared_note: SharedNoteOut = Field(description="The notes both of you see and edit.")
    action_items: list[ConversationActionItemOut] = Field(
        description=f"This conversation's own and the open ones carried over, carried-over "
        f"first, then by due date; at most {queries.ACTIONS_SHOWN} (GET "
        f"/action-items?conversation=… pages through all)."
    )
    more_action_items: bool = Field(description="There are more than the list shows.")
    my_private_note: OwnNoteOut | None = Field(
        description="Your own private note, or null. Nobody else ever reads it, and nothing "
        "here says whether the other participant wrote one."
    )
    rating_scale: RatingScaleOut | None = Field(description="An appraisal's scale.")
    reports: list[ReportRef] = Field(
        description="The versions of a formal conversation's report you may read, newest first."
    )
    can_change: bool = Field(description="Reschedule or mark as held: until it is held.")
    can_edit_agenda: bool
    can_answer_checkin: bool
    can_write_notes: bool
    can_write_report: bool

    # The lists come from attributes `_detail` sets: the model's own `agenda` and
    # `action_items` are related managers, which would be read whole.
    @staticmethod
    def resolve_agenda(obj: Meeting) -> list[AgendaItem]:
        return obj.agenda_items

    @staticmethod
    def resolve_action_items(obj: Meeting) -> list[ActionItem]:
        return obj.action_list

    @staticmethod
    def resolve_rating_scale(obj: Meeting) -> RatingScale | None:
        return obj.scale

    @staticmethod
    def resolve_reports(obj: Meeting) -> list[FormalReport]:
        return obj.report_versions

    @staticmethod
    def resolve_can_change(obj: Meeting, context) -> bool:
        return policies.can_change_meeting(context["request"].user, obj)

    @staticmethod
    def resolve_can_edit_agenda(obj: Meeting, context) -> bool:
        return policies.can_edit_agenda(context["request"].user, obj)

    @staticmethod
    def resolve_can_answer_checkin(obj: Meeting, context) -> bool:
        return policies.can_answer_checkin(context["request"].user, obj)

    @staticmethod
    def resolve_can_write_notes(obj: Meeting, context) -> bool:
        return policies.can_write_notes(context["request"].user, obj)

    @staticmethod
    def resolve_can_write_report(obj: Meeting, context) -> bool:
        return policies.can_write_report(context["request"].user, obj)


class TemplateRef(PublicOut):
    name: str


class SeriesOut(PublicOut):
    manager: PersonRef
    employee: PersonRef
    cadence: ConversationCadence
    next_date: datetime.date
    time_of_day: datetime.time
    active: bool = Field(description="False once stopped.")
    checkin_template: TemplateRef | None
    last_held_at: datetime.datetime | None = Field(description="When the two last met.")

    @staticmethod
    def resolve_last_held_at(obj: Series) -> datetime.datetime | None:
        return getattr(obj, "last_held", None)


class ReportOut(PublicOut):
    conversation_id: UUID | None = Field(
        description="The conversation, for its two participants; null for every other reader "
        "(the conversation itself is theirs only)."
    )
    kind: FormalKind
    manager: PersonRef = Field(description="Who writes the report.")
    employee: PersonRef
    date: datetime.datetime = Field(description="When the conversation was planned.")
    version: int
    status: ReportStatus
    shared_at: datetime.datetime | None
    responded_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None = Field(
        description="The employee read it (not: agreed with it); the version is locked."
    )
    supersedes_id: UUID | None = Field(description="The version this one corrects.")
    superseded_by_id: UUID | None = Field(
        description="The correction of this version, if you may read it."
    )
    rating: RatingLevelOut | None = Field(description="An appraisal's overall judgement.")

    @staticmethod
    def resolve_conversation_id(obj: FormalReport, context) -> UUID | None:
        meeting = obj.meeting
        if not policies.can_view_meeting(context["request"].user, meeting):
            return None
        return meeting.public_id

    @staticmethod
    def resolve_kind(obj: FormalReport) -> str:
        return obj.meeting.kind

    @staticmethod
    def resolve_manager(obj: FormalReport) -> Person:
        return obj.meeting.manager

    @staticmethod
    def resolve_employee(obj: FormalReport) -> Person:
        return obj.meeting.employee

    @staticmethod
    def resolve_date(obj: FormalReport) -> datetime.datetime:
        return obj.meeting.scheduled_for

    @staticmethod
    def resolve_status(obj: FormalReport) -> str:
        return _status(obj)

    @staticmethod
    def resolve_supersedes_id(obj: FormalReport) -> UUID | None:
        return obj.supersedes.public_id if obj.supersedes_id else None

    @staticmethod
    def resolve_superseded_by_id(obj: FormalReport) -> UUID | None:
        # Annotated by `_reports` and set by `_report_detail`: no query per row.
        return getattr(obj, "superseded_by_visible", None)


class ReportDetailOut(ReportOut):
    text: str
    employee_response: str
    correction_reason: str = Field(description="Why this version corrects the one before.")
    author: PersonRef | None
    rating_scale: RatingScaleOut | None = Field(description="An appraisal's scale.")
    versions: list[ReportRef] = Field(description="Every version you may read, newest first.")
    can_edit: bool = Field(description="Rewrite the draft (POST /conversations/{id}/report).")
    can_share: bool
    can_respond: bool
    can_acknowledge: bool
    can_correct: bool

    @staticmethod
    def resolve_author(obj: FormalReport) -> Person | None:
        return person_of(obj.author) if obj.author_id else None

    @staticmethod
    def resolve_rating_scale(obj: FormalReport) -> RatingScale | None:
        return obj.scale

    @staticmethod
    def resolve_versions(obj: FormalReport) -> list[FormalReport]:
        return obj.versions

    @staticmethod
    def resolve_can_edit(obj: FormalReport, context) -> bool:
        return policies.can_edit_report(context["request"].user, obj)

    @staticmethod
    def resolve_can_share(obj: FormalReport, context) -> bool:
        return policies.can_share_report(context["request"].user, obj)

    @staticmethod
    def resolve_can_respond(obj: FormalReport, context) -> bool:
        return policies.can_respond_to_report(context["request"].user, obj)

    @staticmethod
    def resolve_can_acknowledge(obj: FormalReport, context) -> bool:
        return policies.can_acknowledge_report(context["request"].user, obj)

    @staticmethod
    def resolve_can_correct(obj: FormalReport, context) -> bool:
        return policies.can_correct_report(context["request"].user, obj)


def _status(report: FormalReport) -> str:
    if report.acknowledged_at is not None:
        return "acknowledged"
    return "shared" if report.shared_at is not None else "draft"


# --- Schemas in ------------------------------------------------------------------------------


class ConversationFilters(Schema):
    status: Literal["upcoming", "past"] | None = Field(
        None,
        description="`upcoming`: not held yet, from today on, soonest first; `past`: held, or "
        "their day passed, newest first. Left out: all, newest first.",
    )
    with_: UUID | None = Field(
        None, alias="with", description="A person's id: your conversations with them."
    )
    kind: ConversationKind | None = None


class ConversationIn(Schema):
    kind: NewConversationKind = Field(
        description="A performance conversation or an appraisal is planned by the manager."
    )
    with_: UUID = Field(
        alias="with",
        description="The other participant: someone below you in the reporting line, or above you.",
    )
    scheduled_for: datetime.datetime = Field(
        description="ISO 8601; without an offset, in the organisation's time zone."
    )
    title: str = Field("", max_length=200)
    checkin_template: UUID | None = Field(
        None, description="A question template; the manager's or the organisation's if left out."
    )
    rating_scale: UUID | None = Field(
        None, description="An appraisal's rating scale; HR's default if left out."
    )


class RescheduleIn(Schema):
    scheduled_for: datetime.datetime = Field(
        description="ISO 8601; without an offset, in the organisation's time zone."
    )


class AgendaItemIn(Schema):
    text: Line


class AgendaOrderIn(Schema):
    order: list[UUID] = Field(
        max_length=1000, description="The ids of every item on the agenda, in the new order."
    )


class DiscussedIn(Schema):
    discussed: bool = True


class CheckInIn(Schema):
    answers: dict[UUID, LongText] = Field(
        description="{question id: answer}; an empty answer clears it. Questions left out stay "
        "as they are."
    )


class SharedNoteIn(Schema):
    text: LongText
    version: int = Field(description="The `version` of the notes you loaded.")


class OwnNoteIn(Schema):
    text: LongText


class ActionItemIn(Schema):
    text: Line
    owner: UUID | None = Field(
        None, description="Who will do it: one of the two participants; yourself if left out."
    )
    due_date: datetime.date | None = None


class ActionItemFilters(Schema):
    owner: str | None = Field(None, max_length=36, description="A person's id, or `me`.")
    open: bool | None = Field(None, description="true: not done yet; false: done.")
    conversation: UUID | None = Field(
        None,
        description="A conversation's id: the action items on it, its own and the open ones "
        "carried over, in the order the conversation shows them.",
    )


class DoneIn(Schema):
    done: bool = Field(True, description="false opens it again.")


class SeriesFilters(Schema):
    active: bool = Field(True, description="false: the series that were stopped.")
    with_: UUID | None = Field(None, alias="with", description="A person's id.")


class SeriesIn(Schema):
    with_: UUID = Field(alias="with", description="A direct report of yours, or your own manager.")
    cadence: ConversationCadence
    next_date: datetime.date = Field(description="The first 1:1: today or later.")
    time_of_day: datetime.time = datetime.time(10, 0)
    checkin_template: UUID | None = Field(
        None, description="A check-in template; the manager's or the organisation's if left out."
    )


class SeriesPatchIn(Schema):
    cadence: ConversationCadence = None
    next_date: datetime.date = Field(None, description="The planned 1:1 moves with it.")
    time_of_day: datetime.time = None


class ReportFilters(Schema):
    employee: str | None = Field(None, max_length=36, description="A person's id, or `me`.")
    kind: FormalKind | None = None
    status: ReportStatus | None = None
    current: bool | None = Field(
        None, description="true: only the latest version of each report that you may read."
    )


class ReportIn(Schema):
    text: LongText
    rating: int | None = Field(
        None, description="An appraisal's overall judgement: a `value` of its scale's levels."
    )


class ResponseIn(Schema):
    response: LongText = Field(description="An empty response withdraws it.")


class CorrectionIn(Schema):
    text: LongText
    reason: LongText = Field(description="Why the report is corrected: kept with the new version.")
    rating: int | None = Field(None, description="An appraisal's overall judgement.")


# --- Helpers ---------------------------------------------------------------------------------


def _me(request: HttpRequest, field: str, *, source: str = "query") -> Person:
    me = person_of(request.user)
    if me is None:
        raise invalid(field, _("Your account has no employee record."), source=source)
    return me


def _person(
    request: HttpRequest, value: str | UUID, field: str, *, source: str = "query"
) -> Person:
    """A person the caller may see, by id or `me`; a 422 on `field` otherwise."""
    if isinstance(value, str) and value.lower() == "me":
        return _me(request, field, source=source)
    try:
        public_id = value if isinstance(value, UUID) else UUID(value)
    except ValueError:
        raise invalid(field, _("Enter a valid UUID or “me”."), source=source) from None
    person = (
        Person.objects.visible_to(request.user)
        .select_related("user")
        .filter(public_id=public_id)
        .first()
    )
    if person is None:
        raise invalid(field, _("There is no person with this id."), source=source)
    return person


def _other(request: HttpRequest, public_id: UUID) -> tuple[Person, Person]:
    """(me, the other participant) for a new conversation or series."""
    me = _me(request, "with", source="body")
    other = _person(request, public_id, "with", source="body")
    if other.pk == me.pk:
        raise invalid("with", _("Choose someone other than yourself."), source="body")
    return me, other


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _meeting(request: HttpRequest, public_id: UUID) -> Meeting:
    """A meeting the caller takes part in (with its people and shared notes), or 404."""
    try:
        return queries.meeting_detail(request.user, public_id)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _agenda(request: HttpRequest, meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order, each item knowing its meeting and whether the caller may still see
    its goal (a goal made private since the meeting was planned must not leak its id)."""
    items = queries.agenda_of(meeting)
    goal_ids = {item.goal_id for item in items if item.goal_id}
    visible = set()
    if goal_ids:
        visible = set(
            Goal.objects.visible_to(request.user)
            .filter(pk__in=goal_ids)
            .values_list("pk", flat=True)
        )
    for item in items:
        item.meeting = meeting
        item.goal_visible = item.goal_id in visible
    return items


def _checkin(meeting: Meeting, items: list[AgendaItem]) -> list[dict[str, Any]]:
    questions = [item for item in items if item.source == AgendaItem.Source.QUESTION]
    answers = queries.answers_of(meeting) if questions else {}
    rows = []
    for item in questions:
        answer = answers.get(item.question_id)
        rows.append(
            {
                "id": item.public_id,
                "question": item.text,
                "answer": answer.text if answer is not None else None,
                "answered_at": answer.updated_at if answer is not None else None,
            }
        )
    return rows


def _scale(scale_id: int | None) -> RatingScale | None:
    if scale_id is None:
        return None
    return RatingScale.objects.prefetch_related("levels").get(pk=scale_id)


def _detail(request: HttpRequest, public_id: UUID) -> Meeting:
    """The meeting as GET /conversations/{id} shows it: a fixed number of queries, whatever
    the length of the pair's history (the action items are bounded like the page's)."""
    user = request.user
    meeting = _meeting(request, public_id)
    items = _agenda(request, meeting)
    meeting.agenda_items = items
    meeting.shared_note.revision_count = meeting.revision_count
    meeting.checkin = _checkin(meeting, items)
    actions = list(queries.action_items_for(meeting)[: queries.ACTIONS_SHOWN + 1])
    meeting.action_list = actions[: queries.ACTIONS_SHOWN]
    meeting.more_action_items = len(actions) > queries.ACTIONS_SHOWN
    meeting.my_private_note = queries.private_note_of(user, meeting)
    meeting.report_versions = queries.reports_of(user, meeting) if meeting.is_formal else []
    meeting.scale = _scale(meeting.rating_scale_id)
    return meeting


def _template(
    request: HttpRequest, public_id: UUID | None, kind: str, field: str = "checkin_template"
) -> CheckInTemplate | None:
    if public_id is None:
        return None
    template = (
        policies.templates_visible_to(CheckInTemplate.objects.all(), request.user)
        .filter(public_id=public_id, kind=kind)
        .first()
    )
    if template is None:
        message = _("There is no question template of this kind with this id.")
        raise invalid(field, message, source="body")
    return template


def _rating_scale(public_id: UUID | None) -> RatingScale | None:
    if public_id is None:
        return None
    scale = RatingScale.objects.filter(public_id=public_id).first()
    if scale is None:
        raise invalid("rating_scale", _("There is no rating scale with this id."), source="body")
    return scale


def _level(meeting: Meeting, value: int | None) -> RatingLevel | None:
    """An appraisal's rating by its value on the meeting's scale; the service refuses a rating
    on a performance conversation."""
    if value is None:
        return None
    level = None
    if meeting.rating_scale_id is not None:
        level = RatingLevel.objects.filter(scale_id=meeting.rating_scale_id, value=value).first()
    if level is None:
        if meeting.kind != MeetingKind.APPRAISAL:
            raise ValidationError(
                {"rating": [_("A performance conversation has no judgement: no rating.")]}
            )
        raise invalid("rating", _("Choose a level of this appraisal's scale."), source="body")
    return level


def _conflict(error: services.NoteConflict) -> ApiError:
    return ApiError(
        409,
        _(
            "Someone else saved these notes after you loaded them; they are now at version "
            "%(version)s. Nothing was written: load them again, merge your text and save with "
            "the new version."
        )
        % {"version": error.note.version},
        code="conflict",
    )


def _agenda_item(meeting: Meeting, public_id: UUID) -> AgendaItem:
    item = (
        AgendaItem.objects.select_related("author__person", "goal")
        .filter(meeting=meeting, public_id=public_id)
        .first()
    )
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


def _one_agenda_item(request: HttpRequest, meeting: Meeting, public_id: UUID) -> AgendaItem:
    """An item as the agenda shows it, whether its goal is visible included."""
    item = _agenda_item(meeting, public_id)
    item.goal_visible = (
        item.goal_id is not None
        and Goal.objects.visible_to(request.user).filter(pk=item.goal_id).exists()
    )
    return item


def _action_items(user) -> QuerySet:
    """Action items agreed in the meetings the caller takes part in."""
    meetings = policies.meetings_visible_to(Meeting.objects.all(), user)
    return ActionItem.objects.filter(meeting__in=meetings).select_related("owner", "meeting")


def _action_item(request: HttpRequest, public_id: UUID) -> ActionItem:
    item = _action_items(request.user).filter(public_id=public_id).first()
    if item is None:
        raise Http404
    return item


def _series(request: HttpRequest, public_id: UUID) -> Series:
    series = (
        queries.series_of(request.user)
        .select_related("checkin_template")
        .filter(public_id=public_id)
        .first()
    )
    if series is None:
        raise Http404
    return series


def _reports(user, reports: QuerySet | None = None) -> QuerySet:
    """Reports the caller may read (or `reports`), with their people, rating and whether the
    caller may read a correction of each (a draft correction is its writer's only): one query."""
    corrections = FormalReport.objects.visible_to(user).filter(supersedes=OuterRef("pk"))
    if reports is None:
        reports = FormalReport.objects.visible_to(user)
    return (
        reports.select_related("meeting__manager", "meeting__employee", "rating", "supersedes")
        .only(*REPORT_LIST_COLUMNS)
        .annotate(superseded_by_visible=Subquery(corrections.order_by().values("public_id")[:1]))
    )


# What a list of reports shows (`ReportOut`) and reads to answer (`_report_place`,
# `policies.can_view_meeting`): its rows with their four joined models read whole were 84
# columns; reading these 29 made the list 16% faster.
REPORT_LIST_COLUMNS = (
    "public_id",
    "version",
    "shared_at",
    "responded_at",
    "acknowledged_at",
    "meeting",
    "rating",
    "supersedes",
    "meeting__public_id",
    "meeting__kind",
    "meeting__scheduled_for",
    *(
        f"meeting__{person}{name}"
        for person in ("manager", "employee")
        for name in ("", "__public_id", "__first_name", "__last_name")
    ),
    "rating__value",
    "rating__name_en",
    "rating__name_nl",
    "supersedes__public_id",
)


def _report(request: HttpRequest, public_id: UUID) -> FormalReport:
    """A report the caller may read (for a service to act on), or 404."""
    try:
        return queries.report_detail(request.user, public_id)
    except FormalReport.DoesNotExist:
        raise Http404 from None


def _report_detail(request: HttpRequest, public_id: UUID) -> FormalReport:
    report = _report(request, public_id)
    versions = queries.report_versions(request.user, report)
    report.versions = versions
    newer = [v for v in versions if v.supersedes_id == report.pk]
    report.superseded_by_visible = newer[0].public_id if newer else None
    report.scale = _scale(report.meeting.rating_scale_id)
    return report


# --- Conversations ---------------------------------------------------------------------------


@router.get(
    "/conversations",
    response={200: Page[ConversationOut], **error_responses(401, 422)},
    summary="List my conversations",
)
def conversation_list(
    request: HttpRequest, filters: Query[ConversationFilters], pagination: Query[PageIn]
):
    """The conversations you take part in, as manager or as employee. Nobody else's: not your
    reports' with their own reports, not for HR."""
    user = request.user
    if filters.status == "upcoming":
        meetings = queries.upcoming(user)
    elif filters.status == "past":
        meetings = queries.past(user)
    else:
        meetings = Meeting.objects.visible_to(user).for_lists().order_by("-scheduled_for", "-pk")
    if filters.with_ is not None:
        other = _person(request, filters.with_, "with")
        meetings = meetings.filter(Q(manager=other) | Q(employee=other))
    if filters.kind is not None:
        meetings = meetings.filter(kind=filters.kind.value)
    return paginate(request, meetings, pagination)


@router.post(
    "/conversations",
    response={201: ConversationDetailOut, **error_responses(401, 403, 422)},
    summary="Plan a conversation",
)
def conversation_create(request: HttpRequest, payload: ConversationIn):
    """An ad-hoc conversation with someone in your reporting line (below or above you), or — as
    their manager — a performance conversation or an appraisal. Its agenda starts with the
    employee's goals, the strategic goals and the template's questions. 403 for someone outside
    your reporting line, and for a formal conversation planned by the employee."""
    me, other = _other(request, payload.with_)
    manager, employee = (other, me) if me.is_under(other) else (me, other)
    kind = payload.kind
    template_kind = {
        MeetingKind.PERFORMANCE: CheckInTemplate.Kind.PERFORMANCE,
        MeetingKind.APPRAISAL: CheckInTemplate.Kind.APPRAISAL,
    }.get(kind, CheckInTemplate.Kind.CHECK_IN)
    meeting = services.meeting_create(
        actor=request.user,
        kind=kind,
        manager=manager,
        employee=employee,
        scheduled_for=_aware(payload.scheduled_for),
        title=payload.title,
        checkin_template=_template(request, payload.checkin_template, template_kind),
        rating_scale=_rating_scale(payload.rating_scale),
    )
    return 201, _detail(request, meeting.public_id)


@router.get(
    "/conversations/{id}",
    response={200: ConversationDetailOut, **error_responses(401, 404, 422)},
    summary="One conversation",
)
def conversation_detail(request: HttpRequest, id: UUID) -> Meeting:
    """With its agenda, the check-in questions and answers, the shared notes, the action items
    (its own and the open ones carried over from the pair's earlier conversations) and your own
    private note. For its two participants only."""
    return _detail(request, id)


@router.patch(
    "/conversations/{id}",
    response={200: ConversationDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Reschedule a conversation",
)
def conversation_reschedule(request: HttpRequest, id: UUID, payload: RescheduleIn) -> Meeting:
    """Move it to another moment; a series' planned 1:1 moves the series' next date with it.
    403 once it was held."""
    services.meeting_reschedule(
        meeting=_meeting(request, id),
        actor=request.user,
        scheduled_for=_aware(payload.scheduled_for),
    )
    return _detail(request, id)


@router.post(
    "/conversations/{id}/held",
    response={200: ConversationDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Mark a conversation as held",
)
def conversation_held(request: HttpRequest, id: UUID) -> Meeting:
    """For a 1:1, the series moves on by its cadence and its next 1:1 is planned at once (GET
    /conversations?status=upcoming); open action items carry over to it. 403 once it was held."""
    services.meeting_mark_held(meeting=_meeting(request, id), actor=request.user)
    return _detail(request, id)


# --- Agenda ----------------------------------------------------------------------------------


@router.post(
    "/conversations/{id}/agenda",
    response={201: AgendaItemOut, **error_responses(401, 403, 404, 422)},
    summary="Add a talking point",
)
def agenda_add(request: HttpRequest, id: UUID, payload: AgendaItemIn):
    """At the end of the agenda; 403 once the conversation was held."""
    meeting = _meeting(request, id)
    item = services.agenda_item_add(meeting=meeting, actor=request.user, text=payload.text)
    return 201, _one_agenda_item(request, meeting, item.public_id)


@router.put(
    "/conversations/{id}/agenda/order",
    response={200: list[AgendaItemOut], **error_responses(401, 403, 404, 422)},
    summary="Order the agenda",
)
def agenda_order(request: HttpRequest, id: UUID, payload: AgendaOrderIn) -> list[AgendaItem]:
    """`order` lists the ids of every item on the agenda; 422 when it misses one or names one
    that is not on it (the agenda changed meanwhile). Answers with the agenda."""
    meeting = _meeting(request, id)
    services.agenda_item_reorder(meeting=meeting, actor=request.user, order=payload.order)
    return _agenda(request, meeting)


@router.post(
    "/conversations/{id}/agenda/{item_id}/discussed",
    response={200: AgendaItemOut, **error_responses(401, 404, 422)},
    summary="Tick a point off",
)
def agenda_discussed(
    request: HttpRequest, id: UUID, item_id: UUID, payload: DiscussedIn | None = None
) -> AgendaItem:
    """`{"discussed": false}` (or no body: true) un-ticks it. Also after the conversation."""
    meeting = _meeting(request, id)
    item = _agenda_item(meeting, item_id)
    discussed = payload.discussed if payload is not None else True
    services.agenda_item_mark_discussed(item=item, actor=request.user, discussed=discussed)
    return _one_agenda_item(request, meeting, item_id)


@router.delete(
    "/conversations/{id}/agenda/{item_id}",
    response={204: None, **error_responses(401, 403, 404, 422)},
    summary="Remove a talking point",
)
def agenda_remove(request: HttpRequest, id: UUID, item_id: UUID):
    """Your own talking point, before the conversation is held: 403 for the other
    participant's; 422 for a goal or a question, which stay on the agenda."""
    meeting = _meeting(request, id)
    services.agenda_item_remove(item=_agenda_item(meeting, item_id), actor=request.user)
    return 204, None


# --- Check-in --------------------------------------------------------------------------------


@router.put(
    "/conversations/{id}/checkin",
    response={200: list[CheckInQuestionOut], **error_responses(401, 403, 404, 422)},
    summary="Answer the check-in questions",
)
def checkin_answer(request: HttpRequest, id: UUID, payload: CheckInIn) -> list[dict[str, Any]]:
    """The employee, before the conversation is held (403 for the manager, and after). Answers
    by question id (`checkin[].id` of the conversation). Answers with every question."""
    meeting = _meeting(request, id)
    if not policies.can_answer_checkin(request.user, meeting):
        raise PermissionDenied
    items = _agenda(request, meeting)
    by_id = {
        item.public_id: item.question_id
        for item in items
        if item.source == AgendaItem.Source.QUESTION
    }
    unknown = {
        f"answers.{public_id}": [_("This conversation has no question with this id.")]
        for public_id in payload.answers
        if public_id not in by_id
    }
    if unknown:
        raise ValidationError(unknown)
    names = {f"question_{by_id[public_id]}": f"answers.{public_id}" for public_id in by_id}
    try:
        services.checkin_answer(
            meeting=meeting,
            actor=request.user,
            answers={by_id[public_id]: text for public_id, text in payload.answers.items()},
        )
    except ValidationError as error:
        raise renamed_errors(error, names) from None
    return _checkin(meeting, items)


# --- Notes -----------------------------------------------------------------------------------


@router.put(
    "/conversations/{id}/shared-note",
    response={200: SharedNoteOut, **error_responses(401, 404, 409, 422)},
    summary="Save the shared notes",
)
def shared_note_save(request: HttpRequest, id: UUID, payload: SharedNoteIn):
    """Send the `version` you loaded. If someone saved since, nothing is written and the answer
    is 409 (`conflict`) naming the version they are at now: load them again (GET
    /conversations/{id}), merge and save with that version. Every save is kept (GET
    …/shared-note/history)."""
    meeting = _meeting(request, id)
    try:
        note = services.shared_note_save(
            meeting=meeting, actor=request.user, text=payload.text, version=payload.version
        )
    except services.NoteConflict as error:
        raise _conflict(error) from None
    note.revision_count = queries.revisions_of(meeting).count()
    return note


@router.get(
    "/conversations/{id}/shared-note/history",
    response={200: Page[NoteRevisionOut], **error_responses(401, 404, 422)},
    summary="The history of the shared notes",
)
def shared_note_history(request: HttpRequest, id: UUID, pagination: Query[PageIn]):
    """The text after every save, newest first, with who saved it."""
    meeting = _meeting(request, id)
    return paginate(request, queries.revisions_of(meeting).order_by("-version"), pagination)


@router.put(
    "/conversations/{id}/private-note",
    response={200: OwnNoteOut, **error_responses(401, 404, 422)},
    summary="Save your private note",
)
def own_note_save(request: HttpRequest, id: UUID, payload: OwnNoteIn):
    """Your own note on the conversation: nobody else reads it — not the other participant,
    not HR, not administrators — and it is in no export and no audit entry."""
    meeting = _meeting(request, id)
    services.private_note_save(meeting=meeting, actor=request.user, text=payload.text)
    return queries.private_note_of(request.user, meeting)


# --- Action items ----------------------------------------------------------------------------


@router.get(
    "/action-items",
    response={200: Page[ActionItemOut], **error_responses(401, 404, 422)},
    summary="List action items",
)
def action_item_list(
    request: HttpRequest, filters: Query[ActionItemFilters], pagination: Query[PageIn]
):
    """Action items agreed in your conversations, by due date (none last). `owner=me&open=true`:
    what you still have to do. With `conversation`, the items a conversation shows: its own and
    the open ones carried over from the pair's earlier conversations (404 for a conversation
    you do not take part in)."""
    user = request.user
    if filters.conversation is not None:
        meeting = _meeting(request, filters.conversation)
        items = queries.action_items_for(meeting)
    else:
        items = _action_items(user).order_by(F("due_date").asc(nulls_last=True), "created_at", "pk")
    if filters.owner is not None:
        items = items.filter(owner=_person(request, filters.owner, "owner"))
    if filters.open is not None:
        items = items.filter(done_at__isnull=filters.open)
    return paginate(request, items, pagination)


@router.post(
    "/conversations/{id}/action-items",
    response={201: ActionItemOut, **error_responses(401, 404, 422)},
    summary="Agree on an action item",
)
def action_item_create(request: HttpRequest, id: UUID, payload: ActionItemIn):
    """For one of the two participants (`owner`; yourself if left out). It shows on the pair's
    later conversations until it is done."""
    meeting = _meeting(request, id)
    if payload.owner is None:
        owner = _me(request, "owner", source="body")
    else:
        owner = _person(request, payload.owner, "owner", source="body")
    item = services.action_item_add(
        meeting=meeting,
        actor=request.user,
        owner=owner,
        text=payload.text,
        due_date=payload.due_date,
    )
    return 201, _action_item(request, item.public_id)


@router.post(
    "/action-items/{id}/done",
    response={200: ActionItemOut, **error_responses(401, 404, 422)},
    summary="Tick an action item off",
)
def action_item_done(request: HttpRequest, id: UUID, payload: DoneIn | None = None):
    """Either participant; `{"done": false}` opens it again."""
    item = _action_item(request, id)
    done = payload.done if payload is not None else True
    services.action_item_complete(item=item, actor=request.user, done=done)
    return _action_item(request, id)


# --- Series ----------------------------------------------------------------------------------


@router.get(
    "/conversation-series",
    response={200: Page[SeriesOut], **error_responses(401, 422)},
    summary="List my 1:1 series",
)
def series_list(request: HttpRequest, filters: Query[SeriesFilters], pagination: Query[PageIn]):
    """Your recurring 1:1s, as manager or employee, by the next date, each with when the two
    last met."""
    series = queries.series_of(request.user).select_related("checkin_template")
    series = series.filter(active=filters.active)
    if filters.with_ is not None:
        other = _person(request, filters.with_, "with")
        series = series.filter(Q(manager=other) | Q(employee=other))
    return paginate(request, series, pagination)


@router.post(
    "/conversation-series",
    response={201: SeriesOut, **error_responses(401, 403, 422)},
    summary="Start 1:1s",
)
def series_create(request: HttpRequest, payload: SeriesIn):
    """With a direct report, or with your own manager; the first 1:1 is planned at once. 403
    for anyone else; 422 for a first date in the past or when the two of you have 1:1s
    already."""
    me, other = _other(request, payload.with_)
    manager, employee = (other, me) if me.manager_id == other.pk else (me, other)
    series = services.series_start(
        actor=request.user,
        manager=manager,
        employee=employee,
        cadence=payload.cadence.value,
        next_date=payload.next_date,
        time_of_day=payload.time_of_day,
        checkin_template=_template(
            request, payload.checkin_template, CheckInTemplate.Kind.CHECK_IN
        ),
    )
    return 201, _series(request, series.public_id)


@router.get(
    "/conversation-series/{id}",
    response={200: SeriesOut, **error_responses(401, 404, 422)},
    summary="One 1:1 series",
)
def series_detail(request: HttpRequest, id: UUID) -> Series:
    return _series(request, id)


@router.patch(
    "/conversation-series/{id}",
    response={200: SeriesOut, **error_responses(401, 403, 404, 422)},
    summary="Change a 1:1 series",
)
def series_edit(request: HttpRequest, id: UUID, payload: SeriesPatchIn) -> Series:
    """Send only what changes; the planned 1:1 moves with the next date and time. 403 once the
    series is stopped."""
    series = _series(request, id)
    changes = payload.dict(exclude_unset=True)
    cadence = changes.get("cadence")
    services.series_edit(
        series=series,
        actor=request.user,
        cadence=cadence.value if cadence is not None else series.cadence,
        next_date=changes.get("next_date") or series.next_date,
        time_of_day=changes.get("time_of_day") or series.time_of_day,
    )
    return _series(request, id)


@router.post(
    "/conversation-series/{id}/stop",
    response={200: SeriesOut, **error_responses(401, 403, 404, 422)},
    summary="Stop a 1:1 series",
)
def series_stop(request: HttpRequest, id: UUID) -> Series:
    """Stop the recurring 1:1s; conversations already planned stay. 403 once stopped."""
    services.series_stop(series=_series(request, id), actor=request.user)
    return _series(request, id)


# --- Formal reports --------------------------------------------------------------------------


@router.get(
    "/conversation-reports",
    response={200: UncountedPage[ReportOut], **error_responses(401, 422)},
    summary="List formal reports",
)
def report_list(request: HttpRequest, filters: Query[ReportFilters], pagination: Query[PageIn]):
    """The reports of performance conversations and appraisals you may read, newest
    conversation first: your drafts; once shared, your own, your reports' (at any depth) and,
    for HR, everyone's. `count` is given for one employee's reports (`?employee=`) and is null
    otherwise: counting would read every report the caller may read."""
    user = request.user
    if filters.employee is None:
        hr_lists = policies.reports_visible_to_hr(FormalReport.objects.all(), user)
        if hr_lists is not None:
            # HR may read nearly every report: rather than sort them all, the database walks
            # the conversations with a shared report newest first and stops after the page;
            # HR's own drafts, which are few, take their places among them.
            shared, drafts = (
                _filtered(request, _reports(user, reports), filters) for reports in hr_lists
            )
            page = paging.merged_page_of(
                shared.order_by(*REPORT_ORDER),
                list(drafts.order_by(*REPORT_ORDER)),
                pagination.page,
                size=pagination.page_size,
                key=_report_place,
            )
            return answer_page(request, page, pagination)
    # Anyone else's reports are few, and found first (`policies.reports_visible_to`).
    reports = _filtered(request, _reports(user), filters).order_by(*REPORT_ORDER)
    if filters.employee is not None:
        return paginate(request, reports, pagination)
    return uncounted_page(request, reports, pagination)


# By the meeting's own order (newest first, then its id), as its indexes hold it: ordering by
# the report's `meeting_id` instead, which is the same value, makes SQLite sort.
REPORT_ORDER = ("meeting", "-version", "-pk")


def _report_place(report: FormalReport) -> tuple:
    """Where a report is in `REPORT_ORDER`, as a key that sorts ascending."""
    meeting = report.meeting
    return (-meeting.scheduled_for.timestamp(), -meeting.pk, -report.version, -report.pk)


def _filtered(request: HttpRequest, reports: QuerySet, filters: ReportFilters) -> QuerySet:
    if filters.employee is not None:
        reports = reports.filter(meeting__employee=_person(request, filters.employee, "employee"))
    if filters.kind is not None:
        reports = reports.filter(meeting__kind=filters.kind)
    if filters.status == "draft":
        reports = reports.filter(shared_at__isnull=True)
    elif filters.status == "shared":
        reports = reports.filter(shared_at__isnull=False, acknowledged_at__isnull=True)
    elif filters.status == "acknowledged":
        reports = reports.filter(acknowledged_at__isnull=False)
    if filters.current is not None:
        reports = reports.filter(superseded_by_visible__isnull=filters.current)
    return reports


@router.post(
    "/conversations/{id}/report",
    response={200: ReportDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Write the report of a formal conversation",
)
def report_write(request: HttpRequest, id: UUID, payload: ReportIn) -> FormalReport:
    """The manager writes (or rewrites) the draft; only they read it until they share it. An
    appraisal needs a `rating` to be shared; a performance conversation takes none. 403 for the
    employee and for a conversation that is not formal; 422 once the report is shared (correct
    it instead)."""
    meeting = _meeting(request, id)
    if not policies.can_write_report(request.user, meeting):
        raise PermissionDenied
    report = services.report_write(
        meeting=meeting,
        actor=request.user,
        text=payload.text,
        rating=_level(meeting, payload.rating),
    )
    return _report_detail(request, report.public_id)


@router.get(
    "/conversation-reports/{id}",
    response={200: ReportDetailOut, **error_responses(401, 404, 422)},
    summary="One formal report",
)
def report_detail(request: HttpRequest, id: UUID) -> FormalReport:
    """With its text, the employee's response and the versions you may read."""
    return _report_detail(request, id)


@router.post(
    "/conversation-reports/{id}/share",
    response={200: ReportDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Share a report with the employee",
)
def report_share(request: HttpRequest, id: UUID) -> FormalReport:
    """And so with their management chain and HR. Its writer, once: 403 for anyone else and
    for a shared report."""
    services.report_share(report=_report(request, id), actor=request.user)
    return _report_detail(request, id)


@router.post(
    "/conversation-reports/{id}/respond",
    response={200: ReportDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Respond to a report",
)
def report_respond(request: HttpRequest, id: UUID, payload: ResponseIn) -> FormalReport:
    """The employee, on the current version, until they acknowledge it (403 then, and for
    anyone else)."""
    services.report_respond(
        report=_report(request, id), actor=request.user, response=payload.response
    )
    return _report_detail(request, id)


@router.post(
    "/conversation-reports/{id}/acknowledge",
    response={200: ReportDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Acknowledge a report",
)
def report_acknowledge(request: HttpRequest, id: UUID) -> FormalReport:
    """The employee has read it (not: agrees with it); the version and the response lock. 403
    for anyone else, and once acknowledged."""
    services.report_acknowledge(report=_report(request, id), actor=request.user)
    return _report_detail(request, id)


@router.post(
    "/conversation-reports/{id}/correct",
    response={201: ReportDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Correct a shared report",
)
def report_correct(request: HttpRequest, id: UUID, payload: CorrectionIn):
    """A new version, with the reason, that supersedes this one: a draft to be shared and
    acknowledged again. This version stays as it was. Its writer, on the current shared
    version: 403 otherwise."""
    report = _report(request, id)
    if not policies.can_correct_report(request.user, report):
        raise PermissionDenied
    new = services.report_correct(
        report=report,
        actor=request.user,
        text=payload.text,
        reason=payload.reason,
        rating=_level(report.meeting, payload.rating),
    )
    return 201, _report_detail(request, new.public_id)


@router.get(
    "/conversation-reports/{id}/pdf",
    response=error_responses(401, 404, 422),
    summary="A report as a PDF",
    openapi_extra={
        "responses": {
            200: {
                "description": "The report as a PDF for the personnel file.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def report_pdf(request: HttpRequest, id: UUID) -> HttpResponse:
    """The same document as the page's download, for everyone who may read the report; every
    export is written to the audit log."""
    report = _report(request, id)
    content = services.report_export(report=report, actor=request.user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report)}"'
    return response
