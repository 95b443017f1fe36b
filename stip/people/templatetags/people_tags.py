"""Template helpers for people (`{% load people_tags %}`), usable from every app's templates."""

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from stip.core.links import url_with_id
from stip.core.rows import escaped

register = template.Library()


@register.simple_tag
def person_card(person, details: bool = True) -> str:
    """A person in a list: their initials, their name linked to their profile, the HR and Left
    badges and, with `details`, their job title and team.

    Written here rather than by a template, so that a list of 50 people draws its rows without
    an include, a `{% url %}` and eight variables each (~40 µs a row; finding 7 in
    docs/performance.md), and with f-strings, each value escaped once (`format_html` was half of
    a card's time). The team is read from `person.team`: select it with the person."""
    badges = ""
    if person.is_hr:
        badges += f' <span class="badge badge-hr">{escaped(_("HR"))}</span>'
    if not person.is_current:
        badges += f' <span class="badge badge-left">{escaped(_("Left"))}</span>'
    meta = ""
    if details:
        team = f" · {escaped(person.team.name)}" if person.team_id is not None else ""
        meta = f'<br><span class="person-meta">{escaped(person.job_title or "—")}{team}</span>'
    link = url_with_id("people:profile", person.public_id)
    return SafeString(
        f'<div class="person"><span class="avatar" aria-hidden="true">{escaped(person.initials)}'
        f'</span><span><a class="person-name" href="{link}">{escaped(person.full_name)}</a>'
        f"{badges}{meta}</span></div>"
    )
