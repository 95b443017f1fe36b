"""The goal form's markup written in Python (core_tags: `field`, `picker`, `picker_options`,
`formset_rows`, `form_errors`, `management_form`; renderers: `control`, `Select`): the markup
that Django and the templates they replace wrote, to the character or, where only the
whitespace between tags differs, with whitespace collapsed."""

import datetime
import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from stip.core import renderers
from stip.core.templatetags.core_tags import (
    form_errors,
    formset_rows,
    label_tag,
    management_form,
    picker,
    picker_options,
)
from stip.goals.forms import KeyResultFormSet, Option, Picker


def collapsed(html: str) -> str:
    return re.sub(r"\s+", " ", str(html)).strip()


class Everything(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    note = forms.CharField(label="Why <so> & “that”?", required=False, help_text="Say <why>")
    amount = forms.DecimalField(label="Amount", required=False)
    due = forms.DateField(label="Due", required=False, widget=forms.DateInput(attrs={"x": "1"}))
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A & a"), ("b", gettext_lazy("Search"))])
    lean = forms.ChoiceField(
        label="Lean", choices=[("", "—"), ("1", "One")], widget=renderers.Select, required=False
    )
    grouped = forms.ChoiceField(
        label="Grouped",
        choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")],
        widget=renderers.Select,
    )
    agree = forms.BooleanField(label="Agree", required=False)
    secret = forms.CharField(label="Secret", widget=forms.PasswordInput(render_value=True))
    text = forms.CharField(label="Text", widget=forms.Textarea, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    own_id = forms.CharField(label="Own id", widget=forms.TextInput(attrs={"id": "mine"}))
    described = forms.CharField(
        label="Described", widget=forms.TextInput(attrs={"aria-describedby": "elsewhere"})
    )
    locked = forms.CharField(label="Locked", disabled=True, initial="kept")
    local = forms.DecimalField(label="Local", localize=True, initial=1234.5)


BAD = {
    "title": "",
    "note": 'typed <b>"x"</b>',
    "amount": "abc",
    "due": "someday",
    "kind": "nope",
    "lean": "1",
    "grouped": "y",
    "agree": "on",
    "secret": "s3cret",
    "version": "x",
    "own_id": "",
    "described": "",
}


def forms_to_compare():
    with override("en"):
        yield Everything()
        yield Everything(initial={"kind": "b", "due": datetime.date(2026, 11, 27)})
        bound = Everything(BAD)
        bound.is_valid()
        yield bound
        yield Everything(auto_id=False)
        yield Everything(auto_id="field_%s", prefix="p", use_required_attribute=False)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_control_is_what_django_draws(language):
    with override(language):
        for form in forms_to_compare():
            for bound in form:
                assert renderers.control(bound) == str(bound), bound.name
                assert renderers.control(bound, bound.errors) == str(bound), bound.name


def test_a_control_says_it_is_invalid_and_names_its_help_and_errors():
    form = Everything(BAD)
    assert renderers.control(form["note"]) == (
        '<input type="text" name="note" value="typed &lt;b&gt;&quot;x&quot;&lt;/b&gt;"'
        ' aria-describedby="id_note_helptext" id="id_note">'
    )
    assert renderers.control(form["title"]) == (
        '<input type="text" name="title" maxlength="200" required aria-invalid="true"'
        ' aria-describedby="id_title_error" id="id_title">'
    )


def test_a_lean_select_is_what_djangos_select_and_templates_draw():
    djangos = DjangoTemplates()
    for value in ["", "1", None, ["1"], "x"]:
        for choices in [[("", "—"), ("1", "One & <two>")], [(None, "—"), (1, "1"), (1, "again")]]:
            ours = renderers.Select(choices=choices).render("lean", value, {"id": "id_lean"})
            theirs = forms.Select(choices=choices).render(
                "lean", value, {"id": "id_lean"}, renderer=djangos
            )
            assert ours == theirs
    grouped = [("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]
    assert renderers.Select(choices=grouped).render("g", "y") == forms.Select(
        choices=grouped
    ).render("g", "y", renderer=djangos)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_label_is_what_django_draws(language):
    with override(language):
        for form in forms_to_compare():
            for bound in form:
                assert label_tag(bound) == bound.label_tag(), bound.name


def test_a_label_ending_in_punctuation_gets_no_colon_and_is_escaped():
    form = Everything()
    assert label_tag(form["note"]) == '<label for="id_note">Why &lt;so&gt; &amp; “that”?</label>'
    assert label_tag(form["title"]) == '<label for="id_title">Title:</label>'
    with override("nl"):
        assert label_tag(form["kind"]) == '<label for="id_kind">Kind:</label>'
    assert label_tag(Everything(auto_id=False)["title"]) == "Title:"


# The search picker ------------------------------------------------------------------------------


class Chosen(forms.Form):
    team = forms.CharField(label=gettext_lazy("Team"), required=True)


def a_picker(**kwargs):
    options = [Option("t2", "Plan & <route>", "Operations"), Option("t3", "Service", "")]
    return Picker("team", chosen=Option("t1", "Planning", "Ops"), options=options, **kwargs)


def test_a_picker_writes_its_search_and_options():
    bound = Chosen()["team"]
    html = picker(bound, a_picker(q='a "b"'), "/goals/pick/team/", mark_safe("Type…"))
    assert html.startswith('\n<fieldset class="field picker" id="team-picker">\n')
    assert '<label for="team-search" class="visually-hidden">Team: search</label>' in html
    assert 'name="team_q" value="a &quot;b&quot;"' in html
    assert 'placeholder="Type…"' in html and 'hx-get="/goals/pick/team/"' in html
    assert "hx-trigger=\"input changed delay:250ms, keydown[key=='Enter']\"" in html
    assert 'hx-include="this, #team-options" hx-target="#team-options"' in html
    assert (
        '<input type="radio" name="team" value="t1" checked> <span class="picker-name">'
        'Planning</span> <span class="picker-meta">Ops</span></label>\n'
    ) in html
    assert (
        '<input type="radio" name="team" value="t2"> <span class="picker-name">'
        "Plan &amp; &lt;route&gt;</span>"
    ) in html
    assert '<span class="picker-name">Service</span></label>' in html  # no meta, no span
    assert "errorlist" not in html and "aria-describedby" not in html


def test_a_picker_with_errors_names_them_and_takes_more_inputs_along():
    form = Chosen({"team": ""})
    form.is_valid()
    html = picker(
        form["team"],
        a_picker(),
        "/goals/pick/goal/?level=team",
        "Type…",
        include="#id_start_date, #team-options",
        trigger="change from:#id_start_date",
        help_text="Goals <first>",
    )
    assert (
        '<fieldset class="field picker field-error" id="team-picker" aria-describedby="team_error">'
    ) in html
    assert '<ul class="errorlist" id="team_error"><li>This field is required.</li></ul>' in html
    assert "keydown[key=='Enter'], change from:#id_start_date\"" in html
    assert 'hx-include="this, #team-options, #id_start_date, #team-options"' in html
    assert '<p class="help">Goals &lt;first&gt;</p>' in html


def test_a_picker_is_in_dutch():
    with override("nl"):
        html = picker(Chosen()["team"], a_picker(), "/", "")
    assert '<label for="team-search" class="visually-hidden">Team: zoeken</label>' in html
    assert 'class="button button-secondary">Zoeken</button>' in html


def test_picker_options_offer_nothing_chosen_and_say_the_hint():
    empty = Picker("parent", chosen=None, options=[], hint="No goal matches “<x>”.")
    empty = Picker(**{**empty.__dict__, "empty_label": "— No goal —"})
    assert picker_options(empty) == (
        '<label class="picker-option"><input type="radio" name="parent" value="" checked>'
        ' <span class="picker-name">— No goal —</span></label>\n'
        '<p class="picker-hint">No goal matches “&lt;x&gt;”.</p>'
    )
    chosen = Picker("parent", chosen=Option("g1", "G"), options=[], empty_label="—")
    assert picker_options(chosen).startswith(
        '<label class="picker-option"><input type="radio" name="parent" value="">'
    )


def test_picker_options_are_what_the_template_wrote():
    """core/_picker_options.html as it was, for the htmx search's answer."""
    old = Template(
        '{% if picker.empty_label %}<label class="picker-option"><input type="radio" '
        'name="{{ picker.name }}" value=""{% if not picker.chosen %} checked{% endif %}> '
        '<span class="picker-name">{{ picker.empty_label }}</span></label>\n'
        '{% endif %}{% if picker.chosen %}<label class="picker-option"><input type="radio" '
        'name="{{ picker.name }}" value="{{ picker.chosen.value }}" checked> '
        '<span class="picker-name">{{ picker.chosen.label }}</span>{% if picker.chosen.meta %}'
        ' <span class="picker-meta">{{ picker.chosen.meta }}</span>{% endif %}</label>\n'
        '{% endif %}{% for o in picker.options %}<label class="picker-option"><input '
        'type="radio" name="{{ picker.name }}" value="{{ o.value }}"> <span class="picker-name">'
        '{{ o.label }}</span>{% if o.meta %} <span class="picker-meta">{{ o.meta }}</span>'
        '{% endif %}</label>\n{% endfor %}{% if picker.hint %}<p class="picker-hint">'
        "{{ picker.hint }}</p>{% endif %}"
    )
    for shown in [a_picker(), a_picker(hint="<b>", empty_label="—"), Picker("x", None, [])]:
        assert picker_options(shown) == old.render(Context({"picker": shown}))


# The key results' rows, the form's errors and the management form -------------------------------

OLD_ROWS = Template(
    "{% for row in formset %}<tr>{% for field in row.visible_fields %}"
    '<td class="{% if field.errors %}field-error{% endif %}">{{ field }}{% if field.errors %}'
    '<ul class="errorlist" id="{{ field.auto_id }}_error">{% for e in field.errors %}'
    "<li>{{ e }}</li>{% endfor %}</ul>{% endif %}</td>{% endfor %}</tr>"
    '{% if row.non_field_errors %}<tr><td colspan="6"><ul class="errorlist">'
    "{% for e in row.non_field_errors %}<li>{{ e }}</li>{% endfor %}</ul></td></tr>{% endif %}"
    "{% endfor %}"
)


def key_results(**fields) -> dict:
    data = {
        "kr-TOTAL_FORMS": "5",
        "kr-INITIAL_FORMS": "0",
        "kr-MIN_NUM_FORMS": "0",
        "kr-MAX_NUM_FORMS": "5",
    }
    for row in range(5):
        data.update({f"kr-{row}-unit": "number", f"kr-{row}-weight": "1"})
    data.update(fields)
    return data


def without_space_between_tags(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_key_result_rows_are_what_the_template_wrote(language):
    with override(language):
        unbound = KeyResultFormSet(prefix="kr")
        typed = KeyResultFormSet(
            key_results(
                **{
                    "kr-0-title": "Omzet <script>",
                    "kr-0-unit": "euro",
                    "kr-0-start_value": "abc",
                    "kr-1-current_value": "12",
                    "kr-2-weight": "zz",
                }
            ),
            prefix="kr",
        )
        typed.is_valid()
        typed.forms[3].add_error(None, "Row <4> is odd.")
        for formset in (unbound, typed):
            assert without_space_between_tags(formset_rows(formset)) == (
                without_space_between_tags(OLD_ROWS.render(Context({"formset": formset})))
            )


def test_key_result_rows_keep_what_was_typed_and_show_errors_under_their_fields():
    formset = KeyResultFormSet(
        key_results(**{"kr-0-title": "Omzet <b>", "kr-0-start_value": "abc"}), prefix="kr"
    )
    formset.is_valid()
    with override("nl"):
        html = formset_rows(formset)
    assert (
        '<input type="text" name="kr-0-title" value="Omzet &lt;b&gt;" maxlength="200"'
        ' aria-label="Key result (1)" id="id_kr-0-title">'
    ) in html
    assert (
        '<td class="field-error"><input type="text" name="kr-0-start_value" value="abc"'
        ' maxlength="30" inputmode="decimal" autocomplete="off" aria-label="Start (1)"'
        ' aria-invalid="true" aria-describedby="id_kr-0-start_value_error"'
        ' id="id_kr-0-start_value"><ul class="errorlist" id="id_kr-0-start_value_error">'
        "<li>"
    ) in html
    assert '<td class=""><select name="kr-4-unit" aria-label="Unit (5)" id="id_kr-4-unit">' in html


def test_key_result_rows_are_in_dutch():
    with override("nl"):
        html = formset_rows(KeyResultFormSet(prefix="kr"))
    assert 'aria-label="Kernresultaat (1)"' in html
    assert '<option value="number" selected>Getal</option>' in html


OLD_ERRORS = Template(
    '{% if form.non_field_errors %}<div class="form-errors" role="alert">'
    "{% for e in form.non_field_errors %}<p>{{ e }}</p>{% endfor %}</div>{% endif %}\n"
    "{% for f in form.hidden_fields %}{% if f.errors %}"
    '<div class="form-errors" role="alert">{% for e in f.errors %}<p>{{ e }}</p>{% endfor %}'
    "</div>{% endif %}{{ f }}{% endfor %}"
)


def test_form_errors_are_what_the_template_wrote():
    bound = Everything(BAD)
    bound.is_valid()
    bound.add_error(None, "Saved by <someone> else.")
    for form in (Everything(), bound):
        assert form_errors(form) == OLD_ERRORS.render(Context({"form": form}))
    assert '<div class="form-errors" role="alert"><p>Saved by &lt;someone&gt; else.</p>' in (
        form_errors(bound)
    )


def test_the_management_form_is_what_django_draws():
    for formset in (
        KeyResultFormSet(prefix="kr"),
        KeyResultFormSet(key_results(), prefix="kr"),
        KeyResultFormSet({"kr-TOTAL_FORMS": "x"}, prefix="kr"),  # tampered with
    ):
        assert management_form(formset) == str(formset.management_form)
    assert management_form(KeyResultFormSet(prefix="kr")) == (
        '<input type="hidden" name="kr-TOTAL_FORMS" value="5" id="id_kr-TOTAL_FORMS">'
        '<input type="hidden" name="kr-INITIAL_FORMS" value="0" id="id_kr-INITIAL_FORMS">'
        '<input type="hidden" name="kr-MIN_NUM_FORMS" value="0" id="id_kr-MIN_NUM_FORMS">'
        '<input type="hidden" name="kr-MAX_NUM_FORMS" value="5" id="id_kr-MAX_NUM_FORMS">'
    )
