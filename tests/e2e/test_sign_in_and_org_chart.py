import pytest

from stip.people.demo import DEMO_PASSWORD, seed_demo_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_demo_employee_signs_in_switches_to_dutch_and_opens_the_org_chart(page, live_server):
    demo = seed_demo_organisation()
    employee = next(s for s in demo.sign_ins if s.role == "employee")
    manager = next(s for s in demo.sign_ins if s.role == "manager")

    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Sign in to Stip"
    page.get_by_label("E-mail address").fill(employee.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    assert page.locator("h1").inner_text() == f"Hello, {employee.name.split()[0]}"
    assert manager.name in page.locator("#manager-heading + *").inner_text()

    page.get_by_role("button", name="Nederlands").click()
    assert page.locator("h1").inner_text() == f"Hallo, {employee.name.split()[0]}"
    assert page.locator("html").get_attribute("lang") == "nl"

    page.get_by_role("link", name="Organogram").click()
    page.get_by_role("link", name="Begin bij mij").click()
    focus = page.locator(".org-node.is-focus")
    assert employee.name in focus.inner_text()
    # The management chain above me is shown, and my manager can be expanded on demand.
    assert manager.name in page.locator(".breadcrumbs").inner_text()
    page.goto(f"{live_server.url}/people/chart/")
    top = page.locator(".orgchart > li").first
    top.locator(".org-toggle").click()
    assert top.locator("ul[role=group] > li").count() > 0
    assert top.get_attribute("aria-expanded") == "true"
    page.screenshot(path="test-results/org-chart-nl.png", full_page=True)
