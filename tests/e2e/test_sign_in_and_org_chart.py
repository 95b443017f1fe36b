import pytest
from playwright.sync_api import expect

from stip.people.demo import DEMO_PASSWORD, seed_demo_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_demo_employee_signs_in_switches_to_dutch_and_opens_the_org_chart(page, live_server):
    demo = seed_demo_organisation()
    # The English-speaking demo employee: the pages start in English.
    employee = demo.sign_in("employee (English)")

    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Sign in to Stip"
    page.get_by_label("E-mail address").fill(employee.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    assert page.locator("h1").inner_text() == f"Hello, {employee.name.split()[0]}"
    manager_name = page.locator("#manager-heading + * .person-name").inner_text().strip()
    assert manager_name

    page.get_by_role("button", name="Nederlands").click()
    assert page.locator("h1").inner_text() == f"Hallo, {employee.name.split()[0]}"
    assert page.locator("html").get_attribute("lang") == "nl"

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Organogram", exact=True
    ).click()
    page.get_by_role("link", name="Begin bij mij").click()
    focus = page.locator(".org-node.is-focus")
    assert employee.name in focus.inner_text()
    # The management chain above me is shown, and my manager can be expanded on demand.
    assert manager_name in page.locator(".breadcrumbs").inner_text()
    page.goto(f"{live_server.url}/people/chart/")
    top = page.locator(".orgchart > li").first
    top.locator(".org-toggle").click()
    expect(top.locator("ul[role=group] > li").first).to_be_visible()
    assert top.get_attribute("aria-expanded") == "true"
    # A second click folds the level away again.
    top.locator(".org-toggle").first.click()
    expect(top.locator("ul[role=group]").first).to_be_hidden()
    page.screenshot(path="test-results/org-chart-nl.png", full_page=True)
