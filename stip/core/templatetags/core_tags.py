"""Template helpers shared by every app (`{% load core_tags %}`)."""

from django import template
from django.utils.safestring import SafeString

from stip.core import links
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
    label, control = bound.label_tag(), str(bound)
    classes = "field" + (" field-error" if errors else "") + (" checkbox" if checkbox else "")
    help_text = ""
    if bound.help_text:
        help_text = f'<p class="help" id="{bound.auto_id}_helptext">{escaped(bound.help_text)}</p>'
    listed = ""
    if errors:
        items = "".join(f"<li>{escaped(error)}</li>" for error in errors)
        listed = f'<ul class="errorlist" id="{bound.auto_id}_error">{items}</ul>'
    return SafeString(
        f'<div class="{classes}">\n'
        f"  {f'{control} {label}' if checkbox else f'{label}{control}'}\n"
        f"  {help_text}\n"
        f"  {listed}\n"
        "</div>\n"
    )
