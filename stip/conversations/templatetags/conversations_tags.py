"""Template helpers for conversations, usable from other apps' templates without importing
conversations there (`{% load conversations_tags %}`): the home page's card with what is coming
up and what is overdue, a meeting's title, and the report text's quoted passages."""

import datetime

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stip.conversations import queries
from stip.conversations.models import MeetingKind
from stip.core.links import link, url_with_id_of
from stip.core.policies import person_of
from stip.core.rows import dates, escaped
from stip.people.models import Person

register = template.Library()


@register.simple_tag(takes_context=True)
def conversations_card(context) -> str:
    """My next conversations (with unanswered check-in questions, and those of tomorrow: the
    day-before reminder), my overdue 1:1s and my overdue action items. Three queries, at most
    HOME_SHOWN rows each, read as values.

    Written here rather than by a template, as `people_tags.person_card`: the card's fifteen
    rows, each with a `{% url %}`, a `{% blocktranslate %}` and its filters or an include, were
    most of the card's time, more than its three queries (docs/performance.md, finding 7). As
    `{% blocktranslate %}` does, a sentence's values are escaped into its translated words."""
    user = context["request"].user
    person = person_of(user)
    if person is None:
        return ""
    shown = queries.HOME_SHOWN
    upcoming = list(queries.home_upcoming(user)[:shown])
    items = list(queries.overdue_action_items(person)[:shown])
    series = list(queries.overdue_series_rows(user)[:shown])
    if not (upcoming or items or series):
        return ""
    today = timezone.localdate()
    overdue = f'<span class="badge badge-overdue">{escaped(_("overdue"))}</span>'
    meeting_url = url_with_id_of("conversations:meeting")
    parts = [
        '\n<section class="card conv-card" aria-labelledby="conv-card-heading">\n'
        f'  <h2 id="conv-card-heading">{escaped(_("Conversations"))}</h2>'
    ]
    if series:
        parts.append(_series_list(series, person.pk, today, overdue))
    if upcoming:
        parts.append(f"\n  <h3>{escaped(_('Coming up'))}</h3>")
        parts.append(_upcoming_list(upcoming, person.pk, today, meeting_url))
    if items:
        parts.append(f"\n  <h3>{escaped(_('Your overdue action items'))}</h3>")
        parts.append(_items_list(items, meeting_url, overdue))
    parts.append(
        f'\n  <p class="small"><a href="{link("conversations:mine")}">'
        f"{escaped(_('All conversations'))}</a></p>\n</section>\n"
    )
    return SafeString("".join(parts))


def _items_list(items: list[dict], meeting_url, overdue: str) -> str:
    day = dates("DATE_FORMAT")
    lines = []
    for item in items:
        due = _("due %(date)s") % {"date": escaped(day(item["due_date"]))}
        lines.append(
            f'\n    <li><span><a href="{meeting_url(item["meeting__public_id"])}#actions">'
            f"{escaped(item['text'])}</a>\n"
            f'      <span class="goal-meta">{due}</span></span>\n      {overdue}</li>'
        )
    return f'\n  <ul class="conv-list compact">{"".join(lines)}\n  </ul>'


def _other(row: dict, me: int) -> str:
    """The name of the one of a row's two people who is not `me`."""
    other = "employee" if row["manager_id"] == me else "manager"
    return Person.name_of(row[f"{other}__first_name"], row[f"{other}__last_name"])


def _series_list(series: list[dict], me: int, today: datetime.date, overdue: str) -> str:
    series_url = url_with_id_of("conversations:series")
    lines = []
    for s in series:
        name = escaped(_other(s, me))
        if s["last_held"] is None:
            text = _("No 1:1 with %(name)s yet") % {"name": name}
        else:
            weeks = (today - timezone.localtime(s["last_held"]).date()).days // 7
            text = ngettext(
                "No 1:1 with %(name)s for %(weeks)s week",
                "No 1:1 with %(name)s for %(weeks)s weeks",
                weeks,
            ) % {"name": name, "weeks": weeks}
        lines.append(
            f'\n    <li><span><a href="{series_url(s["public_id"])}">{text}</a></span>\n'
            f"      {overdue}</li>"
        )
    return f'\n  <ul class="conv-list compact">{"".join(lines)}\n  </ul>'


def _upcoming_list(meetings: list[dict], me: int, today: datetime.date, meeting_url) -> str:
    tomorrow = today + datetime.timedelta(days=1)
    day, time = dates("DATE_FORMAT"), dates("TIME_FORMAT")
    lines = []
    for m in meetings:
        url = meeting_url(m["public_id"])
        title = _title_of(m["title"], m["kind"], _other(m, me))
        local = timezone.localtime(m["scheduled_for"])
        if local.date() == today:
            when = f"{escaped(_('today'))}, {escaped(time(local))}"
        elif local.date() == tomorrow:
            when = f"<strong>{escaped(_('tomorrow'))}</strong>, {escaped(time(local))}"
        else:
            when = (
                f'<time datetime="{escaped(local.isoformat())}">{escaped(day(local))}, '
                f"{escaped(time(local))}</time>"
            )
        badge = ""
        if m["employee_id"] == me:
            unanswered = max(0, m["question_total"] - m["answer_total"])
            if unanswered:
                words = ngettext(
                    "%(counter)s question to answer", "%(counter)s questions to answer", unanswered
                ) % {"counter": unanswered}
                badge = f'<a class="badge badge-strategic" href="{url}#checkin">{words}</a>'
        lines.append(
            f'\n    <li><span><a href="{url}">{escaped(title)}</a>\n'
            f'      <span class="goal-meta">{when}</span></span>\n      {badge}</li>'
        )
    return f'\n  <ul class="conv-list compact">{"".join(lines)}\n  </ul>'


@register.filter
def meeting_title(meeting, other) -> str:
    """`{{ meeting|meeting_title:other }}`: its title, or what it is and with whom ("1:1 with
    Sanne"), `other` being the participant who is not the reader. A filter rather than an
    included template: lists show it on every row."""
    return _title_of(meeting.title, meeting.kind, other.full_name)


def _title_of(title: str, kind: str, name: str) -> str:
    if title:
        return title
    if kind == MeetingKind.ONE_ON_ONE:
        return _("1:1 with %(name)s") % {"name": name}
    if kind == MeetingKind.AD_HOC:
        return _("Conversation with %(name)s") % {"name": name}
    if kind == MeetingKind.PERFORMANCE:
        return _("Performance conversation with %(name)s") % {"name": name}
    return _("Appraisal with %(name)s") % {"name": name}


@register.filter
def report_blocks(text: str) -> list[tuple[str, str]]:
    """A report's text as paragraphs and quoted passages (lines starting with "> "), so that a
    passage copied from an earlier conversation shows as a quote."""
    blocks: list[tuple[str, list[str]]] = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        kind = "quote" if line.startswith(">") else "text"
        content = line[1:].lstrip() if kind == "quote" else line
        if kind == "text" and not line.strip():
            blocks.append(("break", []))
            continue
        if blocks and blocks[-1][0] == kind:
            blocks[-1][1].append(content)
        else:
            blocks.append((kind, [content]))
    return [(kind, "\n".join(lines)) for kind, lines in blocks if kind != "break"]
