"""Shared reads about people and teams: the pages and the API use the same ones."""

import uuid

from django.db.models import Q

from stip.people.models import Person, Team

ORG_CHART_PAGE = 50
# What a link to someone reads: their id and name.
NAME_FIELDS = ("public_id", "first_name", "last_name")
# What a person's card reads of them when they are read as values
# (`people_tags.person_row_card` and `person_cards`).
CARD_VALUES = (
    "public_id",
    "first_name",
    "last_name",
    "job_title",
    "is_hr",
    "is_active",
    "end_date",
    "team_id",
    "team__name",
)


def people_search(queryset, *, q: str = "", team: Team | None = None, job_title: str = ""):
    """Filter people by words of their name (every word must match), team subtree and job."""
    for word in q.split()[:5]:
        queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if team is not None:
        queryset = queryset.filter(team__path__startswith=team.path)
    if job_title:
        queryset = queryset.filter(job_title__icontains=job_title.strip())
    return queryset


def directory(user, *, q: str = "", team: Team | None = None, job_title: str = ""):
    return people_search(
        Person.objects.visible_to(user).with_card(), q=q, team=team, job_title=job_title
    )


def direct_reports(user, person: Person):
    """The direct reports of `person` that `user` may see, as cards (the chart's nodes and the
    API add `with_report_count()`). Each row's manager is `person` itself (`person.reports`
    hands that instance to every row): no join."""
    return (
        person.reports.visible_to(user)
        .current()
        .with_card(manager=False)
        .order_by("last_name", "first_name", "pk")
    )


def org_chart_roots(user):
    """The top of the organisation: current people without a manager."""
    return (
        Person.objects.visible_to(user)
        .current()
        .filter(manager__isnull=True)
        .with_card(manager=False)
        .with_report_count()
        .order_by("last_name", "first_name", "pk")
    )


def management_chain(user, person: Person) -> list[Person]:
    """The managers above `person`, top first: one query, thanks to the materialised path.
    Their names only, which is what the breadcrumbs and the API's `chain` show."""
    ids = person.chain_ids
    if not ids:
        return []
    chain = Person.objects.visible_to(user).filter(pk__in=ids).only(*NAME_FIELDS)
    by_id = {p.pk: p for p in chain}
    return [by_id[i] for i in ids if i in by_id]


def teams_for_filter(chosen: uuid.UUID | None = None):
    """The teams a team filter offers (the directory, the praise wall, all goals): the top two
    levels of the team tree, since a filter includes the teams below, plus the team asked for,
    e.g. from a profile's link. Every team of a large organisation as an <option> was most of
    those pages' time at 10,000 people (1,175 teams).

    The two levels are two lists of ids, each read on the parent index, in one query. Asked
    for as "no parent, or a parent in the top level", PostgreSQL guessed that half the teams
    would match and walked the name index through every team (12,762 at 100,000 people: 8 ms,
    against 0.1 ms; docs/performance.md, finding 15). A join with each team's parent read every
    team too (5-14 ms)."""
    top = Team.objects.filter(parent__isnull=True).order_by()
    lists = [top, Team.objects.filter(parent__in=top).order_by()]
    if chosen is not None:
        # In the union too: "or this team" beside it brought the walk through every team back.
        lists.append(Team.objects.filter(public_id=chosen).order_by())
    offered = lists[0].values("pk").union(*(teams.values("pk") for teams in lists[1:]), all=True)
    return Team.objects.filter(pk__in=offered).only("public_id", "name").order_by("name")
