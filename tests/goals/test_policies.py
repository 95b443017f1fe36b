"""Who sees which goal, on every page that shows goals: the detail page, the team page, search,
the alignment tree and its fragments, the goals aligned to nothing, and the home page's
strategic goals card."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from stip.goals import policies, services
from stip.goals.models import Goal
from stip.people.models import Person
from tests.goals.builders import create_goal
from tests.personas import Personas

pytestmark = pytest.mark.django_db

PRIVATE_TITLE = "Ask for a raise in spring"
# A private personal goal: its owner, their management chain, HR and administrators.
SEES_PRIVATE = ("employee", "manager", "director", "hr", "admin")
NOT_PRIVATE = ("peer", "outsider")


create = create_goal


def get(client, name, goal=None, **params):
    kwargs = {"public_id": goal.public_id} if goal is not None else None
    return client.get(reverse(name, kwargs=kwargs), params)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def private_goal(personas):
    """The employee's private goal, aligned to an organisation goal everyone sees and marked
    strategic by HR (so that it would show on the home page of whoever may see it)."""
    top = create(
        personas.hr,
        level=Goal.Level.ORGANISATION,
        title="Grow the team",
        visibility=Goal.Visibility.ORGANISATION,
    )
    goal = create(
        personas.employee,
        title=PRIVATE_TITLE,
        visibility=Goal.Visibility.PRIVATE,
        parent=top,
    )
    services.goal_set_strategic(goal=goal, actor=personas.hr.user, strategic=True)
    return goal


@pytest.mark.parametrize("role", SEES_PRIVATE + NOT_PRIVATE)
def test_a_private_goal_is_shown_to_the_owner_their_chain_and_hr_only(
    client, personas, private_goal, role
):
    sees = role in SEES_PRIVATE
    client.force_login(getattr(personas, role).user)
    top = private_goal.parent

    detail = get(client, "goals:detail", private_goal)
    assert detail.status_code == (200 if sees else 404)
    for name in ("goals:children", "goals:update", "goals:edit"):
        if not sees:
            assert get(client, name, private_goal).status_code == 404, name
    if not sees:
        response = client.post(
            reverse("goals:comment", args=[private_goal.public_id]), {"text": "x"}
        )
        assert response.status_code == 404

    assert (PRIVATE_TITLE in text(get(client, "goals:search"))) is sees
    assert (PRIVATE_TITLE in text(get(client, "goals:search", q="raise"))) is sees
    assert (PRIVATE_TITLE in text(get(client, "goals:team"))) is (role == "manager")
    assert (PRIVATE_TITLE in text(get(client, "goals:mine"))) is (role == "employee")

    # The tree: the organisation goal counts only the aligned goals the viewer may see, and
    # its opened level lists only those.
    tree = text(get(client, "goals:tree"))
    assert "Grow the team" in tree
    assert ("1 aligned goal" in tree) is sees
    assert (PRIVATE_TITLE in text(get(client, "goals:children", top))) is sees
    assert (PRIVATE_TITLE in text(get(client, "goals:detail", top))) is sees

    home = text(get(client, "home"))
    assert (PRIVATE_TITLE in home) is sees


@pytest.mark.parametrize("role", SEES_PRIVATE + NOT_PRIVATE)
def test_a_private_goal_aligned_to_nothing_is_listed_apart_for_those_who_see_it(
    client, personas, role
):
    create(personas.employee, title=PRIVATE_TITLE, visibility=Goal.Visibility.PRIVATE)
    client.force_login(getattr(personas, role).user)

    assert (PRIVATE_TITLE in text(get(client, "goals:not_aligned"))) is (role in SEES_PRIVATE)
    assert PRIVATE_TITLE not in text(get(client, "goals:tree"))


def test_a_goal_shared_with_the_team_is_seen_by_a_teammate_not_an_outsider(client, personas):
    goal = create(personas.employee, title="Shared with Planning", visibility="team")
    for role, sees in [
        ("peer", True),
        ("manager", True),
        ("director", True),
        ("hr", True),
        ("outsider", False),
    ]:
        client.force_login(getattr(personas, role).user)
        assert get(client, "goals:detail", goal).status_code == (200 if sees else 404), role
        assert ("Shared with Planning" in text(get(client, "goals:search"))) is sees, role
        assert ("Shared with Planning" in text(get(client, "goals:not_aligned"))) is sees, role


def test_a_team_goal_is_seen_by_its_members_and_the_teams_managers(client, personas):
    goal = create(
        personas.manager, level=Goal.Level.TEAM, team=personas.planning, title="Planning goal"
    )
    for role, sees in [
        ("employee", True),
        ("peer", True),
        ("manager", True),  # a member and the team's manager
        ("director", True),  # manages the team's members through Mark
        ("hr", True),
        ("admin", True),
        ("outsider", False),
    ]:
        client.force_login(getattr(personas, role).user)
        assert get(client, "goals:detail", goal).status_code == (200 if sees else 404), role
        assert ("Planning goal" in text(get(client, "goals:tree"))) is sees, role


def test_a_development_goal_is_private_unless_chosen_otherwise(client, personas):
    client.force_login(personas.employee.user)
    data = {
        "title": "Learn SQL",
        "owner": str(personas.employee.public_id),
        "kind": "development",
        "visibility": "",  # the standard
        "period": "quarter",
        "kr-TOTAL_FORMS": "0",
        "kr-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("goals:new"), data)
    assert response.status_code == 302
    goal = Goal.objects.get(title="Learn SQL")
    assert goal.visibility == Goal.Visibility.PRIVATE
    client.post(reverse("goals:new"), data | {"title": "Train a colleague", "kind": "milestone"})
    assert Goal.objects.get(title="Train a colleague").visibility == Goal.Visibility.TEAM

    client.force_login(personas.peer.user)
    assert get(client, "goals:detail", goal).status_code == 404
    client.force_login(personas.manager.user)
    assert get(client, "goals:detail", goal).status_code == 200


def test_only_those_who_may_change_a_goal_see_its_buttons(client, personas):
    goal = create(personas.employee, title="Visible to all", visibility="organisation")
    for role, edits in [
        ("employee", True),
        ("manager", True),
        ("hr", True),
        ("peer", False),
        ("outsider", False),
    ]:
        client.force_login(getattr(personas, role).user)
        html = text(get(client, "goals:detail", goal))
        assert ("Update progress" in html) is edits, role
        assert (reverse("goals:edit", args=[goal.public_id]) in html) is edits, role
        assert ("Mark as strategic" in html) is (role == "hr"), role


def test_team_goals_are_created_by_the_teams_managers_and_hr(client, personas):
    for role, allowed in [
        ("employee", False),
        ("peer", False),
        ("outsider", False),
        ("manager", True),
        ("director", True),
        ("hr", True),
    ]:
        client.force_login(getattr(personas, role).user)
        response = get(client, "goals:new", level="team")
        assert response.status_code == (200 if allowed else 404), role
    client.force_login(personas.manager.user)
    html = text(get(client, "goals:new", level="team"))
    assert "Planning" in html and "Finance" not in html  # only the teams Mark leads
    response = get(client, "goals:new", level="team", team=str(personas.finance.public_id))
    assert response.status_code == 404


def test_organisation_goals_are_created_by_hr_only(client, personas):
    for role, allowed in [("employee", False), ("director", False), ("hr", True), ("admin", True)]:
        client.force_login(getattr(personas, role).user)
        status = get(client, "goals:new", level="organisation").status_code
        assert status == (200 if allowed else 404), role
        html = text(get(client, "goals:organisation"))
        assert ("New organisation goal" in html) is allowed, role


def test_the_goals_a_user_may_see_follow_them_when_they_change(personas, private_goal):
    """`Goal.objects.visible_to(user)` is built once for a user object (a request's): what it
    was built from is checked on every call, so it never outlives a change of role or place."""
    user = personas.peer.user
    mine = Goal.objects.visible_to(user)
    assert not mine.filter(pk=private_goal.pk).exists()
    # Each call is a queryset of its own: narrowing one leaves the next as it was.
    assert not mine.filter(title="Nothing like it").exists()
    assert [g.title for g in Goal.objects.visible_to(user)] == ["Grow the team"]

    person = user.person
    person.is_hr = True  # HR sees every goal
    assert Goal.objects.visible_to(user).filter(pk=private_goal.pk).exists()
    person.is_hr = False
    assert not Goal.objects.visible_to(user).filter(pk=private_goal.pk).exists()
    # Moved under the employee's manager's place in the tree, above the employee.
    person.path = personas.manager.path
    assert Goal.objects.visible_to(user).filter(pk=private_goal.pk).exists()
    # Another user object of the same account builds its own.
    assert (
        not Goal.objects.visible_to(type(user).objects.get(pk=user.pk))
        .filter(pk=private_goal.pk)
        .exists()
    )


@pytest.mark.parametrize("visibility", list(Goal.Visibility.values))
@pytest.mark.parametrize("level", [Goal.Level.PERSONAL, Goal.Level.TEAM])
def test_what_is_seen_without_asking_is_seen_by_the_rule(personas, visibility, level):
    """`seen_without_asking` answers without a query only where the rule's query says yes."""
    if level == Goal.Level.TEAM:
        goal = create(personas.manager, level=level, team=personas.planning, visibility=visibility)
    else:
        goal = create(personas.employee, visibility=visibility)
    for persona in ("employee", "manager", "peer", "hr", "admin", "outsider"):
        user = getattr(personas, persona).user
        sees = policies.goals_visible_to(Goal.objects.filter(pk=goal.pk), user).exists()
        if policies.seen_without_asking(user, goal):
            assert sees, persona
        assert policies.can_view_goal(user, goal) is sees, persona
    assert not policies.seen_without_asking(AnonymousUser(), goal)
    assert not policies.can_view_goal(AnonymousUser(), goal)


def test_a_managers_lists_skip_the_rule_only_where_it_shows_every_goal(personas):
    """My team's goals reads the reports' goals and the teams' goals without the rule where
    `sees_every_goal_of_reports_of` and `teams_seen_whole` say the viewer sees them all: each
    claim is checked against the rule, for every persona as viewer and as manager."""
    for visibility in Goal.Visibility.values:
        for owner in ("employee", "peer", "leaver", "manager", "director", "outsider"):
            create(personas.hr, owner=getattr(personas, owner), visibility=visibility)
        for team in (personas.planning, personas.operations, personas.finance):
            create(personas.hr, level=Goal.Level.TEAM, team=team, visibility=visibility)

    def ids(goals) -> set[int]:
        return set(goals.values_list("pk", flat=True))

    for role in Personas.NAMES:
        user = getattr(personas, role).user
        visible = ids(policies.goals_visible_to(Goal.objects.all(), user))
        for name in Personas.NAMES:
            manager = getattr(personas, name)
            if policies.sees_every_goal_of_reports_of(user, manager):
                assert ids(Goal.objects.filter(owner__manager=manager)) <= visible, (role, name)
        teams = policies.teams_seen_whole(user.person)
        assert ids(Goal.objects.filter(team__in=teams)) <= visible, role

    # What they claim: a manager and those above them, HR and administrators; nobody else.
    manager = personas.manager
    for role in ("manager", "director", "hr", "admin"):
        assert policies.sees_every_goal_of_reports_of(getattr(personas, role).user, manager)
    for role in ("employee", "peer", "outsider"):
        assert not policies.sees_every_goal_of_reports_of(getattr(personas, role).user, manager)
    assert set(policies.teams_seen_whole(manager)) == {personas.planning.pk}
    assert set(policies.teams_seen_whole(personas.director)) == {
        personas.operations.pk,
        personas.planning.pk,
    }
    # Someone without a place in the chain sees only what is shared with the organisation.
    Person.objects.filter(pk=manager.pk).update(path="")
    user = type(manager.user).objects.get(pk=manager.user.pk)
    assert not policies.sees_every_goal_of_reports_of(user, manager)
    assert policies.teams_seen_whole(user.person) == []


def test_the_rule_in_python_answers_as_the_rule_in_sql(personas, django_assert_max_num_queries):
    """`can_view_goal_read_with_owner`, which a goal's page asks, against `goals_visible_to`:
    every persona, and every level, visibility, owner and team; and the people's places in
    the chain, read from the database as the page reads them."""
    goals = []
    for visibility in Goal.Visibility.values:
        for owner in ("employee", "peer", "leaver", "manager", "director", "hr", "outsider"):
            goals.append(create(personas.hr, owner=getattr(personas, owner), visibility=visibility))
        for team in (personas.planning, personas.operations, personas.finance):
            goals.append(
                create(personas.hr, level=Goal.Level.TEAM, team=team, visibility=visibility)
            )
        goals.append(create(personas.hr, level=Goal.Level.ORGANISATION, visibility=visibility))
    for role in Personas.NAMES:
        user = (
            type(personas.hr.user)
            .objects.select_related("person")
            .get(pk=getattr(personas, role).user.pk)
        )
        for goal in goals:
            read = Goal.objects.select_related("owner").get(pk=goal.pk)
            by_sql = policies.goals_visible_to(Goal.objects.filter(pk=goal.pk), user).exists()
            # A personal goal is decided from its row; a team goal asks at most one query.
            with django_assert_max_num_queries(0 if goal.level != Goal.Level.TEAM else 1):
                by_python = policies.can_view_goal_read_with_owner(user, read)
            assert by_python is by_sql, (role, goal.level, goal.visibility, goal.owner, goal.team)
    assert not policies.can_view_goal_read_with_owner(AnonymousUser(), goals[0])
