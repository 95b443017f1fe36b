"""Template helpers for feedback, usable from other apps' templates without importing feedback
there (`{% load feedback_tags %}`): the home page's "feedback you are asked for" card, the
praise on a person's profile, and the praise cards of the wall and a person's praise tab with
their reactions.

The praise cards are written here rather than by a template, as `people_tags.person_card` and
`goals_tags.goal_list`: 25 cards, each including a form of four buttons with eight variables
each, were two thirds of the wall's time (15 ms for 0.3 ms of SQL). Each value is escaped with
`rows.escaped` into an f-string; what the cards of a page share (the CSRF field, the translated
words) is made once a page."""

from collections.abc import Callable

from django import template
from django.utils.html import linebreaks
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from stip.core.links import link, url_with_id_of
from stip.core.policies import person_of
from stip.core.rows import dates, escaped
from stip.feedback.models import Perspective
from stip.feedback.queries import praise_for, requests_to_answer, rounds_to_answer
from stip.people.models import Person

register = template.Library()

ON_HOME = 5
PRAISE_ON_PROFILE = 5


@register.simple_tag(takes_context=True)
def feedback_to_answer_card(context, limit: int = ON_HOME) -> str:
    """Open feedback requests and open 360° questions waiting for the viewer: two queries, at
    most `limit` rows of each (one more only says that there are more). Written here, as the
    praise cards, from the rows read as values: each row's `{% url %}`, `{% blocktranslate %}`s
    and filters were most of the card's time on the home page."""
    me = person_of(context["request"].user)
    if me is None:
        return ""
    requests = list(requests_to_answer(me)[: limit + 1])
    rounds = list(rounds_to_answer(me)[: limit + 1])
    if not (requests or rounds):
        return ""
    more = ""
    if len(requests) > limit or len(rounds) > limit:
        everything = escaped(_("See everything you are asked for"))
        more = f'\n  <p class="small"><a href="{link("feedback:mine")}">{everything}</a></p>'
    heading = escaped(_("Feedback you are asked for"))
    return SafeString(
        '\n<section class="card todo-card" aria-labelledby="feedback-todo-heading">\n'
        f'  <h2 id="feedback-todo-heading">{heading}</h2>\n'
        f'  <ul class="todo-list">{_request_items(requests[:limit])}'
        f"{_round_items(rounds[:limit])}\n  </ul>{more}\n</section>\n"
    )


def _request_items(rows: list[dict]) -> str:
    """The card's requests: who asks (about whom), the question shortened and the day to answer
    by. As `{% blocktranslate %}` does, the names and the date are escaped into the translated
    words."""
    request_url, day = url_with_id_of("feedback:request"), dates("DATE_FORMAT")
    items = []
    for r in rows:
        name = escaped(
            Person.name_of(r["request__requester__first_name"], r["request__requester__last_name"])
        )
        if r["request__requester_id"] != r["request__subject_id"]:
            subject = Person.name_of(
                r["request__subject__first_name"], r["request__subject__last_name"]
            )
            asks = _("%(name)s asks about %(subject)s") % {
                "name": name,
                "subject": escaped(subject),
            }
        else:
            asks = _("%(name)s asks for your feedback") % {"name": name}
        due = ""
        if r["request__due_date"]:
            date = escaped(day(r["request__due_date"]))
            due = " · " + _("answer by %(date)s") % {"date": date}
        question = escaped(Truncator(r["request__question"]).chars(90))
        url = request_url(r["request__public_id"])
        items.append(
            f'\n    <li>\n      <a href="{url}#answer">{asks}</a>\n'
            f'      <span class="todo-meta">“{question}”{due}</span>\n    </li>'
        )
    return "".join(items)


def _round_items(rows: list[dict]) -> str:
    """The card's 360° rounds: my self-evaluation, or whom the round is about, and its last day."""
    answer_url, day = url_with_id_of("feedback:round_answer"), dates("DATE_FORMAT")
    items = []
    for p in rows:
        if p["perspective"] == Perspective.SELF:
            about = escaped(_("Your self-evaluation (360° feedback)"))
        else:
            name = Person.name_of(p["round__subject__first_name"], p["round__subject__last_name"])
            about = _("360° feedback about %(name)s") % {"name": escaped(name)}
        closes = _("closes on %(date)s") % {"date": escaped(day(p["round__closes_on"]))}
        items.append(
            f'\n    <li>\n      <a href="{answer_url(p["round__public_id"])}">{about}</a>\n'
            f'      <span class="todo-meta">{closes}</span>\n    </li>'
        )
    return "".join(items)


@register.inclusion_tag("feedback/_praise_received.html", takes_context=True)
def praise_received_card(context, person):
    """The newest praise `person` received: one query."""
    request = context["request"]
    praise = list(praise_for(request.user, person)[: PRAISE_ON_PROFILE + 1])
    me = person_of(request.user)
    return {
        "person": person,
        "praise": praise[:PRAISE_ON_PROFILE],
        "more": len(praise) > PRAISE_ON_PROFILE,
        "can_praise": me is not None and me.pk != person.pk and not person.has_left,
        "request": request,
    }


@register.simple_tag(takes_context=True)
def praise_cards(context, rows: list[dict], next_url: str) -> str:
    """`<div class="praise-grid">` of a page's praise, from the rows of `views._praise_rows`:
    who praised whom, the value, the text, the day and the recipient's team, and the reactions
    (`reactions_forms`), which send the reader back to `next_url` without JavaScript."""
    praised = escaped(_("praised"))
    form = reactions_forms(context["csrf_token"], next_url)
    cards = "".join(_praise_card(row, praised, form) for row in rows)
    return SafeString(f'<div class="praise-grid">{cards}</div>')


def _praise_card(row: dict, praised: str, form: Callable[..., str]) -> str:
    p = row["praise"]
    public_id = escaped(p.public_id)
    value = (
        f'\n  <p class="praise-value"><span class="badge badge-value">{escaped(p.value.name)}'
        "</span></p>"
        if p.value_id is not None
        else ""
    )
    recipient = p.recipient
    team = f" · {escaped(recipient.team.name)}" if recipient.team_id is not None else ""
    return (
        f'\n<article class="praise-card" aria-labelledby="praise-{public_id}">\n'
        f'  <p class="praise-who" id="praise-{public_id}"><a href="{escaped(row["author_url"])}">'
        f"{escaped(p.author.full_name)}</a> "
        f'<span class="praise-arrow" aria-hidden="true">→</span>'
        f'<span class="visually-hidden">{praised}</span> '
        f'<a href="{escaped(row["recipient_url"])}">{escaped(recipient.full_name)}</a></p>{value}\n'
        f'  <div class="prose">{linebreaks(p.text, autoescape=True)}</div>\n'
        f'  <p class="small muted"><time datetime="{escaped(row["at"])}">{escaped(row["day"])}'
        f"</time>{team}</p>\n"
        f"  {form(p.public_id, row['react_url'], row['reactions'])}\n"
        "</article>"
    )


def reactions_forms(csrf_token: str, next_url: str) -> Callable[..., SafeString]:
    """The reactions form of each praise of a page: `form(public_id, react_url, reactions)`,
    `reactions` as `views._reactions` gives them, each a button that shows its count and
    whether it is the reader's own (`is-mine`, `aria-pressed`). The CSRF field is written as
    `{% csrf_token %}` writes it, with one token for the page; the page's forms share it and
    the translated label, made once. The wall's cards and the answer to an htmx reaction
    both draw their form here."""
    label = escaped(_("Reactions"))
    fields = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escaped(csrf_token)}">'
        f'<input type="hidden" name="next" value="{escaped(next_url)}">'
    )

    def form(public_id, react_url: str, reactions: list[dict]) -> SafeString:
        url = escaped(react_url)
        buttons = "".join(_reaction_button(reaction) for reaction in reactions)
        return SafeString(
            f'<form method="post" action="{url}" class="reactions" '
            f'id="reactions-{escaped(public_id)}" role="group" aria-label="{label}"\n'
            f'      hx-post="{url}" hx-target="this" hx-swap="outerHTML">{fields}{buttons}\n'
            "</form>"
        )

    return form


def _reaction_button(reaction: dict) -> str:
    name = escaped(reaction["name"])
    mine, pressed = (" is-mine", "true") if reaction["mine"] else ("", "false")
    return (
        f'\n  <button type="submit" name="kind" value="{escaped(reaction["kind"])}" '
        f'class="reaction{mine}" aria-pressed="{pressed}" '
        f'title="{name}"><span aria-hidden="true">{escaped(reaction["emoji"])}</span>'
        f'<span class="visually-hidden">{name}</span> '
        f'<span class="reaction-count">{escaped(reaction["count"])}</span></button>'
    )
