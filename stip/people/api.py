"""The people directory and the teams, read-only, under the same rules as the pages."""

import datetime
from enum import StrEnum
from uuid import UUID

from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from stip.api.errors import error_responses, invalid
from stip.api.pagination import Page, PageIn, UncountedPage, paginate, uncounted_page
from stip.api.schemas import PublicOut
from stip.core.policies import person_of
from stip.people import policies, queries
from stip.people.models import Person, Team

router = Router()


# --- Schemas ---------------------------------------------------------------------------------


class TeamRef(PublicOut):
    name: str


class PersonRef(PublicOut):
    full_name: str


class PersonOut(PublicOut):
    employee_number: str
    first_name: str
    last_name: str
    full_name: str
    email: str
    job_title: str
    job_level: str
    team: TeamRef | None
    manager: PersonRef | None
    start_date: datetime.date | None
    end_date: datetime.date | None = Field(
        description="The last working day; null when there is none or you may not see it "
        "(only the person, their management chain and HR do)."
    )
    is_hr: bool
    direct_report_count: int = Field(description="How many people currently report to them.")

    @staticmethod
    def resolve_email(obj: Person) -> str:
        return obj.user.email

    @staticmethod
    def resolve_end_date(obj: Person, context) -> datetime.date | None:
        # The policy compares materialised paths: no query per row.
        if policies.can_view_employment_dates(context["request"].user, obj):
            return obj.end_date
        return None

    @staticmethod
    def resolve_direct_report_count(obj: Person) -> int:
        return obj.report_count or 0


class PersonDetailOut(PersonOut):
    chain: list[PersonRef] = Field(description="Their managers, from the top down.")


class TeamOut(PublicOut):
    name: str
    parent: TeamRef | None
    member_count: int = Field(description="How many people currently work in this team itself.")


class TeamDetailOut(TeamOut):
    children: list[TeamRef] = Field(description="The teams directly below this one.")


class PersonOrdering(StrEnum):
    LAST_NAME = "last_name"
    LAST_NAME_DESCENDING = "-last_name"
    FIRST_NAME = "first_name"
    FIRST_NAME_DESCENDING = "-first_name"
    START_DATE = "start_date"
    START_DATE_DESCENDING = "-start_date"


# Each order ends with the primary key, so that pages never repeat or skip anyone.
_ORDER_FIELDS = {
    "last_name": ("last_name", "first_name", "pk"),
    "first_name": ("first_name", "last_name", "pk"),
    "start_date": ("start_date", "last_name", "first_name", "pk"),
}
_NULLABLE_ORDER_FIELDS = frozenset(
    name
    for names in _ORDER_FIELDS.values()
    for name in names
    if name != "pk" and Person._meta.get_field(name).null
)


class PeopleFilters(Schema):
    q: str = Field("", max_length=100, description="Words of the name; every word must match.")
    team: UUID | None = Field(None, description="A team's id: its members and its sub-teams'.")
    job_title: str = Field("", max_length=100, description="Part of the job title.")
    manager: UUID | None = Field(None, description="A person's id: their direct reports.")
    ordering: PersonOrdering = PersonOrdering.LAST_NAME


class TeamFilters(Schema):
    q: str = Field("", max_length=100, description="Words of the team's name.")


# --- Helpers ---------------------------------------------------------------------------------


def _people(request: HttpRequest):
    return Person.objects.visible_to(request.user).with_card().with_account().with_report_count()


def _visible_person(request: HttpRequest, public_id: UUID) -> Person:
    person = _people(request).filter(public_id=public_id).first()
    if person is None:
        raise Http404
    return person


def _with_chain(request: HttpRequest, person: Person) -> Person:
    person.chain = queries.management_chain(request.user, person)
    return person


def _ordered(queryset, ordering: PersonOrdering):
    descending = ordering.startswith("-")
    expressions = []
    for name in _ORDER_FIELDS[ordering.removeprefix("-")]:
        field = F(name)
        if name in _NULLABLE_ORDER_FIELDS:
            # nulls_last on both directions: people without a start date come last either
            # way, on SQLite and PostgreSQL alike.
            expressions.append(
                field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
            )
        else:
            # Not on the names: NULLS LAST keeps SQLite from reading them in the order of
            # their index, so that it sorted every person for one page.
            expressions.append(field.desc() if descending else field.asc())
    return queryset.order_by(*expressions)


def _teams(request: HttpRequest):
    members = (
        Person.objects.current()
        .filter(team=models.OuterRef("pk"))
        .order_by()
        .values("team")
        .annotate(n=models.Count("pk"))
        .values("n")[:1]
    )
    return (
        policies.teams_visible_to(Team.objects.all(), request.user)
        .select_related("parent")
        .annotate(member_count=Coalesce(models.Subquery(members), 0))
    )


# --- People ----------------------------------------------------------------------------------


@router.get(
    "/people",
    response={200: UncountedPage[PersonOut], **error_responses(401, 422)},
    tags=["people"],
    summary="List people",
)
def person_list(
    request: HttpRequest, filters: Query[PeopleFilters], pagination: Query[PageIn]
) -> dict:
    """Everyone who works here; HR and administrators also see people who have left. `count`
    is given for someone's direct reports (`manager`) and is null otherwise: counting would read
    everyone, or every name for a search by name or job title (`q`, `job_title`)."""
    team = None
    if filters.team is not None:
        teams = policies.teams_visible_to(Team.objects.all(), request.user)
        team = teams.filter(public_id=filters.team).first()
        if team is None:
            raise invalid("team", _("There is no team with this id."))
    people = queries.people_search(
        _people(request), q=filters.q, team=team, job_title=filters.job_title
    )
    if filters.manager is not None:
        visible = Person.objects.visible_to(request.user)
        manager = visible.filter(public_id=filters.manager).first()
        if manager is None:
            raise invalid("manager", _("There is no person with this id."))
        people = people.filter(manager=manager)
    people = _ordered(people, filters.ordering)
    if filters.manager is not None and not (filters.q.strip() or filters.job_title.strip()):
        return paginate(request, people, pagination)
    return uncounted_page(request, people, pagination)


@router.get(
    "/people/me",
    response={200: PersonDetailOut, **error_responses(401, 404)},
    tags=["people"],
    summary="Your own person",
)
def person_me(request: HttpRequest) -> Person:
    """404 for an account without an employee record, such as an administrator's."""
    me = person_of(request.user)
    if me is None:
        raise Http404
    return _with_chain(request, _visible_person(request, me.public_id))


@router.get(
    "/people/{id}",
    response={200: PersonDetailOut, **error_responses(401, 404, 422)},
    tags=["people"],
    summary="One person",
)
def person_detail(request: HttpRequest, id: UUID) -> Person:
    return _with_chain(request, _visible_person(request, id))


@router.get(
    "/people/{id}/reports",
    response={200: Page[PersonOut], **error_responses(401, 404, 422)},
    tags=["people"],
    summary="A person's direct reports",
)
def person_reports(request: HttpRequest, id: UUID, pagination: Query[PageIn]) -> dict:
    person = _visible_person(request, id)
    reports = queries.direct_reports(request.user, person).with_account().with_report_count()
    return paginate(request, reports, pagination)


# --- Teams -----------------------------------------------------------------------------------


@router.get(
    "/teams",
    response={200: Page[TeamOut], **error_responses(401, 422)},
    tags=["teams"],
    summary="List teams",
)
def team_list(request: HttpRequest, filters: Query[TeamFilters], pagination: Query[PageIn]):
    teams = _teams(request)
    for word in filters.q.split()[:5]:
        teams = teams.filter(name__icontains=word)
    return paginate(request, teams.order_by("name", "pk"), pagination)


@router.get(
    "/teams/{id}",
    response={200: TeamDetailOut, **error_responses(401, 404, 422)},
    tags=["teams"],
    summary="One team",
)
def team_detail(request: HttpRequest, id: UUID) -> Team:
    children = policies.teams_visible_to(Team.objects.all(), request.user).order_by("name", "pk")
    team = (
        _teams(request)
        .prefetch_related(models.Prefetch("children", queryset=children))
        .filter(public_id=id)
        .first()
    )
    if team is None:
        raise Http404
    return team
