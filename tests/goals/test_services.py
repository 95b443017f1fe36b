import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stip.core.models import AuditEntry
from stip.goals import services
from stip.goals.models import Goal, GoalUpdate
from stip.goals.queries import quarter_of
from stip.goals.services import ConcurrentEdit, KeyResultInput

pytestmark = pytest.mark.django_db

Q = quarter_of(datetime.date(2026, 11, 26))


def personal(actor, owner=None, **kwargs):
    defaults = {
        "actor": actor.user,
        "level": Goal.Level.PERSONAL,
        "owner": owner or actor,
        "title": "Plan the routes for Almere",
        "kind": Goal.Kind.OBJECTIVE,
        "visibility": Goal.Visibility.ORGANISATION,
        "period": Goal.Period.QUARTER,
        "start_date": Q.start,
        "end_date": Q.end,
    }
    return services.goal_create(**(defaults | kwargs))


def team_goal(actor, team, **kwargs):
    return personal(actor, level=Goal.Level.TEAM, team=team, owner=None, **kwargs)


def test_progress_comes_from_weighted_key_results(personas):
    goal = personal(
        personas.employee,
        key_results=[
            KeyResultInput(
                "On-time deliveries", Decimal(80), Decimal(100), Decimal(90), weight=Decimal(3)
            ),
            # Decreasing: complaints from 40 down to 10; 25 is halfway.
            KeyResultInput("Complaints", Decimal(40), Decimal(10), Decimal(25), weight=Decimal(1)),
        ],
    )
    # (50 * 3 + 50 * 1) / 4
    assert goal.progress == Decimal("50.0")
    decreasing = goal.key_results.get(title="Complaints")
    assert decreasing.direction == "decrease"
    entry = AuditEntry.objects.get(action="goals.goal_created")
    assert entry.actor == personas.employee.user
    assert entry.after["title"] == "Plan the routes for Almere"


def test_a_progress_update_is_kept_in_the_history(personas):
    goal = personal(
        personas.employee,
        key_results=[KeyResultInput("Routes planned", Decimal(0), Decimal(20))],
    )
    result = goal.key_results.get()
    update = services.goal_update_progress(
        goal=goal,
        actor=personas.employee.user,
        version=goal.version,
        status=Goal.Status.AT_RISK,
        comment="Two drivers ill this week",
        values={str(result.public_id): Decimal(5)},
    )
    goal.refresh_from_db()
    assert goal.progress == Decimal("25.0")
    assert goal.status == Goal.Status.AT_RISK
    assert goal.last_update_at is not None
    assert update.author == personas.employee.user
    assert update.values[0]["value"] == "5.00"
    assert GoalUpdate.objects.filter(goal=goal).count() == 1


def test_a_stale_version_is_refused_and_nothing_is_overwritten(personas):
    goal = personal(personas.employee, kind=Goal.Kind.MILESTONE)
    loaded_version = goal.version
    services.goal_edit(
        goal=goal, actor=personas.manager.user, version=loaded_version, title="Manager's title"
    )
    with pytest.raises(ConcurrentEdit):
        services.goal_edit(
            goal=goal, actor=personas.employee.user, version=loaded_version, title="Mine"
        )
    goal.refresh_from_db()
    assert goal.title == "Manager's title"


def test_alignment_cannot_loop(personas):
    top = team_goal(personas.manager, personas.planning, kind=Goal.Kind.MILESTONE)
    middle = personal(personas.employee, parent=top, kind=Goal.Kind.MILESTONE)
    with pytest.raises(ValidationError) as error:
        services.goal_edit(goal=top, actor=personas.manager.user, version=None, parent=middle)
    assert "loop" in str(error.value.message_dict["parent"])


def test_a_goal_cannot_align_to_a_goal_its_owner_cannot_see(personas):
    secret = personal(
        personas.outsider, visibility=Goal.Visibility.PRIVATE, kind=Goal.Kind.MILESTONE
    )
    with pytest.raises(ValidationError) as error:
        # HR may see the outsider's private goal, but the employee who owns the new goal may not.
        personal(personas.hr, owner=personas.employee, parent=secret)
    assert "cannot see" in str(error.value.message_dict["parent"])


def test_roll_up_from_aligned_goals(personas):
    parent = team_goal(
        personas.manager,
        personas.planning,
        kind=Goal.Kind.MILESTONE,
        progress_mode=Goal.ProgressMode.CHILDREN,
    )
    a = personal(personas.employee, parent=parent, kind=Goal.Kind.MILESTONE)
    b = personal(personas.peer, parent=parent, kind=Goal.Kind.MILESTONE)
    services.goal_update_progress(
        goal=a, actor=personas.employee.user, version=None, status="on_track", progress=Decimal(60)
    )
    services.goal_update_progress(
        goal=b, actor=personas.peer.user, version=None, status="on_track", progress=Decimal(20)
    )
    parent.refresh_from_db()
    assert parent.progress == Decimal("40.0")
    services.goal_close(goal=b, actor=personas.peer.user, version=None, outcome="dropped")
    parent.refresh_from_db()
    assert parent.progress == Decimal("60.0")


def test_only_the_chain_edits_a_personal_goal(personas):
    goal = personal(personas.employee, kind=Goal.Kind.MILESTONE)
    for outsider in (personas.peer, personas.outsider):
        with pytest.raises(PermissionDenied):
            services.goal_edit(goal=goal, actor=outsider.user, version=None, title="x")
    for allowed in (personas.employee, personas.manager, personas.director, personas.hr):
        services.goal_edit(goal=goal, actor=allowed.user, version=None, title=f"by {allowed}")


def test_an_employee_cannot_create_goals_for_a_peer_or_the_organisation(personas):
    with pytest.raises(PermissionDenied):
        personal(personas.employee, owner=personas.peer)
    with pytest.raises(PermissionDenied):
        personal(personas.employee, level=Goal.Level.ORGANISATION, owner=None)
    with pytest.raises(PermissionDenied):
        team_goal(personas.employee, personas.planning)


def test_carry_over_starts_where_the_goal_stopped(personas):
    goal = personal(
        personas.employee,
        key_results=[KeyResultInput("Routes planned", Decimal(0), Decimal(20), Decimal(12))],
    )
    new = services.goal_carry_over(goal=goal, actor=personas.employee.user)
    goal.refresh_from_db()
    assert goal.status == Goal.Status.MISSED and goal.closed_at is not None
    assert new.start_date == Q.end + datetime.timedelta(days=1)
    assert new.end_date == datetime.date(2027, 3, 31)
    result = new.key_results.get()
    assert (result.start_value, result.current_value, result.target_value) == (12, 12, 20)
    assert new.carried_over_from == goal


def test_only_hr_marks_goals_strategic(personas):
    goal = team_goal(personas.hr, personas.operations, kind=Goal.Kind.MILESTONE)
    with pytest.raises(PermissionDenied):
        services.goal_set_strategic(goal=goal, actor=personas.manager.user, strategic=True)
    services.goal_set_strategic(goal=goal, actor=personas.hr.user, strategic=True)
    goal.refresh_from_db()
    assert goal.is_strategic
    assert AuditEntry.objects.filter(action="goals.strategic_set").count() == 1


@pytest.mark.parametrize(
    ("raw", "unit", "value"),
    [
        ("1.234,5", "euro", Decimal("1234.5")),
        ("€ 40", "euro", Decimal(40)),
        ("12%", "percent", Decimal(12)),
        ("3,5", "number", Decimal("3.5")),
        ("ja", "yes_no", Decimal(1)),
        ("no", "yes_no", Decimal(0)),
    ],
)
def test_values_are_read_in_their_unit(raw, unit, value):
    assert services.parse_value(raw, unit=unit) == value


@pytest.mark.parametrize(
    ("raw", "unit"), [("twelve", "number"), ("maybe", "yes_no"), ("1e400", "number")]
)
def test_bad_values_are_refused(raw, unit):
    with pytest.raises(ValidationError):
        services.parse_value(raw, unit=unit)
