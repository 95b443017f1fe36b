from stip.goals.models import Goal, KeyResult
from tests.factories import GoalFactory
from tests.matrix import (
    NOT_FOUND,
    OK,
    UNAUTHORIZED,
    Row,
    api_everyone,
    api_only,
    path,
)

# The goal pages' rows.
PAGE_ROWS = []

# --- API -------------------------------------------------------------------------------------
# Denials: a goal the caller may not see answers 404; one they see but may not change, 403.

CREATED = 201
NO_CONTENT = 204
FORBIDDEN = 403

# Who may change the employee's goals: they, their management chain, HR and administrators.
EMPLOYEE_CHAIN = ("employee", "manager", "director", "hr", "admin")
# Who may change Planning's team goals: whoever manages someone in it, HR and administrators.
PLANNING_LEADS = ("manager", "director", "hr", "admin")


def _goal(p, **kwargs) -> Goal:
    return GoalFactory(owner=p.employee, **kwargs)


def goal_path(suffix: str = "", **kwargs):
    """The API path of a fresh goal of the employee's, shared with the organisation unless
    `kwargs` say otherwise."""
    return lambda p: f"/api/v1/goals/{_goal(p, **kwargs).public_id}{suffix}"


def team_goal_path(p) -> str:
    goal = GoalFactory(level="team", owner=None, team=p.planning, visibility="team")
    return f"/api/v1/goals/{goal.public_id}"


def key_result_path(p) -> str:
    goal = _goal(p, kind="objective", progress_mode="key_results")
    result = KeyResult.objects.create(
        goal=goal, title="Routes planned", start_value=0, target_value=20, current_value=5
    )
    return f"/api/v1/goals/{goal.public_id}/key-results/{result.public_id}"


def closed_goal_path(p) -> str:
    goal = _goal(p)
    Goal.objects.filter(pk=goal.pk).update(status="achieved", closed_at=goal.created_at)
    return f"/api/v1/goals/{goal.public_id}/reopen"


def answers(**by_role):
    """Every role's answer spelled out: anonymous callers and people who have left get 401."""
    return {"anonymous": UNAUTHORIZED, "leaver": UNAUTHORIZED, **by_role}


def new_goal(**fields):
    return lambda p: (
        {"level": "personal", "title": "Plan the Almere routes", "kind": "milestone"}
        | {key: value(p) if callable(value) else value for key, value in fields.items()}
    )


API_ROWS = [
    Row("GET /api/v1/goals", path("/api/v1/goals"), api_everyone(OK)),
    Row("GET /api/v1/goals/tree", path("/api/v1/goals/tree"), api_everyone(OK)),
    Row(
        "POST /api/v1/goals (one's own)",
        path("/api/v1/goals"),
        api_everyone(CREATED),
        method="post",
        data=new_goal(),
        json=True,
    ),
    Row(
        "POST /api/v1/goals (for the employee)",
        path("/api/v1/goals"),
        api_only(EMPLOYEE_CHAIN, CREATED, no=FORBIDDEN),
        method="post",
        data=new_goal(owner=lambda p: str(p.employee.public_id)),
        json=True,
    ),
    Row(
        "POST /api/v1/goals (Planning's)",
        path("/api/v1/goals"),
        api_only(PLANNING_LEADS, CREATED, no=FORBIDDEN),
        method="post",
        data=new_goal(level="team", team=lambda p: str(p.planning.public_id)),
        json=True,
    ),
    Row(
        "POST /api/v1/goals (the organisation's)",
        path("/api/v1/goals"),
        api_only(("hr", "admin"), CREATED, no=FORBIDDEN),
        method="post",
        data=new_goal(level="organisation"),
        json=True,
    ),
    Row("GET /api/v1/goals/{id}", goal_path(), api_everyone(OK)),
    Row(
        "GET /api/v1/goals/{id} (private)",
        goal_path(visibility="private"),
        api_only(EMPLOYEE_CHAIN, OK),
    ),
    Row(
        "GET /api/v1/goals/{id} (Planning's, for the team)",
        team_goal_path,
        api_only(("employee", "peer", *PLANNING_LEADS), OK),
    ),
    Row(
        "PATCH /api/v1/goals/{id}",
        goal_path(),
        api_only(EMPLOYEE_CHAIN, OK, no=FORBIDDEN),
        method="patch",
        data=lambda p: {"version": 1, "title": "Plan the Almere and Lelystad routes"},
        json=True,
    ),
    Row(
        "PATCH /api/v1/goals/{id} (private)",
        goal_path(visibility="private"),
        api_only(EMPLOYEE_CHAIN, OK),
        method="patch",
        data=lambda p: {"version": 1, "title": "Plan the Almere and Lelystad routes"},
        json=True,
    ),
    Row(
        "PATCH /api/v1/goals/{id} (Planning's, for the team)",
        team_goal_path,
        answers(
            employee=FORBIDDEN,
            peer=FORBIDDEN,
            manager=OK,
            director=OK,
            hr=OK,
            admin=OK,
            outsider=NOT_FOUND,
        ),
        method="patch",
        data=lambda p: {"version": 1, "description": "Every route planned a day ahead."},
        json=True,
    ),
    Row("GET /api/v1/goals/{id}/children", goal_path("/children"), api_everyone(OK)),
    Row(
        "GET /api/v1/goals/{id}/children (private)",
        goal_path("/children", visibility="private"),
        api_only(EMPLOYEE_CHAIN, OK),
    ),
    Row("GET /api/v1/goals/{id}/updates", goal_path("/updates"), api_everyone(OK)),
    Row(
        "GET /api/v1/goals/{id}/updates (private)",
        goal_path("/updates", visibility="private"),
        api_only(EMPLOYEE_CHAIN, OK),
    ),
    Row(
        "POST /api/v1/goals/{id}/updates",
        goal_path("/updates"),
        api_only(EMPLOYEE_CHAIN, CREATED, no=FORBIDDEN),
        method="post",
        data=lambda p: {"version": 1, "status": "at_risk", "progress": 40},
        json=True,
    ),
    Row(
        "POST /api/v1/goals/{id}/updates (private)",
        goal_path("/updates", visibility="private"),
        api_only(EMPLOYEE_CHAIN, CREATED),
        method="post",
        data=lambda p: {"version": 1, "status": "at_risk", "progress": 40},
        json=True,
    ),
    Row("GET /api/v1/goals/{id}/comments", goal_path("/comments"), api_everyone(OK)),
    Row(
        "GET /api/v1/goals/{id}/comments (private)",
        goal_path("/comments", visibility="private"),
        api_only(EMPLOYEE_CHAIN, OK),
    ),
    Row(
        "POST /api/v1/goals/{id}/comments",
        goal_path("/comments"),
        api_everyone(CREATED),
        method="post",
        data=lambda p: {"text": "Nice progress!"},
        json=True,
    ),
    Row(
        "POST /api/v1/goals/{id}/comments (private)",
        goal_path("/comments", visibility="private"),
        api_only(EMPLOYEE_CHAIN, CREATED),
        method="post",
        data=lambda p: {"text": "Let's talk about this on Thursday."},
        json=True,
    ),
    Row(
        "POST /api/v1/goals/{id}/key-results",
        goal_path("/key-results"),
        api_only(EMPLOYEE_CHAIN, CREATED, no=FORBIDDEN),
        method="post",
        data=lambda p: {"title": "Routes planned", "start_value": 0, "target_value": 20},
        json=True,
    ),
    Row(
        "DELETE /api/v1/goals/{id}/key-results/{kr_id}",
        key_result_path,
        api_only(EMPLOYEE_CHAIN, NO_CONTENT, no=FORBIDDEN),
        method="delete",
        json=True,
    ),
    Row(
        "POST /api/v1/goals/{id}/close",
        goal_path("/close"),
        api_only(EMPLOYEE_CHAIN, OK, no=FORBIDDEN),
        method="post",
        data=lambda p: {"version": 1, "outcome": "achieved", "reflection": "Done early."},
        json=True,
    ),
    Row(
        "POST /api/v1/goals/{id}/close (private)",
        goal_path("/close", visibility="private"),
        api_only(EMPLOYEE_CHAIN, OK),
        method="post",
        data=lambda p: {"version": 1, "outcome": "missed"},
        json=True,
    ),
    Row(
        "POST /api/v1/goals/{id}/reopen",
        closed_goal_path,
        api_only(EMPLOYEE_CHAIN, OK, no=FORBIDDEN),
        method="post",
        json=True,
    ),
    Row(
        "POST /api/v1/goals/{id}/carry-over",
        goal_path("/carry-over"),
        api_only(EMPLOYEE_CHAIN, CREATED, no=FORBIDDEN),
        method="post",
        data=lambda p: {"reflection": "Two drivers were ill."},
        json=True,
    ),
    Row(
        "PUT /api/v1/goals/{id}/strategic",
        goal_path("/strategic"),
        api_only(("hr", "admin"), OK, no=FORBIDDEN),
        method="put",
        data=lambda p: {"strategic": True},
        json=True,
    ),
    Row(
        "PUT /api/v1/goals/{id}/strategic (private)",
        goal_path("/strategic", visibility="private"),
        answers(
            employee=FORBIDDEN,
            manager=FORBIDDEN,
            director=FORBIDDEN,
            hr=OK,
            admin=OK,
            peer=NOT_FOUND,
            outsider=NOT_FOUND,
        ),
        method="put",
        data=lambda p: {"strategic": True},
        json=True,
    ),
]


# --- Pages -----------------------------------------------------------------------------------
# A goal someone may not see, or may see but not change, answers 404 on every page; people who
# are signed out (or have left) are sent to sign in.

# (Imported here, not at the top: this part of the file is the pages engineer's.)
from django.urls import reverse  # noqa: E402

from tests.matrix import FOUND, everyone, only  # noqa: E402

# Everyone who sees the employee's private goal; also who may change any goal of theirs.
SEES_EMPLOYEES_PRIVATE = EMPLOYEE_CHAIN
# Who sees a Planning goal shared with the team.
PLANNING = ("employee", "peer", *PLANNING_LEADS)


def _page(name: str, suffix: str = "", **goal_fields):
    """The page `name` of a fresh goal of the employee's (shared with the organisation unless
    `goal_fields` say otherwise)."""
    return lambda p: reverse(name, args=[_goal(p, **goal_fields).public_id]) + suffix


def _team_page(name: str):
    def build(p):
        goal = GoalFactory(level="team", owner=None, team=p.planning, visibility="team")
        return reverse(name, args=[goal.public_id])

    return build


def _closed_page(p):
    goal = _goal(p)
    Goal.objects.filter(pk=goal.pk).update(status="achieved", closed_at=goal.created_at)
    return reverse("goals:reopen", args=[goal.public_id])


def _key_result_remove_page(p):
    goal = _goal(p, kind="objective", progress_mode="key_results")
    result = KeyResult.objects.create(
        goal=goal, title="Routes planned", start_value=0, target_value=20, current_value=5
    )
    return reverse("goals:key_result_remove", args=[goal.public_id, result.public_id])


def _new(query: str = "", **ids):
    return lambda p: (
        reverse("goals:new")
        + query.format(**{key: getattr(p, attr).public_id for key, attr in ids.items()})
    )


def _pick(name: str, query: str = "", **ids):
    """A picker of the goal form (`name`), with the query string the form would send."""
    return lambda p: (
        reverse(name)
        + query.format(**{key: getattr(p, attr).public_id for key, attr in ids.items()})
    )


def _pick_for_edit(**goal_fields):
    return lambda p: (
        reverse("goals:pick_parent") + f"?goal={_goal(p, **goal_fields).public_id}&parent_q=pl"
    )


PROGRESS = {"progress": "40", "status": "at_risk", "comment": "Two drivers ill", "version": "1"}
KEY_RESULT = {"title": "Routes planned", "unit": "number", "start_value": "0", "target_value": "20"}

PAGE_ROWS += [
    Row("goals:mine", lambda p: reverse("goals:mine"), everyone(OK)),
    Row("goals:team", lambda p: reverse("goals:team"), everyone(OK)),
    Row("goals:organisation", lambda p: reverse("goals:organisation"), everyone(OK)),
    Row("goals:tree", lambda p: reverse("goals:tree"), everyone(OK)),
    Row("goals:not_aligned", lambda p: reverse("goals:not_aligned"), everyone(OK)),
    Row("goals:search", lambda p: reverse("goals:search"), everyone(OK)),
    Row(
        "goals:search (someone's goals)",
        lambda p: reverse("goals:search") + f"?owner={p.employee.public_id}",
        everyone(OK),
    ),
    Row("goals:new", _new(), everyone(OK)),
    Row(
        "goals:new (for the employee)",
        _new("?owner={owner}", owner="employee"),
        only(EMPLOYEE_CHAIN, OK),
    ),
    Row(
        "goals:new (for Planning)",
        _new("?level=team&team={team}", team="planning"),
        only(PLANNING_LEADS, OK),
    ),
    Row("goals:new (for the organisation)", _new("?level=organisation"), only(("hr", "admin"), OK)),
    # The goal form's pickers answer whoever may open the form they belong to.
    Row("goals:pick_team", _pick("goals:pick_team", "?team_q=pl"), only(PLANNING_LEADS, OK)),
    Row("goals:pick_parent", _pick("goals:pick_parent", "?parent_q=pl"), everyone(OK)),
    Row(
        "goals:pick_parent (for the employee)",
        _pick("goals:pick_parent", "?owner={owner}&parent_q=pl", owner="employee"),
        only(EMPLOYEE_CHAIN, OK),
    ),
    Row(
        "goals:pick_parent (for Planning)",
        _pick("goals:pick_parent", "?level=team&team={team}&parent_q=pl", team="planning"),
        only(PLANNING_LEADS, OK),
    ),
    Row(
        "goals:pick_parent (for the organisation)",
        _pick("goals:pick_parent", "?level=organisation&parent_q=pl"),
        only(("hr", "admin"), OK),
    ),
    Row("goals:pick_parent (editing)", _pick_for_edit(), only(EMPLOYEE_CHAIN, OK)),
    Row(
        "goals:pick_parent (editing, private)",
        _pick_for_edit(visibility="private"),
        only(EMPLOYEE_CHAIN, OK),
    ),
    Row("goals:detail", _page("goals:detail"), everyone(OK)),
    Row(
        "goals:detail (private)",
        _page("goals:detail", visibility="private"),
        only(SEES_EMPLOYEES_PRIVATE, OK),
    ),
    Row(
        "goals:detail (shared with the team)",
        _page("goals:detail", visibility="team"),
        only(("peer", *SEES_EMPLOYEES_PRIVATE), OK),
    ),
    Row("goals:detail (Planning's)", _team_page("goals:detail"), only(PLANNING, OK)),
    Row("goals:children", _page("goals:children"), everyone(OK)),
    Row(
        "goals:children (private)",
        _page("goals:children", visibility="private"),
        only(SEES_EMPLOYEES_PRIVATE, OK),
    ),
    Row("goals:edit", _page("goals:edit"), only(EMPLOYEE_CHAIN, OK)),
    Row(
        "goals:edit (private)",
        _page("goals:edit", visibility="private"),
        only(EMPLOYEE_CHAIN, OK),
    ),
    Row("goals:edit (Planning's)", _team_page("goals:edit"), only(PLANNING_LEADS, OK)),
    Row("goals:update", _page("goals:update"), only(EMPLOYEE_CHAIN, OK)),
    Row(
        "goals:update (saved)",
        _page("goals:update"),
        only(EMPLOYEE_CHAIN, FOUND),
        method="post",
        data=lambda p: PROGRESS,
    ),
    Row(
        "goals:update (saved, private)",
        _page("goals:update", visibility="private"),
        only(EMPLOYEE_CHAIN, FOUND),
        method="post",
        data=lambda p: PROGRESS,
    ),
    Row("goals:close", _page("goals:close"), only(EMPLOYEE_CHAIN, OK)),
    Row(
        "goals:close (saved)",
        _page("goals:close"),
        only(EMPLOYEE_CHAIN, FOUND),
        method="post",
        data=lambda p: {"outcome": "achieved", "reflection": "Done early.", "version": "1"},
    ),
    Row("goals:reopen", _closed_page, only(EMPLOYEE_CHAIN, FOUND), method="post"),
    Row("goals:carry_over", _page("goals:carry_over"), only(EMPLOYEE_CHAIN, OK)),
    Row(
        "goals:carry_over (saved)",
        _page("goals:carry_over"),
        only(EMPLOYEE_CHAIN, FOUND),
        method="post",
        data=lambda p: {"reflection": "Two drivers were ill."},
    ),
    Row(
        "goals:strategic",
        _page("goals:strategic"),
        only(("hr", "admin"), FOUND),
        method="post",
        data=lambda p: {"strategic": "1"},
    ),
    Row(
        "goals:strategic (private)",
        _page("goals:strategic", visibility="private"),
        only(("hr", "admin"), FOUND),
        method="post",
        data=lambda p: {"strategic": "1"},
    ),
    Row("goals:key_result_add", _page("goals:key_result_add"), only(EMPLOYEE_CHAIN, OK)),
    Row(
        "goals:key_result_add (saved)",
        _page("goals:key_result_add"),
        only(EMPLOYEE_CHAIN, FOUND),
        method="post",
        data=lambda p: KEY_RESULT,
    ),
    Row(
        "goals:key_result_remove",
        _key_result_remove_page,
        only(EMPLOYEE_CHAIN, FOUND),
        method="post",
    ),
    Row(
        "goals:comment",
        _page("goals:comment"),
        everyone(FOUND),
        method="post",
        data=lambda p: {"text": "Nice progress!"},
    ),
    Row(
        "goals:comment (private)",
        _page("goals:comment", visibility="private"),
        only(SEES_EMPLOYEES_PRIVATE, FOUND),
        method="post",
        data=lambda p: {"text": "Let's talk about this on Thursday."},
    ),
]
