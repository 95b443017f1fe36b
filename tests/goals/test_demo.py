import datetime
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from stip.core.models import AuditEntry
from stip.goals.models import Goal, GoalComment, GoalUpdate
from stip.goals.progress import key_result_progress, rolled_up_progress, weighted_progress
from stip.people.demo import seed_demo_organisation
from stip.people.models import Person

pytestmark = pytest.mark.django_db

# In the middle of a quarter: last quarter's goals are closed, this quarter's have weeks of
# history.
TODAY = datetime.datetime(2026, 11, 26, 14, tzinfo=datetime.UTC)
SANNE = "sanne.devries@zuiderzee.example"
PRIYA = "priya.sharma@zuiderzee.example"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def this_year():
    return Goal.objects.filter(start_date__year=2026, end_date__year=2026)


def test_seed_demo_adds_goals_and_says_so():
    with CaptureQueriesContext(connection) as queries:
        output = seed()

    assert "Added" in output and "3 strategic" in output
    # Bulk writes: a bound, not a timer (speed is the benchmark's). A query per row of
    # the demo would be thousands.
    assert len(queries) <= 1_400
    assert Goal.objects.count() >= 80
    assert GoalUpdate.objects.count() >= 500
    assert GoalComment.objects.count() >= 10


def test_three_strategic_organisation_goals_for_this_year():
    seed()

    strategic = Goal.objects.filter(is_strategic=True)

    assert sorted(strategic.values_list("title", flat=True)) == [
        "CO₂-uitstoot per zending 15% omlaag",
        "Klanttevredenheid (NPS) naar 45",
        "Leveringen 98% op tijd",
    ]
    assert {(g.level, g.period, g.start_date, g.end_date) for g in strategic} == {
        ("organisation", "year", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    }
    assert all(g.key_results.count() >= 2 for g in strategic)
    # Made through the service, by HR: the audit log says so.
    created = AuditEntry.objects.filter(action="goals.goal_created")
    assert created.count() == Goal.objects.filter(level="organisation").count() == 4
    assert {entry.actor.email for entry in created} == {"fatima.elamrani@zuiderzee.example"}


def test_team_and_personal_goals_are_aligned_upwards():
    seed()
    quarter = this_year().filter(start_date=datetime.date(2026, 10, 1))

    teams = quarter.filter(level="team")
    personal = quarter.filter(level="personal").exclude(kind="development")

    assert teams.count() >= 12
    # Every team goal but a few of a team's own serves the organisation, directly or through
    # its department's goal.
    assert teams.filter(parent__isnull=False).count() >= teams.count() - 4
    assert teams.filter(parent__level="organisation").exists()
    assert teams.filter(parent__level="team").exists()
    assert personal.count() >= 40
    assert personal.filter(parent__level="team").count() >= personal.count() * 0.8
    # Key results that go down, in euros and in percent.
    results = [r for g in teams.prefetch_related("key_results") for r in g.key_results.all()]
    assert {r.direction for r in results} == {"increase", "decrease"}
    assert {"euro", "percent", "number"} <= {r.unit for r in results}


def test_most_people_have_goals_some_in_english():
    seed()

    working = Person.objects.filter(end_date__isnull=True)
    with_goals = working.filter(goals__isnull=False).distinct()

    assert with_goals.count() >= working.count() * 0.8
    priya = Goal.objects.filter(owner__user__email=PRIYA).values_list("title", flat=True)
    assert "Improve my Dutch to B1" in priya
    assert not Goal.objects.filter(owner__end_date__isnull=False).exists()


def test_development_goals_are_private():
    seed()

    development = Goal.objects.filter(kind="development")

    assert development.count() >= 5
    assert set(development.values_list("visibility", flat=True)) == {"private"}


def test_last_quarter_has_closed_goals_with_reflections():
    seed()

    closed = Goal.objects.filter(closed_at__isnull=False)

    assert closed.count() >= 8
    assert {g.end_date for g in closed} == {datetime.date(2026, 9, 30)}
    assert {"achieved", "missed"} <= set(closed.values_list("status", flat=True))
    assert all(g.reflection for g in closed)
    assert all(g.closed_at.date() > g.end_date for g in closed)


def test_every_goal_has_a_history_that_ends_where_the_goal_is():
    seed()
    ten_weeks_ago = TODAY - datetime.timedelta(weeks=10)
    updates = defaultdict(list)
    for update in GoalUpdate.objects.order_by("created_at", "pk"):
        updates[update.goal_id].append(update)

    for goal in Goal.objects.prefetch_related("key_results", "children"):
        history = updates[goal.pk]
        assert len(history) >= 5, goal
        assert [u.created_at for u in history] == sorted(u.created_at for u in history)
        assert history[-1].created_at <= TODAY
        assert goal.last_update_at == history[-1].created_at
        assert goal.progress == history[-1].progress, goal
        if goal.closed_at is None:
            assert history[0].created_at >= ten_weeks_ago
            assert goal.status == history[-1].status
        results = list(goal.key_results.all())
        if results:
            # The values are the last update's, and the progress follows from them exactly as
            # the services compute it.
            values = {v["key_result"]: Decimal(v["value"]) for v in history[-1].values}
            assert values == {str(r.public_id): r.current_value for r in results}
            expected = weighted_progress(
                (
                    key_result_progress(
                        start=r.start_value, target=r.target_value, current=r.current_value
                    ),
                    r.weight,
                )
                for r in results
            )
            assert goal.progress == expected, goal
        if goal.progress_mode == "children":
            assert goal.progress == rolled_up_progress(
                c.progress for c in goal.children.all() if c.status != "dropped"
            )


def test_the_demo_employee_has_goals_a_conversation_and_a_carried_over_goal():
    seed()
    sanne = Person.objects.get(user__email=SANNE)

    goals = Goal.objects.filter(owner=sanne)
    current = goals.filter(start_date=datetime.date(2026, 10, 1))

    assert current.count() >= 3
    assert current.filter(kind="development", visibility="private").exists()
    carried = current.get(carried_over_from__isnull=False)
    assert carried.carried_over_from.status == "missed"
    assert carried.carried_over_from.reflection
    assert carried.parent is not None and carried.parent.level == "team"
    first_start = carried.key_results.get().start_value
    assert first_start == carried.carried_over_from.key_results.get().current_value
    assert AuditEntry.objects.filter(action="goals.goal_carried_over").count() == 1
    thread = GoalComment.objects.filter(goal__owner=sanne).order_by("created_at", "pk")
    assert thread[0].author == sanne.manager.user
    assert sanne.user in [comment.author for comment in thread]


def test_the_demo_is_visible_through_the_same_rules(client):
    seed()
    sanne = Person.objects.get(user__email=SANNE)
    peer = Person.objects.filter(manager=sanne.manager).exclude(pk=sanne.pk).first()

    client.force_login(sanne.user)
    mine = client.get("/api/v1/goals", {"owner": "me"}).json()
    client.force_login(peer.user)
    theirs = client.get("/api/v1/goals", {"owner": str(sanne.public_id)}).json()

    assert mine["count"] >= 3
    assert theirs["count"] == mine["count"] - 1  # not her private development goal
    client.force_login(sanne.manager.user)
    assert client.get("/api/v1/goals/tree").json()["results"][0]["is_strategic"]


def test_the_same_seed_gives_the_same_goals():
    def snapshot():
        goals = Goal.objects.values_list(
            "title", "owner__employee_number", "team__name", "parent__title", "progress",
            "status", "visibility", "start_date",
        )  # fmt: skip
        updates = GoalUpdate.objects.values_list("goal__title", "progress", "created_at")
        return sorted(goals, key=str), sorted(updates, key=str)

    runs = []
    for seed_value in (1, 1, 2):
        with transaction.atomic():
            seed("--seed", str(seed_value))
            runs.append(snapshot())
            transaction.set_rollback(True)

    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


@pytest.mark.parametrize(
    "day",
    [datetime.date(2026, 1, 1), datetime.date(2026, 4, 2), datetime.date(2026, 12, 31)],
)
def test_it_works_on_any_day(day):
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(12)), tick=False):
        output = seed()

    assert "Added" in output
    assert Goal.objects.filter(owner__user__email=SANNE).count() >= 3
    assert not GoalUpdate.objects.filter(created_at__date__gt=day).exists()


def test_generated_organisations_get_no_demo_goals():
    seed("--people", "40")

    assert not Goal.objects.exists()


def test_seeding_people_alone_adds_no_goals():
    seed_demo_organisation()

    assert not Goal.objects.exists()
