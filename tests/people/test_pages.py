import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stip.core.models import AuditEntry
from stip.people.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def page(client, name, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200
    return response.content.decode()


def grow_organisation(personas, size: int):
    """Add people under the manager (and their own reports) until the organisation has `size`."""
    missing = size - Person.objects.count()
    leads = PersonFactory.create_batch(
        max(1, missing // 10), manager=personas.manager, team=personas.planning
    )
    for i in range(missing - len(leads)):
        PersonFactory(manager=leads[i % len(leads)], team=personas.planning, job_title="Planner")


def test_home_shows_my_manager_reports_and_team(client, personas):
    client.force_login(personas.manager.user)
    html = page(client, "home")
    assert "Hello, Mark" in html
    assert "Diana de Directeur" in html  # my manager
    assert "Eva Employee" in html and "Piet Peer" in html  # my reports
    assert "Lotte Leaver" not in html  # has left


def test_home_lists_my_first_teammates_and_links_to_all_of_them(client, personas):
    client.force_login(personas.employee.user)
    team = personas.employee.team
    html = page(client, "home")
    others = Person.objects.current().filter(team=team).exclude(pk=personas.employee.pk)
    assert "Piet Peer" in html and "See all" not in html
    assert html.count('class="person-name"') >= others.count()

    PersonFactory.create_batch(14, team=team, manager=personas.manager)
    total = others.count()
    html = page(client, "home")
    assert f"See all {total} colleagues" in html
    teammates = html.split('id="team-heading"')[1]
    assert teammates.count('class="person-name"') == 12
    assert f"?team={team.public_id}" in teammates


def test_directory_searches_by_name_team_and_job(client, personas):
    client.force_login(personas.hr.user)
    html = client.get(reverse("people:directory"), {"q": "eva empl"}).content.decode()
    assert "Eva Employee" in html and "Piet Peer" not in html
    html = client.get(
        reverse("people:directory"), {"team": str(personas.operations.public_id)}
    ).content.decode()
    # A department includes its sub-teams.
    assert "Mark Manager" in html and "Diana de Directeur" in html
    assert "Otto Outsider" not in html
    html = client.get(reverse("people:directory"), {"job_title": "controller"}).content.decode()
    assert "Otto Outsider" in html and "Eva Employee" not in html


def test_a_directory_search_counts_its_matches_up_to_a_bound(client, personas, monkeypatch):
    """No index finds words inside names, and counting everyone reads everyone: the count stops
    after the bound, and the pages have no total, with or without a search."""
    from stip.people import views

    monkeypatch.setattr(views, "SEARCH_COUNTED", 3)
    monkeypatch.setattr(views, "EVERYONE_COUNTED", 5)
    monkeypatch.setattr(views, "DIRECTORY_PAGE_SIZE", 2)
    client.force_login(personas.hr.user)
    for n in range(3):
        PersonFactory(first_name=f"Janneke{n}", team=personas.planning)

    three = client.get(reverse("people:directory"), {"q": "janneke"}).content.decode()
    PersonFactory(first_name="Janneke3", team=personas.planning)
    four = client.get(reverse("people:directory"), {"q": "janneke"}).content.decode()
    last = client.get(reverse("people:directory"), {"q": "janneke", "page": 2}).content.decode()
    everyone = page(client, "people:directory")

    assert "3 people" in three and "More than" not in three
    assert "More than 3 people" in four
    assert "Page 1" in four and "Page 1 of" not in four and 'rel="next"' in four
    assert 'rel="next"' not in last and 'rel="prev"' in last
    assert all(f"Janneke{n}" in four + last for n in range(4))
    assert Person.objects.visible_to(personas.hr.user).count() > 3
    assert "More than 5 people" in everyone
    assert "Page 1" in everyone and "Page 1 of" not in everyone and 'rel="next"' in everyone


def test_directory_answers_htmx_with_the_results_only(client, personas):
    client.force_login(personas.employee.user)
    response = client.get(reverse("people:directory"), {"q": "Otto"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Otto Outsider" in html
    assert "<html" not in html


def test_directory_hides_people_who_left_except_from_hr(client, personas):
    client.force_login(personas.employee.user)
    assert "Lotte Leaver" not in page(client, "people:directory")
    client.force_login(personas.hr.user)
    assert "Lotte Leaver" in page(client, "people:directory")


def test_profile_shows_job_team_manager_reports(client, personas):
    client.force_login(personas.peer.user)
    html = page(client, "people:profile", public_id=personas.manager.public_id)
    assert "Team lead" in html and "Planning" in html
    assert "Diana de Directeur" in html
    assert "Eva Employee" in html
    assert "API tokens" not in html  # only on one's own profile


def test_end_date_is_for_the_person_their_chain_and_hr(client, personas):
    personas.peer.end_date = personas.peer.start_date.replace(year=2030)
    personas.peer.save()
    for viewer, sees in [
        (personas.peer, True),
        (personas.manager, True),
        (personas.director, True),
        (personas.hr, True),
        (personas.employee, False),
        (personas.outsider, False),
    ]:
        client.force_login(viewer.user)
        html = page(client, "people:profile", public_id=personas.peer.public_id)
        assert ("End date" in html) is sees, viewer


def test_hr_grants_and_revokes_the_hr_role_with_an_audit_entry(client, personas):
    client.force_login(personas.hr.user)
    html = page(client, "people:profile", public_id=personas.peer.public_id)
    assert "Grant the HR role" in html
    client.post(
        reverse("people:hr_role", kwargs={"public_id": personas.peer.public_id}), {"grant": "1"}
    )
    personas.peer.refresh_from_db()
    assert personas.peer.is_hr
    entry = AuditEntry.objects.get(action="people.hr_role_granted")
    assert entry.actor == personas.hr.user
    assert entry.object_id == str(personas.peer.public_id)
    assert entry.before == {"is_hr": False} and entry.after == {"is_hr": True}
    client.post(
        reverse("people:hr_role", kwargs={"public_id": personas.peer.public_id}), {"grant": "0"}
    )
    personas.peer.refresh_from_db()
    assert not personas.peer.is_hr
    assert AuditEntry.objects.filter(action="people.hr_role_revoked").count() == 1


def test_nobody_else_sees_the_hr_role_controls(client, personas):
    client.force_login(personas.manager.user)
    html = page(client, "people:profile", public_id=personas.employee.public_id)
    assert "HR role" not in html


def test_org_chart_starts_at_the_top_and_expands_on_demand(client, personas):
    client.force_login(personas.employee.user)
    html = page(client, "people:org_chart")
    assert "Diana de Directeur" in html
    assert "Mark Manager" not in html  # not loaded until expanded
    html = page(client, "people:org_chart_children", public_id=personas.director.public_id)
    assert "Mark Manager" in html and "3 reports" not in html
    assert "2 reports" in html  # Eva and Piet; Lotte has left


def test_org_chart_starts_at_me(client, personas):
    client.force_login(personas.employee.user)
    html = client.get(reverse("people:org_chart"), {"from": "me"}).content.decode()
    assert "Diana de Directeur" in html and "Mark Manager" in html  # my chain
    assert "is-focus" in html


def test_org_chart_pages_large_teams(client, personas):
    PersonFactory.create_batch(60, manager=personas.manager)
    client.force_login(personas.employee.user)
    html = page(client, "people:org_chart_children", public_id=personas.manager.public_id)
    assert html.count('class="org-node') == 50
    assert "Show more (50 of 62 shown)" in html


def test_access_tokens_are_shown_once_and_revocable(client, personas):
    client.force_login(personas.employee.user)
    response = client.post(reverse("core:access_token_create"), {"name": "reporting"}, follow=True)
    html = response.content.decode()
    token = personas.employee.user.access_tokens.get()
    assert "stip_" in html and token.hint in html
    # Only the digest is stored; the secret is not shown again.
    assert token.digest not in html
    html = page(client, "people:me")
    assert "reporting" in html and "Copy it now" not in html
    client.post(reverse("core:access_token_revoke", kwargs={"public_id": token.public_id}))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="core.access_token_revoked").count() == 1


# Query budgets: the same number of queries at 20 and at 500 people.
# Every page starts with two: the session, and the user with their person.
PAGES = [
    # + count, the team filter's options, one page of rows with team and manager joined.
    ("people:directory", {}, None, 5),
    # + matches counted up to 500, the team filter's options, one page of matches.
    ("people:directory", {}, {"q": "a"}, 5),
    # + the person with their report count, the first page of their reports, the chain, the
    # viewer's tokens when it is their own profile, the praise they received (one query, from
    # the feedback app's `praise_received_card` tag).
    ("people:profile", {"public_id": "manager"}, None, 7),
    ("people:me", {}, None, 7),
    # + the top of the organisation with report counts.
    ("people:org_chart", {}, None, 3),
    # + the focus with its report count, its management chain.
    ("people:org_chart", {}, {"from": "me"}, 4),
    ("people:org_chart", {}, {"from": "employee"}, 4),
    # + the parent, count + one page of reports with their report counts.
    ("people:org_chart_children", {"public_id": "manager"}, None, 5),
    # + me with my manager and my team, my first reports and my first teammates (each list
    # with how many there are, in the same query), the strategic goals card (one query, from
    # the goals app's `strategic_goals_card` tag), the conversations card (three: upcoming
    # meetings, overdue action items, overdue 1:1s; from `conversations_card`) and the feedback
    # card (two, from `feedback_to_answer_card`).
    ("home", {}, None, 11),
]


@pytest.mark.parametrize(("name", "kwargs", "params", "budget"), PAGES)
def test_query_counts_do_not_grow_with_the_organisation(
    client, personas, name, kwargs, params, budget
):
    client.force_login(personas.manager.user)
    url = reverse(
        name, kwargs={k: getattr(personas, v).public_id for k, v in kwargs.items()} or None
    )
    # A parameter that names a persona is their id.
    params = {
        k: str(getattr(personas, v).public_id) if v in personas.NAMES else v
        for k, v in (params or {}).items()
    }
    counts = []
    for size in (20, 500):
        grow_organisation(personas, size)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        counts.append(len(queries))
    assert counts == [budget, budget]


def test_directory_offers_the_top_of_the_team_tree_and_still_filters_by_any_team(client, personas):
    from tests.factories import TeamFactory

    deep = TeamFactory(name="Route planning Almere", parent=personas.planning)
    PersonFactory(first_name="Dirk", last_name="Diep", team=deep)
    client.force_login(personas.employee.user)
    html = page(client, "people:directory")
    assert ">Operations<" in html and ">Planning<" in html
    assert "Route planning Almere</option>" not in html  # a third level: reached via its parents
    html = client.get(reverse("people:directory"), {"team": str(deep.public_id)}).content.decode()
    assert "Dirk Diep" in html and "Piet Peer" not in html
    assert f'value="{deep.public_id}" selected' in html
