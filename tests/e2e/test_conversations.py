import pytest
from playwright.sync_api import expect

from tests.conversations import builders
from tests.factories import PASSWORD
from tests.personas import build_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PRIVATE = "Ask whether the night shifts are too much"


def sign_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/signin/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


def test_a_1on1_from_both_sides_and_an_acknowledged_performance_report(page, live_server):
    personas = build_personas()
    builders.check_in_template(personas)
    builders.series(personas)
    report = builders.report(
        personas, text="Eva planned every Almere route on time and wants to learn SQL."
    )

    # Eva prepares: a talking point on the shared agenda (htmx, no page load).
    sign_in(page, live_server, personas.employee.user.email)
    page.locator(".mainnav").get_by_role("link", name="Conversations").click()
    page.get_by_role("link", name="1:1 with Mark Manager").click()
    expect(page.locator("h1")).to_have_text("1:1 with Mark Manager")
    agenda = page.locator("#agenda")
    agenda.get_by_label("Add a talking point").fill("Can I join the SQL course in January?")
    agenda.get_by_role("button", name="Add to the agenda").click()
    expect(agenda.locator(".agenda-item", has_text="Can I join the SQL course")).to_be_visible()
    expect(agenda.get_by_label("Add a talking point")).to_have_value("")

    # Mark sees it, takes shared notes, agrees an action, keeps a private note.
    sign_in(page, live_server, personas.manager.user.email)
    page.goto(f"{live_server.url}/conversations/")
    page.get_by_role("link", name="1:1 with Eva Employee").click()
    expect(page.locator("#agenda")).to_contain_text("Can I join the SQL course in January?")
    notes = page.locator("#notes")
    notes.get_by_label("Shared notes").fill("Yes to the SQL course; Eva books it this week.")
    notes.get_by_role("button", name="Save notes").click()
    expect(notes.get_by_role("status")).to_have_text("Saved.")
    actions = page.locator("#actions")
    actions.get_by_label("Action").fill("Book the SQL course")
    actions.get_by_label("Who").select_option(label="Eva Employee")
    actions.get_by_role("button", name="Add action").click()
    expect(actions.locator(".action-list")).to_contain_text("Book the SQL course")
    private = page.locator("#private")
    private.get_by_label("My private note").fill(PRIVATE)
    private.get_by_role("button", name="Save private note").click()
    expect(private.get_by_role("status")).to_have_text("Saved.")
    page.screenshot(path="test-results/conversations-meeting-manager.png", full_page=True)

    # Eva sees the shared notes and her action, not Mark's private note.
    sign_in(page, live_server, personas.employee.user.email)
    page.goto(f"{live_server.url}/conversations/")
    page.get_by_role("link", name="1:1 with Mark Manager").click()
    expect(page.locator("#notes textarea")).to_have_value(
        "Yes to the SQL course; Eva books it this week."
    )
    expect(page.locator("#actions")).to_contain_text("Book the SQL course")
    expect(page.locator("#private textarea")).to_have_value("")
    expect(page.get_by_text(PRIVATE)).to_have_count(0)
    assert PRIVATE not in page.content()

    # The performance conversation's report: Eva responds and acknowledges it.
    page.goto(f"{live_server.url}/conversations/reports/{report.public_id}/")
    expect(page.locator(".report-text")).to_contain_text("Eva planned every Almere route")
    page.get_by_label("Your response").fill("Thank you. I would like to grow into planning lead.")
    page.get_by_role("button", name="Save response").click()
    expect(page.get_by_role("status")).to_contain_text("Your response is saved")
    page.get_by_role("button", name="I have read this report").click()
    expect(page.locator(".goal-badges")).to_contain_text("Acknowledged and locked")
    expect(page.locator("#response")).to_contain_text("grow into planning lead")
    page.screenshot(path="test-results/conversations-report-acknowledged.png", full_page=True)
    report.refresh_from_db()
    assert report.acknowledged_at is not None
