"""Shared reads about people and teams: the pages and the API use the same ones."""

from django.db.models import Q

from stip.people.models import Person, Team

ORG_CHART_PAGE = 50


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
    """The direct reports of `person` that `user` may see, with how many reports each has."""
    return (
        Person.objects.visible_to(user)
        .current()
        .filter(manager=person)
        .with_card()
        .with_report_count()
        .order_by("last_name", "first_name", "pk")
    )


def org_chart_roots(user):
    """The top of the organisation: current people without a manager."""
    return (
        Person.objects.visible_to(user)
        .current()
        .filter(manager__isnull=True)
        .with_card()
        .with_report_count()
        .order_by("last_name", "first_name", "pk")
    )


def management_chain(user, person: Person) -> list[Person]:
    """The managers above `person`, top first: one query, thanks to the materialised path."""
    ids = person.chain_ids
    if not ids:
        return []
    by_id = {
        p.pk: p
        for p in Person.objects.visible_to(user).filter(pk__in=ids).with_card().with_report_count()
    }
    return [by_id[i] for i in ids if i in by_id]


def with_reports_counted(user, person: Person) -> list[Person]:
    """`person` as a one-node list, annotated like the chart's other nodes."""
    return list(
        Person.objects.visible_to(user).filter(pk=person.pk).with_card().with_report_count()
    )


def teams_for_filter():
    return Team.objects.only("public_id", "name").order_by("name")
