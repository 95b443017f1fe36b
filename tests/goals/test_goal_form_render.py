"""The goal form as a person sees it, now that its rows, pickers and errors are written in
Python: labels and errors in Dutch, errors under the fields they are about with the ids the
controls name, what was typed kept; and the shortcuts that made it quicker (fields copied
without `copy.deepcopy`, whom a goal can be for read as values, who sets team goals)."""

import copy

import pytest
from django.urls import reverse

from stip.goals.forms import (
    GoalForm,
    KeyResultForm,
    owner_choices,
    sets_team_goals,
    team_choices,
)
from stip.goals.models import Goal
from stip.people.models import Person
from tests.factories import PersonFactory
from tests.goals.builders import create_goal
from tests.goals.test_pages import errors_at, html_of, new_goal_data

pytestmark = pytest.mark.django_db


def in_dutch(person) -> None:
    person.user.language = "nl"
    person.user.save(update_fields=["language"])


def test_the_new_goal_form_is_in_dutch(client, personas):
    create_goal(personas.hr, level=Goal.Level.ORGANISATION, title="Omzet <omhoog>")
    in_dutch(personas.manager)
    client.force_login(personas.manager.user)
    html = html_of(client.get(reverse("goals:new")))
    assert '<label for="id_title">Titel:</label>' in html
    assert '<label for="parent-search" class="visually-hidden">Draagt bij aan: zoeken</label>' in (
        html
    )
    assert 'class="button button-secondary">Zoeken</button>' in html
    assert '<span class="picker-name">— Geen doel —</span>' in html
    assert (
        '<span class="picker-name">Omzet &lt;omhoog&gt;</span>'
        ' <span class="picker-meta">Organisatie</span>'
    ) in html
    assert 'aria-label="Kernresultaat (1)"' in html and ">Getal</option>" in html


def test_a_manager_chooses_whom_the_goal_is_for_among_their_reports(client, personas):
    client.force_login(personas.manager.user)
    html = html_of(client.get(reverse("goals:new")))
    assert '<select name="owner" id="id_owner">' in html
    assert f'<option value="{personas.manager.public_id}" selected>Mark Manager</option>' in html
    assert f'<option value="{personas.employee.public_id}">Eva Employee</option>' in html


def test_an_employee_is_told_the_goal_is_theirs(client, personas):
    client.force_login(personas.employee.user)
    html = html_of(client.get(reverse("goals:new")))
    assert "<p>Eva Employee</p>" in html
    assert (
        f'<input type="hidden" name="owner" value="{personas.employee.public_id}" id="id_owner">'
    ) in html


def test_errors_are_shown_under_their_fields_in_dutch_and_what_was_typed_is_kept(client, personas):
    in_dutch(personas.employee)
    client.force_login(personas.employee.user)
    data = new_goal_data(
        title="",
        description="Waarom <dit>",
        period="custom",
        start_date="2026-05-01",
        end_date="2026-01-01",
        parent="not-a-goal",
        **{"kr-0-title": "Omzet <b>", "kr-0-start_value": "abc", "kr-0-target_value": "10"},
    )
    html = html_of(client.post(reverse("goals:new"), data))
    assert errors_at(html, "id_title") == "<li>Dit veld is verplicht.</li>"
    assert (
        '<input type="text" name="title" maxlength="200" required aria-invalid="true"'
        ' aria-describedby="id_title_error" id="id_title">'
    ) in html
    assert "Waarom &lt;dit&gt;</textarea>" in html
    assert errors_at(html, "parent") == "<li>Kies een doel dat je kunt zien.</li>"
    assert 'id="parent-picker" aria-describedby="parent_error"' in html
    assert errors_at(html, "id_kr-0-start_value") == "<li>Voer een getal in.</li>"
    assert 'name="kr-0-title" value="Omzet &lt;b&gt;"' in html
    assert 'name="kr-0-start_value" value="abc"' in html


def test_a_field_copy_is_a_form_s_own():
    first, second = KeyResultForm(prefix="a"), KeyResultForm(prefix="b")
    first.fields["unit"].widget.attrs["x"] = "1"
    first.fields["unit"].choices = [("number", "Number")]
    first.fields["title"].validators.append(lambda value: None)
    first.fields["title"].error_messages["required"] = "Changed"
    assert "x" not in second.fields["unit"].widget.attrs
    assert len(second.fields["unit"].choices) == len(KeyResultForm.base_fields["unit"].choices)
    assert len(second.fields["unit"].widget.choices) > 1
    assert second.fields["title"].validators == KeyResultForm.base_fields["title"].validators
    assert second.fields["title"].error_messages["required"] != "Changed"
    for name, field in KeyResultForm.base_fields.items():
        ours, djangos = copy.deepcopy(field), type(field).__mro__[2].__deepcopy__(field, {})
        assert ours is not field and ours.widget is not field.widget
        assert vars(ours).keys() == vars(djangos).keys(), name
        assert ours.widget.attrs == djangos.widget.attrs
        assert list(ours.choices if hasattr(ours, "choices") else []) == list(
            djangos.choices if hasattr(djangos, "choices") else []
        )


def test_who_sets_team_goals_is_whoever_has_teams_to_choose(personas):
    PersonFactory(team=personas.finance, manager=personas.employee, is_active=False)
    for name in ("employee", "manager", "director", "peer", "hr", "admin", "outsider"):
        user = personas.get(name).user if personas.get(name) else None
        if user is None:
            continue
        assert sets_team_goals(user) == team_choices(user).exists(), name
    assert sets_team_goals(personas.manager.user)
    assert not sets_team_goals(personas.employee.user)  # only someone who has left


def test_whom_a_goal_can_be_for_is_read_once_as_values(personas, django_assert_num_queries):
    with django_assert_num_queries(1):
        form = GoalForm(actor=personas.manager.user, level=Goal.Level.PERSONAL)
    names = dict(form.fields["owner"].choices)
    assert names[str(personas.employee.public_id)] == "Eva Employee"
    assert len(names) == owner_choices(personas.manager.user).count()
    form = GoalForm(actor=personas.employee.user, level=Goal.Level.PERSONAL)
    assert isinstance(form.only_owner, Person) and form.only_owner.pk == personas.employee.pk
    assert form.only_owner.full_name == "Eva Employee" and form.only_owner.path
