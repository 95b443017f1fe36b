"""The home page's cards, written in Python from rows read as values (`conversations_card`,
`feedback_to_answer_card`, `strategic_goals_card`, `person_cards`): what each persona reads,
escaped, in English and Dutch, and nobody else's."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from stip.conversations import services as conversations
from stip.conversations.models import MeetingKind
from stip.feedback import services as feedback
from stip.goals.models import Goal
from tests.conversations.builders import at, meeting
from tests.factories import GoalFactory, PersonFactory

pytestmark = pytest.mark.django_db


def render(library: str, tag: str, person, language: str = "en") -> str:
    request = RequestFactory().get("/")
    request.user = type(person.user).objects.select_related("person").get(pk=person.user.pk)
    with translation.override(language):
        return Template(f"{{% load {library} %}}{{% {tag} %}}").render(
            Context({"request": request})
        )


def home(client, person) -> str:
    client.force_login(person.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


# Conversations ---------------------------------------------------------------------------------


def test_the_conversations_card_shows_my_meeting_of_tomorrow_and_my_overdue_item(personas):
    planned = meeting(personas, days=1, title='Plan <b>Q3</b> & "more"')
    due = timezone.localdate() - datetime.timedelta(days=3)
    conversations.action_item_add(
        meeting=planned,
        actor=personas.manager.user,
        owner=personas.employee,
        text="Book <the> room & call",
        due_date=due,
    )
    link = reverse("conversations:meeting", kwargs={"public_id": planned.public_id})

    html = render("conversations_tags", "conversations_card", personas.employee)

    assert (
        f'<li><span><a href="{link}">Plan &lt;b&gt;Q3&lt;/b&gt; &amp; &quot;more&quot;</a>\n'
        '      <span class="goal-meta"><strong>tomorrow</strong>, 10 a.m.</span></span>'
    ) in html
    assert (
        f'<li><span><a href="{link}#actions">Book &lt;the&gt; room &amp; call</a>\n'
        f'      <span class="goal-meta">due {date_format(due, "DATE_FORMAT")}</span></span>\n'
        '      <span class="badge badge-overdue">overdue</span></li>'
    ) in html
    assert '<h2 id="conv-card-heading">Conversations</h2>' in html


def test_the_conversations_card_names_the_other_one_and_speaks_dutch(personas):
    planned = meeting(personas, days=1)
    link = reverse("conversations:meeting", kwargs={"public_id": planned.public_id})

    for_eva = render("conversations_tags", "conversations_card", personas.employee, "nl")
    for_mark = render("conversations_tags", "conversations_card", personas.manager, "nl")

    assert '<h2 id="conv-card-heading">Gesprekken</h2>' in for_eva
    assert "<h3>Binnenkort</h3>" in for_eva
    assert (
        f'<a href="{link}">Gesprek met Mark Manager</a>\n'
        '      <span class="goal-meta"><strong>morgen</strong>, 10:00</span>'
    ) in for_eva
    assert f'<a href="{link}">Gesprek met Eva Employee</a>' in for_mark


def test_the_conversations_card_shows_nobody_elses_meetings_or_items(personas):
    theirs = conversations.meeting_create(
        actor=personas.director.user,
        kind=MeetingKind.AD_HOC,
        manager=personas.director,
        employee=personas.manager,
        scheduled_for=at(3),
        title="Director and Mark",
    )
    conversations.action_item_add(
        meeting=theirs,
        actor=personas.director.user,
        owner=personas.manager,
        text="Mark's own task",
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )

    assert render("conversations_tags", "conversations_card", personas.employee) == ""
    assert render("conversations_tags", "conversations_card", personas.peer) == ""
    for_mark = render("conversations_tags", "conversations_card", personas.manager)
    assert "Director and Mark" in for_mark and "Mark&#x27;s own task" in for_mark


def test_a_late_series_says_for_how_many_weeks_or_that_there_was_none_yet(personas):
    started = conversations.series_start(
        actor=personas.manager.user,
        manager=personas.manager,
        employee=personas.employee,
        cadence="biweekly",
        next_date=timezone.localdate() + datetime.timedelta(days=1),
    )
    started.__class__.objects.filter(pk=started.pk).update(
        next_date=timezone.localdate() - datetime.timedelta(days=2)
    )
    link = reverse("conversations:series", kwargs={"public_id": started.public_id})

    html = render("conversations_tags", "conversations_card", personas.manager)
    dutch = render("conversations_tags", "conversations_card", personas.manager, "nl")

    assert f'<li><span><a href="{link}">No 1:1 with Eva Employee yet</a></span>' in html
    assert f'<a href="{link}">Nog geen 1-op-1 met Eva Employee</a>' in dutch
    assert "Eva Employee" not in render("conversations_tags", "conversations_card", personas.peer)


# Feedback --------------------------------------------------------------------------------------


def test_the_feedback_card_lists_what_i_am_asked_escaped_and_shortened(personas):
    question = "How does Eva <lead> the stand-up & the planning?" + " Really." * 10
    due = timezone.localdate() + datetime.timedelta(days=7)
    asked = feedback.feedback_request_create(
        requester=personas.manager.user,
        subject=personas.employee,
        question=question,
        respondents=[personas.peer],
        due_date=due,
    )
    link = reverse("feedback:request", kwargs={"public_id": asked.public_id})

    html = render("feedback_tags", "feedback_to_answer_card", personas.peer)
    dutch = render("feedback_tags", "feedback_to_answer_card", personas.peer, "nl")

    assert (
        f'<li>\n      <a href="{link}#answer">Mark Manager asks about Eva Employee</a>\n'
        '      <span class="todo-meta">“How does Eva &lt;lead&gt; the stand-up &amp; the '
        "planning? Really. Really. Really. Really. Really. …” · answer by "
        f"{date_format(due, 'DATE_FORMAT')}</span>\n    </li>"
    ) in html
    assert '<h2 id="feedback-todo-heading">Om jouw feedback gevraagd</h2>' in dutch
    with translation.override("nl"):
        by = date_format(due, "DATE_FORMAT")
    assert "Mark Manager vraagt feedback over Eva Employee</a>" in dutch
    assert f"· antwoord vóór {by}</span>" in dutch
    # Neither the one it is about nor someone not asked has it to answer.
    assert render("feedback_tags", "feedback_to_answer_card", personas.employee) == ""
    assert render("feedback_tags", "feedback_to_answer_card", personas.outsider) == ""


# Strategic goals -------------------------------------------------------------------------------


def test_the_strategic_card_shows_the_goals_i_may_see_escaped_with_owner_status_and_bar(
    personas,
):
    mine = GoalFactory(
        owner=personas.employee,
        title='Grow <fast> & "far"',
        is_strategic=True,
        visibility=Goal.Visibility.PRIVATE,
        status=Goal.Status.AT_RISK,
        progress=12.5,
    )
    GoalFactory(
        owner=personas.outsider, title="Otto's secret", is_strategic=True, visibility="private"
    )
    link = reverse("goals:detail", kwargs={"public_id": mine.public_id})

    html = render("goals_tags", "strategic_goals_card", personas.employee)
    dutch = render("goals_tags", "strategic_goals_card", personas.employee, "nl")

    assert (
        f'<li>\n      <span><a class="goal-title" href="{link}">Grow &lt;fast&gt; &amp; '
        '&quot;far&quot;</a><br><span class="goal-meta">Eva Employee · '
        f"{date_format(mine.end_date, 'DATE_FORMAT')}</span></span>\n"
        '      <span class="goal-list-end"><span class="goal-status goal-status-at_risk">'
        'At risk</span><span class="goal-progress"><span class="progress progress-at_risk" '
        'role="progressbar" aria-label="Progress" aria-valuemin="0" aria-valuemax="100" '
        'aria-valuenow="12.5"><span style="width: 12.5%"></span></span>'
        '<span class="pct">13%</span></span></span>\n    </li>'
    ) in html
    assert "Otto" not in html
    assert '<h2 id="strategic-heading">Strategische doelen</h2>' in dutch
    assert '<span class="goal-status goal-status-at_risk">Risico</span>' in dutch
    assert 'aria-label="Voortgang"' in dutch
    assert "Grow &lt;fast&gt;" not in render("goals_tags", "strategic_goals_card", personas.peer)


def test_the_strategic_card_names_the_organisation_and_links_to_all_after_five(personas):
    for n in range(6):
        GoalFactory(level=Goal.Level.ORGANISATION, owner=None, title=f"Goal {n}", is_strategic=True)

    html = render("goals_tags", "strategic_goals_card", personas.outsider)

    assert html.count('<a class="goal-title"') == 5
    assert '<span class="goal-meta">The organisation · ' in html
    assert (
        f'<p class="small"><a href="{reverse("goals:organisation")}">All organisation goals</a>'
    ) in html


# The people on the page ------------------------------------------------------------------------


def test_home_shows_my_manager_and_current_reports_as_cards(client, personas):
    personas.director.is_hr = True
    personas.director.save()

    html = home(client, personas.manager)

    director = reverse("people:profile", kwargs={"public_id": personas.director.public_id})
    eva = reverse("people:profile", kwargs={"public_id": personas.employee.public_id})
    assert (
        '<div class="person"><span class="avatar" aria-hidden="true">DD</span><span>'
        f'<a class="person-name" href="{director}">Diana de Directeur</a> '
        '<span class="badge badge-hr">HR</span><br><span class="person-meta">Director · '
        "Operations</span></span></div>"
    ) in html
    assert (
        '<li><div class="person"><span class="avatar" aria-hidden="true">EE</span><span>'
        f'<a class="person-name" href="{eva}">Eva Employee</a><br>'
        '<span class="person-meta">Planner · Planning</span></span></div></li>'
    ) in html
    assert '<h2 id="reports-heading">My direct reports <span class="badge">2</span></h2>' in html
    assert "Lotte Leaver" not in html


def test_home_counts_all_my_current_teammates_but_shows_twelve(client, personas):
    PersonFactory.create_batch(14, team=personas.planning, manager=personas.manager)

    html = home(client, personas.employee)

    team = html.split('id="team-heading"')[1]
    assert team.count('class="person-name"') == 12
    # Mark, Piet and the fourteen: Lotte has left and Eva is me.
    assert f'?team={personas.planning.public_id}">See all 16 colleagues</a>' in team
    assert "Lotte Leaver" not in team and "Eva Employee" not in team


def test_a_card_from_a_row_escapes_and_badges_as_a_persons_card_does(personas):
    from stip.people.templatetags.people_tags import person_cards, person_row_card

    left = timezone.localdate() - datetime.timedelta(days=1)
    row = {
        "manager__public_id": personas.employee.public_id,
        "manager__first_name": "<i>Ian</i>",
        "manager__last_name": "O'Neil & Co",
        "manager__job_title": "",
        "manager__is_hr": True,
        "manager__is_active": True,
        "manager__end_date": left,
        "manager__team_id": personas.planning.pk,
        "manager__team__name": "R&D <x>",
    }
    link = reverse("people:profile", kwargs={"public_id": personas.employee.public_id})

    with translation.override("nl"):
        html = person_row_card(row, "manager__")

    assert html == (
        '<div class="person"><span class="avatar" aria-hidden="true">&lt;C</span><span>'
        f'<a class="person-name" href="{link}">&lt;i&gt;Ian&lt;/i&gt; O&#x27;Neil &amp; Co</a>'
        ' <span class="badge badge-hr">HR</span> <span class="badge badge-left">Uit dienst</span>'
        '<br><span class="person-meta">— · R&amp;D &lt;x&gt;</span></span></div>'
    )
    unprefixed = {name.removeprefix("manager__"): value for name, value in row.items()}
    unprefixed |= {"end_date": None, "is_hr": False, "team_id": None}
    assert person_cards([unprefixed]) == (
        '<ul class="people-list"><li><div class="person"><span class="avatar" '
        f'aria-hidden="true">&lt;C</span><span><a class="person-name" href="{link}">'
        "&lt;i&gt;Ian&lt;/i&gt; O&#x27;Neil &amp; Co</a><br>"
        '<span class="person-meta">—</span></span></div></li></ul>'
    )
