"""The form renderer (settings.FORM_RENDERER): Django's form templates, through the project's
template settings, so that stip/templates/django/forms/ replaces one everywhere; but the plain
`<input>`s, the selects, the text areas and the labels are written here.

Django draws a text field with three templates (`text.html` includes `input.html`, which
includes `attrs.html`), an option of a select with two, a label with two. Written here, the goal
form (some 40 fields with its key results) took 16 ms of Python instead of 20 for 0.3 ms of SQL
(docs/performance.md, finding 7). The markup is the markup of Django's templates, character for
character: tests/core/test_renderers.py renders each both ways. Each value is escaped with
`rows.escaped` into an f-string: `format_html` per attribute was a fifth of a conversation's
page (its text areas)."""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
from django.utils.safestring import SafeString

from stip.core.rows import escaped

# Django's widget templates that are `{% include "django/forms/widgets/input.html" %}` and
# nothing else. One of them overridden in stip/templates/django/forms/widgets/ must leave this
# list, or the override is not drawn.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)


class FormRenderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return input_tag(context["widget"])
        if template_name == SELECT_TEMPLATE:
            return select_tag(context["widget"])
        if template_name == TEXTAREA_TEMPLATE:
            return textarea_tag(context["widget"])
        if template_name == LABEL_TEMPLATE:
            return label_tag(context)
        return super().render(template_name, context, request=request)


def control(bound, errors=None) -> str:
    """`str(bound)`, a bound field's control, for one that `input_tag` or `select_tag` writes:
    the attributes that `BoundField.build_widget_attrs` adds to the widget's (`required`,
    `aria-invalid`, `aria-describedby` naming the help and the errors, the id), in its order,
    and the widget's own context. `as_widget` took 8 µs a field to work them out, mostly
    making an empty list of errors three times and the id four; the goal form has 40 fields.
    `errors` are the field's, when the caller has them already. Any other field, and one
    disabled or localised, is drawn by Django."""
    field = bound.field
    widget = field.widget
    template = widget.template_name
    if template in INPUT_TEMPLATES:
        write = input_tag
    elif template == SELECT_TEMPLATE and not widget.allow_multiple_selected:
        write = select_tag
    else:
        return str(bound)
    form = bound.form
    if field.disabled or field.localize or not isinstance(form.renderer, FormRenderer):
        return str(bound)
    if errors is None:
        errors = bound.errors
    attrs = {}
    required = field.required and form.use_required_attribute
    if required and widget.use_required_attribute(bound.initial):
        attrs["required"] = True
    hidden = widget.is_hidden
    if errors and not hidden:
        attrs["aria-invalid"] = "true"
    auto_id = bound.auto_id
    if not widget.use_fieldset and not widget.attrs.get("aria-describedby"):
        described = []
        if auto_id and not hidden:
            if field.help_text:
                described.append(f"{auto_id}_helptext")
            if errors:
                described.append(f"{auto_id}_error")
        if described:
            attrs["aria-describedby"] = " ".join(described)
    if auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", auto_id)
    return SafeString(write(widget.get_context(bound.html_name, bound.value(), attrs)["widget"]))


def input_tag(widget: dict) -> str:
    """`django/forms/widgets/input.html`: the type, the name, the value unless it is None, then
    the attributes as `attrs.html` writes them."""
    value = widget["value"]
    shown = f' value="{escaped(value)}"' if value is not None else ""
    return SafeString(
        f'<input type="{escaped(widget["type"])}" name="{escaped(widget["name"])}"{shown}'
        f"{attributes(widget['attrs'])}>"
    )


# Every <select> of Stip, written as Django's `select.html` and `select_option.html` write it,
# in one loop: the templates render two templates per option (1,175 teams took 62 ms that way).
# No widget of Stip gives its options attributes of their own beyond `selected`, and none is a
# select of several (`SelectMultiple` has a template of its own).
SELECT_TEMPLATE = "django/forms/widgets/select.html"


def select_tag(widget: dict) -> str:
    """A `<select>` with its options, in groups where the choices have them."""
    lines = []
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            lines.append(f'\n  <optgroup label="{escaped(localize(group_name))}">')
        lines.extend(
            f'\n  <option value="{escaped(option["value"])}"'
            f"{' selected' if option['selected'] else ''}>"
            f"{escaped(localize(option['label']))}</option>\n"
            for option in options
        )
        if group_name:
            lines.append("\n  </optgroup>")
    return SafeString(
        f'<select name="{escaped(widget["name"])}"{attributes(widget["attrs"])}>'
        f"{''.join(lines)}\n</select>"
    )


class Select(forms.Select):
    """A select whose options are made only for `select_tag`, which reads their value, label
    and whether it is chosen: Django's `create_option` makes a dict of ten for each, which
    for the goal form's 130 people to choose from took 0.2 ms. Choices in groups are made as
    Django makes them."""

    def optgroups(self, name, value, attrs=None):
        choices = list(self.choices)
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().optgroups(name, value, attrs)
        groups, chosen = [], False
        for index, (option_value, label) in enumerate(choices):
            option_value = "" if option_value is None else option_value
            # As Django's: the first option whose value is among the values is selected.
            selected = not chosen and str(option_value) in value
            chosen |= selected
            groups.append(
                (None, [{"value": option_value, "label": label, "selected": selected}], index)
            )
        return groups


TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def textarea_tag(widget: dict) -> str:
    """`django/forms/widgets/textarea.html`: the value on a line of its own, if there is one."""
    value = escaped(localize(widget["value"])) if widget["value"] else ""
    return SafeString(
        f'<textarea name="{escaped(widget["name"])}"{attributes(widget["attrs"])}>\n'
        f"{value}</textarea>"
    )


# A field's label (`BoundField.label_tag` and `legend_tag`): the tag around it when the field
# has an id, else the text alone.
LABEL_TEMPLATE = "django/forms/label.html"


def label_tag(context: dict) -> str:
    label = escaped(localize(context["label"]))
    if not context["use_tag"]:
        return SafeString(label)
    tag = escaped(context["tag"])
    return SafeString(f"<{tag}{attributes(context['attrs'])}>{label}</{tag}>")


def attributes(attrs: dict) -> str:
    """`django/forms/widgets/attrs.html`: ` name="value"` each, ` name` alone for True, nothing
    for False."""
    return "".join(
        f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )
