import pytest
from playwright.sync_api import expect

from stip.feedback import services
from stip.feedback.models import CompanyValue
from tests.factories import PASSWORD, PersonFactory
from tests.feedback.builders import answer, start_round
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
    """Search a person picker (htmx) and tick the person in the suggestions."""
    page.locator(f"#{picker}-search").fill(typed)
    page.locator(f"#{picker}-options").get_by_label(name).check()


def test_ask_for_feedback_answer_it_and_read_it(page, live_server):
    personas = build_personas()

    sign_in(page, live_server, personas.employee.user.email)
    page.locator(".mainnav").get_by_role("link", name="Feedback").click()
    expect(page.get_by_role("heading", name="My feedback")).to_be_visible()
    page.get_by_role("link", name="Ask for feedback").first.click()
    page.get_by_label("What would you like to know?").fill("How was my talk at the planning day?")
    choose(page, "respondents", "Piet", "Piet Peer")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request is sent.")).to_be_visible()
    expect(page.locator("h1")).to_have_text("How was my talk at the planning day?")

    # The colleague finds the request on the home page and answers it.
    sign_in(page, live_server, personas.peer.user.email)
    page.get_by_role("link", name="Eva Employee asks for your feedback").click()
    page.get_by_label("Your feedback for Eva Employee").fill("Clear story, good examples.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Thank you: your answer is sent.")).to_be_visible()

    # She reads it.
    sign_in(page, live_server, personas.employee.user.email)
    page.goto(f"{live_server.url}/feedback/?show=requests")
    page.get_by_role("link", name="How was my talk at the planning day?").click()
    expect(page.locator(".feedback-item")).to_contain_text("Clear story, good examples.")
    expect(page.get_by_text("Answered", exact=True)).to_be_visible()
    page.screenshot(path="test-results/feedback-request.png", full_page=True)


def test_praise_a_colleague_for_a_value_and_react(page, live_server):
    personas = build_personas()
    CompanyValue.objects.create(name_en="Customer first", name_nl="Klant voorop")

    sign_in(page, live_server, personas.employee.user.email)
    page.goto(f"{live_server.url}/feedback/praise/")
    page.get_by_role("link", name="Give praise").click()
    choose(page, "recipient", "Piet", "Piet Peer")
    page.get_by_label("Which company value did they show?").select_option(label="Customer first")
    page.get_by_label("What did they do?").fill("You rerouted the trucks when the A6 closed.")
    page.get_by_role("button", name="Post praise").click()
    expect(page.get_by_text("Your praise for Piet Peer is on the wall.")).to_be_visible()
    card = page.locator(".praise-card", has_text="You rerouted the trucks")
    expect(card).to_contain_text("Customer first")

    # A colleague applauds (htmx: only the reactions change).
    sign_in(page, live_server, personas.manager.user.email)
    page.goto(f"{live_server.url}/feedback/praise/")
    card = page.locator(".praise-card", has_text="You rerouted the trucks")
    applause = card.get_by_role("button", name="Applause")
    applause.click()
    expect(card.get_by_role("button", name="Applause")).to_have_attribute("aria-pressed", "true")
    expect(card.get_by_role("button", name="Applause")).to_contain_text("1")

    # On Piet's profile too.
    page.goto(f"{live_server.url}/people/{personas.peer.public_id}/")
    expect(page.locator("#praise-heading + *")).to_contain_text("You rerouted the trucks")
    page.screenshot(path="test-results/feedback-praise.png", full_page=True)


def test_a_360_result_hides_two_peers_and_shows_three_without_names(page, live_server):
    personas = build_personas()
    peers = PersonFactory.create_batch(3, manager=personas.manager, team=personas.planning)

    def closed_round(answering):
        round_ = start_round(personas, peers=peers)
        answer(round_, personas.employee, 3, "I plan ahead")
        for index, peer in enumerate(answering):
            answer(round_, peer, 2 + index, f"Remark of a peer {index}")
        return services.round_close(round_=round_, actor=personas.manager.user)

    two = closed_round(peers[:2])
    three = closed_round(peers)

    sign_in(page, live_server, personas.manager.user.email)
    page.goto(f"{live_server.url}/feedback/rounds/{two.public_id}/")
    page.get_by_role("link", name="Read the result").click()
    expect(
        page.get_by_text(
            "Fewer than 3 people answered as peers, so their answers are not shown, "
            "to keep them anonymous."
        )
    ).to_be_visible()
    expect(page.get_by_role("rowheader", name="Peers")).to_have_count(0)
    expect(page.get_by_text("Remark of a peer 0")).to_have_count(0)

    page.goto(f"{live_server.url}/feedback/rounds/{three.public_id}/result/")
    peers_row = page.get_by_role("row", name="Peers").first
    expect(peers_row).to_contain_text("3.0")  # (2 + 3 + 4) / 3
    expect(page.get_by_text("Remark of a peer 2")).to_be_visible()
    html = page.content()
    for peer in peers:
        assert peer.full_name not in html
    page.screenshot(path="test-results/feedback-360-result.png", full_page=True)
