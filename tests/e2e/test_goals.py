import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stip.goals import services
from stip.goals.models import Goal
from stip.goals.queries import quarter_of
from tests.factories import PASSWORD
from tests.personas import build_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/signin/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    # The top bar has a submit button of its own (the language switch).
    page.locator("main").get_by_role("button", name="Sign in").click()


def choose(page, picker: str, typed: str, name: str):
    """Search a picker of the goal form (htmx) and choose from what it found."""
    page.locator(f"#{picker}-search").fill(typed)
    options = page.locator(f"#{picker}-options")
    expect(options.get_by_label(name)).to_have_count(1)
    options.get_by_label(name).check()


def test_an_employee_aligns_a_goal_to_the_team_goal_and_the_manager_sees_it(page, live_server):
    personas = build_personas()
    quarter = quarter_of(timezone.localdate())
    services.goal_create(
        actor=personas.manager.user,
        level=Goal.Level.TEAM,
        team=personas.planning,
        title="Plan every route the evening before",
        kind=Goal.Kind.MILESTONE,
        visibility=Goal.Visibility.TEAM,
        period=Goal.Period.QUARTER,
        start_date=quarter.start,
        end_date=quarter.end,
    )

    sign_in(page, live_server, personas.employee.user.email)
    page.locator(".mainnav").get_by_role("link", name="Goals").click()
    expect(page.get_by_role("heading", name="Goals")).to_be_visible()
    page.get_by_role("link", name="New goal").click()
    page.get_by_label("Title").fill("Automate the Almere planning")
    # The goal picker suggests the team's goals; a search (htmx) finds them too.
    choose(page, "parent", "evening", "Plan every route the evening before")
    page.get_by_label("Key result (1)").fill("Routes generated automatically")
    page.get_by_label("Start (1)").fill("0")
    page.get_by_label("Target (1)").fill("40")
    page.get_by_role("button", name="Save goal").click()
    expect(page.locator("h1")).to_have_text("Automate the Almere planning")
    expect(page.locator(".breadcrumbs")).to_contain_text("Plan every route the evening before")

    # The update form opens in place (htmx); saving brings the goal's page back.
    page.get_by_role("link", name="Update progress").click()
    panel = page.locator("#update-panel")
    panel.get_by_label("Routes generated automatically").fill("10")
    panel.get_by_label("At risk").check()
    panel.get_by_label("Comment").fill("Waiting for access to the planning API")
    panel.get_by_role("button", name="Save update").click()
    expect(page.locator(".big-number")).to_have_text("25%")
    expect(page.locator("#history-heading + *")).to_be_visible()  # the chart
    expect(page.get_by_text("Waiting for access to the planning API")).to_be_visible()

    sign_in(page, live_server, personas.manager.user.email)
    page.goto(f"{live_server.url}/goals/team/")
    row = page.locator(".report-row", has_text="Eva Employee")
    expect(row).to_contain_text("Automate the Almere planning")
    expect(row).to_contain_text("At risk")
    expect(row).to_contain_text("25%")
    page.screenshot(path="test-results/goals-team.png", full_page=True)

    # The tree: the team goal at the top, Eva's goal under it once opened.
    page.get_by_role("link", name="Alignment").click()
    node = page.locator(".goaltree > li", has_text="Plan every route the evening before")
    node.locator(".org-toggle").click()
    expect(node.locator("ul[role=group]")).to_contain_text("Automate the Almere planning")
    expect(node).to_have_attribute("aria-expanded", "true")
    page.screenshot(path="test-results/goals-tree.png", full_page=True)


def test_hr_picks_the_team_and_the_goals_offered_follow_it(page, live_server):
    personas = build_personas()
    quarter = quarter_of(timezone.localdate())
    services.goal_create(
        actor=personas.hr.user,
        level=Goal.Level.TEAM,
        team=personas.operations,
        title="Operations delivers what it promises",
        kind=Goal.Kind.MILESTONE,
        visibility=Goal.Visibility.ORGANISATION,
        period=Goal.Period.QUARTER,
        start_date=quarter.start,
        end_date=quarter.end,
    )

    sign_in(page, live_server, personas.hr.user.email)
    page.goto(f"{live_server.url}/goals/new/?level=team")
    page.get_by_label("Title").fill("Plan the peak season")
    parent_options = page.locator("#parent-options")
    expect(parent_options).not_to_contain_text("Operations delivers what it promises")
    choose(page, "team", "plan", "Planning")
    # Planning is under Operations: Operations' goal is offered once the team is chosen.
    expect(parent_options).to_contain_text("Operations delivers what it promises")
    parent_options.get_by_label("Operations delivers what it promises").check()
    page.screenshot(path="test-results/goals-pickers.png", full_page=True)
    page.get_by_role("button", name="Save goal").click()
    expect(page.locator("h1")).to_have_text("Plan the peak season")
    expect(page.locator(".breadcrumbs")).to_contain_text("Operations delivers what it promises")
    assert Goal.objects.get(title="Plan the peak season").team == personas.planning
