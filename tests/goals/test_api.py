import datetime
import json
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from stip.core.models import AuditEntry
from stip.core.services import access_token_create
from stip.goals import services
from stip.goals.models import Goal, GoalComment, GoalUpdate, KeyResult
from stip.goals.queries import CHILDREN_COUNTED
from stip.goals.services import KeyResultInput
from tests.factories import GoalFactory, PersonFactory

pytestmark = pytest.mark.django_db

GOALS = "/api/v1/goals"
# The goals' dates are relative to the real today (GoalFactory's quarter); these tests that
# name a period freeze the clock on a day in 2026's last quarter.
TODAY = datetime.date(2026, 11, 26)
Q4 = (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
Q3 = (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 26, 10, tzinfo=datetime.UTC)):
        yield


def goal_url(goal, suffix=""):
    return f"{GOALS}/{goal.public_id}{suffix}"


def send(client, method, url, data=None):
    return getattr(client, method)(url, data or {}, content_type="application/json")


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def id_of(*goals):
    return [str(goal.public_id) for goal in goals]


def assert_not_found(response):
    assert response.status_code == 404, response.content
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": []}


def assert_forbidden(response):
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"


def field_errors(response):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    return {error["field"]: error["message"] for error in body["errors"]}


def goal(owner, **kwargs):
    kwargs.setdefault("start_date", Q4[0])
    kwargs.setdefault("end_date", Q4[1])
    return GoalFactory(owner=owner, **kwargs)


def objective(personas, **kwargs):
    """The employee's objective with two key results, made as the employee would."""
    defaults = {
        "actor": personas.employee.user,
        "level": Goal.Level.PERSONAL,
        "owner": personas.employee,
        "title": "Plan the routes for Almere",
        "kind": Goal.Kind.OBJECTIVE,
        "visibility": Goal.Visibility.ORGANISATION,
        "period": Goal.Period.QUARTER,
        "start_date": Q4[0],
        "end_date": Q4[1],
        "key_results": [
            KeyResultInput("Routes planned", Decimal(0), Decimal(20)),
            KeyResultInput("Empty kilometres", Decimal(30), Decimal(10), unit="percent"),
        ],
    }
    return services.goal_create(**(defaults | kwargs))


# --- The list --------------------------------------------------------------------------------


def test_the_list_item_says_what_the_goal_is(client, personas):
    parent = GoalFactory(
        level="team", owner=None, team=personas.planning, start_date=Q4[0], end_date=Q4[1]
    )
    mine = goal(personas.employee, title="Plan Almere", parent=parent, progress=Decimal("42.5"))
    client.force_login(personas.peer.user)

    [item] = [i for i in client.get(GOALS).json()["results"] if i["id"] == str(mine.public_id)]

    assert item == {
        "id": str(mine.public_id),
        "title": "Plan Almere",
        "level": "personal",
        "kind": "milestone",
        "visibility": "organisation",
        "status": "on_track",
        "progress": 42.5,
        "is_strategic": False,
        "period": "quarter",
        "start_date": "2026-10-01",
        "end_date": "2026-12-31",
        "owner": {"id": str(personas.employee.public_id), "full_name": "Eva Employee"},
        "team": None,
        "parent_id": str(parent.public_id),
        "last_update_at": None,
        "closed_at": None,
        "version": 1,
    }


def test_a_private_goal_is_for_its_owner_their_managers_and_hr(client, personas):
    private = goal(personas.employee, visibility="private")

    for name in ("employee", "manager", "director", "hr"):
        client.force_login(personas.get(name).user)
        assert str(private.public_id) in ids(client.get(GOALS)), name
        assert client.get(goal_url(private)).status_code == 200, name
    for name in ("peer", "outsider"):
        client.force_login(personas.get(name).user)
        assert str(private.public_id) not in ids(client.get(GOALS)), name
        assert_not_found(client.get(goal_url(private)))
        assert_not_found(client.get(goal_url(private, "/updates")))
        assert_not_found(client.get(goal_url(private, "/children")))


def test_a_hidden_parent_is_not_revealed(client, personas):
    development = goal(personas.employee, visibility="private", kind="development")
    shared = goal(personas.employee, parent=development)

    client.force_login(personas.peer.user)
    [listed] = client.get(GOALS, {"owner": personas.employee.public_id}).json()["results"]
    assert listed["parent_id"] is None
    assert client.get(goal_url(shared)).json()["parent_id"] is None

    client.force_login(personas.manager.user)
    assert client.get(goal_url(shared)).json()["parent_id"] == str(development.public_id)


def test_the_period_is_the_current_quarter_unless_asked(client, personas):
    now = goal(personas.employee)
    earlier = goal(personas.employee, start_date=Q3[0], end_date=Q3[1])
    yearly = goal(personas.employee, period="year", start_date=datetime.date(2026, 1, 1))
    client.force_login(personas.employee.user)

    assert sorted(ids(client.get(GOALS))) == sorted(id_of(now, yearly))
    assert sorted(ids(client.get(GOALS, {"period": "2026-q3"}))) == sorted(id_of(earlier, yearly))
    assert len(ids(client.get(GOALS, {"period": "2026"}))) == 3
    assert len(ids(client.get(GOALS, {"period": "all"}))) == 3
    assert ids(client.get(GOALS, {"period": "2025"})) == []


@pytest.mark.parametrize("period", ["Q4", "2026-Q5", "last quarter", "1999", "0000-Q1"])
def test_a_period_it_does_not_know_is_refused(client, personas, period):
    client.force_login(personas.employee.user)

    assert "2026-Q4" in field_errors(client.get(GOALS, {"period": period}))["period"]


def test_it_filters(client, personas):
    mine = goal(personas.employee, title="Plan the Almere routes", status="at_risk")
    peers = goal(personas.peer, title="Train the new planner", is_strategic=True)
    outsiders = goal(personas.outsider, title="Close the books faster")
    team = GoalFactory(
        level="team", owner=None, team=personas.planning, start_date=Q4[0], end_date=Q4[1]
    )
    client.force_login(personas.employee.user)

    assert ids(client.get(GOALS, {"q": "almere PLAN"})) == id_of(mine)
    assert ids(client.get(GOALS, {"status": "at_risk"})) == id_of(mine)
    assert ids(client.get(GOALS, {"level": "team"})) == id_of(team)
    assert ids(client.get(GOALS, {"owner": "me"})) == id_of(mine)
    assert ids(client.get(GOALS, {"owner": str(personas.peer.public_id)})) == id_of(peers)
    assert ids(client.get(GOALS, {"strategic": "true"})) == id_of(peers)
    assert str(outsiders.public_id) in ids(client.get(GOALS, {"strategic": "false"}))
    # A team includes its sub-teams: Operations holds Planning.
    by_team = ids(client.get(GOALS, {"team": str(personas.operations.public_id)}))
    assert sorted(by_team) == sorted(id_of(mine, peers, team))


def test_unknown_filter_values_are_validation_errors(client, personas):
    client.force_login(personas.employee.user)

    assert set(field_errors(client.get(GOALS, {"team": uuid.uuid4()}))) == {"team"}
    assert set(field_errors(client.get(GOALS, {"owner": uuid.uuid4()}))) == {"owner"}
    assert set(field_errors(client.get(GOALS, {"owner": "you"}))) == {"owner"}
    # Someone who has left is unknown to an employee, like an id that never existed.
    assert set(field_errors(client.get(GOALS, {"owner": personas.leaver.public_id}))) == {"owner"}
    assert set(field_errors(client.get(GOALS, {"status": "done"}))) == {"status"}
    assert set(field_errors(client.get(GOALS, {"ordering": "owner__user__password"}))) == {
        "ordering"
    }


def test_it_orders_as_asked(client, personas):
    low = goal(personas.employee, title="B", progress=10, end_date=datetime.date(2026, 11, 30))
    high = goal(personas.employee, title="A", progress=90)
    middle = goal(personas.employee, title="C", progress=50, last_update_at=timezone.now())
    client.force_login(personas.employee.user)

    assert ids(client.get(GOALS)) == id_of(low, high, middle)
    assert ids(client.get(GOALS, {"ordering": "-progress"})) == id_of(high, middle, low)
    assert ids(client.get(GOALS, {"ordering": "title"})) == id_of(high, low, middle)
    # Goals never updated come last either way.
    assert ids(client.get(GOALS, {"ordering": "-last_update_at"}))[0] == str(middle.public_id)
    assert ids(client.get(GOALS, {"ordering": "last_update_at"}))[0] == str(middle.public_id)


def test_it_pages_without_counting_everything_one_may_see(client, personas):
    GoalFactory.create_batch(5, owner=personas.employee, start_date=Q4[0], end_date=Q4[1])
    client.force_login(personas.employee.user)

    first = client.get(GOALS, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()

    assert first["count"] is None
    assert first["previous"] is None and third["next"] is None
    assert client.get(second["previous"]).json() == first
    every = [item["id"] for page in (first, second, third) for item in page["results"]]
    assert len(set(every)) == 5
    # Past the end: empty, and a way back.
    fourth = client.get(GOALS, {"page_size": 2, "page": 4}).json()
    assert fourth["results"] == [] and fourth["next"] is None and "page=3" in fourth["previous"]
    # One person's goals are counted: their own index holds them.
    mine = client.get(GOALS, {"page_size": 2, "owner": "me"}).json()
    assert mine["count"] == 5


def test_it_finds_the_goals_that_contribute_to_no_goal(client, personas):
    team = GoalFactory(
        level="team", owner=None, team=personas.planning, start_date=Q4[0], end_date=Q4[1]
    )
    aligned = goal(personas.employee, parent=team)
    loose = goal(personas.employee)
    client.force_login(personas.employee.user)

    assert ids(client.get(GOALS, {"aligned": "false", "level": "personal"})) == id_of(loose)
    assert ids(client.get(GOALS, {"aligned": "true"})) == id_of(aligned)


# --- Creating --------------------------------------------------------------------------------


def test_it_creates_a_goal_with_key_results(client, personas):
    parent = GoalFactory(
        level="team", owner=None, team=personas.planning, start_date=Q4[0], end_date=Q4[1]
    )
    client.force_login(personas.employee.user)

    response = send(
        client,
        "post",
        GOALS,
        {
            "level": "personal",
            "title": "  Fewer empty kilometres  ",
            "description": "Combine return trips.",
            "kind": "objective",
            "visibility": "team",
            "parent": str(parent.public_id),
            "key_results": [
                {"title": "Empty kilometres", "unit": "percent", "start_value": 30,
                 "target_value": "10%", "current_value": "25", "weight": 3},
                {"title": "Fuel costs saved", "unit": "euro", "start_value": "0",
                 "target_value": "€ 1.500,00"},
            ],
        },
    )  # fmt: skip

    assert response.status_code == 201, response.content
    body = response.json()
    created = Goal.objects.get(public_id=body["id"])
    assert (created.title, created.owner, created.team) == (
        "Fewer empty kilometres",
        personas.employee,
        None,
    )
    assert (created.start_date, created.end_date) == Q4
    assert created.parent == parent
    assert created.progress_mode == "key_results"
    assert created.created_by == personas.employee.user
    fewer, saved = created.key_results.order_by("position")
    assert (fewer.direction, fewer.start_value, fewer.target_value, fewer.current_value) == (
        "decrease",
        30,
        10,
        25,
    )
    assert (saved.unit, saved.target_value, saved.weight) == ("euro", Decimal("1500"), 1)
    # (25% × 3 + 0% × 1) / 4
    assert created.progress == Decimal("18.8")
    assert body["progress"] == 18.8
    assert body["parent_id"] == str(parent.public_id)
    assert [result["title"] for result in body["key_results"]] == [
        "Empty kilometres",
        "Fuel costs saved",
    ]
    assert body["key_results"][0]["progress"] == 25.0
    entry = AuditEntry.objects.get(action="goals.goal_created")
    assert entry.actor == personas.employee.user
    assert entry.object_id == body["id"]


def test_a_manager_creates_a_goal_for_a_report_and_a_team_goal(client, personas):
    client.force_login(personas.manager.user)
    base = {"title": "Plan Almere", "kind": "milestone", "period": "year"}

    for_report = send(
        client, "post", GOALS, base | {"level": "personal", "owner": personas.employee.public_id}
    )
    for_team = send(
        client, "post", GOALS, base | {"level": "team", "team": personas.planning.public_id}
    )

    assert for_report.status_code == for_team.status_code == 201
    assert for_report.json()["owner"]["id"] == str(personas.employee.public_id)
    assert for_team.json()["team"] == {
        "id": str(personas.planning.public_id),
        "name": "Planning",
    }
    assert (for_team.json()["start_date"], for_team.json()["end_date"]) == (
        "2026-01-01",
        "2026-12-31",
    )


def test_someone_may_not_create_a_goal_for_a_colleague(client, personas):
    client.force_login(personas.peer.user)
    body = {"level": "personal", "owner": str(personas.employee.public_id)}

    response = send(client, "post", GOALS, body | {"title": "Yours", "kind": "milestone"})

    assert_forbidden(response)
    assert not Goal.objects.exists()


def test_only_hr_marks_a_new_goal_strategic(client, personas):
    client.force_login(personas.manager.user)
    body = {"level": "organisation", "title": "On time", "kind": "kpi", "is_strategic": True}

    assert_forbidden(send(client, "post", GOALS, body))
    client.force_login(personas.hr.user)
    response = send(client, "post", GOALS, body)
    assert response.status_code == 201
    assert response.json()["is_strategic"] is True


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"start_date": "2026-12-01", "end_date": "2026-11-01"},
            "end_date",
            "The end date is before the start date.",
        ),
        (
            {"key_results": [{"title": "Routes", "start_value": 5, "target_value": "5"}]},
            "key_results.0.target_value",
            "The target must differ from the start value.",
        ),
        (
            {"key_results": [{"title": "R", "start_value": 0, "target_value": 5, "weight": -1}]},
            "key_results.0.weight",
            "The weight cannot be negative.",
        ),
        (
            {"key_results": [{"title": "R", "start_value": "twelve", "target_value": 5}]},
            "key_results.0.start_value",
            "Enter a number.",
        ),
        (
            {"key_results": [{"title": "R", "unit": "yes_no", "start_value": 0,
                              "target_value": "maybe"}]},
            "key_results.0.target_value",
            "Enter yes or no.",
        ),
        (
            {"key_results": [{"title": "R", "unit": "percent", "start_value": 0,
                              "target_value": "150%"}]},
            "key_results.0.target_value",
            "A percentage is between 0 and 100.",
        ),
        (
            {"key_results": [{"title": "R", "start_value": 0, "target_value": 1e15}]},
            "key_results.0.target_value",
            "Enter a number.",
        ),
        ({"title": "   "}, "title", "Give the goal a title."),
        ({"kind": "dream"}, "kind", None),
        ({"period": "custom"}, "start_date", "This field is required."),
        ({"parent": str(uuid.uuid4())}, "parent", "There is no goal with this id."),
        ({"level": "team"}, "team", "Choose the team this goal belongs to."),
        ({"level": "team", "team": str(uuid.uuid4())}, "team", "There is no team with this id."),
    ],
)  # fmt: skip
def test_a_bad_goal_is_refused_with_the_field_and_why(client, personas, change, field, message):
    client.force_login(personas.hr.user)
    body = {"level": "personal", "owner": str(personas.employee.public_id)}
    body |= {"title": "Plan Almere", "kind": "objective"} | change

    errors = field_errors(send(client, "post", GOALS, body))

    assert field in errors
    if message is not None:
        assert errors[field] == message
    assert not Goal.objects.exists()
    assert not KeyResult.objects.exists()


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "1e400", '"NaN"', "true", "[]", '"x"'])
@pytest.mark.parametrize("field", ["start_value", "weight"])
def test_a_value_that_is_no_number_is_refused(client, personas, field, raw):
    client.force_login(personas.employee.user)
    result = {"title": "Routes", "start_value": "0", "target_value": "10", field: "RAW"}
    body = {"level": "personal", "title": "T", "kind": "objective", "key_results": [result]}
    # As sent: NaN and 1e400 are what a careless JSON encoder writes, not valid JSON values.
    body = json.dumps(body).replace('"RAW"', raw)

    errors = field_errors(client.post(GOALS, body, content_type="application/json"))

    assert errors == {f"key_results.0.{field}": "Enter a number."}
    assert not Goal.objects.exists()


def test_bad_key_results_are_reported_by_field(client, personas):
    client.force_login(personas.employee.user)
    body = {"level": "personal", "title": "Plan Almere", "kind": "objective"}
    body["key_results"] = [
        {"title": "A", "start_value": "x", "target_value": "y"},
        {"title": "B", "start_value": 1, "target_value": 1, "weight": -2},
    ]

    errors = field_errors(send(client, "post", GOALS, body))

    assert set(errors) == {"key_results.0.start_value", "key_results.0.target_value"}
    body["key_results"][0] |= {"start_value": 0, "target_value": 1}
    errors = field_errors(send(client, "post", GOALS, body))
    assert set(errors) == {"key_results.1.target_value", "key_results.1.weight"}


def test_a_goal_cannot_contribute_to_one_its_owner_cannot_see(client, personas):
    secret = goal(personas.outsider, visibility="private")
    client.force_login(personas.hr.user)
    body = {"level": "personal", "owner": str(personas.employee.public_id), "kind": "milestone"}

    errors = field_errors(
        send(client, "post", GOALS, body | {"title": "Mine", "parent": str(secret.public_id)})
    )

    assert "cannot see" in errors["parent"]


# --- One goal --------------------------------------------------------------------------------


def test_the_detail_has_key_results_visible_children_and_its_history(client, personas):
    earlier = goal(personas.employee, start_date=Q3[0], end_date=Q3[1])
    top = objective(personas)
    Goal.objects.filter(pk=top.pk).update(carried_over_from=earlier, reflection="")
    shared = goal(personas.employee, parent=top)
    goal(personas.employee, parent=top, visibility="private")
    client.force_login(personas.peer.user)

    body = client.get(goal_url(top)).json()

    assert [r["title"] for r in body["key_results"]] == ["Routes planned", "Empty kilometres"]
    routes = body["key_results"][0]
    assert routes == {
        "id": str(top.key_results.get(title="Routes planned").public_id),
        "title": "Routes planned",
        "unit": "number",
        "direction": "increase",
        "start_value": 0.0,
        "target_value": 20.0,
        "current_value": 0.0,
        "weight": 1.0,
        "progress": 0.0,
    }
    assert body["key_results"][1]["direction"] == "decrease"
    # The private one is neither listed nor counted.
    assert body["children_ids"] == id_of(shared)
    assert body["visible_children"] == 1
    assert body["carried_over_from"] == str(earlier.public_id)
    assert body["description"] == "" and body["reflection"] == ""

    client.force_login(personas.manager.user)
    assert client.get(goal_url(top)).json()["visible_children"] == 2


def test_an_unknown_or_malformed_id(client, personas):
    client.force_login(personas.employee.user)

    assert_not_found(client.get(f"{GOALS}/{uuid.uuid4()}"))
    assert_not_found(send(client, "patch", f"{GOALS}/{uuid.uuid4()}", {"version": 1}))
    assert set(field_errors(client.get(f"{GOALS}/42"))) == {"id"}


# --- Changing --------------------------------------------------------------------------------


def test_a_patch_changes_only_what_it_sends(client, personas):
    mine = goal(personas.employee, title="Plan Almere", description="Routes.")
    client.force_login(personas.manager.user)

    response = send(client, "patch", goal_url(mine), {"version": 1, "title": "Plan Lelystad"})

    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    mine.refresh_from_db()
    assert (mine.title, mine.description, mine.version) == ("Plan Lelystad", "Routes.", 2)
    entry = AuditEntry.objects.get(action="goals.goal_edited")
    assert entry.actor == personas.manager.user
    assert (entry.before["title"], entry.after["title"]) == ("Plan Almere", "Plan Lelystad")


def test_a_patch_based_on_an_old_version_is_a_conflict(client, personas):
    mine = goal(personas.employee, title="Plan Almere")
    client.force_login(personas.manager.user)
    first = send(client, "patch", goal_url(mine), {"version": 1, "title": "Manager's"})
    assert first.status_code == 200
    client.force_login(personas.employee.user)

    response = send(client, "patch", goal_url(mine), {"version": 1, "title": "Mine"})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert "version 2" in body["detail"]
    assert body["errors"] == []
    mine.refresh_from_db()
    assert (mine.title, mine.version) == ("Manager's", 2)
    assert AuditEntry.objects.filter(action="goals.goal_edited").count() == 1


def test_a_patch_needs_the_version(client, personas):
    mine = goal(personas.employee)
    client.force_login(personas.employee.user)

    errors = field_errors(send(client, "patch", goal_url(mine), {"title": "New"}))

    assert errors == {"version": "This field is required."}


def test_a_patch_aligns_and_unaligns(client, personas):
    team = GoalFactory(
        level="team", owner=None, team=personas.planning, start_date=Q4[0], end_date=Q4[1]
    )
    mine = goal(personas.employee)
    client.force_login(personas.employee.user)

    aligned = send(client, "patch", goal_url(mine), {"version": 1, "parent": team.public_id})
    unaligned = send(client, "patch", goal_url(mine), {"version": 2, "parent": None})
    refused = send(client, "patch", goal_url(mine), {"version": 3, "end_date": "2026-01-01"})
    null = send(client, "patch", goal_url(mine), {"version": 3, "title": None})

    assert aligned.json()["parent_id"] == str(team.public_id)
    assert unaligned.json()["parent_id"] is None
    assert set(field_errors(refused)) == {"end_date"}
    assert set(field_errors(null)) == {"title"}
    mine.refresh_from_db()
    assert mine.version == 3


def test_a_colleague_sees_a_goal_but_may_not_change_it(client, personas):
    mine = goal(personas.employee)
    private = goal(personas.employee, visibility="private")
    client.force_login(personas.peer.user)

    assert_forbidden(send(client, "patch", goal_url(mine), {"version": 1, "title": "Mine"}))
    assert_not_found(send(client, "patch", goal_url(private), {"version": 1, "title": "Mine"}))
    mine.refresh_from_db()
    assert mine.version == 1


# --- Progress --------------------------------------------------------------------------------


def test_a_progress_update_recomputes_progress_and_is_kept(client, personas):
    top = objective(personas)
    routes = top.key_results.get(title="Routes planned")
    empty = top.key_results.get(title="Empty kilometres")
    client.force_login(personas.employee.user)

    response = send(
        client,
        "post",
        goal_url(top, "/updates"),
        {
            "version": top.version,
            "status": "at_risk",
            "comment": "Two drivers ill",
            "values": {str(routes.public_id): 10, str(empty.public_id): "20%"},
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    # (50% + 50%) / 2
    assert (body["progress"], body["status"], body["version"]) == (50.0, "at_risk", 2)
    top.refresh_from_db()
    assert top.progress == Decimal(50) and top.last_update_at is not None
    update = GoalUpdate.objects.get(goal=top)
    assert (update.author, update.comment, update.progress) == (
        personas.employee.user,
        "Two drivers ill",
        Decimal(50),
    )
    assert AuditEntry.objects.filter(action="goals.progress_updated").count() == 1


def test_a_goal_set_by_hand_takes_a_percentage(client, personas):
    mine = goal(personas.employee)
    client.force_login(personas.manager.user)

    response = send(
        client,
        "post",
        goal_url(mine, "/updates"),
        {"version": 1, "status": "on_track", "progress": "62,5"},
    )

    assert response.json()["progress"] == 62.5
    too_much = send(
        client,
        "post",
        goal_url(mine, "/updates"),
        {"version": 2, "status": "on_track", "progress": 120},
    )
    assert field_errors(too_much) == {"progress": "Progress is between 0 and 100%."}


def test_a_bad_progress_update_is_refused_whole(client, personas):
    top = objective(personas)
    routes = top.key_results.get(title="Routes planned")
    client.force_login(personas.employee.user)
    url = goal_url(top, "/updates")
    stranger = uuid.uuid4()

    bad_values = send(
        client,
        "post",
        url,
        {
            "version": 1,
            "status": "on_track",
            "values": {str(routes.public_id): "lots", str(stranger): 1},
        },
    )
    bad_status = send(client, "post", url, {"version": 1, "status": "achieved"})
    stale = send(client, "post", url, {"version": 7, "status": "on_track"})

    assert set(field_errors(bad_values)) == {f"values.{routes.public_id}", f"values.{stranger}"}
    assert set(field_errors(bad_status)) == {"status"}
    assert stale.status_code == 409
    assert not GoalUpdate.objects.exists()
    routes.refresh_from_db()
    assert routes.current_value == 0


def test_the_history_is_newest_first(client, personas):
    top = objective(personas)
    routes = top.key_results.get(title="Routes planned")
    with time_machine.travel(datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC)):
        services.goal_update_progress(
            goal=top, actor=personas.employee.user, version=None, status="on_track",
            values={str(routes.public_id): Decimal(4)},
        )  # fmt: skip
    services.goal_update_progress(
        goal=top, actor=personas.manager.user, version=None, status="off_track", comment="Hm."
    )
    client.force_login(personas.peer.user)

    results = client.get(goal_url(top, "/updates")).json()["results"]

    assert [(r["status"], r["author"]["full_name"]) for r in results] == [
        ("off_track", "Mark Manager"),
        ("on_track", "Eva Employee"),
    ]
    assert results[1]["created_at"].startswith("2026-11-01T")
    assert results[1]["values"][0] == {
        "key_result_id": str(routes.public_id),
        "title": "Routes planned",
        "value": 4.0,
    }
    assert results[0]["comment"] == "Hm."


# --- Comments --------------------------------------------------------------------------------


def test_comments(client, personas):
    mine = goal(personas.employee)
    client.force_login(personas.manager.user)
    first = send(client, "post", goal_url(mine, "/comments"), {"text": " How is it going? "})
    client.force_login(personas.employee.user)
    send(client, "post", goal_url(mine, "/comments"), {"text": "Fine, thanks."})
    empty = send(client, "post", goal_url(mine, "/comments"), {"text": "  "})

    results = client.get(goal_url(mine, "/comments")).json()["results"]

    assert first.status_code == 201
    assert first.json()["author"] == {
        "id": str(personas.manager.public_id),
        "full_name": "Mark Manager",
    }
    assert [(c["author"]["full_name"], c["text"]) for c in results] == [
        ("Mark Manager", "How is it going?"),
        ("Eva Employee", "Fine, thanks."),
    ]
    assert results[0]["id"] == first.json()["id"]
    assert field_errors(empty) == {"text": "Write a comment first."}
    assert GoalComment.objects.count() == 2


def test_nobody_comments_on_a_goal_they_cannot_see(client, personas):
    private = goal(personas.employee, visibility="private")
    client.force_login(personas.peer.user)

    assert_not_found(send(client, "post", goal_url(private, "/comments"), {"text": "Hi"}))
    assert not GoalComment.objects.exists()


# --- Key results -----------------------------------------------------------------------------


def test_key_results_are_added_and_removed(client, personas):
    top = objective(personas)
    routes = top.key_results.get(title="Routes planned")
    client.force_login(personas.employee.user)

    added = send(
        client,
        "post",
        goal_url(top, "/key-results"),
        {"title": "Complaints", "start_value": "40", "target_value": 10, "current_value": 25},
    )
    top.refresh_from_db()
    assert added.status_code == 201, added.content
    assert added.json()["direction"] == "decrease" and added.json()["progress"] == 50
    assert top.progress == Decimal("16.7") and top.version == 2

    removed = client.delete(goal_url(top, f"/key-results/{routes.public_id}"))
    top.refresh_from_db()
    assert removed.status_code == 204
    assert top.progress == 25 and top.version == 3
    assert not KeyResult.objects.filter(pk=routes.pk).exists()
    assert AuditEntry.objects.filter(action="goals.key_result_removed").count() == 1


def test_a_key_result_of_another_goal_is_not_found(client, personas):
    top = objective(personas)
    other = objective(personas, title="Another")
    client.force_login(personas.employee.user)
    result = other.key_results.first()

    assert_not_found(client.delete(goal_url(top, f"/key-results/{result.public_id}")))
    assert_not_found(client.delete(goal_url(top, f"/key-results/{uuid.uuid4()}")))
    assert KeyResult.objects.count() == 4


def test_a_bad_key_result_is_refused(client, personas):
    top = objective(personas)
    client.force_login(personas.employee.user)

    response = send(
        client,
        "post",
        goal_url(top, "/key-results"),
        {"title": "Same", "start_value": 3, "target_value": 3},
    )

    assert set(field_errors(response)) == {"target_value"}


# --- Closing, reopening, carrying over -------------------------------------------------------


def test_close_and_reopen(client, personas):
    mine = goal(personas.employee)
    client.force_login(personas.employee.user)

    closed = send(
        client,
        "post",
        goal_url(mine, "/close"),
        {"version": 1, "outcome": "achieved", "reflection": "Done a week early."},
    )
    again = send(client, "post", goal_url(mine, "/close"), {"version": 2, "outcome": "missed"})
    stale = send(client, "post", goal_url(mine, "/close"), {"version": 1, "outcome": "missed"})

    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "achieved"
    assert closed.json()["reflection"] == "Done a week early."
    assert closed.json()["closed_at"] is not None
    assert field_errors(again) == {"outcome": "This goal is already closed."}
    assert stale.status_code == 409

    reopened = send(client, "post", goal_url(mine, "/reopen"))
    assert reopened.status_code == 200
    assert (reopened.json()["status"], reopened.json()["closed_at"]) == ("on_track", None)
    assert AuditEntry.objects.filter(action="goals.goal_reopened").count() == 1


def test_carry_over_answers_with_the_new_goal(client, personas):
    top = objective(personas)
    client.force_login(personas.manager.user)

    response = send(client, "post", goal_url(top, "/carry-over"), {"reflection": "Short-staffed."})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] != str(top.public_id)
    assert (body["start_date"], body["end_date"]) == ("2027-01-01", "2027-03-31")
    assert body["carried_over_from"] == str(top.public_id)
    assert len(body["key_results"]) == 2
    top.refresh_from_db()
    assert (top.status, top.reflection) == ("missed", "Short-staffed.")

    achieved = goal(personas.employee, status="achieved", closed_at=timezone.now())
    refused = send(client, "post", goal_url(achieved, "/carry-over"))
    assert set(field_errors(refused)) == {"outcome"}


# --- Strategic -------------------------------------------------------------------------------


def test_only_hr_marks_a_goal_strategic(client, personas):
    team = GoalFactory(level="organisation", owner=None, start_date=Q4[0], end_date=Q4[1])
    private = goal(personas.employee, visibility="private")

    client.force_login(personas.director.user)
    assert_forbidden(send(client, "put", goal_url(team, "/strategic"), {"strategic": True}))
    client.force_login(personas.peer.user)
    assert_not_found(send(client, "put", goal_url(private, "/strategic"), {"strategic": True}))

    client.force_login(personas.hr.user)
    response = send(client, "put", goal_url(team, "/strategic"), {"strategic": True})
    assert response.json()["is_strategic"] is True
    assert AuditEntry.objects.filter(action="goals.strategic_set").count() == 1
    assert field_errors(send(client, "put", goal_url(team, "/strategic"), {})) == {
        "strategic": "This field is required."
    }


# --- The tree --------------------------------------------------------------------------------


def test_the_tree_counts_only_the_children_one_may_see(client, personas):
    org = GoalFactory(
        level="organisation", owner=None, is_strategic=True, start_date=Q4[0], end_date=Q4[1]
    )
    team = GoalFactory(
        level="team", owner=None, team=personas.planning, parent=org, visibility="team",
        start_date=Q4[0], end_date=Q4[1],
    )  # fmt: skip
    shared = goal(personas.employee, parent=team)
    goal(personas.employee, parent=team, visibility="private")
    finance = GoalFactory(
        level="team", owner=None, team=personas.finance, start_date=Q4[0], end_date=Q4[1]
    )
    goal(personas.peer)  # a personal goal aligned to nothing: not in the tree
    GoalFactory(
        level="team", owner=None, team=personas.finance, start_date=Q3[0], end_date=Q3[1]
    )  # another period
    client.force_login(personas.peer.user)

    tree = client.get(f"{GOALS}/tree").json()
    children = client.get(goal_url(team, "/children")).json()["results"]

    # The organisation's goals first, then the teams' that contribute to none.
    assert [(r["id"], r["visible_children"]) for r in tree["results"]] == [
        (str(org.public_id), 1),
        (str(finance.public_id), 0),
    ]
    assert tree["count"] is None and tree["next"] is None
    assert [(c["id"], c["visible_children"], c["parent_id"]) for c in children] == [
        (str(shared.public_id), 0, str(team.public_id))
    ]
    client.force_login(personas.outsider.user)
    # Planning's goal is for Planning and its managers: the outsider sees no child.
    assert client.get(f"{GOALS}/tree").json()["results"][0]["visible_children"] == 0
    assert_not_found(client.get(goal_url(team, "/children")))
    assert len(client.get(f"{GOALS}/tree", {"period": "2026-Q3"}).json()["results"]) == 1


def test_the_tree_counts_children_up_to_a_limit(client, personas, monkeypatch):
    monkeypatch.setattr("stip.goals.queries.CHILDREN_COUNTED", 3)
    org = GoalFactory(level="organisation", owner=None, start_date=Q4[0], end_date=Q4[1])
    for _ in range(4):
        goal(personas.employee, parent=org)
    goal(personas.employee, parent=org, visibility="private")
    client.force_login(personas.peer.user)

    assert client.get(f"{GOALS}/tree").json()["results"][0]["visible_children"] == 3
    children = client.get(goal_url(org, "/children"), {"page_size": 3}).json()
    assert len(children["results"]) == 3 and children["next"] is not None
    rest = client.get(children["next"]).json()
    assert len(rest["results"]) == 1 and rest["next"] is None


# --- Authentication --------------------------------------------------------------------------


def test_a_token_changes_goals_without_csrf_but_a_session_needs_it(personas):
    mine = goal(personas.employee)
    _token, secret = access_token_create(user=personas.employee.user, name="Script")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.employee.user)
    script = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})

    refused = send(browser, "post", goal_url(mine, "/comments"), {"text": "From the browser"})
    accepted = send(script, "post", goal_url(mine, "/comments"), {"text": "From a script"})

    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    assert accepted.status_code == 201
    assert [c.text for c in GoalComment.objects.all()] == ["From a script"]


# --- Query budgets ---------------------------------------------------------------------------


@pytest.fixture(params=[10, 200], ids=["10-goals", "200-goals"])
def goals(request, personas):
    """The personas plus a crowd: Mark's reports with goals aligned to a team goal, each with
    a key result and two updates; every other goal private, so visibility does real work."""
    n = request.param
    team = GoalFactory(
        level="team", owner=None, team=personas.planning, start_date=Q4[0], end_date=Q4[1]
    )
    people = PersonFactory.create_batch(n // 10, team=personas.planning, manager=personas.manager)
    crowd = [
        GoalFactory(
            owner=people[i % len(people)],
            parent=team,
            visibility="private" if i % 2 else "organisation",
            start_date=Q4[0],
            end_date=Q4[1],
        )
        for i in range(n)
    ]
    KeyResult.objects.bulk_create(
        KeyResult(goal=g, title="Routes", start_value=0, target_value=10, current_value=3)
        for g in crowd
    )
    GoalUpdate.objects.bulk_create(
        GoalUpdate(goal=team, author=person.user, progress=i, status="on_track")
        for i, person in enumerate(people * 20)
    )
    team.n = n
    team.someone = people[0]
    return team


def test_the_list_runs_a_fixed_number_of_queries(
    client, personas, goals, django_assert_num_queries
):
    client.force_login(personas.peer.user)

    # Session, user with person, the page and one more row (owner, team and parent joined in),
    # which of the page's parents the caller may see: no count.
    with django_assert_num_queries(4):
        response = client.get(GOALS, {"page_size": 200})
    assert len(response.json()["results"]) > min(goals.n // 2, 100)
    # The same, plus looking up the owner of the filter and counting their goals.
    with django_assert_num_queries(6):
        response = client.get(GOALS, {"page_size": 200, "owner": goals.someone.public_id})
    assert response.json()["count"] > 0


def test_the_detail_runs_a_fixed_number_of_queries(
    client, personas, goals, django_assert_num_queries
):
    client.force_login(personas.manager.user)

    # Session, user with person, the goal (with owner, team, parent, carried-over-from and
    # the visibility and child counts as subqueries), its key results, its children's ids.
    with django_assert_num_queries(5):
        response = client.get(goal_url(goals))
    assert response.json()["visible_children"] == min(goals.n, CHILDREN_COUNTED)


def test_the_tree_runs_a_fixed_number_of_queries(
    client, personas, goals, django_assert_num_queries
):
    client.force_login(personas.manager.user)

    # Session, user with person, the page and one more row (child counts up to a limit as a
    # subquery): no count, and no parent to look at.
    with django_assert_num_queries(3):
        response = client.get(f"{GOALS}/tree", {"page_size": 200})
    counted = response.json()["results"][0]["visible_children"]
    assert counted == min(goals.n, CHILDREN_COUNTED)
    # Session, user with person, the goal, the page and one more row, whether the caller may
    # see their parent.
    with django_assert_num_queries(5):
        response = client.get(goal_url(goals, "/children"), {"page_size": 200})
    assert len(response.json()["results"]) == min(goals.n, 200)


def test_the_history_runs_a_fixed_number_of_queries(
    client, personas, goals, django_assert_num_queries
):
    client.force_login(personas.peer.user)

    # Session, user with person, the goal, count, page (authors with their person joined in).
    with django_assert_num_queries(5):
        response = client.get(goal_url(goals, "/updates"), {"page_size": 200})
    assert len(response.json()["results"]) == min(goals.n * 2, 200)
