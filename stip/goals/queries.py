"""Shared reads about goals: pages and API use the same ones, always through `visible_to`."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from stip.core.policies import person_of
from stip.core.querysets import reused
from stip.goals import policies
from stip.goals.models import Goal, GoalComment, GoalUpdate
from stip.people.models import Person, Team

STALE_AFTER_WEEKS = 3
TREE_PAGE = 50
# Aligned goals counted below a goal of the tree, at most ("50+" beyond, a page of the tree):
# an exact count below an organisation goal reads every goal aligned to it, and every one the
# viewer may not see, thousands at 100,000 people.
CHILDREN_COUNTED = 50


@dataclass(frozen=True)
class PeriodChoice:
    key: str  # "2026-Q4", "2026", "all"
    label: str
    start: datetime.date | None
    end: datetime.date | None


def quarter_of(day: datetime.date) -> PeriodChoice:
    quarter = (day.month - 1) // 3 + 1
    start = datetime.date(day.year, 3 * quarter - 2, 1)
    end = (
        datetime.date(day.year + 1, 1, 1)
        if quarter == 4
        else datetime.date(day.year, 3 * quarter + 1, 1)
    ) - datetime.timedelta(days=1)
    # Translators: a quarter of a year, e.g. "Q4 2026" (Dutch: "K4 2026").
    label = _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": day.year}
    return PeriodChoice(f"{day.year}-Q{quarter}", label, start, end)


def parse_period(key: str | None, *, today: datetime.date | None = None) -> PeriodChoice:
    """'2026-Q4', '2026' or 'all'; anything else means the current quarter."""
    today = today or timezone.localdate()
    key = (key or "").strip().upper()
    if key == "ALL":
        return PeriodChoice("all", _("All periods"), None, None)
    match = re.fullmatch(r"(\d{4})-Q([1-4])", key)
    # The same years as below: "0000-Q1" is no date at all (datetime.date raised ValueError).
    if match and 2000 <= int(match[1]) <= 2100:
        year, quarter = int(match[1]), int(match[2])
        return quarter_of(datetime.date(year, 3 * quarter - 2, 1))
    if re.fullmatch(r"\d{4}", key) and 2000 <= int(key) <= 2100:
        year = int(key)
        return PeriodChoice(key, key, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return quarter_of(today)


def period_choices(*, today: datetime.date | None = None) -> list[PeriodChoice]:
    """The periods offered in filters: last, this and next quarter, this and next year, all."""
    today = today or timezone.localdate()
    current = quarter_of(today)
    previous = quarter_of(current.start - datetime.timedelta(days=1))
    following = quarter_of(current.end + datetime.timedelta(days=1))
    return [
        previous,
        current,
        following,
        parse_period(str(today.year)),
        parse_period(str(today.year + 1)),
        parse_period("all"),
    ]


def in_period(queryset, period: PeriodChoice):
    if period.start is None:
        return queryset
    return queryset.in_period(period.start, period.end)


def visible_goals(user):
    return Goal.objects.visible_to(user).with_card()


def search(
    user,
    *,
    period: PeriodChoice,
    q: str = "",
    status: str = "",
    level: str = "",
    team: Team | None = None,
    owner: Person | None = None,
    aligned: bool | None = None,
):
    """The goals `user` may see in the period, filtered, in `goals_goal_end_title`'s order: a
    page reads the goals in that order until it is full (a person's through their own index)."""
    goals = in_period(visible_goals(user), period)
    for word in q.split()[:5]:
        goals = goals.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if status:
        goals = goals.filter(status=status)
    if level:
        goals = goals.filter(level=level)
    if team is not None:
        goals = goals.filter(
            Q(team__path__startswith=team.path) | Q(owner__team__path__startswith=team.path)
        )
    if owner is not None:
        goals = goals.filter(owner=owner)
    if aligned is not None:
        goals = goals.filter(parent__isnull=not aligned)
    return goals.order_by("end_date", "title", "pk")


def goals_of(user, person: Person, *, period: PeriodChoice):
    """A person's own goals that `user` may see, development goals included."""
    # Open goals first: NULL sorts first on SQLite but last on PostgreSQL unless told.
    return in_period(visible_goals(user).filter(owner=person), period).order_by(
        F("closed_at").asc(nulls_first=True), "end_date", "title", "pk"
    )


def team_goals(user, manager: Person, *, period: PeriodChoice):
    """The goals of `manager`'s direct reports (that `user` may see), report by report.

    Only personal goals have an owner (`goals_goal_owner_matches_level`); a filter on the level
    as well made SQLite read every personal goal of the period through the level index (10 ms
    at 10,000 people) instead of the reports' goals through the owner index (2 ms).
    """
    return in_period(
        _goals_of_reports(user, manager)
        .with_card()
        .filter(owner__manager=manager, owner__is_active=True),
        period,
    ).order_by("owner__last_name", "owner__first_name", "owner_id", "end_date", "pk")


def _goals_of_reports(user, manager: Person):
    """The goals to read `manager`'s reports' goals from: every goal when `user` sees all of
    theirs (`policies.sees_every_goal_of_reports_of`), else those `user` may see."""
    if policies.sees_every_goal_of_reports_of(user, manager):
        return Goal.objects.all()
    return Goal.objects.visible_to(user)


def reports_without_recent_update(user, manager: Person, *, period: PeriodChoice, weeks: int):
    """Direct reports with an open goal in the period that nobody updated in `weeks` weeks, as
    values: each one's id, public id and names (`owner_id`, `owner__public_id`, ...) and how
    many such goals (`stale_goals`), in the order of their names.

    Read from the goals, counted by owner: counting each report's goals in a subquery took
    twice as long to build and compile (the subquery holds the visibility rule) and longer to
    run (3.6 against 1.8 ms for a manager of 129 on SQLite; docs/performance.md, finding 7)."""
    since = timezone.now() - datetime.timedelta(weeks=weeks)
    reports = Person.objects.current().filter(manager=manager).values("pk")
    return (
        in_period(_goals_of_reports(user, manager).open(), period)
        # Both conditions: the reports' ids let PostgreSQL read their goals through the owner
        # index, and the manager on the owner's join keeps it from hashing every person for
        # the rule's columns. With the join's alone it read every goal of the period (10 ms
        # at 10,000 people, growing with them); with both, 0.3 ms.
        .filter(owner__in=reports, owner__manager=manager)
        .filter(Q(last_update_at__isnull=True) | Q(last_update_at__lt=since))
        .values("owner_id", "owner__public_id", "owner__first_name", "owner__last_name")
        .annotate(stale_goals=Count("pk"))
        .order_by("owner__last_name", "owner__first_name", "owner_id")
    )


def goals_of_my_teams(user, *, period: PeriodChoice):
    """The goals of the signed-in person's own team and of the teams their direct reports are
    in (only team goals have a team), team by team: all of them theirs to see
    (`policies.teams_seen_whole`). Read through the team index: a filter on the level with an
    OR of the two teams made SQLite read every team goal of the period (60 ms at 100,000
    people, 170 over all periods)."""
    viewer = person_of(user)
    teams = policies.teams_seen_whole(viewer) if viewer is not None else []
    return in_period(Goal.objects.filter(team__in=teams).with_card(), period).order_by(
        "team__name", "end_date", "title", "pk"
    )


def organisation_goals(user, *, period: PeriodChoice):
    return in_period(visible_goals(user).filter(level=Goal.Level.ORGANISATION), period).order_by(
        "-is_strategic", "end_date", "title", "pk"
    )


def strategic_goals(user, *, today: datetime.date | None = None):
    """Open strategic goals whose period includes today: on every home page and agenda."""
    today = today or timezone.localdate()
    return (
        visible_goals(user)
        .filter(is_strategic=True, start_date__lte=today, end_date__gte=today)
        .open()
        .order_by("end_date", "title", "pk")
    )


class _CountUpTo(Subquery):
    """How many rows a sliced subquery has: COUNT(*) over it, which stops at its LIMIT."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def with_visible_child_count(queryset, user):
    """Annotate `visible_children`: aligned goals the viewer may see (hidden ones not counted),
    up to `CHILDREN_COUNTED`."""
    children = Goal.objects.visible_to(user).filter(parent=OuterRef("pk"))
    return queryset.annotate(
        visible_children=_CountUpTo(children.order_by().values("pk")[:CHILDREN_COUNTED])
    )


def with_parent_visibility(queryset, user):
    """Annotate `parent_visible`: whether the viewer may see the goal this one contributes to.

    `with_card` joins the parent for its title; a list shows that title only when this is
    true, so that a private goal's title never shows through a goal aligned to it.
    """
    return queryset.annotate(
        parent_visible=Exists(Goal.objects.visible_to(user).filter(pk=OuterRef("parent_id")))
    )


def mark_parent_visibility(goals: list[Goal], user) -> list[Goal]:
    """Set `parent_visible` on each goal of a page, as `with_parent_visibility` annotates it,
    in one query for the whole page.

    As an EXISTS in a list's query, PostgreSQL expects it for every goal that matches rather
    than for a page of them, and first reads every goal the viewer may see into a hash: 40 ms
    at 10,000 people for a page of 50 goals.
    """
    parent_ids = {goal.parent_id for goal in goals if goal.parent_id is not None}
    visible = set()
    if parent_ids:
        visible = set(
            Goal.objects.visible_to(user).filter(pk__in=parent_ids).values_list("pk", flat=True)
        )
    for goal in goals:
        goal.parent_visible = goal.parent_id in visible
    return goals


def tree_roots(user, *, period: PeriodChoice):
    """The top of the alignment tree: the organisation's goals, then the teams' goals, that
    contribute to no goal. Personal goals that contribute to none are `not_aligned`.

    A goal the viewer may not see is left out of the tree together with what hangs below it,
    and is not counted: a placeholder or a count would reveal that a private goal exists (a
    development goal, say). Goals below it that the viewer may see stay findable in lists and
    search, and say on their page that they contribute to a goal the viewer cannot see.
    """
    roots = in_period(
        visible_goals(user).filter(
            parent__isnull=True, level__in=(Goal.Level.ORGANISATION, Goal.Level.TEAM)
        ),
        period,
    )
    # "organisation" sorts before "team"; `goals_goal_unaligned` serves the order.
    return with_visible_child_count(roots, user).order_by("level", "end_date", "title", "pk")


def not_aligned(user, *, period: PeriodChoice):
    """Personal goals that contribute to no goal, in `goals_goal_unaligned`'s order: not in
    the tree, where they would bury the organisation's and teams' goals."""
    goals = visible_goals(user).filter(parent__isnull=True, level=Goal.Level.PERSONAL)
    return in_period(goals, period).order_by("end_date", "title", "pk")


def aligned_to(user, goal: Goal):
    """The goals the viewer may see that contribute to `goal`: organisation's, teams', then
    personal ones, in the order of `goals_goal_children`."""
    return visible_goals(user).filter(parent=goal).order_by("level_rank", "end_date", "title", "pk")


def tree_children(user, goal: Goal):
    """`aligned_to`, each with how many goals the viewer may see contribute to it in turn."""
    return with_visible_child_count(aligned_to(user, goal), user)


# What a line of a goal's history or comments shows of its author: the name and link of their
# person, else their e-mail address (nothing once the account is deleted). Read as values: a
# line as three model instances (the line, the account, the person) took longer than reading it.
AUTHOR_VALUES = (
    "author_id",
    "author__email",
    "author__person__public_id",
    "author__person__first_name",
    "author__person__last_name",
)


def history(goal: Goal):
    """A goal's progress updates, newest first, as values with their authors, each with how
    many updates there are in all (`total`: a window, counted before a limit), so that the
    page that lists the newest needs no count of its own."""
    return _history().filter(goal=goal)


@reused
def _history():
    return (
        GoalUpdate.objects.values("created_at", "progress", "status", "comment", *AUTHOR_VALUES)
        .annotate(total=Window(Count("pk")))
        .order_by("-created_at", "-pk")
    )


def comments(goal: Goal):
    """A goal's comments, oldest first, as values with their authors."""
    return _comments().filter(goal=goal)


@reused
def _comments():
    return GoalComment.objects.values("created_at", "text", *AUTHOR_VALUES).order_by(
        "created_at", "pk"
    )


def _all_but(model, path: str, *kept: str) -> list[str]:
    """The names that defer every column of the related `model` at `path` except `kept` (and
    its key)."""
    return [
        f"{path}__{field.name}"
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in kept
    ]


# What a goal's page reads of its joined goals and creator: the link, title and visibility of
# the goal it contributes to, the link of the one it continues, the creator's e-mail and their
# person's name and link. Their other columns were 80 of the query's 130, and a third of its
# time to build (~1 ms on the reference machine). Code that reads a deferred one still gets it,
# with a query of its own.
DETAIL_DEFERRED = (
    *_all_but(Goal, "parent", "public_id", "title", "visibility"),
    *_all_but(Goal, "carried_over_from", "public_id"),
    *_all_but(Goal.created_by.field.related_model, "created_by", "email"),
    *_all_but(Person, "created_by__person", "user", "public_id", "first_name", "last_name"),
)


def goal_detail(user, public_id):
    """A goal the viewer may see, with what its page shows of its owner, team, creator (and
    their person) and the goals it contributes to and was carried over from. Each table joined
    costs PostgreSQL about a millisecond of planning at 10,000 people (docs/performance.md,
    finding 7): the owner's team and account, which the page does not show, are read only where
    they are used."""
    goal = (
        Goal.objects.select_related(
            "owner", "team", "parent", "created_by__person", "carried_over_from"
        )
        .defer(*DETAIL_DEFERRED)
        .get(public_id=public_id)
    )
    # The rule in Python, from the goal and its owner read here: built into the query, it was
    # a fifth of the page.
    if not policies.can_view_goal_read_with_owner(user, goal):
        raise Goal.DoesNotExist
    return goal


def visible_parent(user, goal: Goal) -> Goal | None:
    """The goal this one contributes to (as `goal_detail` joins it), or None when there is none
    or the viewer can't see it (`policies.can_view_goal`). Most goals contribute to a goal
    shared with the organisation, which needs no query; the others, one.

    As an EXISTS in `goal_detail`, the rule was built and compiled a second time on every goal's
    page: half the time of its query, a sixth of the page's (finding 7)."""
    if goal.parent_id is None:
        return None
    return goal.parent if policies.can_view_goal(user, goal.parent) else None


def level_order(level: str) -> int:
    return [Goal.Level.ORGANISATION, Goal.Level.TEAM, Goal.Level.PERSONAL].index(level)
