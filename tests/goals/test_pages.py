import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from stip.core.models import AuditEntry
from stip.goals import services
from stip.goals.models import Goal, GoalComment, GoalUpdate
from stip.goals.queries import quarter_of
from stip.goals.services import KeyResultInput
from tests.factories import GoalFactory, PersonFactory, TeamFactory
from tests.goals.builders import create_goal

pytestmark = pytest.mark.django_db


create = create_goal


def url(name, goal=None, **kwargs):
    if goal is not None:
        kwargs["public_id"] = goal.public_id
    return reverse(name, kwargs=kwargs or None)


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def errors_at(html: str, field_id: str) -> str:
    """The error list rendered under one field (by its id), or ""."""
    match = re.search(rf'id="{re.escape(field_id)}_error">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def new_goal_data(**fields) -> dict:
    """A POST of the new-goal form: five empty key-result rows and what the test fills in."""
    data = {
        "title": "",
        "description": "",
        "kind": "objective",
        "visibility": "",
        "period": "quarter",
        "start_date": "",
        "end_date": "",
        "parent": "",
        "progress_mode": "",
        "kr-TOTAL_FORMS": "5",
        "kr-INITIAL_FORMS": "0",
        "kr-MIN_NUM_FORMS": "0",
        "kr-MAX_NUM_FORMS": "5",
    }
    for row in range(5):
        data[f"kr-{row}-unit"] = "number"
        data[f"kr-{row}-weight"] = "1"
    data.update(fields)
    return data


def edit_data(goal: Goal, **fields) -> dict:
    data = {
        "title": goal.title,
        "description": goal.description,
        "kind": goal.kind,
        "visibility": goal.visibility,
        "period": goal.period,
        "start_date": goal.start_date.isoformat(),
        "end_date": goal.end_date.isoformat(),
        "parent": str(goal.parent.public_id) if goal.parent_id else "",
        "progress_mode": goal.progress_mode,
        "version": goal.version,
    }
    data.update(fields)
    return data


# Creating and editing -------------------------------------------------------------------------


def test_an_employee_sets_a_goal_with_key_results_aligned_to_the_team_goal(client, personas):
    team_goal = create(
        personas.manager,
        level=Goal.Level.TEAM,
        team=personas.planning,
        title="Plan every route the evening before",
    )
    client.force_login(personas.employee.user)
    form = html_of(client.get(url("goals:new")))
    assert "Plan every route the evening before" in form  # offered to contribute to

    response = client.post(
        url("goals:new"),
        new_goal_data(
            title="Automate the Almere planning",
            owner=str(personas.employee.public_id),
            parent=str(team_goal.public_id),
            **{
                "kr-0-title": "Routes generated",
                "kr-0-start_value": "0",
                "kr-0-target_value": "1.234,5",
                # Row 2 left empty: rows nobody filled in are ignored.
                "kr-2-title": "Fuel saved",
                "kr-2-unit": "euro",
                "kr-2-start_value": "€ 40",
                "kr-2-target_value": "€ 100",
                "kr-2-current_value": "€ 70",
                "kr-2-weight": "3",
            },
        ),
    )
    goal = Goal.objects.get(title="Automate the Almere planning")
    assert response.status_code == 302
    assert response.url == url("goals:detail", goal)
    assert goal.owner == personas.employee and goal.parent == team_goal
    assert goal.level == Goal.Level.PERSONAL
    # The standard visibility of a personal goal; the dates of the quarter, filled in.
    assert goal.visibility == Goal.Visibility.TEAM
    quarter = quarter_of(timezone.localdate())
    assert (goal.start_date, goal.end_date) == (quarter.start, quarter.end)
    assert goal.progress_mode == Goal.ProgressMode.KEY_RESULTS
    results = [
        (r.title, r.unit, r.start_value, r.target_value, r.current_value, r.weight)
        for r in goal.key_results.order_by("position")
    ]
    assert results == [
        ("Routes generated", "number", 0, Decimal("1234.5"), 0, 1),
        ("Fuel saved", "euro", 40, 100, 70, 3),
    ]
    assert goal.progress == Decimal("37.5")  # (0 × 1 + 50 × 3) / 4
    entry = AuditEntry.objects.get(action="goals.goal_created", object_id=str(goal.public_id))
    assert entry.actor == personas.employee.user

    html = html_of(client.get(response.url))
    assert "The goal is saved." in html
    assert "Plan every route the evening before" in html  # contributes to
    assert "1,234.5" in html and "€ 70" in html and "€ 100" in html


def test_values_are_shown_in_the_readers_language(client, personas):
    goal = create(
        personas.employee,
        kind=Goal.Kind.KPI,
        key_results=[
            KeyResultInput("Budget", Decimal(0), Decimal("12500.5"), Decimal(1234), unit="euro"),
            KeyResultInput("Share", Decimal(10), Decimal(50), Decimal("12.5"), unit="percent"),
            KeyResultInput("Signed", Decimal(0), Decimal(1), unit="yes_no"),
        ],
    )
    personas.manager.user.language = "nl"
    personas.manager.user.save()
    client.force_login(personas.manager.user)
    html = html_of(client.get(url("goals:detail", goal)))
    assert "€ 12.500,50" in html and "€ 1.234" in html
    assert "12,5%" in html


def test_a_form_with_mistakes_keeps_what_was_typed_and_names_the_field(client, personas):
    client.force_login(personas.employee.user)
    owner = str(personas.employee.public_id)
    html = html_of(
        client.post(
            url("goals:new"),
            new_goal_data(
                title="Half-typed goal",
                description="Words I do not want to type again",
                owner=owner,
                **{"kr-0-title": "Money", "kr-0-start_value": "abc", "kr-0-target_value": "100"},
            ),
        )
    )
    assert "Enter a number." in errors_at(html, "id_kr-0-start_value")
    assert 'value="abc"' in html and 'value="Half-typed goal"' in html
    assert "Words I do not want to type again" in html
    assert "correct the fields marked below" in html
    assert not Goal.objects.exists()

    html = html_of(
        client.post(
            url("goals:new"),
            new_goal_data(
                title="Half-typed goal",
                owner=owner,
                period="custom",
                start_date="2026-12-31",
                end_date="2026-10-01",
                **{
                    "kr-0-title": "Routes",
                    "kr-0-start_value": "5",
                    "kr-0-target_value": "5",
                    # The third row is the second key result: its errors land on row three.
                    "kr-2-title": "Calls",
                    "kr-2-start_value": "0",
                    "kr-2-target_value": "10",
                    "kr-2-weight": "-1",
                },
            ),
        )
    )
    assert "The end date is before the start date." in errors_at(html, "id_end_date")
    assert "The target must differ from the start value." in errors_at(html, "id_kr-0-target_value")
    assert "The weight cannot be negative." in errors_at(html, "id_kr-2-weight")
    assert 'value="2026-12-31"' in html and 'value="-1"' in html and 'value="Calls"' in html
    assert not Goal.objects.exists()


def test_a_stale_edit_is_refused_and_what_was_typed_is_kept(client, personas):
    goal = create(personas.employee, title="Original title")
    client.force_login(personas.employee.user)
    form = html_of(client.get(url("goals:edit", goal)))
    loaded = goal.version
    assert f'name="version" value="{loaded}"' in form

    services.goal_edit(goal=goal, actor=personas.manager.user, version=None, title="Mark's title")
    data = edit_data(goal, title="My new title", description="My careful words", version=loaded)
    html = html_of(client.post(url("goals:edit", goal), data))
    assert "Someone else changed this goal while you were editing it." in html
    assert 'value="My new title"' in html and "My careful words" in html
    assert "Mark&#x27;s title" in html  # the goal as it is now, to compare
    goal.refresh_from_db()
    assert goal.title == "Mark's title" and goal.description == ""
    assert AuditEntry.objects.filter(action="goals.goal_edited").count() == 1

    # Having seen the other change, saving again wins.
    assert f'name="version" value="{goal.version}"' in html
    response = client.post(url("goals:edit", goal), data | {"version": goal.version})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "My new title" and goal.description == "My careful words"


def test_editing_a_goal_keeps_the_goal_it_contributes_to_when_the_editor_cannot_see_it(
    client, personas
):
    theirs = create(
        personas.peer, title="Peer's quiet plan", visibility=Goal.Visibility.ORGANISATION
    )
    goal = create(personas.employee, parent=theirs, title="Mine, aligned")
    # The peer makes their goal private afterwards: the employee no longer sees it.
    Goal.objects.filter(pk=theirs.pk).update(visibility=Goal.Visibility.PRIVATE)
    client.force_login(personas.employee.user)

    html = html_of(client.get(url("goals:edit", goal)))
    assert "A goal you cannot see" in html and "stays as it is" in html
    assert "Peer&#x27;s quiet plan" not in html and str(theirs.public_id) not in html
    assert 'name="parent" value="keep" checked' in html

    data = edit_data(goal, title="Mine, renamed", parent="keep")
    assert client.post(url("goals:edit", goal), data).status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Mine, renamed" and goal.parent_id == theirs.pk

    # Choosing no goal still unlinks it; "keep" means nothing on another goal's form.
    data = edit_data(goal, parent="")
    assert client.post(url("goals:edit", goal), data).status_code == 302
    goal.refresh_from_db()
    assert goal.parent_id is None
    other = create(personas.employee, title="Unaligned")
    assert client.post(url("goals:edit", other), edit_data(other, parent="keep")).status_code == 200
    other.refresh_from_db()
    assert other.parent_id is None


def test_someone_who_may_only_see_a_goal_cannot_open_its_forms(client, personas):
    goal = create(personas.employee, visibility=Goal.Visibility.ORGANISATION)
    client.force_login(personas.outsider.user)
    assert client.get(url("goals:detail", goal)).status_code == 200
    for name in ("goals:edit", "goals:update", "goals:close", "goals:key_result_add"):
        assert client.get(url(name, goal)).status_code == 404, name
    html = html_of(client.get(url("goals:detail", goal)))
    assert "Update progress" not in html and "Edit" not in html


def test_a_manager_sets_a_goal_for_a_report_and_hr_for_anyone(client, personas):
    client.force_login(personas.manager.user)
    form = html_of(client.get(url("goals:new"), {"owner": personas.employee.public_id}))
    assert "New goal for Eva Employee" in form
    # Me and my reports, not the whole organisation.
    assert "Piet Peer" in form and "Otto Outsider" not in form
    # Someone outside my reporting line: not mine to set goals for.
    assert client.get(url("goals:new"), {"owner": personas.outsider.public_id}).status_code == 404

    client.force_login(personas.hr.user)
    response = client.post(
        url("goals:new") + f"?owner={personas.outsider.public_id}",
        new_goal_data(
            title="Close the books in three days",
            kind="milestone",
            owner=str(personas.outsider.public_id),
        ),
    )
    assert response.status_code == 302
    goal = Goal.objects.get(title="Close the books in three days")
    assert goal.owner == personas.outsider and goal.created_by == personas.hr.user


def test_a_bad_owner_or_level_is_not_found(client, personas):
    client.force_login(personas.employee.user)
    assert client.get(url("goals:new"), {"owner": "not-a-uuid"}).status_code == 404
    assert client.get(url("goals:new"), {"level": "galaxy"}).status_code == 404


# Progress, closing, carrying over -------------------------------------------------------------


def test_a_progress_update_changes_progress_and_is_kept_with_an_audit_entry(client, personas):
    goal = create(
        personas.employee,
        kind=Goal.Kind.OBJECTIVE,
        key_results=[KeyResultInput("Routes planned", Decimal(0), Decimal(20))],
    )
    result = goal.key_results.get()
    field = f"value_{result.public_id.hex}"
    client.force_login(personas.employee.user)
    form = html_of(client.get(url("goals:update", goal)))
    assert "Routes planned" in form and f'name="{field}"' in form

    html = html_of(
        client.post(
            url("goals:update", goal),
            {field: "lots", "status": "at_risk", "comment": "Keep me", "version": goal.version},
        )
    )
    assert "Enter a number." in errors_at(html, f"id_{field}")
    assert "Keep me" in html
    assert not GoalUpdate.objects.exists()

    response = client.post(
        url("goals:update", goal),
        {field: "5", "status": "at_risk", "comment": "Two drivers ill", "version": goal.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == url("goals:detail", goal)
    goal.refresh_from_db()
    result.refresh_from_db()
    assert result.current_value == 5
    assert goal.progress == Decimal("25.0") and goal.status == Goal.Status.AT_RISK
    update = GoalUpdate.objects.get(goal=goal)
    assert update.author == personas.employee.user and update.comment == "Two drivers ill"
    entry = AuditEntry.objects.get(action="goals.progress_updated")
    assert entry.actor == personas.employee.user
    assert entry.after == {"progress": "25.0", "status": "at_risk"}

    services.goal_update_progress(
        goal=goal,
        actor=personas.manager.user,
        version=None,
        status="on_track",
        values={str(result.public_id): Decimal(15)},
    )
    html = html_of(client.get(url("goals:detail", goal)))
    assert "Two drivers ill" in html and "Mark Manager" in html
    assert "<svg" in html and "<polyline" in html  # the chart of two updates
    assert "from 25% to 75%" in html


def test_a_manual_and_a_done_or_not_goal_are_updated_by_hand(client, personas):
    milestone = create(personas.employee, kind=Goal.Kind.MILESTONE)
    binary = create(personas.employee, kind=Goal.Kind.BINARY, title="Renew the forklift licence")
    client.force_login(personas.employee.user)
    client.post(
        url("goals:update", milestone),
        {"progress": "62,5", "status": "on_track", "version": milestone.version},
    )
    milestone.refresh_from_db()
    assert milestone.progress == Decimal("62.5")
    html = html_of(client.get(url("goals:update", binary)))
    assert "Not done yet" in html
    client.post(
        url("goals:update", binary), {"progress": "100", "status": "on_track", "version": 1}
    )
    binary.refresh_from_db()
    assert binary.progress == 100


def test_a_stale_progress_update_is_refused(client, personas):
    goal = create(personas.employee)
    client.force_login(personas.employee.user)
    services.goal_edit(goal=goal, actor=personas.manager.user, version=None, title="Changed")
    html = html_of(
        client.post(
            url("goals:update", goal),
            {"progress": "50", "status": "on_track", "comment": "My news", "version": 1},
        )
    )
    assert "Someone else changed this goal" in html and "My news" in html
    goal.refresh_from_db()
    assert goal.progress == 0 and not GoalUpdate.objects.exists()


def test_close_reopen_and_carry_over(client, personas):
    goal = create(
        personas.employee,
        kind=Goal.Kind.OBJECTIVE,
        key_results=[KeyResultInput("Routes", Decimal(0), Decimal(20), Decimal(12))],
    )
    client.force_login(personas.employee.user)
    assert "Achieved" in html_of(client.get(url("goals:close", goal)))
    response = client.post(
        url("goals:close", goal),
        {"outcome": "missed", "reflection": "Too ambitious for one quarter", "version": 1},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == Goal.Status.MISSED and goal.closed_at is not None
    assert goal.reflection == "Too ambitious for one quarter"
    assert AuditEntry.objects.filter(action="goals.goal_closed").count() == 1
    html = html_of(client.get(url("goals:detail", goal)))
    assert "Too ambitious for one quarter" in html and "Reopen" in html
    assert "Update progress" not in html

    assert client.post(url("goals:reopen", goal)).status_code == 302
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ON_TRACK and goal.closed_at is None
    assert AuditEntry.objects.filter(action="goals.goal_reopened").count() == 1

    html = html_of(client.get(url("goals:carry_over", goal)))
    start, end = services.next_period(goal)
    assert date_format(start, "DATE_FORMAT") in html and date_format(end, "DATE_FORMAT") in html
    response = client.post(url("goals:carry_over", goal), {"reflection": "Next quarter"})
    new = Goal.objects.get(carried_over_from=goal)
    assert response.url == url("goals:detail", new)
    assert (new.start_date, new.end_date) == (start, end)
    assert new.key_results.get().start_value == 12
    goal.refresh_from_db()
    assert goal.status == Goal.Status.MISSED and goal.reflection == "Next quarter"
    entry = AuditEntry.objects.get(action="goals.goal_carried_over")
    assert entry.after["new_goal"] == str(new.public_id)


def test_key_results_are_added_and_removed(client, personas):
    goal = create(personas.employee, kind=Goal.Kind.OBJECTIVE)
    client.force_login(personas.employee.user)
    html = html_of(
        client.post(
            url("goals:key_result_add", goal),
            {"title": "Depots visited", "unit": "number", "start_value": "3", "target_value": "3"},
        )
    )
    assert "The target must differ from the start value." in errors_at(html, "id_target_value")
    assert 'value="Depots visited"' in html
    client.post(
        url("goals:key_result_add", goal),
        {"title": "Depots visited", "unit": "number", "start_value": "0", "target_value": "4"},
    )
    result = goal.key_results.get()
    assert result.title == "Depots visited"
    assert AuditEntry.objects.filter(action="goals.key_result_added").count() == 1
    response = client.post(url("goals:key_result_remove", goal, key_result_id=result.public_id))
    assert response.status_code == 302
    assert not goal.key_results.exists()
    assert AuditEntry.objects.filter(action="goals.key_result_removed").count() == 1


# Comments and strategic goals -----------------------------------------------------------------


def test_a_report_answers_on_the_goal_their_manager_set_for_them(client, personas):
    goal = create(
        personas.manager,
        owner=personas.employee,
        title="Learn the new planning tool",
        kind=Goal.Kind.DEVELOPMENT,
        visibility=Goal.Visibility.PRIVATE,
    )
    client.force_login(personas.manager.user)
    response = client.post(url("goals:comment", goal), {"text": "How is the course going?"})
    assert response.status_code == 302 and response.url.endswith("#comments")

    client.force_login(personas.employee.user)
    html = html_of(
        client.post(
            url("goals:comment", goal),
            {"text": "Halfway through, it helps."},
            HTTP_HX_REQUEST="true",
        )
    )
    assert "<html" not in html  # the comments fragment only
    assert "How is the course going?" in html and "Halfway through, it helps." in html
    assert "Mark Manager" in html and "Eva Employee" in html
    assert [c.author for c in GoalComment.objects.filter(goal=goal)] == [
        personas.manager.user,
        personas.employee.user,
    ]
    html = html_of(client.post(url("goals:comment", goal), {"text": "  "}, HTTP_HX_REQUEST="true"))
    assert "Write a comment first." in html
    assert GoalComment.objects.filter(goal=goal).count() == 2

    client.force_login(personas.peer.user)
    assert client.post(url("goals:comment", goal), {"text": "Hi"}).status_code == 404
    assert GoalComment.objects.filter(goal=goal).count() == 2


def test_hr_marks_a_goal_strategic_and_it_is_on_everyones_home_page(client, personas):
    goal = create(
        personas.hr, level=Goal.Level.ORGANISATION, title="Deliver 98% of parcels on time"
    )
    client.force_login(personas.outsider.user)
    assert "Strategic goals" not in html_of(client.get(url("home")))
    assert "Mark as strategic" not in html_of(client.get(url("goals:organisation")))
    assert client.post(url("goals:strategic", goal), {"strategic": "1"}).status_code == 404

    client.force_login(personas.hr.user)
    assert "Mark as strategic" in html_of(client.get(url("goals:organisation")))
    response = client.post(
        url("goals:strategic", goal), {"strategic": "1", "next": url("goals:organisation")}
    )
    assert response.url == url("goals:organisation")
    goal.refresh_from_db()
    assert goal.is_strategic
    entry = AuditEntry.objects.get(action="goals.strategic_set")
    assert entry.actor == personas.hr.user and entry.object_id == str(goal.public_id)

    for viewer in (personas.employee, personas.outsider, personas.director):
        client.force_login(viewer.user)
        card = section(html_of(client.get(url("home"))), "strategic-heading")
        assert "Deliver 98% of parcels on time" in card, viewer

    client.force_login(personas.hr.user)
    client.post(url("goals:strategic", goal), {"strategic": "0", "next": "https://evil.example/"})
    goal.refresh_from_db()
    assert not goal.is_strategic
    client.force_login(personas.employee.user)
    assert 'id="strategic-heading"' not in html_of(client.get(url("home")))


def test_a_strategic_goal_carries_its_star_on_its_page_in_the_lists_and_the_tree(client, personas):
    goal = create(personas.hr, level=Goal.Level.ORGANISATION, title="Deliver on time")
    plain = create(personas.hr, level=Goal.Level.ORGANISATION, title="Open two depots")
    services.goal_set_strategic(goal=goal, actor=personas.hr.user, strategic=True)
    badge = '<span class="badge badge-strategic" title="Marked as strategic by HR">★ Strategic'
    client.force_login(personas.employee.user)
    assert badge in html_of(client.get(url("goals:detail", goal)))
    assert badge not in html_of(client.get(url("goals:detail", plain)))
    for page in ("goals:organisation", "goals:tree"):
        html = html_of(client.get(url(page)))
        assert html.count(badge) == 1, page
        assert html.index("Deliver on time") < html.index(badge), page
    personas.employee.user.language = "nl"
    personas.employee.user.save()
    html = html_of(client.get(url("goals:organisation")))
    assert 'title="Door HR als strategisch gemarkeerd">★ Strategisch' in html


def test_a_redirect_after_marking_stays_on_this_site(client, personas):
    goal = create(personas.hr, level=Goal.Level.ORGANISATION)
    client.force_login(personas.hr.user)
    response = client.post(
        url("goals:strategic", goal), {"strategic": "1", "next": "https://evil.example/"}
    )
    assert response.url == url("goals:detail", goal)


# Lists ----------------------------------------------------------------------------------------


def test_my_goals_lists_open_and_closed_goals_of_the_period(client, personas):
    team_goal = create(
        personas.manager, level=Goal.Level.TEAM, team=personas.planning, title="Team target"
    )
    create(personas.employee, title="Routes goal", parent=team_goal)
    done = create(personas.employee, title="Finished goal")
    services.goal_close(goal=done, actor=personas.employee.user, version=None, outcome="achieved")
    next_year = timezone.localdate().year + 1
    create(
        personas.employee,
        title="Goal for next year",
        period=Goal.Period.YEAR,
        start_date=datetime.date(next_year, 1, 1),
        end_date=datetime.date(next_year, 12, 31),
    )
    create(personas.peer, title="Goal of Piet")
    client.force_login(personas.employee.user)
    html = html_of(client.get(url("goals:mine")))
    assert "Routes goal" in html and "Finished goal" in html
    assert "Goal for next year" not in html and "Goal of Piet" not in html
    assert section(html, "open-heading").count("Routes goal") == 1
    assert "Finished goal" in section(html, "closed-heading")
    assert "Contributes to" in html and "Team target" in html
    html = html_of(client.get(url("goals:mine"), {"period": str(next_year)}))
    assert "Goal for next year" in html and "Routes goal" not in html


def test_the_team_page_shows_each_reports_goals_and_who_has_not_updated(client, personas):
    fresh = create(personas.employee, title="Fresh goal of Eva")
    services.goal_update_progress(
        goal=fresh, actor=personas.employee.user, version=None, status="on_track", progress=40
    )
    stale = create(personas.peer, title="Forgotten goal of Piet")
    Goal.objects.filter(pk=stale.pk).update(
        last_update_at=timezone.now() - datetime.timedelta(weeks=4)
    )
    create(
        personas.peer,
        title="Private plan of Piet",
        kind=Goal.Kind.DEVELOPMENT,
        visibility=Goal.Visibility.PRIVATE,
    )
    create(personas.outsider, title="Goal of Otto", visibility=Goal.Visibility.ORGANISATION)
    create(personas.manager, level=Goal.Level.TEAM, team=personas.planning, title="Team target")

    client.force_login(personas.manager.user)
    html = html_of(client.get(url("goals:team")))
    assert "Fresh goal of Eva" in html and "Forgotten goal of Piet" in html
    assert "Private plan of Piet" in html  # a manager sees their report's private goals
    assert "Goal of Otto" not in html
    assert "Team target" in section(html, "team-goals-heading")
    stale_list = section(html, "stale-heading")
    assert "No update in 3 weeks" in stale_list
    assert "Piet Peer" in stale_list and "Eva Employee" not in stale_list
    assert "2 open goals without a recent update" in stale_list
    assert "40%" in html

    html = html_of(client.get(url("goals:team"), {"weeks": "5"}))
    stale_list = section(html, "stale-heading")
    assert "No update in 5 weeks" in stale_list
    assert "1 open goal without a recent update" in stale_list  # only the never-updated one

    client.force_login(personas.employee.user)
    html = html_of(client.get(url("goals:team")))
    assert "Nobody reports to you." in html
    assert "Team target" in html


def test_the_team_page_counts_only_open_goals_of_reports_who_still_work_here(client, personas):
    old = timezone.now() - datetime.timedelta(weeks=6)
    for title in ("Open and forgotten", "Dropped and forgotten", "Achieved and forgotten"):
        goal = create(personas.peer, title=title)
        Goal.objects.filter(pk=goal.pk).update(last_update_at=old)
    Goal.objects.filter(title="Dropped and forgotten").update(status=Goal.Status.DROPPED)
    Goal.objects.filter(title="Achieved and forgotten").update(
        status=Goal.Status.ACHIEVED, closed_at=old
    )
    # Not in this quarter: a goal of last year counts on last year's page only.
    last_year = timezone.localdate().year - 1
    create(
        personas.employee,
        title="Last year's goal",
        period=Goal.Period.YEAR,
        start_date=datetime.date(last_year, 1, 1),
        end_date=datetime.date(last_year, 12, 31),
    )
    # A report whose last day has passed is not listed, whatever their goals.
    gone = PersonFactory(
        first_name="Aad",
        last_name="Alweg",
        manager=personas.manager,
        team=personas.planning,
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    create(gone, title="Goal of someone who left")
    # Listed by name: Aaron before Piet.
    early = PersonFactory(
        first_name="Aaron", last_name="Aalders", manager=personas.manager, team=personas.planning
    )
    create(early, title="Never updated")

    client.force_login(personas.manager.user)
    stale_list = section(html_of(client.get(url("goals:team"))), "stale-heading")
    assert "Aad Alweg" not in stale_list and "Eva Employee" not in stale_list
    assert stale_list.index("Aaron Aalders") < stale_list.index("Piet Peer")
    assert stale_list.count("1 open goal without a recent update") == 2
    assert f"?owner={early.public_id}&amp;period=" in stale_list

    html = html_of(client.get(url("goals:team"), {"period": str(last_year)}))
    stale_list = section(html, "stale-heading")
    assert "Eva Employee" in stale_list and "Piet Peer" not in stale_list


def test_the_tree_shows_the_top_and_opens_on_demand(client, personas):
    top = create(personas.hr, level=Goal.Level.ORGANISATION, title="Deliver 98% of parcels on time")
    team_goal = create(
        personas.manager,
        level=Goal.Level.TEAM,
        team=personas.planning,
        parent=top,
        title="Plan every route the evening before",
    )
    create(personas.employee, parent=team_goal, title="Automate the Almere planning")
    create(personas.peer, parent=team_goal, title="Part of Piet")
    create(personas.employee, parent=top, title="Learn the new planning system")
    loose_team_goal = create(
        personas.manager, level=Goal.Level.TEAM, team=personas.planning, title="Tidy the depot"
    )
    create(personas.employee, title="Read a book about logistics")
    client.force_login(personas.employee.user)
    html = html_of(client.get(url("goals:tree")))
    # The organisation's goals, then the teams' that contribute to none: not personal goals.
    assert html.index("Deliver 98% of parcels on time") < html.index(loose_team_goal.title)
    assert "2 aligned goals" in html
    assert "Read a book about logistics" not in html
    assert f"{url('goals:not_aligned')}?period=" in html
    assert "Plan every route the evening before" not in html  # loaded when opened
    assert "Goals you may not see are left out" in html

    # A level: the team's goals before the personal ones.
    html = html_of(client.get(url("goals:children", top)))
    assert html.index("Plan every route the evening before") < html.index("Learn the new")
    assert "2 aligned goals" in html
    html = html_of(client.get(url("goals:children", team_goal)))
    assert "Automate the Almere planning" in html and "Part of Piet" in html


def test_the_tree_pages_wide_levels_and_counts_up_to_a_limit(client, personas, monkeypatch):
    monkeypatch.setattr("stip.goals.queries.CHILDREN_COUNTED", 55)
    top = create(personas.hr, level=Goal.Level.ORGANISATION)
    GoalFactory.create_batch(60, parent=top)
    client.force_login(personas.hr.user)
    assert "55+ aligned goals" in html_of(client.get(url("goals:tree")))

    html = html_of(client.get(url("goals:children", top)))
    assert html.count('class="goal-node"') == 50
    assert "Show more" in html and "?page=2" in html
    html = html_of(client.get(url("goals:children", top), {"page": "2"}))
    assert html.count('class="goal-node"') == 10
    assert "Show more" not in html


def test_goals_that_contribute_to_no_goal_are_listed_apart(client, personas):
    team_goal = create(
        personas.manager, level=Goal.Level.TEAM, team=personas.planning, title="Plan ahead"
    )
    create(personas.employee, parent=team_goal, title="Plan the Almere routes")
    create(personas.employee, title="Read a book about logistics")
    create(personas.peer, title="Private plan of Piet", visibility=Goal.Visibility.PRIVATE)
    create(personas.outsider, title="Close the books", visibility=Goal.Visibility.ORGANISATION)

    client.force_login(personas.employee.user)
    html = html_of(client.get(url("goals:not_aligned")))
    assert "Read a book about logistics" in html and "Close the books" in html
    assert "Plan the Almere routes" not in html  # it contributes to the team's goal
    assert "Plan ahead" not in html  # a team goal: at the top of the tree
    assert "Private plan of Piet" not in html
    client.force_login(personas.manager.user)
    assert "Private plan of Piet" in html_of(client.get(url("goals:not_aligned")))

    next_quarter = quarter_of(timezone.localdate() + datetime.timedelta(days=92))
    html = html_of(client.get(url("goals:not_aligned"), {"period": next_quarter.key}))
    assert "Every personal goal in" in html


def test_lists_page_without_counting_every_goal(client, personas):
    for index in range(55):
        create(personas.employee, title=f"Goal {index:02}")
    client.force_login(personas.employee.user)

    html = html_of(client.get(url("goals:search")))
    assert "Goal 00" in html and "Goal 49" in html and "Goal 50" not in html
    assert "Page 1" in html and 'rel="next"' in html and 'rel="prev"' not in html
    html = html_of(client.get(url("goals:search"), {"page": "2"}))
    assert "Goal 50" in html and "Goal 54" in html and "Goal 49" not in html
    assert 'rel="prev"' in html and 'rel="next"' not in html
    html = html_of(client.get(url("goals:search"), {"page": "3"}))
    assert "There are no more goals that match this search." in html
    html = html_of(client.get(url("goals:not_aligned"), {"page": "2"}))
    assert "Goal 54" in html and 'rel="prev"' in html


def test_all_goals_searches_and_filters(client, personas):
    create(personas.employee, title="Automate route planning", description="Almere depot")
    create(personas.peer, title="Train new drivers")
    at_risk = create(personas.outsider, title="Close the books", visibility="organisation")
    services.goal_update_progress(
        goal=at_risk, actor=personas.outsider.user, version=None, status="at_risk"
    )
    create(personas.hr, level=Goal.Level.TEAM, team=personas.finance, title="Finance team goal")
    client.force_login(personas.hr.user)

    def found(**params):
        return html_of(client.get(url("goals:search"), params, HTTP_HX_REQUEST="true"))

    html = found(q="almere")
    assert "Automate route planning" in html and "Train new drivers" not in html
    assert "<html" not in html
    assert "Page 1" not in html  # one page: no pager
    html = found(status="at_risk")
    assert "Close the books" in html and "Train new drivers" not in html
    html = found(level="team")
    assert "Finance team goal" in html and "Close the books" not in html
    html = found(team=str(personas.operations.public_id))  # Planning is part of Operations
    assert "Train new drivers" in html and "Close the books" not in html
    html = found(owner=str(personas.peer.public_id))
    assert "Train new drivers" in html and "Automate route planning" not in html

    html = html_of(client.get(url("goals:search"), {"owner": str(personas.peer.public_id)}))
    assert "Goals of Piet Peer" in html and "New goal for Piet" in html
    client.force_login(personas.peer.user)
    html = html_of(client.get(url("goals:search"), {"owner": "me"}))
    assert "Train new drivers" in html and "Automate route planning" not in html


def test_the_team_filter_offers_the_top_of_the_tree_and_the_team_asked_for(client, personas):
    depot = TeamFactory(name="Depot Almere", parent=personas.planning)
    client.force_login(personas.employee.user)

    html = html_of(client.get(url("goals:search")))
    assert "Operations" in html and "Planning" in html
    assert "Depot Almere" not in html

    html = html_of(client.get(url("goals:search"), {"team": str(depot.public_id)}))
    assert f'value="{depot.public_id}" selected' in html


def test_a_profile_links_to_the_persons_goals(client, personas):
    client.force_login(personas.employee.user)
    html = html_of(client.get(url("people:profile", public_id=personas.peer.public_id)))
    assert f"{url('goals:search')}?owner={personas.peer.public_id}" in html


def test_a_goal_aligned_to_one_i_cannot_see_says_so(client, personas):
    team_goal = create(
        personas.manager, level=Goal.Level.TEAM, team=personas.planning, title="Planning secret"
    )
    goal = create(
        personas.employee,
        parent=team_goal,
        title="Shared with everyone",
        visibility=Goal.Visibility.ORGANISATION,
    )
    client.force_login(personas.outsider.user)
    html = html_of(client.get(url("goals:detail", goal)))
    assert "a goal you cannot see" in html and "Planning secret" not in html
    html = html_of(client.get(url("goals:search")))
    assert "Shared with everyone" in html and "Planning secret" not in html
    client.force_login(personas.peer.user)
    html = html_of(client.get(url("goals:detail", goal)))
    assert "Planning secret" in html


# Query budgets --------------------------------------------------------------------------------
#
# Each page is measured twice, with its lists at two sizes; the counts must be equal. Every page
# starts with two queries: the session, and the user with their person.


def _quarter_goal(**kwargs):
    return GoalFactory(**kwargs)


def grow_my_goals(personas, n):
    team_goal = Goal.objects.filter(title="Team goal").first() or _quarter_goal(
        level="team", owner=None, team=personas.planning, title="Team goal"
    )
    for _ in range(n - personas.employee.goals.count()):
        _quarter_goal(owner=personas.employee, parent=team_goal, visibility="team")
    GoalFactory.create_batch(n, owner=PersonFactory(team=personas.finance))


def grow_team(personas, n):
    current = personas.manager.reports.filter(end_date__isnull=True).count()
    for _ in range(n - current):
        report = PersonFactory(manager=personas.manager, team=personas.planning)
        GoalFactory.create_batch(2, owner=report, visibility="team")
    if not Goal.objects.filter(level="team").exists():
        GoalFactory(level="team", owner=None, team=personas.planning)


def grow_tree(personas, n):
    for _ in range(n - Goal.objects.filter(parent__isnull=True).count()):
        root = GoalFactory(level="organisation", owner=None)
        GoalFactory(parent=root, owner=personas.peer)


def grow_not_aligned(personas, n):
    for _ in range(n - Goal.objects.filter(parent__isnull=True, level="personal").count()):
        GoalFactory(owner=PersonFactory(team=personas.planning, manager=personas.manager))


def children_parent(personas):
    return Goal.objects.filter(title="Parent").first() or GoalFactory(
        level="team", owner=None, team=personas.planning, title="Parent"
    )


def grow_children(personas, n):
    parent = children_parent(personas)
    for _ in range(n - parent.children.count()):
        child = GoalFactory(parent=parent, owner=PersonFactory(team=personas.planning))
        GoalFactory(parent=child, owner=personas.peer)


def grow_search(personas, n):
    for _ in range(n - Goal.objects.count()):
        GoalFactory(owner=PersonFactory(team=personas.finance))


def grow_organisation(personas, n):
    for index in range(n - Goal.objects.filter(level="organisation").count()):
        GoalFactory(level="organisation", owner=None, is_strategic=index % 2 == 0)


def detail_goal(personas):
    return Goal.objects.filter(title="Detail").first() or GoalFactory(
        owner=personas.employee,
        created_by=personas.employee.user,
        title="Detail",
        kind="objective",
        progress_mode="key_results",
    )


def grow_detail(personas, n):
    goal = detail_goal(personas)
    # Not shared with the organisation: whether the viewer may see it takes a query.
    parent = GoalFactory(level="team", owner=None, team=personas.planning, visibility="team")
    services.goal_edit(goal=goal, actor=personas.employee.user, version=None, parent=parent)
    for index in range(n - goal.key_results.count()):
        services.key_result_add(
            goal=goal,
            actor=personas.employee.user,
            data=KeyResultInput(f"Result {index}", Decimal(0), Decimal(10)),
        )
    for _ in range(n - goal.updates.count()):
        services.goal_update_progress(
            goal=goal, actor=personas.manager.user, version=None, status="on_track"
        )
        services.goal_comment(goal=goal, author=personas.manager.user, text="Well done")
        GoalFactory(parent=goal, owner=PersonFactory(team=personas.planning))


def grow_home(personas, n):
    for _ in range(n - Goal.objects.filter(is_strategic=True).count()):
        GoalFactory(level="organisation", owner=None, is_strategic=True)


QUERY_BUDGETS = [
    # + count and one page of my goals, with the goal each contributes to joined and whether I
    # may see it as a subquery.
    ("goals:mine", None, "employee", grow_my_goals, 4),
    # + count and one page of my reports; their goals (one query for the page); who has not
    # updated (their stale goals counted by owner); the teams they and I are in; those teams'
    # goals.
    ("goals:team", None, "manager", grow_team, 8),
    # + count and one page of organisation goals.
    ("goals:organisation", None, "hr", grow_organisation, 4),
    # + one page of the top of the tree and one row more (no count), visible children counted
    # up to a limit in a subquery.
    ("goals:tree", None, "manager", grow_tree, 3),
    # + one page of the personal goals aligned to nothing and one row more.
    ("goals:not_aligned", None, "manager", grow_not_aligned, 3),
    # + the goal; one page of its children and one row more, their visible children counted.
    ("goals:children", children_parent, "manager", grow_children, 4),
    # + the team filter's options; one page of goals and one row more.
    ("goals:search", None, "manager", grow_search, 4),
    # + the goal with owner, team, parent and creator (and their person); whether I may see
    # the parent (none for a parent shared with the organisation); the goals contributing to
    # it; its key results; its newest updates with their authors and how many there are; the
    # points of the chart; its comments with their authors.
    ("goals:detail", detail_goal, "manager", grow_detail, 9),
    # + the strategic goals card's one query (see tests/people/test_pages.py for the rest,
    # the conversations and feedback cards included).
    ("home", None, "employee", grow_home, 11),
]


@pytest.mark.parametrize(
    ("name", "goal", "viewer", "grow", "budget"),
    QUERY_BUDGETS,
    ids=[row[0] for row in QUERY_BUDGETS],
)
def test_query_counts_do_not_grow_with_the_data(client, personas, name, goal, viewer, grow, budget):
    client.force_login(getattr(personas, viewer).user)
    counts = []
    for size in (5, 40):
        grow(personas, size)
        target = url(name, goal(personas) if goal else None)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(target).status_code == 200
        counts.append(len(queries))
    assert counts == [budget, budget]
