"""The form renderer writes the plain inputs, the selects, the text areas and the labels in
Python: the same markup, to the character, as Django's own templates for them."""

import datetime
from decimal import Decimal
from pathlib import Path

import django
import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from stip.core.renderers import (
    INPUT_TEMPLATES,
    LABEL_TEMPLATE,
    SELECT_TEMPLATE,
    TEXTAREA_TEMPLATE,
    FormRenderer,
)

DJANGOS = DjangoTemplates()
OURS = FormRenderer()

ATTRS = [
    {},
    {"id": "id_title", "maxlength": 200, "required": True, "autofocus": False},
    {"class": 'a "quoted" <b>', "placeholder": gettext_lazy("Search"), "x": mark_safe("&amp;")},
]

INPUTS = [
    (forms.TextInput(), [None, "", 'Plan <every> route & "more"', mark_safe("<b>"), 12]),
    (forms.HiddenInput(), ["keep", 0]),
    (forms.NumberInput(), [Decimal("12.50"), 3, None]),
    (forms.DateInput(), [datetime.date(2026, 11, 27), "27-11-2026", None]),
    (forms.EmailInput(), ["eva@stip.example"]),
    (forms.PasswordInput(render_value=True), ["secret"]),
    (forms.CheckboxInput(), [True, False, None]),
    (forms.URLInput(), ["https://stip.example/?a=1&b=2"]),
    (forms.TimeInput(), [datetime.time(9, 30)]),
    (forms.SearchInput(), ["jan"]),
]


@pytest.mark.parametrize(("widget", "values"), INPUTS, ids=[type(w).__name__ for w, _ in INPUTS])
@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_input_is_written_as_djangos_templates_write_it(widget, values, language):
    with override(language):
        for value in values:
            for attrs in ATTRS:
                context = widget.get_context("title", value, attrs)
                assert widget.template_name in INPUT_TEMPLATES
                expected = DJANGOS.render(widget.template_name, context)
                assert OURS.render(widget.template_name, context) == expected, (value, attrs)


CHOICES = [
    [],
    [("", "—"), ("kpi", gettext_lazy("KPI")), ("a<b", 'Say "hi" & <go>'), (3, 3)],
    [("Noord", [(1, "Almere"), (2, "Zwolle")]), ("Zuid", [(3, "Breda")]), (4, "Elders")],
    [(1, mark_safe("<em>Safe</em>")), (Decimal("2.5"), Decimal("2.5"))],
]


@pytest.mark.parametrize("choices", CHOICES, ids=["empty", "plain", "groups", "safe"])
@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_select_is_written_as_djangos_templates_write_it(choices, language):
    widget = forms.Select(choices=choices)
    with override(language):
        for value in (None, "", "kpi", 2, 3, Decimal("2.5")):
            for attrs in ATTRS:
                context = widget.get_context("unit", value, attrs)
                expected = DJANGOS.render(SELECT_TEMPLATE, context)
                assert OURS.render(SELECT_TEMPLATE, context) == expected, (value, attrs)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_text_area_is_written_as_djangos_template_writes_it(language):
    widget = forms.Textarea()
    with override(language):
        for value in (None, "", 'Line one\n<two> & "three"', mark_safe("<b>safe</b>"), 0, 12):
            for attrs in ATTRS:
                context = widget.get_context("text", value, attrs)
                expected = DJANGOS.render(TEXTAREA_TEMPLATE, context)
                assert OURS.render(TEXTAREA_TEMPLATE, context) == expected, (value, attrs)


class LabelledForm(forms.Form):
    title = forms.CharField(label="Title <b>", max_length=10)
    due = forms.DateField(label=gettext_lazy("Due"), required=False)
    kind = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)


@pytest.mark.parametrize("auto_id", ["id_%s", False])
@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_label_is_written_as_djangos_template_writes_it(auto_id, language):
    def drawn(renderer, form, field, method, **kwargs):
        form.renderer = renderer
        # label_tag adds the required class to the attributes it is given: a copy each time.
        kwargs = {k: dict(v) if isinstance(v, dict) else v for k, v in kwargs.items()}
        return str(getattr(form[field], method)(**kwargs))

    with override(language):
        for form in (LabelledForm(auto_id=auto_id), LabelledForm({"title": ""}, auto_id=auto_id)):
            form.required_css_class = "required"
            for field in form.fields:
                for method, kwargs in [
                    ("label_tag", {}),
                    ("legend_tag", {}),
                    ("label_tag", {"attrs": {"class": "x", "hidden": True}}),
                    ("label_tag", {"contents": mark_safe("<i>Safe</i>"), "label_suffix": "?"}),
                ]:
                    expected = drawn(DJANGOS, form, field, method, **kwargs)
                    assert drawn(OURS, form, field, method, **kwargs) == expected, (field, method)


def test_the_inputs_written_here_are_djangos_plain_input_and_not_overridden():
    """A Django upgrade that changes one of these templates, or a template of ours in
    stip/templates/django/forms/ that replaces one, would not be drawn: both fail here."""
    widgets = Path(django.__file__).parent / "forms/templates"
    for name in INPUT_TEMPLATES:
        source = (widgets / name).read_text().strip()
        assert source == '{% include "django/forms/widgets/input.html" %}', name
    assert (widgets / "django/forms/widgets/input.html").read_text().strip() == (
        '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %}'
        " value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
        '{% include "django/forms/widgets/attrs.html" %}>'
    )
    ours = [Path(d) for template in settings.TEMPLATES for d in template["DIRS"]]
    for directory in ours:
        written = [*INPUT_TEMPLATES, SELECT_TEMPLATE, TEXTAREA_TEMPLATE, LABEL_TEMPLATE]
        for name in [*written, "django/forms/widgets/input.html"]:
            assert not (directory / name).exists(), name


def test_a_form_page_draws_its_inputs_and_selects(client, personas):
    client.force_login(personas.manager.user)
    html = client.get("/goals/new/").content.decode()
    assert '<input type="text" name="title" maxlength="200" required id="id_title">' in html
    assert '<select name="visibility" id="id_visibility">' in html
