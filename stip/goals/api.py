"""Goals, key results, progress updates and comments, under the same rules as the pages.

Reads go through `Goal.objects.visible_to(user)` and the queries module; every change goes
through a service. How the services' refusals answer:

- a goal the caller may not see, or an id that does not exist: 404;
- a goal the caller sees but may not change (a colleague's goal, someone else's strategic
  flag): 403, `permission_denied` — hiding it would be pointless, the caller just read it;
- a service's ValidationError: 422, one entry per field;
- a change based on an outdated `version`: 409, `conflict`; nothing is written.
"""

import datetime
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import PlainValidator, WithJsonSchema

from stip.api.errors import ApiError, error_responses, invalid
from stip.api.pagination import (
    MAX_PAGE_SIZE,
    Page,
    PageIn,
    UncountedPage,
    paginate,
    uncounted_page,
)
from stip.api.schemas import PublicOut
from stip.core.policies import person_of
from stip.goals import policies, queries, services
from stip.goals.models import Goal, GoalComment, GoalUpdate, KeyResult
from stip.goals.services import ConcurrentEdit, KeyResultInput
from stip.people import policies as people_policies
from stip.people.api import PersonRef, TeamRef
from stip.people.models import Person, Team

router = Router(tags=["goals"])

# Values in the API as in the database; named for the OpenAPI schema, where a bare "Status"
# would collide with other apps' statuses.
GoalLevel = StrEnum("GoalLevel", {m.name: m.value for m in Goal.Level})
GoalKind = StrEnum("GoalKind", {m.name: m.value for m in Goal.Kind})
GoalVisibility = StrEnum("GoalVisibility", {m.name: m.value for m in Goal.Visibility})
GoalStatus = StrEnum("GoalStatus", {m.name: m.value for m in Goal.Status})
GoalPeriod = StrEnum("GoalPeriod", {m.name: m.value for m in Goal.Period})
GoalProgressMode = StrEnum("GoalProgressMode", {m.name: m.value for m in Goal.ProgressMode})
KeyResultUnit = StrEnum("KeyResultUnit", {m.name: m.value for m in KeyResult.Unit})
KeyResultDirection = StrEnum("KeyResultDirection", {m.name: m.value for m in KeyResult.Direction})

OpenStatus = Literal["on_track", "at_risk", "off_track"]
Outcome = Literal["achieved", "missed", "dropped"]
MAX_NUMBER_TEXT = 50


def _number_or_text(value: Any) -> Decimal | str:
    """A JSON number, or a string as a person typed it, to be read in its key result's unit.
    One validator rather than a union, whose errors would name each member of the union."""
    if isinstance(value, str) and len(value) <= MAX_NUMBER_TEXT:
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
        if number.is_finite():
            return number
    raise ValueError(_("Enter a number."))


# A number as JSON (12.5) or as a person typed it ("1.234,5", "€ 40", "12%", "ja").
Number = Annotated[
    Decimal | str,
    PlainValidator(_number_or_text),
    WithJsonSchema(
        {
            "anyOf": [{"type": "number"}, {"type": "string", "maxLength": MAX_NUMBER_TEXT}],
            "description": "A number, or text in the key result's unit: "
            "`1.234,5`, `€ 40`, `12%`, `ja`.",
        }
    ),
]
# What a DecimalField(max_digits=14, decimal_places=2) holds.
LARGEST_VALUE = Decimal("1e12")
# How many children's ids a goal's detail lists; /children pages through all of them.
CHILDREN_IDS = MAX_PAGE_SIZE


# --- Schemas out -----------------------------------------------------------------------------


class GoalOut(PublicOut):
    title: str
    level: GoalLevel
    kind: GoalKind
    visibility: GoalVisibility
    status: GoalStatus
    progress: float = Field(description="0–100, one decimal.")
    is_strategic: bool
    period: GoalPeriod
    start_date: datetime.date
    end_date: datetime.date
    owner: PersonRef | None = Field(description="The person, for a personal goal.")
    team: TeamRef | None = Field(description="The team, for a team goal.")
    parent_id: UUID | None = Field(
        description="The goal this one contributes to; null when there is none or you may "
        "not see it."
    )
    last_update_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    version: int = Field(
        description="Send it back with a change: a change based on an older version is "
        "refused (409)."
    )

    @staticmethod
    def resolve_parent_id(obj: Goal) -> UUID | None:
        # `parent_visible` is annotated by `_detail` or set for a page by `_goal_page`: no
        # query per row.
        if obj.parent_id is None or not getattr(obj, "parent_visible", False):
            return None
        return obj.parent.public_id


class GoalTreeOut(GoalOut):
    visible_children: int = Field(
        description=f"How many goals you may see contribute to it, counted up to "
        f"{queries.CHILDREN_COUNTED}: {queries.CHILDREN_COUNTED} means that many or more."
    )

    @staticmethod
    def resolve_visible_children(obj: Goal) -> int:
        return obj.visible_children or 0


class KeyResultOut(PublicOut):
    title: str
    unit: KeyResultUnit
    direction: KeyResultDirection
    start_value: float
    target_value: float
    current_value: float
    weight: float
    progress: float = Field(description="0–100: how far the current value is from start to target.")


class GoalDetailOut(GoalTreeOut):
    description: str
    key_results: list[KeyResultOut]
    children_ids: list[UUID] = Field(
        description=f"The goals you may see that contribute to this one (at most "
        f"{CHILDREN_IDS}; GET …/children pages through all of them)."
    )
    carried_over_from: UUID | None = Field(
        description="The goal of an earlier period this one continues, if you may see it."
    )
    reflection: str

    @staticmethod
    def resolve_children_ids(obj: Goal) -> list[UUID]:
        return obj.children_ids

    @staticmethod
    def resolve_carried_over_from(obj: Goal) -> UUID | None:
        if obj.carried_over_from_id is None or not obj.carried_over_visible:
            return None
        return obj.carried_over_from.public_id


class UpdateValueOut(Schema):
    key_result_id: UUID | None
    title: str
    value: float | None


class GoalUpdateOut(Schema):
    author: PersonRef | None = Field(description="Null for an account without a person.")
    created_at: datetime.datetime
    progress: float
    status: GoalStatus
    comment: str
    values: list[UpdateValueOut] = Field(description="The key results' values at the time.")

    @staticmethod
    def resolve_author(obj: GoalUpdate) -> Person | None:
        return _person_of_author(obj.author)

    @staticmethod
    def resolve_values(obj: GoalUpdate) -> list[dict[str, Any]]:
        return [
            {
                "key_result_id": item.get("key_result"),
                "title": item.get("title", ""),
                "value": item.get("value"),
            }
            for item in obj.values or []
        ]


class CommentOut(PublicOut):
    author: PersonRef | None = Field(description="Null for an account without a person.")
    text: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_author(obj: GoalComment) -> Person | None:
        return _person_of_author(obj.author)


def _person_of_author(user) -> Person | None:
    # The author comes with `select_related("author__person")`: no query per row.
    return person_of(user) if user is not None else None


# --- Schemas in ------------------------------------------------------------------------------


class KeyResultIn(Schema):
    title: str = Field(max_length=200)
    unit: KeyResultUnit = KeyResultUnit.NUMBER
    start_value: Number
    target_value: Number
    current_value: Number | None = Field(None, description="The start value if left out.")
    weight: Decimal = Field(Decimal(1), le=Decimal("9999.99"), description="Relative weight.")


class GoalIn(Schema):
    level: GoalLevel
    owner: UUID | None = Field(
        None, description="A personal goal's owner: a person's id; yourself if left out."
    )
    team: UUID | None = Field(None, description="A team goal's team: a team's id (required).")
    title: str = Field(max_length=200)
    description: str = Field("", max_length=10_000)
    kind: GoalKind
    visibility: GoalVisibility = GoalVisibility.ORGANISATION
    period: GoalPeriod = GoalPeriod.QUARTER
    start_date: datetime.date | None = Field(
        None,
        description="Left out: the start of the quarter or year (for `period`) that contains "
        "`end_date`, or today.",
    )
    end_date: datetime.date | None = Field(
        None, description="Left out: the end of the quarter or year that contains the start."
    )
    parent: UUID | None = Field(None, description="The id of a goal this one contributes to.")
    progress_mode: GoalProgressMode | None = Field(
        None,
        description="Left out: from the key results for objectives and KPIs, by hand otherwise.",
    )
    is_strategic: bool = Field(False, description="HR only.")
    key_results: list[KeyResultIn] = Field([], max_length=25)


class GoalPatchIn(Schema):
    version: int = Field(description="The `version` of the goal you are changing.")
    title: str = Field(None, max_length=200)
    description: str = Field(None, max_length=10_000)
    kind: GoalKind = None
    visibility: GoalVisibility = None
    period: GoalPeriod = None
    start_date: datetime.date = None
    end_date: datetime.date = None
    parent: UUID | None = Field(None, description="null: contribute to no goal.")
    progress_mode: GoalProgressMode = None


class ProgressUpdateIn(Schema):
    version: int = Field(description="The `version` of the goal you are updating.")
    status: OpenStatus
    comment: str = Field("", max_length=10_000)
    values: dict[UUID, Number] = Field(
        {}, description="New current values by key result id; the others stay as they are."
    )
    progress: Number | None = Field(
        None, description="0–100, for a goal whose progress is set by hand."
    )


class CommentIn(Schema):
    text: str = Field(max_length=10_000)


class CloseIn(Schema):
    version: int = Field(description="The `version` of the goal you are closing.")
    outcome: Outcome
    reflection: str = Field("", max_length=10_000)


class CarryOverIn(Schema):
    reflection: str = Field("", max_length=10_000)


class StrategicIn(Schema):
    strategic: bool


# --- Filters ---------------------------------------------------------------------------------


class GoalOrdering(StrEnum):
    END_DATE = "end_date"
    END_DATE_DESCENDING = "-end_date"
    TITLE = "title"
    TITLE_DESCENDING = "-title"
    PROGRESS = "progress"
    PROGRESS_DESCENDING = "-progress"
    LAST_UPDATE = "last_update_at"
    LAST_UPDATE_DESCENDING = "-last_update_at"


# Each order ends with the primary key, so that pages never repeat or skip a goal.
_ORDER_FIELDS = {
    "end_date": ("end_date", "title", "pk"),
    "title": ("title", "end_date", "pk"),
    "progress": ("progress", "end_date", "title", "pk"),
    "last_update_at": ("last_update_at", "end_date", "title", "pk"),
}

# The years parse_period knows: 2000 to 2100.
PERIOD_PATTERN = re.compile(r"all|(?:20\d\d|2100)(?:-Q[1-4])?", re.IGNORECASE)


class PeriodFilter(Schema):
    period: str = Field(
        "",
        max_length=20,
        description="A quarter (`2026-Q4`), a year (`2026`) or `all`; the current quarter if "
        "left out. Goals whose dates overlap it.",
    )


class GoalFilters(PeriodFilter):
    q: str = Field("", max_length=100, description="Words of the title or description.")
    status: GoalStatus | None = None
    level: GoalLevel | None = None
    team: UUID | None = Field(
        None, description="A team's id: its goals and its members' goals, sub-teams included."
    )
    owner: str | None = Field(None, max_length=36, description="A person's id, or `me`.")
    strategic: bool | None = None
    aligned: bool | None = Field(
        None, description="`false`: goals that contribute to no goal; `true`: those that do."
    )
    ordering: GoalOrdering = GoalOrdering.END_DATE


# --- Helpers ---------------------------------------------------------------------------------


def _visible(user) -> QuerySet:
    return Goal.objects.visible_to(user)


def _cards(queryset: QuerySet) -> QuerySet:
    """What every goal answer needs in the same query: owner, team and parent. Whether the
    caller may see the parent comes with it (a hidden parent must not leak, not even its id):
    `_detail` and `_goal_page`."""
    return queryset.select_related("owner", "team", "parent")


# The columns a list's goal (`GoalOut`, `GoalTreeOut`) shows of itself, its owner, its team and
# the goal it contributes to.
LIST_COLUMNS = (
    *(name for name in GoalOut.model_fields if name not in ("id", "owner", "team", "parent_id")),
    "public_id",
    "owner__public_id",
    "owner__first_name",
    "owner__last_name",
    "team__public_id",
    "team__name",
    "parent__public_id",
)


def _list_cards(queryset: QuerySet) -> QuerySet:
    """`_cards` for a page of goals, with only the columns its answer shows: every column of
    the four tables (descriptions, reflections, paths, six timestamps a row) was a third of a
    page's time to read and build."""
    return _cards(queryset.select_related(None)).only(*LIST_COLUMNS)


def _goal(request: HttpRequest, public_id: UUID) -> Goal:
    """A goal the caller may see (for a service to act on), or 404."""
    goal = Goal.objects.select_related("owner__user", "team").filter(public_id=public_id).first()
    # The rule in Python, from the goal and its owner read here (as a goal's page decides).
    if goal is None or not policies.can_view_goal_read_with_owner(request.user, goal):
        raise Http404
    return goal


def _detail(request: HttpRequest, public_id: UUID) -> Goal:
    user = request.user
    goal = (
        queries.with_parent_visibility(
            queries.with_visible_child_count(_cards(_visible(user)), user), user
        )
        .select_related("carried_over_from")
        .annotate(
            carried_over_visible=Exists(_visible(user).filter(pk=OuterRef("carried_over_from_id")))
        )
        .prefetch_related(
            Prefetch("key_results", queryset=KeyResult.objects.order_by("position", "pk"))
        )
        .filter(public_id=public_id)
        .first()
    )
    if goal is None:
        raise Http404
    goal.children_ids = list(
        queries.aligned_to(user, goal).values_list("public_id", flat=True)[:CHILDREN_IDS]
    )
    return goal


def _ordered(queryset: QuerySet, ordering: GoalOrdering) -> QuerySet:
    descending = ordering.startswith("-")
    expressions = []
    for name in _ORDER_FIELDS[ordering.removeprefix("-")]:
        field = F(name)
        if name == "last_update_at":
            # Goals never updated come last in both directions, on SQLite and PostgreSQL alike.
            field = field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
        else:
            # The other columns hold no NULL; a NULLS LAST on them kept SQLite from reading
            # `goals_goal_end_title` in its order.
            field = field.desc() if descending else field.asc()
        expressions.append(field)
    return queryset.order_by(*expressions)


def _goal_page(
    request: HttpRequest, goals: QuerySet, pagination: PageIn, *, counted: bool = False
) -> dict[str, Any]:
    """A page of goals: counted by `paginate` where counting is cheap, otherwise the page and
    one row more, which says whether another follows (`queries.page_of`). Whether the caller
    may see each goal's parent comes in one more query for the page."""
    if counted:
        answer = paginate(request, goals, pagination)
    else:
        answer = uncounted_page(request, goals, pagination)
    queries.mark_parent_visibility(answer["results"], request.user)
    return answer


def _period(key: str) -> queries.PeriodChoice:
    # parse_period falls back to the current quarter for anything it does not know; an API
    # client that asks for a period should hear that it was not understood.
    if key and not PERIOD_PATTERN.fullmatch(key.strip()):
        raise invalid("period", _("Choose a quarter (2026-Q4), a year (2026) or “all”."))
    return queries.parse_period(key or None)


def _dates(payload: GoalIn) -> tuple[datetime.date, datetime.date]:
    """Missing dates from the quarter or year of the one given (or of today)."""
    start, end = payload.start_date, payload.end_date
    if start is not None and end is not None:
        return start, end
    if payload.period == GoalPeriod.CUSTOM:
        raise ValidationError(
            {
                name: [_("This field is required.")]
                for name, value in (("start_date", start), ("end_date", end))
                if value is None
            }
        )
    anchor = start or end or timezone.localdate()
    if payload.period == GoalPeriod.YEAR:
        whole = (datetime.date(anchor.year, 1, 1), datetime.date(anchor.year, 12, 31))
    else:
        quarter = queries.quarter_of(anchor)
        whole = (quarter.start, quarter.end)
    return start or whole[0], end or whole[1]


def _value(raw: Decimal | str, *, unit: str, field: str) -> Decimal:
    """A value in its unit, as the database can hold it (two decimals, below a trillion)."""
    try:
        value = services.parse_value(raw, unit=unit)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    if not value.is_finite() or abs(value) >= LARGEST_VALUE:
        raise ValidationError({field: [_("Enter a number.")]})
    return value.quantize(services.CENT)


def _key_result_input(data: KeyResultIn, *, prefix: str = "") -> KeyResultInput:
    values, errors = {}, {}
    for name in ("start_value", "target_value", "current_value"):
        if getattr(data, name) is None:
            continue
        try:
            values[name] = _value(getattr(data, name), unit=data.unit, field=f"{prefix}{name}")
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return KeyResultInput(
        title=data.title,
        start_value=values["start_value"],
        target_value=values["target_value"],
        current_value=values.get("current_value"),
        unit=data.unit.value,
        weight=data.weight,
    )


def _key_result_inputs(items: list[KeyResultIn]) -> list[KeyResultInput]:
    """Every key result's values, with every bad one reported at once."""
    results, errors = [], {}
    for index, item in enumerate(items):
        try:
            results.append(_key_result_input(item, prefix=f"key_results.{index}."))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return results


def _parent(request: HttpRequest, public_id: UUID | None) -> Goal | None:
    if public_id is None:
        return None
    parent = _visible(request.user).filter(public_id=public_id).first()
    if parent is None:
        raise invalid("parent", _("There is no goal with this id."), source="body")
    return parent


def _owner(request: HttpRequest, public_id: UUID | None) -> Person | None:
    if public_id is None:
        return None
    owner = Person.objects.visible_to(request.user).filter(public_id=public_id).first()
    if owner is None:
        raise invalid("owner", _("There is no person with this id."), source="body")
    return owner


def _team(request: HttpRequest, public_id: UUID | None, *, source: str = "body") -> Team | None:
    if public_id is None:
        return None
    team = people_policies.teams_visible_to(Team.objects.all(), request.user)
    team = team.filter(public_id=public_id).first()
    if team is None:
        raise invalid("team", _("There is no team with this id."), source=source)
    return team


def _conflict(error: ConcurrentEdit) -> ApiError:
    return ApiError(
        409,
        _(
            "Someone else changed this goal after you loaded it; it is now at version "
            "%(version)s. Load it again, make your change and send the new version."
        )
        % {"version": error.goal.version},
        code="conflict",
    )


# --- Goals -----------------------------------------------------------------------------------


@router.get(
    "/goals",
    response={200: UncountedPage[GoalOut], **error_responses(401, 422)},
    summary="List goals",
)
def goal_list(request: HttpRequest, filters: Query[GoalFilters], pagination: Query[PageIn]):
    """The goals you may see whose dates overlap the period, filtered. `count` is given for
    one person's goals (`owner`), and null otherwise: follow `next`."""
    user = request.user
    owner = None
    if filters.owner is not None:
        if filters.owner.lower() == "me":
            owner = person_of(user)
            if owner is None:
                raise invalid("owner", _("Your account has no employee record."))
        else:
            try:
                owner_id = UUID(filters.owner)
            except ValueError:
                raise invalid("owner", _("Enter a valid UUID or “me”.")) from None
            owner = Person.objects.visible_to(user).filter(public_id=owner_id).first()
            if owner is None:
                raise invalid("owner", _("There is no person with this id."))
    goals = queries.search(
        user,
        period=_period(filters.period),
        q=filters.q,
        status=filters.status or "",
        level=filters.level or "",
        team=_team(request, filters.team, source="query"),
        owner=owner,
        aligned=filters.aligned,
    )
    if filters.strategic is not None:
        goals = goals.filter(is_strategic=filters.strategic)
    # One person's goals are counted: their own index holds them.
    return _goal_page(
        request,
        _ordered(_list_cards(goals), filters.ordering),
        pagination,
        counted=owner is not None,
    )


@router.post(
    "/goals",
    response={201: GoalDetailOut, **error_responses(401, 403, 422)},
    summary="Create a goal",
)
def goal_create(request: HttpRequest, payload: GoalIn):
    """Your own goal, a report's (`owner`), a team's you lead (`team`), or — HR only — the
    organisation's. 403 when you may not create that goal."""
    level = payload.level.value
    owner = _owner(request, payload.owner) if level == Goal.Level.PERSONAL else None
    team = _team(request, payload.team) if level == Goal.Level.TEAM else None
    start, end = _dates(payload)
    goal = services.goal_create(
        actor=request.user,
        level=level,
        owner=owner,
        team=team,
        title=payload.title,
        description=payload.description,
        kind=payload.kind.value,
        visibility=payload.visibility.value,
        period=payload.period.value,
        start_date=start,
        end_date=end,
        parent=_parent(request, payload.parent),
        progress_mode=payload.progress_mode.value if payload.progress_mode else None,
        is_strategic=payload.is_strategic,
        key_results=_key_result_inputs(payload.key_results),
    )
    return 201, _detail(request, goal.public_id)


@router.get(
    "/goals/tree",
    response={200: UncountedPage[GoalTreeOut], **error_responses(401, 422)},
    summary="The top of the alignment tree",
)
def goal_tree(request: HttpRequest, filters: Query[PeriodFilter], pagination: Query[PageIn]):
    """The organisation's goals of the period, then the teams' goals, that contribute to no
    goal; `count` is null. `visible_children` counts what hangs below each; GET
    /goals/{id}/children opens one level. Personal goals that contribute to no goal: GET
    /goals?aligned=false&level=personal."""
    user = request.user
    roots = queries.tree_roots(user, period=_period(filters.period))
    return _goal_page(request, _list_cards(roots), pagination)


@router.get(
    "/goals/{id}",
    response={200: GoalDetailOut, **error_responses(401, 404, 422)},
    summary="One goal",
)
def goal_detail(request: HttpRequest, id: UUID) -> Goal:
    return _detail(request, id)


@router.patch(
    "/goals/{id}",
    response={200: GoalDetailOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Change a goal",
)
def goal_edit(request: HttpRequest, id: UUID, payload: GoalPatchIn) -> Goal:
    """Send `version` and only the fields to change. 409 when the goal changed since you
    loaded that version; 403 when you may see the goal but not change it."""
    goal = _goal(request, id)
    # Only the fields sent; pydantic already refused a null for anything but `parent`.
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    if "parent" in changes:
        changes["parent"] = _parent(request, changes["parent"])
    changes = {
        name: value.value if isinstance(value, StrEnum) else value
        for name, value in changes.items()
    }
    try:
        services.goal_edit(goal=goal, actor=request.user, version=version, **changes)
    except ConcurrentEdit as error:
        raise _conflict(error) from None
    return _detail(request, id)


@router.get(
    "/goals/{id}/children",
    response={200: UncountedPage[GoalTreeOut], **error_responses(401, 404, 422)},
    summary="The goals that contribute to a goal",
)
def goal_children(request: HttpRequest, id: UUID, pagination: Query[PageIn]):
    """One level of the alignment tree: the goals you may see that contribute to this one,
    the organisation's and teams' first; `count` is null."""
    user = request.user
    goal = _goal(request, id)
    return _goal_page(request, _list_cards(queries.tree_children(user, goal)), pagination)


# --- Progress updates ------------------------------------------------------------------------


@router.get(
    "/goals/{id}/updates",
    response={200: Page[GoalUpdateOut], **error_responses(401, 404, 422)},
    summary="A goal's progress updates",
)
def goal_update_list(request: HttpRequest, id: UUID, pagination: Query[PageIn]):
    """The history of a goal's progress, newest first."""
    goal = _goal(request, id)
    updates = (
        GoalUpdate.objects.filter(goal=goal)
        .select_related("author__person")
        .order_by("-created_at", "-pk")
    )
    return paginate(request, updates, pagination)


@router.post(
    "/goals/{id}/updates",
    response={201: GoalDetailOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Update a goal's progress",
)
def goal_update_create(request: HttpRequest, id: UUID, payload: ProgressUpdateIn):
    """New values for key results (by id), or `progress` for a goal set by hand, a status and
    a comment. Answers with the goal as it is now; the update heads GET …/updates."""
    goal = _goal(request, id)
    units = dict(goal.key_results.values_list("public_id", "unit"))
    values: dict[str, Decimal] = {}
    errors: dict[str, list[str]] = {}
    for key_result_id, raw in payload.values.items():
        field = f"values.{key_result_id}"
        if key_result_id not in units:
            errors[field] = [_("This goal has no key result with this id.")]
            continue
        try:
            values[str(key_result_id)] = _value(raw, unit=units[key_result_id], field=field)
        except ValidationError as error:
            errors.update(error.message_dict)
    progress = None
    if payload.progress is not None:
        try:
            progress = _value(payload.progress, unit=KeyResult.Unit.PERCENT, field="progress")
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        services.goal_update_progress(
            goal=goal,
            actor=request.user,
            version=payload.version,
            status=payload.status,
            comment=payload.comment,
            values=values,
            progress=progress,
        )
    except ConcurrentEdit as error:
        raise _conflict(error) from None
    return 201, _detail(request, id)


# --- Comments --------------------------------------------------------------------------------


@router.get(
    "/goals/{id}/comments",
    response={200: Page[CommentOut], **error_responses(401, 404, 422)},
    summary="A goal's comments",
)
def goal_comment_list(request: HttpRequest, id: UUID, pagination: Query[PageIn]):
    """Oldest first, as a conversation reads."""
    goal = _goal(request, id)
    comments = (
        GoalComment.objects.filter(goal=goal)
        .select_related("author__person")
        .order_by("created_at", "pk")
    )
    return paginate(request, comments, pagination)


@router.post(
    "/goals/{id}/comments",
    response={201: CommentOut, **error_responses(401, 404, 422)},
    summary="Comment on a goal",
)
def goal_comment_create(request: HttpRequest, id: UUID, payload: CommentIn):
    """Everyone who may see a goal may comment on it."""
    goal = _goal(request, id)
    comment = services.goal_comment(goal=goal, author=request.user, text=payload.text)
    return 201, GoalComment.objects.select_related("author__person").get(pk=comment.pk)


# --- Key results -----------------------------------------------------------------------------


@router.post(
    "/goals/{id}/key-results",
    response={201: KeyResultOut, **error_responses(401, 403, 404, 422)},
    summary="Add a key result",
)
def key_result_create(request: HttpRequest, id: UUID, payload: KeyResultIn):
    """The goal's progress is recomputed and its `version` goes up."""
    goal = _goal(request, id)
    data = _key_result_input(payload)
    return 201, services.key_result_add(goal=goal, actor=request.user, data=data)


@router.delete(
    "/goals/{id}/key-results/{kr_id}",
    response={204: None, **error_responses(401, 403, 404, 422)},
    summary="Remove a key result",
)
def key_result_delete(request: HttpRequest, id: UUID, kr_id: UUID):
    """The goal's progress is recomputed and its `version` goes up."""
    goal = _goal(request, id)
    key_result = goal.key_results.filter(public_id=kr_id).first()
    if key_result is None:
        raise Http404
    key_result.goal = goal
    services.key_result_remove(key_result=key_result, actor=request.user)
    return 204, None


# --- Closing, reopening, carrying over, strategic --------------------------------------------


@router.post(
    "/goals/{id}/close",
    response={200: GoalDetailOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Close a goal",
)
def goal_close(request: HttpRequest, id: UUID, payload: CloseIn) -> Goal:
    """Achieved, missed or dropped, with a reflection."""
    goal = _goal(request, id)
    try:
        services.goal_close(
            goal=goal,
            actor=request.user,
            version=payload.version,
            outcome=payload.outcome,
            reflection=payload.reflection,
        )
    except ConcurrentEdit as error:
        raise _conflict(error) from None
    return _detail(request, id)


@router.post(
    "/goals/{id}/reopen",
    response={200: GoalDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Reopen a goal",
)
def goal_reopen(request: HttpRequest, id: UUID) -> Goal:
    """Back to on track; a goal that is open stays as it is."""
    goal = _goal(request, id)
    services.goal_reopen(goal=goal, actor=request.user)
    return _detail(request, id)


@router.post(
    "/goals/{id}/carry-over",
    response={201: GoalDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Carry a goal over to the next period",
)
def goal_carry_over(request: HttpRequest, id: UUID, payload: CarryOverIn | None = None):
    """Answers with the new goal, in the next quarter or year, whose key results start where
    this goal's stopped; this goal closes as missed (unless it was closed already)."""
    goal = _goal(request, id)
    reflection = payload.reflection if payload is not None else ""
    new = services.goal_carry_over(goal=goal, actor=request.user, reflection=reflection)
    return 201, _detail(request, new.public_id)


@router.put(
    "/goals/{id}/strategic",
    response={200: GoalDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Mark a goal strategic, or not",
)
def goal_strategic(request: HttpRequest, id: UUID, payload: StrategicIn) -> Goal:
    """HR only: 403 for anyone else who may see the goal."""
    goal = _goal(request, id)
    services.goal_set_strategic(goal=goal, actor=request.user, strategic=payload.strategic)
    return _detail(request, id)
