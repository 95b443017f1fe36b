"""The goal form's search pickers: the team of a team goal, and the goal a goal contributes to.

They offer the choice made and at most 20 suggestions or search results, never the whole
organisation; the fields accept what the choices always accepted."""

import html as markup
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stip.goals.forms import PICKER_OPTIONS
from stip.goals.models import Goal
from tests.factories import GoalFactory, PersonFactory, TeamFactory
from tests.goals.builders import create_goal
from tests.goals.test_pages import edit_data, errors_at, html_of, new_goal_data

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def options(html: str, name: str) -> dict[str, bool]:
    """The picker options of field `name`: their names, and whether each is chosen."""
    found = re.findall(
        rf'<input type="radio" name="{name}" value="[^"]*"( checked)?> '
        r'<span class="picker-name">([^<]*)</span>',
        html,
    )
    return {markup.unescape(label): bool(checked) for checked, label in found}


def team_goal(personas, title, **kwargs):
    return create_goal(
        personas.manager, level=Goal.Level.TEAM, team=personas.planning, title=title, **kwargs
    )


# The team of a team goal ------------------------------------------------------------------------


def test_a_manager_is_offered_their_own_team_and_sets_a_goal_for_it(client, personas):
    TeamFactory.create_batch(3)
    client.force_login(personas.manager.user)
    html = html_of(client.get(reverse("goals:new"), {"level": "team"}))
    assert options(html, "team") == {"Planning": False}  # suggested, not chosen for them
    assert 'id="team-search"' in html and 'hx-get="/goals/pick/team/"' in html

    response = client.post(
        reverse("goals:new") + "?level=team",
        new_goal_data(
            title="Plan every route the evening before", team=personas.planning.public_id
        ),
    )
    assert response.status_code == 302
    goal = Goal.objects.get(title="Plan every route the evening before")
    assert goal.level == Goal.Level.TEAM and goal.team == personas.planning


def test_hr_searches_every_team_by_name_and_sees_at_most_twenty(client, personas):
    for number in range(PICKER_OPTIONS + 5):
        TeamFactory(name=f"Route planning {number:02}", parent=personas.operations)
    client.force_login(personas.hr.user)
    html = html_of(client.get(reverse("goals:pick_team"), {"team_q": "planning"}, **HTMX))
    found = list(options(html, "team"))
    # By name, twenty in all.
    assert found[:3] == ["Planning", "Route planning 00", "Route planning 01"]
    assert len(found) == PICKER_OPTIONS
    assert "Finance" not in found
    assert '<span class="picker-meta">Operations</span>' in html  # the team above

    html = html_of(client.get(reverse("goals:pick_team"), {"team_q": "nowhere"}, **HTMX))
    assert options(html, "team") == {}
    assert "No team you set goals for matches “nowhere”." in html


def test_the_team_chosen_stays_chosen_while_searching(client, personas):
    client.force_login(personas.hr.user)
    params = {"team": personas.planning.public_id, "team_q": "fin"}
    html = html_of(client.get(reverse("goals:pick_team"), params, **HTMX))
    assert options(html, "team") == {"Planning": True, "Finance": False}


def test_a_manager_cannot_set_a_goal_for_a_team_they_do_not_lead(client, personas):
    client.force_login(personas.manager.user)
    # Not offered, even when searched for by name…
    html = html_of(client.get(reverse("goals:pick_team"), {"team_q": "finance"}, **HTMX))
    assert options(html, "team") == {}
    # …and refused when sent anyway, with a message in the reader's language.
    for team in (str(personas.finance.public_id), "not-an-id"):
        html = html_of(
            client.post(
                reverse("goals:new") + "?level=team", new_goal_data(title="Not mine", team=team)
            )
        )
        assert "Choose a team you set goals for." in errors_at(html, "team")
    html = html_of(client.post(reverse("goals:new") + "?level=team", new_goal_data(title="None")))
    assert "Choose the team this goal belongs to." in errors_at(html, "team")
    assert not Goal.objects.exists()

    personas.manager.user.language = "nl"
    personas.manager.user.save()
    html = html_of(
        client.post(
            reverse("goals:new") + "?level=team",
            new_goal_data(title="Niet van mij", team=str(personas.finance.public_id)),
        )
    )
    assert "Kies een team waarvoor je doelen stelt." in errors_at(html, "team")


def test_a_managers_search_finds_the_same_teams_however_large_their_branch(
    client, personas, monkeypatch
):
    """A manager of a small branch is searched through the teams of their people, anyone else
    through a test of each team (`forms._within_a_small_branch`): the same teams either way."""
    from stip.goals import forms

    for name in ("Planning Noord", "Planning Zuid", "Planning West"):
        team = TeamFactory(name=name)
        PersonFactory(manager=personas.employee, team=team)  # Eva reports to Mark
    TeamFactory(name="Planning Oost")  # nobody under Mark
    PersonFactory(manager=personas.director, team=TeamFactory(name="Planning Midden"))
    client.force_login(personas.manager.user)
    found = []
    for small_branch in (forms.SMALL_BRANCH, 0):
        monkeypatch.setattr(forms, "SMALL_BRANCH", small_branch)
        html = html_of(client.get(reverse("goals:pick_team"), {"team_q": "plan"}, **HTMX))
        found.append(options(html, "team"))
    assert found[0] == found[1]
    assert set(found[0]) == {"Planning", "Planning Noord", "Planning West", "Planning Zuid"}


def test_someone_who_sets_no_team_goals_gets_no_team_picker(client, personas):
    client.force_login(personas.employee.user)
    assert client.get(reverse("goals:pick_team"), {"team_q": "plan"}).status_code == 404


# The goal it contributes to --------------------------------------------------------------------


def test_an_employee_is_offered_the_goals_above_them_and_not_the_others(client, personas):
    organisation = create_goal(
        personas.hr, level=Goal.Level.ORGANISATION, title="Deliver on time", is_strategic=True
    )
    team_goal(personas, "Plan every route the evening before")
    create_goal(personas.hr, level=Goal.Level.TEAM, team=personas.operations, title="Ops")
    create_goal(personas.manager, title="Mark's own goal", visibility=Goal.Visibility.ORGANISATION)
    create_goal(personas.hr, level=Goal.Level.TEAM, team=personas.finance, title="Close in 3 days")
    create_goal(personas.outsider, title="Otto's goal", visibility=Goal.Visibility.ORGANISATION)
    create_goal(personas.peer, title="Piet's private goal", visibility=Goal.Visibility.PRIVATE)
    closed = team_goal(personas, "Closed team goal")
    Goal.objects.filter(pk=closed.pk).update(status="achieved", closed_at=closed.created_at)

    client.force_login(personas.employee.user)
    html = html_of(client.get(reverse("goals:new")))
    # Strategic and organisation goals first; then the teams' up the tree; then the managers'.
    assert options(html, "parent") == {
        "— No goal —": True,
        "Deliver on time": False,
        "Plan every route the evening before": False,
        "Mark's own goal": False,
    }
    assert "Organisation · Strategic" in html and "Team · Planning" in html
    # The director's team goal of Operations is one the employee may not see.
    assert "Ops" not in options(html, "parent")

    # Searching looks among the same goals, by title or team.
    pick = reverse("goals:pick_parent")
    html = html_of(client.get(pick, {"level": "personal", "parent_q": "planning"}, **HTMX))
    assert list(options(html, "parent")) == ["— No goal —", "Plan every route the evening before"]
    html = html_of(client.get(pick, {"level": "personal", "parent_q": "otto"}, **HTMX))
    assert list(options(html, "parent")) == ["— No goal —"]
    assert "No goal matches “otto”." in html

    # Chosen, and saved.
    response = client.post(
        reverse("goals:new"),
        new_goal_data(
            title="My part",
            owner=str(personas.employee.public_id),
            parent=str(organisation.public_id),
        ),
    )
    assert response.status_code == 302
    assert Goal.objects.get(title="My part").parent == organisation


def test_the_goals_offered_follow_the_dates_and_the_team_chosen(client, personas):
    team_goal(personas, "Plan every route the evening before")
    next_year = GoalFactory(
        level="team",
        owner=None,
        team=personas.planning,
        title="Next year's plan",
        start_date="2099-01-01",
        end_date="2099-12-31",
    )
    client.force_login(personas.hr.user)
    pick = reverse("goals:pick_parent")
    params = {"level": "team", "team": personas.planning.public_id}
    html = html_of(client.get(pick, params, **HTMX))
    assert list(options(html, "parent")) == ["— No goal —", "Plan every route the evening before"]
    params |= {"start_date": "2099-01-01", "end_date": "2099-12-31"}
    html = html_of(client.get(pick, params, **HTMX))
    assert list(options(html, "parent")) == ["— No goal —", next_year.title]
    # Without a team, HR is offered the goals above HR itself: not Planning's.
    html = html_of(client.get(pick, {"level": "team"}, **HTMX))
    assert list(options(html, "parent")) == ["— No goal —"]


def test_the_choices_stay_chosen_when_the_form_comes_back_with_errors(client, personas):
    parent = team_goal(personas, "Plan every route the evening before")
    client.force_login(personas.manager.user)
    html = html_of(
        client.post(
            reverse("goals:new") + "?level=team",
            new_goal_data(
                title="",
                team=str(personas.planning.public_id),
                parent=str(parent.public_id),
                parent_q="zzz",
            ),
        )
    )
    assert "This field is required." in errors_at(html, "id_title")
    assert options(html, "team")["Planning"] is True
    assert options(html, "parent")["Plan every route the evening before"] is True
    assert 'name="parent_q" value="zzz"' in html


def test_a_goal_one_may_not_see_is_neither_offered_nor_accepted(client, personas):
    private = create_goal(personas.peer, title="Piet's private goal", visibility="private")
    client.force_login(personas.employee.user)
    html = html_of(client.get(reverse("goals:pick_parent"), {"parent": private.public_id}, **HTMX))
    assert "Piet's private goal" not in html
    html = html_of(
        client.post(
            reverse("goals:new"),
            new_goal_data(
                title="Mine",
                owner=str(personas.employee.public_id),
                parent=str(private.public_id),
            ),
        )
    )
    assert "Choose a goal you can see." in errors_at(html, "parent")
    assert not Goal.objects.filter(title="Mine").exists()


def test_editing_offers_neither_the_goal_itself_nor_accepts_a_loop(client, personas):
    top = team_goal(personas, "Plan every route the evening before")
    below = create_goal(personas.employee, title="Automate the planning", parent=top)
    client.force_login(personas.manager.user)
    html = html_of(client.get(reverse("goals:edit", args=[top.public_id])))
    assert "Plan every route the evening before" not in options(html, "parent")
    assert f'hx-get="/goals/pick/goal/?goal={top.public_id}"' in html

    html = html_of(
        client.post(
            reverse("goals:edit", args=[top.public_id]),
            edit_data(top, parent=str(below.public_id)),
        )
    )
    assert "This would make a loop" in errors_at(html, "parent")
    assert options(html, "parent")["Automate the planning"] is True
    top.refresh_from_db()
    assert top.parent is None


def test_the_goal_it_contributes_to_stays_on_the_edit_form(client, personas):
    parent = create_goal(personas.hr, level=Goal.Level.ORGANISATION, title="Deliver on time")
    goal = create_goal(personas.employee, title="My part", parent=parent)
    client.force_login(personas.employee.user)
    html = html_of(client.get(reverse("goals:edit", args=[goal.public_id])))
    assert options(html, "parent") == {"— No goal —": False, "Deliver on time": True}
    response = client.post(reverse("goals:edit", args=[goal.public_id]), edit_data(goal))
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.parent == parent


# Without JavaScript ----------------------------------------------------------------------------


def test_without_javascript_search_shows_what_it_found_and_keeps_what_was_typed(client, personas):
    team_goal(personas, "Plan every route the evening before")
    client.force_login(personas.hr.user)
    data = new_goal_data(
        title="Half-typed",
        description="Words I keep",
        team_q="plan",
        search="team",
        **{"kr-0-title": "Routes", "kr-0-start_value": "abc"},
    )
    html = html_of(client.post(reverse("goals:new") + "?level=team", data))
    assert options(html, "team") == {"Planning": False}
    assert 'value="Half-typed"' in html and "Words I keep" in html and 'value="abc"' in html
    # Nothing was judged yet: no errors, nothing saved.
    assert "correct the fields marked below" not in html and "errorlist" not in html
    assert not Goal.objects.filter(title="Half-typed").exists()

    data |= {"team": str(personas.planning.public_id), "parent_q": "route", "search": "parent"}
    html = html_of(client.post(reverse("goals:new") + "?level=team", data))
    assert options(html, "team") == {"Planning": True}
    assert "Plan every route the evening before" in options(html, "parent")

    del data["search"]
    data["kr-0-start_value"] = "0"
    data["kr-0-target_value"] = "10"
    response = client.post(reverse("goals:new") + "?level=team", data)
    assert response.status_code == 302
    assert Goal.objects.get(title="Half-typed").team == personas.planning


def test_the_search_button_only_shows_without_javascript(client, personas):
    client.force_login(personas.employee.user)
    html = html_of(client.get(reverse("goals:new")))
    assert re.search(r'<noscript><button type="submit" name="search" value="parent"', html)
    # Enter in a field saves, as it does with JavaScript.
    first_button = re.search(r"<button[^>]*>", html[html.index('class="goal-form"') :])
    assert 'name="search"' not in first_button.group(0)


# Query budgets ----------------------------------------------------------------------------------
#
# Each is measured with few and with many teams and goals; the counts must be equal. Every page
# starts with two queries: the session, and the user with their person.


def grow(personas, n):
    """`n` teams under Planning, each with a goal, and `n` goals of the organisation and of the
    people in Planning: more than the pickers offer."""
    for index in range(Goal.objects.filter(level="organisation").count(), n):
        team = TeamFactory(name=f"Planning {index}", parent=personas.planning)
        PersonFactory(team=team, manager=personas.manager)
        GoalFactory(level="team", owner=None, team=team, title=f"Planning goal {index}")
        GoalFactory(level="team", owner=None, team=personas.planning, title=f"Plan {index}")
        GoalFactory(level="organisation", owner=None, title=f"Organisation goal {index}")
        GoalFactory(owner=personas.manager, title=f"Mark's plan {index}")


def edited(personas):
    return Goal.objects.filter(title="Edited").first() or GoalFactory(
        owner=personas.employee, title="Edited"
    )


def chosen_parent(personas):
    return Goal.objects.filter(title="Chosen").first() or GoalFactory(
        level="organisation", owner=None, title="Chosen"
    )


QUERY_BUDGETS = [
    # Each: the session and me, then what is named (the chain's teams are read apart, so that
    # PostgreSQL reads the goals to suggest from their indexes).
    # + the people I may set goals for; the chosen goal; the chain's teams; the goals to suggest.
    (
        "new goal",
        "employee",
        lambda p: reverse("goals:new") + f"?parent={chosen_parent(p).public_id}",
        7,
    ),
    # + whether I lead a team; my teams to suggest; the chain's teams; the goals to suggest.
    ("new team goal", "manager", lambda p: reverse("goals:new") + "?level=team", 6),
    # + the teams to suggest; the chain's teams; the goals to suggest.
    ("new team goal", "hr", lambda p: reverse("goals:new") + "?level=team", 5),
    # + the chain's teams; the goals to suggest.
    ("new organisation goal", "hr", lambda p: reverse("goals:new") + "?level=organisation", 4),
    # + the goal; the chain's teams; the goals to suggest.
    ("edit goal", "manager", lambda p: reverse("goals:edit", args=[edited(p).public_id]), 5),
    # + whether I lead a team; the team chosen; how many people are under me (up to 2,000);
    # the teams that match.
    (
        "team picker",
        "manager",
        lambda p: reverse("goals:pick_team") + f"?team={p.planning.public_id}&team_q=plan",
        6,
    ),
    ("team picker", "hr", lambda p: reverse("goals:pick_team") + "?team_q=plan", 3),
    # + the owner (as the form takes it); the people I may set goals for; the goal chosen; the
    # goals that match.
    (
        "goal picker",
        "manager",
        lambda p: (
            reverse("goals:pick_parent")
            + f"?level=personal&owner={p.manager.public_id}&parent={chosen_parent(p).public_id}"
            + "&parent_q=plan"
        ),
        7,
    ),
    # + the team (as the form takes it); the team chosen; the chain's teams; the goals that match.
    (
        "goal picker",
        "hr",
        lambda p: (
            reverse("goals:pick_parent") + f"?level=team&team={p.planning.public_id}&parent_q=plan"
        ),
        6,
    ),
]


@pytest.mark.parametrize(
    ("name", "viewer", "target", "budget"),
    QUERY_BUDGETS,
    ids=[f"{row[0]} as {row[1]}" for row in QUERY_BUDGETS],
)
def test_query_counts_do_not_grow_with_the_organisation(
    client, personas, name, viewer, target, budget
):
    client.force_login(getattr(personas, viewer).user)
    counts = []
    for size in (3, PICKER_OPTIONS + 10):
        grow(personas, size)
        path = target(personas)
        with CaptureQueriesContext(connection) as queries:
            html = html_of(client.get(path))
        counts.append(len(queries))
        assert len(re.findall(r'<input type="radio"', html)) <= 2 * (PICKER_OPTIONS + 2)
    assert counts == [budget, budget], [q["sql"] for q in queries.captured_queries]
