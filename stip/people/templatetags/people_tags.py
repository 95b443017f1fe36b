"""Template helpers for people (`{% load people_tags %}`), usable from every app's templates."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from stip.core.links import url_with_id

register = template.Library()


@register.simple_tag
def person_card(person, details: bool = True) -> str:
    """A person in a list: their initials, their name linked to their profile, the HR and Left
    badges and, with `details`, their job title and team.

    Written here rather than by a template, so that a list of 50 people draws its rows without
    an include, a `{% url %}` and eight variables each (~40 µs a row; finding 7 in
    docs/performance.md). The team is read from `person.team`: select it with the person."""
    badges = SafeString()
    if person.is_hr:
        badges += format_html(' <span class="badge badge-hr">{}</span>', _("HR"))
    if not person.is_current:
        badges += format_html(' <span class="badge badge-left">{}</span>', _("Left"))
    meta = ""
    if details:
        team = format_html(" · {}", person.team.name) if person.team_id is not None else ""
        meta = format_html(
            '<br><span class="person-meta">{}{}</span>', person.job_title or "—", team
        )
    return format_html(
        '<div class="person"><span class="avatar" aria-hidden="true">{}</span><span>'
        '<a class="person-name" href="{}">{}</a>{}{}</span></div>',
        person.initials,
        url_with_id("people:profile", person.public_id),
        person.full_name,
        badges,
        meta,
    )
