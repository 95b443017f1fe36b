"""Who may see and change which goals. Pages, the API and the services share these.

Seeing:
- organisation-wide goals: everyone signed in;
- a personal goal: its owner and their management chain always; their team too when it is
  shared with the team; everyone when it is shared with the organisation;
- a team goal: the team's members and everyone who manages a member;
- HR and administrators see every goal.
"""

from django.db.models import Exists, OuterRef, Q

from stip.core.policies import built_once, is_hr_or_admin, person_of
from stip.people.models import Person


def _members_under(viewer: Person, team):
    """The members of `team` (an id, or an outer reference to one) who report, at any depth,
    to `viewer`."""
    return Person.objects.filter(team=team, path__startswith=viewer.path).exclude(pk=viewer.pk)


def _manages_a_member_of(viewer: Person, team_field: str = "team"):
    """Exists: a member of the goal's team reports (at any depth) to `viewer`."""
    return Exists(_members_under(viewer, OuterRef(team_field)))


def goals_visible_to(queryset, user):
    if user is None or not user.is_authenticated:
        return queryset.none()
    if is_hr_or_admin(user):
        return queryset
    from stip.goals.models import Goal

    shared = Q(visibility=Goal.Visibility.ORGANISATION)
    viewer = person_of(user)
    if viewer is None or not viewer.path:
        return queryset.filter(shared)
    # The owner is the viewer or reports to them: a prefix test on the materialised path.
    mine_or_my_reports = Q(level=Goal.Level.PERSONAL, owner__path__startswith=viewer.path)
    condition = shared | mine_or_my_reports
    if viewer.team_id:
        condition |= Q(
            level=Goal.Level.PERSONAL,
            visibility=Goal.Visibility.TEAM,
            owner__team_id=viewer.team_id,
        )
        condition |= Q(level=Goal.Level.TEAM, team_id=viewer.team_id)
    # Managers see the goals of the teams their reports are in.
    condition |= Q(level=Goal.Level.TEAM) & _manages_a_member_of(viewer)
    return queryset.filter(condition)


def all_goals_visible_to(goals, user):
    """`goals_visible_to` of a model's whole table, built once for a signed-in user object
    while what the rule reads of them stays the same. The rule's filter took ~0.9 ms to build
    for a manager (its joins and subquery), a copy of the built one 0.05 ms; a goal's page
    asks for it three times, my team's goals five."""
    if user is None or not user.is_authenticated:
        return goals_visible_to(goals, user)
    viewer = person_of(user)
    key = (
        goals.model,
        is_hr_or_admin(user),
        viewer and (viewer.pk, viewer.path, viewer.team_id),
    )
    return built_once(user, "goals", key, lambda: goals_visible_to(goals, user))


def sees_every_goal_of_reports_of(user, manager: Person) -> bool:
    """Whether `user` sees every goal of `manager`'s direct reports, so that a list of those
    needs no `goals_visible_to`: HR and administrators, and `manager` or anyone above them.
    Only personal goals have an owner, and a personal goal's owner's management chain sees it
    whatever it is shared with. On my team's goals the rule's joins and subquery, built and
    compiled three times, were a sixth of the page (docs/performance.md, finding 7)."""
    if is_hr_or_admin(user):
        return True
    viewer = person_of(user)
    # As the rule reads it: the owner's path starts with the viewer's (a viewer without a
    # path sees only what is shared with the organisation).
    return viewer is not None and bool(viewer.path) and manager.path.startswith(viewer.path)


def teams_seen_whole(viewer: Person) -> list[int]:
    """The ids of the teams whose every goal `viewer` sees: their own team and their current
    direct reports' teams (a team goal is seen by the team's members and by whoever manages
    a member), so that a list of those teams' goals needs no `goals_visible_to`.
    Read as a few ids: as a subquery of the goals' query, PostgreSQL read the people of every
    team and hashed every person (5-10 ms at 10,000 people, growing with them)."""
    if not viewer.path:  # the rule shows them only what is shared with the organisation
        return []
    return list(
        Person.objects.current()
        .filter(Q(manager=viewer) | Q(pk=viewer.pk), team__isnull=False)
        .order_by()
        .values_list("team", flat=True)
        .distinct()
    )


def seen_without_asking(user, goal) -> bool:
    """The part of `goals_visible_to` that needs no query: HR and administrators see every
    goal, and everyone signed in a goal shared with the organisation (its `shared`)."""
    from stip.goals.models import Goal

    if user is None or not user.is_authenticated:
        return False
    return goal.visibility == Goal.Visibility.ORGANISATION or is_hr_or_admin(user)


def can_view_goal_read_with_owner(user, goal) -> bool:
    """`can_view_goal` of a goal read with its owner (`select_related("owner")`), its level,
    visibility and team: the rule in Python, from the goal's and its owner's columns, with a
    query only for a team goal of a team the viewer is not in (whether they manage one of its
    members). A goal's page reads its goal this way: the rule built and compiled into its
    query was a fifth of the page (docs/performance.md, finding 7). A test holds the two forms
    of the rule equal, persona by persona and goal by goal."""
    from stip.goals.models import Goal

    if seen_without_asking(user, goal):
        return True
    if user is None or not user.is_authenticated:
        return False
    viewer = person_of(user)
    if viewer is None or not viewer.path:
        return False
    if goal.level == Goal.Level.PERSONAL:
        owner = goal.owner
        return owner.path.startswith(viewer.path) or (
            goal.visibility == Goal.Visibility.TEAM
            and viewer.team_id is not None
            and owner.team_id == viewer.team_id
        )
    if goal.level == Goal.Level.TEAM:
        if viewer.team_id is not None and goal.team_id == viewer.team_id:
            return True
        return _members_under(viewer, goal.team_id).exists()
    return False


def can_view_goal(user, goal) -> bool:
    """The one-object form of `goals_visible_to`: the same rule, with a query where
    `seen_without_asking` does not tell."""
    if seen_without_asking(user, goal):
        return True
    # The rule as the request's user has it built already (`all_goals_visible_to`).
    return type(goal).objects.visible_to(user).filter(pk=goal.pk).exists()


def _manages(viewer: Person | None, person: Person | None) -> bool:
    return viewer is not None and person is not None and person.is_under(viewer)


def _leads_team(viewer: Person | None, team) -> bool:
    """Whether `viewer` manages someone in `team` (a team lead or a manager above one)."""
    if viewer is None or team is None or not viewer.path:
        return False
    return (
        Person.objects.current()
        .filter(team=team, path__startswith=viewer.path)
        .exclude(pk=viewer.pk)
        .exists()
    )


def can_create_goal(user, *, level: str, owner: Person | None = None, team=None) -> bool:
    from stip.goals.models import Goal

    viewer = person_of(user)
    if is_hr_or_admin(user):
        return True
    if level == Goal.Level.ORGANISATION:
        return False
    if level == Goal.Level.TEAM:
        return _leads_team(viewer, team)
    return (
        viewer is not None
        and owner is not None
        and (owner.pk == viewer.pk or _manages(viewer, owner))
    )


def can_edit_goal(user, goal) -> bool:
    """Change the goal itself, its key results and its progress; close and carry it over."""
    from stip.goals.models import Goal

    if is_hr_or_admin(user):
        return True
    viewer = person_of(user)
    if viewer is None:
        return False
    if goal.level == Goal.Level.PERSONAL:
        return goal.owner_id == viewer.pk or _manages(viewer, goal.owner)
    if goal.level == Goal.Level.TEAM:
        return _leads_team(viewer, goal.team)
    return False


def can_comment_goal(user, goal) -> bool:
    """Everyone who may see a goal may comment on it (a report answers their manager)."""
    return can_view_goal(user, goal)


def can_mark_strategic(user) -> bool:
    return is_hr_or_admin(user)


def can_align_to(user, *, goal_owner_user, parent) -> bool:
    """A goal may contribute only to a goal that its owner (and the person aligning) can see."""
    if not can_view_goal(user, parent):
        return False
    return goal_owner_user is None or can_view_goal(goal_owner_user, parent)
