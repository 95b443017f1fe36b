"""The benchmark's goals: about as many rows as asked, the same on every run, stored as the
services would have stored them (progress, statuses, versions, alignment only to goals the
owner may see), nothing after a leaver left, and objects for the pages that their personas
may see."""

import dataclasses
import datetime
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db.models import Count, F, Q

from bench import data, data_goals
from stip.core.models import User
from stip.goals import policies, services
from stip.goals.models import Goal, GoalComment, GoalUpdate, KeyResult
from stip.goals.progress import key_result_progress, weighted_progress
from stip.goals.queries import quarter_of
from stip.goals.views import HISTORY_SHOWN
from stip.people.demo import seed_generated_organisation

pytestmark = pytest.mark.django_db

PEOPLE = 200
ROWS = PEOPLE * 35
MODELS = (GoalComment, GoalUpdate, KeyResult, Goal)
PERSONAS = ("employee", "manager", "hr")


@pytest.fixture
def ctx():
    organisation = seed_generated_organisation(people=PEOPLE, seed=3)
    return data.context_for(organisation, seed=3)


@pytest.fixture
def written(ctx):
    return data_goals.generate(ctx, ROWS)


def users() -> dict[str, User]:
    return {role: User.objects.get(email=f"{role}@stip.example") for role in PERSONAS}


# What the rows say, without their ids and times: the fields compared between two runs.
FINGERPRINT = {
    Goal: (
        "public_id",
        "title",
        "level",
        "owner",
        "team",
        "kind",
        "visibility",
        "status",
        "start_date",
        "end_date",
        "parent__public_id",
        "carried_over_from__public_id",
        "is_strategic",
        "progress_mode",
        "progress",
        "reflection",
        "version",
    ),
    KeyResult: ("public_id", "goal__public_id", "title", "start_value", "current_value"),
    GoalUpdate: ("goal__public_id", "author", "progress", "status", "comment", "values"),
    GoalComment: ("public_id", "goal__public_id", "author", "text"),
}


def fingerprint() -> dict:
    return {
        model.__name__: list(model.objects.order_by("pk").values_list(*fields))
        for model, fields in FINGERPRINT.items()
    }


def test_it_writes_about_the_rows_asked_for(written):
    counted = sum(model.objects.count() for model in MODELS)

    assert counted == written
    assert 0.85 * ROWS <= written <= 1.15 * ROWS
    assert all(model.objects.exists() for model in MODELS)
    # Most rows are the history: a year of updates.
    assert GoalUpdate.objects.count() > written / 2


def test_the_same_context_gives_the_same_rows(ctx, written):
    first = fingerprint()
    for model in MODELS:
        model.objects.all().delete()

    again = data_goals.generate(ctx, ROWS)

    assert again == written
    assert fingerprint() == first


def test_stored_progress_is_what_the_services_compute(written):
    for goal in Goal.objects.prefetch_related("key_results"):
        updates = list(goal.updates.order_by("created_at", "pk"))
        if goal.progress_mode == Goal.ProgressMode.MANUAL:
            # Set by hand: the last update's, or where the goal it continues stopped.
            carried = goal.carried_over_from
            expected = updates[-1].progress if updates else (carried.progress if carried else 0)
        else:
            expected = services._recompute(goal)
        assert goal.progress == expected, goal.title
        results = {str(r.public_id): r for r in goal.key_results.all()}
        for update in updates:
            # Each update keeps every key result's value then, and the progress they gave.
            values = {item["key_result"]: Decimal(item["value"]) for item in update.values}
            assert values.keys() == results.keys()
            if goal.progress_mode == Goal.ProgressMode.KEY_RESULTS:
                assert update.progress == weighted_progress(
                    (
                        key_result_progress(
                            start=r.start_value, target=r.target_value, current=values[key]
                        ),
                        r.weight,
                    )
                    for key, r in results.items()
                )
        if updates and results:
            last = {item["key_result"]: Decimal(item["value"]) for item in updates[-1].values}
            assert all(r.current_value == last[key] for key, r in results.items())
    modes = Counter(Goal.objects.values_list("progress_mode", flat=True))
    assert set(modes) == set(Goal.ProgressMode.values)


def test_statuses_versions_and_dates_agree(ctx, written):
    updates = defaultdict(list)
    for update in GoalUpdate.objects.order_by("created_at", "pk"):
        updates[update.goal_id].append(update)
    for goal in Goal.objects.all():
        history = updates[goal.pk]
        closed = goal.closed_at is not None
        assert closed == (goal.status in Goal.CLOSED_STATUSES), goal.title
        if not closed:
            assert goal.status == (history[-1].status if history else Goal.Status.ON_TRACK)
        assert all(update.status in Goal.OPEN_STATUSES for update in history)
        assert goal.version == 1 + len(history) + closed
        assert goal.last_update_at == (history[-1].created_at if history else None)
        moments = [goal.created_at, *(u.created_at for u in history)]
        if closed:
            moments.append(goal.closed_at)
        assert moments == sorted(moments)
        assert moments[-1] <= ctx.now
        assert goal.updated_at == moments[-1]
        if goal.start_date > ctx.today:
            assert not history
    # Past quarters are mostly closed, with a reflection; some missed goals carry over.
    past = Goal.objects.filter(end_date__lt=ctx.today)
    assert past.filter(closed_at__isnull=False).count() > 0.8 * past.count()
    assert past.filter(status=Goal.Status.MISSED).exclude(reflection="").exists()
    carried = Goal.objects.filter(carried_over_from__isnull=False).select_related(
        "carried_over_from"
    )
    assert carried.exists()
    for goal in carried:
        old = goal.carried_over_from
        assert old.status == Goal.Status.MISSED
        assert goal.start_date == old.end_date + datetime.timedelta(days=1)
        assert goal.created_at == old.closed_at
        starts = {r.title: r.start_value for r in goal.key_results.all()}
        for result in old.key_results.all():
            if result.title in starts:
                assert starts[result.title] == result.current_value
    # Updates on working days (Sunday is 1, Saturday 7).
    assert not GoalUpdate.objects.filter(created_at__week_day__in=(1, 7)).exists()
    assert not GoalComment.objects.filter(created_at__gt=ctx.now).exists()
    assert not GoalComment.objects.filter(created_at__lt=F("goal__created_at")).exists()


def test_goals_contribute_only_to_goals_their_owner_may_see(written):
    aligned = Goal.objects.filter(parent__isnull=False).select_related("owner__user", "parent")
    for goal in aligned.filter(level=Goal.Level.PERSONAL):
        assert policies.can_view_goal(goal.owner.user, goal.parent), goal.title
        assert goal.parent.progress_mode != Goal.ProgressMode.CHILDREN
    for goal in aligned.exclude(level=Goal.Level.PERSONAL):
        assert goal.parent.visibility == Goal.Visibility.ORGANISATION
    development = Goal.objects.filter(kind=Goal.Kind.DEVELOPMENT)
    assert development.exists()
    assert set(development.values_list("visibility", flat=True)) == {Goal.Visibility.PRIVATE}
    assert not development.filter(parent__isnull=False).exists()
    # Roll-ups count the teams' goals below them.
    roll_ups = Goal.objects.filter(progress_mode=Goal.ProgressMode.CHILDREN)
    assert roll_ups.annotate(n=Count("children")).filter(n__gt=0).exists()
    assert not Goal.objects.filter(
        parent__progress_mode=Goal.ProgressMode.CHILDREN, level=Goal.Level.PERSONAL
    ).exists()


def test_the_organisation_teams_and_people_have_goals_every_quarter(ctx, written):
    org = data_goals._organisation(ctx)
    this_quarter = quarter_of(ctx.today)
    current = Q(start_date__lte=this_quarter.end, end_date__gte=this_quarter.start)
    assert Goal.objects.filter(current, level=Goal.Level.ORGANISATION, is_strategic=True).exists()
    for quarter in org.quarters[:4]:
        teams = set(
            Goal.objects.filter(
                level=Goal.Level.TEAM, start_date=quarter.start, end_date=quarter.end
            ).values_list("team", flat=True)
        )
        assert teams == set(org.lead)
    people = [p for p in ctx.staff if p.current]
    owners = set(Goal.objects.filter(current, level=Goal.Level.PERSONAL).values_list("owner"))
    assert len(owners) > 0.85 * len(people)
    assert Goal.objects.filter(period=Goal.Period.YEAR, level=Goal.Level.PERSONAL).exists()
    # In the owner's language.
    english = [p.id for p in ctx.staff if org.language[p.id] == "en"]
    titles = {t.en for templates in data_goals._PERSONAL.values() for t in templates}
    personal = Goal.objects.filter(level=Goal.Level.PERSONAL, title__in=titles)
    assert personal.filter(owner__in=english).exists()
    assert not personal.exclude(owner__in=english).exists()


def test_each_persona_has_an_aligned_goal_this_quarter_at_every_size(ctx, written):
    # Their lists then run the query that tells which parents they may see at every size,
    # not only where the draw happened to align one of their goals.
    this_quarter = quarter_of(ctx.today)
    for role in PERSONAS:
        goals = Goal.objects.filter(
            owner__user__email=f"{role}@stip.example",
            start_date=this_quarter.start,
            parent__isnull=False,
        )
        assert goals.exists(), role


def test_leavers_get_nothing_after_they_left(ctx):
    # The run a few days after the latest leaver left, so that leavers have goals.
    left = max(person.end_date for person in ctx.staff if person.end_date)
    day = left + datetime.timedelta(days=10)
    moment = datetime.datetime.combine(day, datetime.time(15), tzinfo=datetime.UTC)
    data_goals.generate(dataclasses.replace(ctx, today=day, now=moment), ROWS)

    leavers = {person.id: person for person in ctx.staff if person.end_date}
    by_user = {person.user_id: person for person in leavers.values()}
    owned = Goal.objects.filter(owner__in=list(leavers))
    assert owned.exists()
    for goal in owned:
        end = leavers[goal.owner_id].end_date
        assert goal.start_date <= end
        assert goal.created_at.date() <= end
        assert goal.closed_at is None or goal.closed_at.date() <= end
    for model in (GoalUpdate, GoalComment):
        written = model.objects.filter(author__in=list(by_user))
        for author, created_at in written.values_list("author", "created_at"):
            assert created_at.date() <= by_user[author].end_date


def test_the_objects_are_visible_to_the_personas_of_their_pages(written):
    found = data_goals.objects()
    people = users()

    goal = found["goal"]
    history = goal.updates.count()
    assert history > HISTORY_SHOWN
    assert goal.comments.exists()
    assert goal.owner.user == people["employee"]
    for user in people.values():
        assert policies.can_view_goal(user, goal)
        assert policies.can_edit_goal(user, goal)
    longest = (
        Goal.objects.visible_to(people["employee"])
        .annotate(n=Count("updates"))
        .order_by("-n")
        .first()
    )
    assert longest.n == history
    for name in ("organisation_goal", "team_goal"):
        assert found[name].children.exists(), name
        for user in people.values():
            assert policies.can_view_goal(user, found[name]), name
