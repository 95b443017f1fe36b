"""The praise cards and their reactions (`feedback_tags.praise_cards`, `reactions_forms`):
written in Python, read as a user and a browser read them, on the wall, on a person's praise
tab and in the answer to an htmx reaction."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from stip.feedback import services
from stip.feedback.models import CompanyValue, Reaction
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

WALL = "/feedback/praise/"


def praise_of(personas, text="Thanks!", **fields):
    return services.praise_give(
        author=personas.peer.user, recipient=personas.employee, text=text, **fields
    )


def reactions_of(html: str, praise) -> str:
    """The reactions form of one praise, as a page or an htmx answer writes it."""
    match = re.search(rf'<form [^>]*id="reactions-{praise.public_id}".*?</form>', html, re.S)
    assert match, html
    return match.group(0)


def button(form: str, kind: str) -> str:
    match = re.search(rf'<button [^>]*value="{kind}".*?</button>', form, re.S)
    assert match, form
    return match.group(0)


def token_of(form: str) -> str:
    tokens = re.findall(r'<input type="hidden" name="csrfmiddlewaretoken" value="(\w+)">', form)
    assert len(tokens) == 1, form
    return tokens[0]


def test_a_card_shows_who_praised_whom_for_what_with_the_reactions_and_mine(client, personas):
    value = CompanyValue.objects.create(name_en="Customer first", name_nl="Klant voorop")
    praise = praise_of(personas, "You rerouted the trucks.\n\nAgain.", value=value)
    for person, kind in [(personas.manager, "heart"), (personas.employee, "heart")]:
        services.praise_react(praise=praise, person=person.user, kind=kind)
    services.praise_react(praise=praise, person=personas.employee.user, kind="star")
    client.force_login(personas.employee.user)

    html = client.get(WALL).content.decode()

    url = reverse("feedback:praise_react", kwargs={"public_id": praise.public_id})
    form = reactions_of(html, praise)
    assert form.startswith(
        f'<form method="post" action="{url}" class="reactions" id="reactions-{praise.public_id}" '
        'role="group" aria-label="Reactions"\n'
        f'      hx-post="{url}" hx-target="this" hx-swap="outerHTML">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token_of(form)}">'
        f'<input type="hidden" name="next" value="{WALL}">\n'
    )
    assert button(form, "heart") == (
        '<button type="submit" name="kind" value="heart" class="reaction is-mine" '
        'aria-pressed="true" title="Love it"><span aria-hidden="true">❤️</span>'
        '<span class="visually-hidden">Love it</span> <span class="reaction-count">2</span>'
        "</button>"
    )
    assert 'class="reaction is-mine" aria-pressed="true" title="Star"' in button(form, "star")
    assert '<span class="reaction-count">1</span>' in button(form, "star")
    for kind in ("applause", "party"):
        assert 'class="reaction" aria-pressed="false"' in button(form, kind)
        assert '<span class="reaction-count">0</span>' in button(form, kind)
    assert f'<article class="praise-card" aria-labelledby="praise-{praise.public_id}">' in html
    profile = reverse("people:profile", kwargs={"public_id": personas.employee.public_id})
    assert (
        f'<span class="visually-hidden">praised</span> <a href="{profile}">'
        f"{personas.employee.full_name}</a></p>"
    ) in html
    assert '<span class="badge badge-value">Customer first</span>' in html
    assert '<div class="prose"><p>You rerouted the trucks.</p>\n\n<p>Again.</p></div>' in html
    assert " · Planning</p>" in html

    # The manager's heart counts, but it is not hers.
    client.force_login(personas.manager.user)
    form = reactions_of(client.get(WALL).content.decode(), praise)
    assert 'class="reaction is-mine" aria-pressed="true" title="Love it"' in button(form, "heart")
    assert 'class="reaction" aria-pressed="false" title="Star"' in button(form, "star")


def test_what_a_card_and_its_reactions_show_is_escaped(client, personas):
    value = CompanyValue.objects.create(name_en='Say <&"> it', name_nl="Zeg het")
    author = PersonFactory(first_name='<b>"Ann"</b>', last_name="& Co", team=personas.planning)
    praise = services.praise_give(
        author=author.user,
        recipient=personas.employee,
        text='<script>alert("hi")</script> & more',
        value=value,
    )
    client.force_login(personas.employee.user)

    html = client.get(WALL, {"team": "", "value": ""}).content.decode()

    assert "<script>alert" not in html
    assert '<span class="badge badge-value">Say &lt;&amp;&quot;&gt; it</span>' in html
    assert "&lt;b&gt;&quot;Ann&quot;&lt;/b&gt; &amp; Co</a>" in html
    assert "<p>&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; more</p>" in html
    assert 'name="next" value="/feedback/praise/?team=&amp;value="' in reactions_of(html, praise)


def test_the_praise_tab_and_the_words_are_in_the_readers_language(client, personas):
    praise = praise_of(personas)
    personas.employee.user.language = "nl"
    personas.employee.user.save(update_fields=["language"])
    client.force_login(personas.employee.user)

    html = client.get(reverse("feedback:mine"), {"show": "praise"}).content.decode()

    form = reactions_of(html, praise)
    assert 'aria-label="Reacties"' in form
    assert 'name="next" value="/feedback/?show=praise"' in form
    assert 'title="Applaus"><span aria-hidden="true">👏</span>' in button(form, "applause")
    assert '<span class="visually-hidden">gaf een compliment aan</span>' in html


def test_a_reaction_posted_with_the_cards_csrf_field_passes_the_csrf_check(personas):
    praise = praise_of(personas)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.manager.user)
    form = reactions_of(browser.get(WALL, {"page": "1"}).content.decode(), praise)
    action = re.search(r'action="([^"]+)"', form).group(1)

    assert browser.post(action, {"kind": "party", "next": WALL}).status_code == 403
    response = browser.post(
        action, {"kind": "party", "next": f"{WALL}?page=1", "csrfmiddlewaretoken": token_of(form)}
    )

    assert response.status_code == 302 and response["Location"] == f"{WALL}?page=1"
    assert Reaction.objects.filter(praise=praise, person=personas.manager, kind="party").exists()


def test_an_htmx_reaction_answers_the_form_the_wall_draws(personas):
    praise = praise_of(personas)
    services.praise_react(praise=praise, person=personas.peer.user, kind="star")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.manager.user)
    drawn = reactions_of(browser.get(WALL).content.decode(), praise)
    htmx = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{WALL}"}
    action = re.search(r'action="([^"]+)"', drawn).group(1)

    response = browser.post(
        action, {"kind": "star", "csrfmiddlewaretoken": token_of(drawn)}, headers=htmx
    )

    answer = response.content.decode()
    assert response.status_code == 200 and "<html" not in answer
    assert answer == reactions_of(answer, praise)
    # Her star is now hers and counted twice; the rest is the form the wall draws now.
    assert 'class="reaction is-mine" aria-pressed="true" title="Star"' in button(answer, "star")
    assert '<span class="reaction-count">2</span>' in button(answer, "star")
    redrawn = reactions_of(browser.get(WALL).content.decode(), praise)
    assert answer.replace(token_of(answer), "TOKEN") == redrawn.replace(token_of(redrawn), "TOKEN")
    # The answer's token passes too: the next click is a POST from this form.
    again = browser.post(
        action, {"kind": "star", "csrfmiddlewaretoken": token_of(answer)}, headers=htmx
    )
    assert again.status_code == 200
    assert 'class="reaction" aria-pressed="false" title="Star"' in button(
        again.content.decode(), "star"
    )
