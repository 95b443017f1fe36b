"""Template helpers shared by every app (`{% load core_tags %}`)."""

from django import template
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import gettext as _

from stip.core import links, renderers
from stip.core.renderers import control
from stip.core.rows import escaped

register = template.Library()

# `{% url_with_id 'people:profile' p.public_id %}`: see stip/core/links.py.
register.simple_tag(links.url_with_id, name="url_with_id")


@register.simple_tag
def field(bound) -> str:
    """`{% field form.title %}`: a form's field, its label and control (the control first for a
    checkbox), its help and its errors, with the ids that Django's control names in its
    `aria-describedby` (`id_title_helptext`, `id_title_error`). Written here rather than by an
    included template: a goal form's 40 fields spent ~90 µs each in the include and its
    lookups, besides drawing the label and the control."""
    checkbox = getattr(bound.field.widget, "input_type", None) == "checkbox"
    errors = bound.errors
    label, drawn = label_tag(bound), control(bound, errors)
    classes = "field" + (" field-error" if errors else "") + (" checkbox" if checkbox else "")
    help_text = ""
    if bound.help_text:
        help_text = f'<p class="help" id="{bound.auto_id}_helptext">{escaped(bound.help_text)}</p>'
    listed = _error_list(errors, bound.auto_id) if errors else ""
    return SafeString(
        f'<div class="{classes}">\n'
        f"  {f'{drawn} {label}' if checkbox else f'{label}{drawn}'}\n"
        f"  {help_text}\n"
        f"  {listed}\n"
        "</div>\n"
    )


# Django's test for a label that takes no suffix: its translation (in Django's catalogue, not
# ours, hence not written as a literal here) lists the punctuation that ends a label.
LABEL_PUNCTUATION = ":?.!"


def label_tag(bound) -> str:
    """`bound.label_tag()`, as the form renderer writes it (`renderers.label_tag`): the label,
    its suffix unless it ends in punctuation, in a `<label>` for the control when the field
    has an id. Django's method, its `format_html` and its call of the renderer took 18 µs a
    field, three times this; it is called for what this does not write (a form's
    `required_css_class`, a widget's own id)."""
    field, form = bound.field, bound.form
    widget = field.widget
    if hasattr(form, "required_css_class") or "id" in widget.attrs:
        return bound.label_tag()
    label = bound.label if isinstance(bound.label, SafeData) else str(bound.label)
    text = escaped(label)
    suffix = field.label_suffix if field.label_suffix is not None else form.label_suffix
    if suffix and label and label[-1] not in _(LABEL_PUNCTUATION):
        text = f"{text}{escaped(suffix)}"
    for_label = widget.id_for_label(bound.auto_id) if bound.auto_id else None
    return renderers.label_tag(
        {
            "label": SafeString(text),
            "use_tag": bool(bound.auto_id),
            "tag": "label",
            "attrs": {"for": for_label} if for_label else {},
        }
    )


@register.simple_tag
def form_errors(form) -> str:
    """`goals/_form_errors.html`: the form's errors that name no field, and its hidden fields,
    each after its errors (a hidden field has no place of its own to show them)."""
    errors = form.non_field_errors()
    shown = _alert(errors) if errors else ""
    hidden = []
    for bound in form.hidden_fields():
        if errors := bound.errors:
            hidden.append(_alert(errors))
        hidden.append(control(bound, errors))
    return SafeString(f"{shown}\n{''.join(hidden)}")


@register.simple_tag
def management_form(formset) -> str:
    """`{{ formset.management_form }}`: its hidden fields, as Django's form template writes
    them when they have no errors, without that template (0.1 ms)."""
    form = formset.management_form
    if form.errors:
        return str(form)
    return SafeString("".join(control(bound) for bound in form.hidden_fields()))


@register.simple_tag
def picker(field, picker, url, placeholder, include="", trigger="", help_text="") -> str:
    """`{% picker form.team form.team_picker url placeholder %}`: a search picker for one
    choice. A search box (htmx GET to `url`, which answers with `picker_options`) above the
    options, each a radio named after the field; the search box is no field of the form
    (`<field>_q`). Without JavaScript, "Search" sends the form back to be shown with what the
    search found. `picker` is a Picker (stip/goals/forms.py); `include` and `trigger` are more
    inputs the search takes along and events from them that make it search again.

    Written here rather than by an included template: the include's seven `with` variables and
    its thirty lookups of the field took the goal form ~0.4 ms a picker."""
    name, errors = escaped(field.html_name), field.errors
    label = escaped(field.label)
    search = _("%(label)s: search") % {"label": label}
    search_button = _("Search")
    invalid = described = listed = ""
    if errors:
        invalid, described = " field-error", f' aria-describedby="{name}_error"'
        listed = _error_list(errors, name)
    trigger = f", {escaped(trigger)}" if trigger else ""
    include = f", {escaped(include)}" if include else ""
    help_text = f'<p class="help">{escaped(help_text)}</p>' if help_text else ""
    return SafeString(
        f'\n<fieldset class="field picker{invalid}" id="{name}-picker"{described}>\n'
        f"  <legend>{label}</legend>\n"
        '  <div class="picker-search">\n'
        f'    <label for="{name}-search" class="visually-hidden">{search}</label>\n'
        f'    <input type="search" id="{name}-search" name="{name}_q" value="{escaped(picker.q)}"'
        ' autocomplete="off" spellcheck="false"\n'
        f'           placeholder="{escaped(placeholder)}"\n'
        f'           hx-get="{escaped(url)}"\n'
        f"           hx-trigger=\"input changed delay:250ms, keydown[key=='Enter']{trigger}\"\n"
        "           hx-on:keydown=\"if (event.key === 'Enter') event.preventDefault()\"\n"
        f'           hx-include="this, #{name}-options{include}" hx-target="#{name}-options"'
        ' hx-sync="this:replace">\n'
        f'    <noscript><button type="submit" name="search" value="{name}"'
        f' class="button button-secondary">{search_button}</button></noscript>\n'
        "  </div>\n"
        f'  <div id="{name}-options" class="picker-options" aria-live="polite">'
        f"{picker_options(picker)}\n</div>\n"
        f"  {help_text}\n"
        f"  {listed}\n"
        "</fieldset>\n"
    )


@register.simple_tag
def picker_options(picker) -> str:
    """A search picker's options (`picker`): the choice of nothing where the field may stay
    empty, the choice made, then what the search found, each a radio with its name and the line
    that tells it apart; and the picker's hint. What the picker's htmx search answers with
    (`core/_picker_options.html`), and the options `picker` draws."""
    name = escaped(picker.name)
    lines = []
    if picker.empty_label:
        checked = "" if picker.chosen else " checked"
        lines.append(
            f'<label class="picker-option"><input type="radio" name="{name}" value=""{checked}>'
            f' <span class="picker-name">{escaped(picker.empty_label)}</span></label>\n'
        )
    if picker.chosen:
        lines.append(_picker_option(name, picker.chosen, " checked"))
    lines.extend(_picker_option(name, option, "") for option in picker.options)
    if picker.hint:
        lines.append(f'<p class="picker-hint">{escaped(picker.hint)}</p>')
    return SafeString("".join(lines))


def _picker_option(name: str, option, checked: str) -> str:
    meta = f' <span class="picker-meta">{escaped(option.meta)}</span>' if option.meta else ""
    return (
        f'<label class="picker-option"><input type="radio" name="{name}"'
        f' value="{escaped(option.value)}"{checked}> <span class="picker-name">'
        f"{escaped(option.label)}</span>{meta}</label>\n"
    )


@register.simple_tag
def formset_rows(formset, indent: int = 10) -> str:
    """`{% formset_rows formset %}`: the rows of a formset drawn as a table, a form a row
    (`<tr>`), each visible field's control in a cell with its errors (`id_<name>_error`, as
    Django's control names in its `aria-describedby`), and a form's errors that name no field
    in a row under it, across the table. The goal form's five key results are thirty fields:
    their loops, `{% if %}`s and lookups cost ~30 µs each in the template."""
    pad = " " * indent
    lines = []
    for row in formset:
        lines.append(f"{pad}<tr>\n")
        for bound in row.visible_fields():
            errors = bound.errors
            if errors:
                listed = _error_list(errors, escaped(bound.auto_id))
                lines.append(
                    f'{pad}  <td class="field-error">{control(bound, errors)}{listed}</td>\n'
                )
            else:
                lines.append(f'{pad}  <td class="">{control(bound, errors)}</td>\n')
        lines.append(f"{pad}</tr>\n")
        if errors := row.non_field_errors():
            lines.append(
                f'{pad}<tr><td colspan="{len(row.visible_fields())}">{_error_list(errors)}'
                "</td></tr>\n"
            )
    return SafeString("".join(lines))


def _error_list(errors, owner: str = "") -> str:
    """A field's errors as Django's error list draws them, with the id (`<owner>_error`) that
    the field's `aria-describedby` names; a form's errors that name no field without one."""
    items = "".join(f"<li>{escaped(error)}</li>" for error in errors)
    named = f' id="{owner}_error"' if owner else ""
    return f'<ul class="errorlist"{named}>{items}</ul>'


def _alert(errors) -> str:
    """Errors that have no field to stand under, at the top of the form."""
    items = "".join(f"<p>{escaped(error)}</p>" for error in errors)
    return f'<div class="form-errors" role="alert">{items}</div>'
