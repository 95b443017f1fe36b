"""A goal's page lists its newest progress updates, and the whole history on request."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from stip.goals import services
from stip.goals.models import Goal
from stip.goals.views import HISTORY_SHOWN
from tests.factories import UserFactory
from tests.goals.builders import create_goal
from tests.goals.test_pages import html_of, section

pytestmark = pytest.mark.django_db


def goal_with_updates(personas, n: int) -> Goal:
    goal = create_goal(personas.employee, title="Plan the routes", progress_mode="manual")
    for number in range(1, n + 1):
        services.goal_update_progress(
            goal=goal,
            actor=personas.employee.user,
            version=None,
            status="on_track",
            progress=number,
            comment=f"Update number {number}.",
        )
    return goal


def comments_in(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"Update number (\d+)\.", html)]


def test_the_page_lists_the_newest_updates_and_offers_the_rest(client, personas):
    goal = goal_with_updates(personas, HISTORY_SHOWN + 5)
    client.force_login(personas.manager.user)
    page = reverse("goals:detail", args=[goal.public_id])
    html = section(html_of(client.get(page)), "history-heading")
    assert comments_in(html) == list(range(HISTORY_SHOWN + 5, 5, -1))  # newest first
    assert f"Show all {HISTORY_SHOWN + 5} updates" in html
    assert f'href="{page}?updates=all#history"' in html
    # The chart still draws every update, the oldest among them.
    assert html.count('<circle class="chart-dot') == HISTORY_SHOWN + 5
    assert "Progress over 25 updates: from 1% to 25%." in html
    assert '<a href="/people/' in html and "Eva Employee" in html  # who wrote each

    # The whole history: as a page without JavaScript, or only the list for htmx.
    html = section(html_of(client.get(page, {"updates": "all"})), "history-heading")
    assert comments_in(html) == list(range(HISTORY_SHOWN + 5, 0, -1))
    assert "Show all" not in html
    fragment = html_of(client.get(page, {"updates": "all"}, HTTP_HX_REQUEST="true"))
    assert fragment.lstrip().startswith('<div id="history"')
    assert comments_in(fragment) == list(range(HISTORY_SHOWN + 5, 0, -1))
    assert "<h1>" not in fragment


def test_a_short_history_is_listed_whole(client, personas):
    goal = goal_with_updates(personas, 3)
    client.force_login(personas.employee.user)
    html = html_of(client.get(reverse("goals:detail", args=[goal.public_id])))
    assert comments_in(section(html, "history-heading")) == [3, 2, 1]
    assert "Show all" not in html


def test_the_link_to_the_whole_history_is_in_dutch(client, personas):
    goal = goal_with_updates(personas, HISTORY_SHOWN + 1)
    personas.manager.user.language = "nl"
    personas.manager.user.save()
    client.force_login(personas.manager.user)
    html = html_of(client.get(reverse("goals:detail", args=[goal.public_id])))
    assert f"Toon alle {HISTORY_SHOWN + 1} updates" in html
    assert "Voortgangsupdates, nieuwste eerst" in html


def test_the_whole_history_is_only_for_who_may_see_the_goal(client, personas):
    goal = goal_with_updates(personas, 2)
    Goal.objects.filter(pk=goal.pk).update(visibility=Goal.Visibility.PRIVATE)
    client.force_login(personas.peer.user)
    page = reverse("goals:detail", args=[goal.public_id])
    assert client.get(page, {"updates": "all"}, HTTP_HX_REQUEST="true").status_code == 404


def test_each_row_says_when_who_how_far_and_how_it_goes_in_dutch_too(client, personas):
    goal = create_goal(personas.employee, title="Plan the routes", progress_mode="manual")
    for actor, progress in ((personas.employee.user, Decimal("12.5")), (personas.manager.user, 40)):
        services.goal_update_progress(
            goal=goal, actor=actor, version=None, status="at_risk", progress=progress, comment=""
        )
    services.goal_update_progress(
        goal=goal,
        actor=personas.manager.user,
        version=None,
        status="on_track",
        progress=50,
        comment="Bye",
    )
    # An account deleted since: its updates stay, without an author (SET_NULL).
    goal.updates.filter(comment="Bye").update(author=None)
    services.goal_comment(
        goal=goal,
        author=UserFactory(email="no.person@example.test", is_staff=True, is_superuser=True),
        text="Hi",
    )
    services.goal_comment(goal=goal, author=personas.manager.user, text="Well done")

    client.force_login(personas.employee.user)
    page = reverse("goals:detail", args=[goal.public_id])
    html = html_of(client.get(page))
    history = section(html, "history-heading")
    rows = re.findall(r"<tr>(.*?)</tr>", history, re.S)[1:]
    assert [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in rows] == [
        [*rows_when(rows[0]), "someone", "who", "left", "50%", "On", "track", "Bye"],
        [*rows_when(rows[1]), "Mark", "Manager", "40%", "At", "risk", "—"],
        [*rows_when(rows[2]), "Eva", "Employee", "13%", "At", "risk", "—"],  # rounded half up
    ]
    manager = reverse("people:profile", args=[personas.manager.public_id])
    assert f'<a href="{manager}">Mark Manager</a>' in rows[1]
    comments = section(html, "comments-heading")
    assert "no.person@example.test" in comments and "no.person@example.test</a>" not in comments
    assert f'<a href="{manager}">Mark Manager</a>' in comments
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[\d:.]+\+\d\d:\d\d">', comments)

    personas.employee.user.language = "nl"
    personas.employee.user.save()
    html = html_of(client.get(page))
    history = section(html, "history-heading")
    assert "iemand die uit dienst is" in history and "Risico" in history
    today = timezone.localdate()
    assert f"{today.day}-{today.month}-{today.year}" in history  # the Dutch short date
    # The chart: a dot an update, oldest first, with its day and rounded percentage.
    dots = re.findall(
        r'<circle class="chart-dot chart-dot-(\w+)"[^>]*><title>([^<]*)</title>', html
    )
    day = f"{today.day}-{today.month}-{today.year}"
    assert dots == [
        ("at_risk", f"{day}: 13%"),
        ("at_risk", f"{day}: 40%"),
        ("on_track", f"{day}: 50%"),
    ]


def rows_when(row: str) -> list[str]:
    """The words of a history row's first cell (its moment, as the active language writes it)."""
    cell = re.search(r'<td class="nowrap">(.*?)</td>', row, re.S).group(1)
    return cell.split()
