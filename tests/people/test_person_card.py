"""A person in a list (`people_tags.person_card`): written in Python, read as a user reads it."""

import datetime

import pytest
from django.template import Context, Template
from django.utils.translation import override

from stip.people.templatetags.people_tags import person_card
from tests.factories import PersonFactory, TeamFactory, UserFactory


def render(source: str, **context) -> str:
    return Template("{% load people_tags %}" + source).render(Context(context))


@pytest.mark.django_db
def test_a_card_names_and_links_the_person_with_their_job_and_team():
    person = PersonFactory(
        first_name="Eva", last_name="de Vries", job_title="Planner", team=TeamFactory(name="Zorg")
    )

    html = render("{% person_card p %}", p=person)

    assert html == (
        '<div class="person"><span class="avatar" aria-hidden="true">EV</span><span>'
        f'<a class="person-name" href="/people/{person.public_id}/">Eva de Vries</a>'
        '<br><span class="person-meta">Planner · Zorg</span></span></div>'
    )


@pytest.mark.django_db
def test_the_short_card_leaves_out_job_and_team_and_a_missing_job_shows_a_dash():
    person = PersonFactory(first_name="Eva", last_name="Jansen", job_title="")

    assert "person-meta" not in render("{% person_card p details=False %}", p=person)
    assert '<span class="person-meta">—</span>' in person_card(person)


@pytest.mark.django_db
def test_hr_and_people_who_left_carry_a_translated_badge():
    hr = PersonFactory(is_hr=True)
    left = PersonFactory(end_date=datetime.date(2020, 6, 30))

    assert '<span class="badge badge-hr">HR</span>' in person_card(hr)
    assert "badge-left" not in person_card(hr)
    with override("nl"):
        assert '</a> <span class="badge badge-left">Uit dienst</span>' in person_card(left)


@pytest.mark.django_db
def test_names_titles_and_teams_are_escaped():
    person = PersonFactory(
        first_name="<b>Eva</b>",
        last_name="O'Brien & Co",
        job_title='"Lead" <i>',
        team=TeamFactory(name="R&D <x>"),
        user=UserFactory(email="eva@example.test"),
    )

    html = person_card(person)

    assert "<b>" not in html and "<i>" not in html and "<x>" not in html
    assert "&lt;b&gt;Eva&lt;/b&gt; O&#x27;Brien &amp; Co" in html
    assert "&quot;Lead&quot; &lt;i&gt; · R&amp;D &lt;x&gt;" in html


@pytest.mark.django_db
def test_what_a_card_shows_is_escaped():
    person = PersonFactory(
        first_name="<b>Ann</b>", last_name="O'Hara", job_title="R&D", team=TeamFactory(name="<i>")
    )

    html = person_card(person)

    assert "&lt;b&gt;Ann&lt;/b&gt; O&#x27;Hara</a>" in html
    assert '<span class="person-meta">R&amp;D · &lt;i&gt;</span>' in html
    assert "<b>" not in html and "<i>" not in html
