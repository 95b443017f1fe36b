"""Template helpers for people (`{% load people_tags %}`), usable from every app's templates."""

from collections.abc import Callable

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from stip.core.links import url_with_id, url_with_id_of
from stip.core.rows import escaped
from stip.people.models import Person

register = template.Library()


@register.simple_tag
def person_card(person, details: bool = True) -> str:
    """A person in a list: their initials, their name linked to their profile, the HR and Left
    badges and, with `details`, their job title and team.

    Written here rather than by a template, so that a list of 50 people draws its rows without
    an include, a `{% url %}` and eight variables each (~40 µs a row; finding 7 in
    docs/performance.md), and with f-strings, each value escaped once (`format_html` was half of
    a card's time). The team is read from `person.team`: select it with the person."""
    team = person.team.name if details and person.team_id is not None else None
    return SafeString(
        _card(
            url_with_id("people:profile", person.public_id),
            person.initials,
            person.full_name,
            _badges(person.is_hr, person.is_current),
            _meta(person.job_title, team) if details else "",
        )
    )


@register.simple_tag
def person_cards(people: list[dict]) -> str:
    """`<ul class="people-list">` of `person_card`s, from rows read as values (the home page's
    reports and teammates; `person_row_card` names their columns). Reading a dozen people with
    their teams as models cost as long again as their query."""
    card = row_cards()
    cards = "".join(f"<li>{card(p)}</li>" for p in people)
    return SafeString(f'<ul class="people-list">{cards}</ul>')


def row_cards() -> Callable[..., str]:
    """`person_row_card` for many rows (`card(row, prefix="")`), with the profile link and
    today read once, not once a row (~10 µs each)."""
    profile, today = url_with_id_of("people:profile"), timezone.localdate()
    return lambda row, prefix="": _row_card(row, prefix, profile, today)


@register.simple_tag
def person_row_card(row: dict, prefix: str = "") -> str:
    """`person_card` of a person read as values: the row's `public_id`, `first_name`,
    `last_name`, `job_title`, `is_hr`, `is_active`, `end_date`, `team_id` and `team__name`,
    each named with `prefix` ("manager__" for a person's manager read with them)."""
    return SafeString(
        _row_card(row, prefix, url_with_id_of("people:profile"), timezone.localdate())
    )


def _row_card(row: dict, prefix: str, profile, today) -> str:
    first_name, last_name = row[f"{prefix}first_name"], row[f"{prefix}last_name"]
    # `Person.is_current`, from the row.
    current = row[f"{prefix}is_active"] and not Person.left_by(row[f"{prefix}end_date"], today)
    team = row[f"{prefix}team__name"] if row[f"{prefix}team_id"] is not None else None
    return _card(
        profile(row[f"{prefix}public_id"]),
        Person.initials_of(first_name, last_name),
        Person.name_of(first_name, last_name),
        _badges(row[f"{prefix}is_hr"], current),
        _meta(row[f"{prefix}job_title"], team),
    )


def _card(url: str, initials: str, name: str, badges: str, meta: str) -> str:
    return (
        f'<div class="person"><span class="avatar" aria-hidden="true">{escaped(initials)}'
        f'</span><span><a class="person-name" href="{url}">{escaped(name)}</a>'
        f"{badges}{meta}</span></div>"
    )


def _badges(is_hr: bool, is_current: bool) -> str:
    badges = ""
    if is_hr:
        hr = escaped(_("HR"))
        badges += f' <span class="badge badge-hr">{hr}</span>'
    if not is_current:
        left = escaped(_("Left"))
        badges += f' <span class="badge badge-left">{left}</span>'
    return badges


def _meta(job_title: str, team: str | None) -> str:
    team = f" · {escaped(team)}" if team is not None else ""
    return f'<br><span class="person-meta">{escaped(job_title or "—")}{team}</span>'
