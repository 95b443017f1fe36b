"""Template helpers for conversations, usable from other apps' templates without importing
conversations there (`{% load conversations_tags %}`): the home page's card with what is coming
up and what is overdue, a meeting's title, the rows of a meeting's agenda and action items, and
the report text's quoted passages."""

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
    # The words are translated outside the f-strings, where `makemessages` finds them.
    overdue = escaped(_("overdue"))
    overdue = f'<span class="badge badge-overdue">{overdue}</span>'
    meeting_url = url_with_id_of("conversations:meeting")
    heading = escaped(_("Conversations"))
    parts = [
        '\n<section class="card conv-card" aria-labelledby="conv-card-heading">\n'
        f'  <h2 id="conv-card-heading">{heading}</h2>'
    ]
    if series:
        parts.append(_series_list(series, person.pk, today, overdue))
    if upcoming:
        coming = escaped(_("Coming up"))
        parts.append(f"\n  <h3>{coming}</h3>")
        parts.append(_upcoming_list(upcoming, person.pk, today, meeting_url))
    if items:
        late = escaped(_("Your overdue action items"))
        parts.append(f"\n  <h3>{late}</h3>")
        parts.append(_items_list(items, meeting_url, overdue))
    everything = escaped(_("All conversations"))
    parts.append(
        f'\n  <p class="small"><a href="{link("conversations:mine")}">{everything}</a></p>'
        "\n</section>\n"
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
    today_word, tomorrow_word = escaped(_("today")), escaped(_("tomorrow"))
    lines = []
    for m in meetings:
        url = meeting_url(m["public_id"])
        title = _title_of(m["title"], m["kind"], _other(m, me))
        local = timezone.localtime(m["scheduled_for"])
        if local.date() == today:
            when = f"{today_word}, {escaped(time(local))}"
        elif local.date() == tomorrow:
            when = f"<strong>{tomorrow_word}</strong>, {escaped(time(local))}"
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


@register.simple_tag
def meeting_list(rows, today: datetime.date) -> str:
    """`<ul class="conv-list card">` of meetings, from `views.MeetingRow`s: each one's day,
    linked title, moment (and "tomorrow"), kind, and whether it was held or should have been.
    Written here as the home page's cards: a row's fourteen variables and four `{% if %}`s
    cost ~70 µs in the template, and a page shows up to 45."""
    tomorrow = today + datetime.timedelta(days=1)
    # Translated outside the f-strings, where `makemessages` finds them.
    tomorrow_text, held = escaped(_("tomorrow")), escaped(_("Held"))
    not_held = escaped(_("Not marked as held"))
    items = []
    for row in rows:
        day = row.day
        soon = f" · <strong>{tomorrow_text}</strong>" if day == tomorrow else ""
        if row.is_held:
            status = f'<span class="goal-status goal-status-on_track">{held}</span>'
        elif day < today:
            status = f'<span class="goal-status goal-status-at_risk">{not_held}</span>'
        else:
            status = ""
        items.append(
            f'<li class="conv-row">\n<span class="conv-date{" is-today" if day == today else ""}"'
            f' aria-hidden="true"><span>{day.day}</span>{escaped(row.month)}</span>\n'
            f'<span class="conv-main">\n<a class="goal-title" href="{escaped(row.url)}">'
            f'{escaped(row.title)}</a>\n<span class="goal-meta"><time datetime="{row.iso}">'
            f"{escaped(row.date_text)}, {escaped(row.time_text)}</time>{soon}</span>\n</span>\n"
            f'<span class="conv-end"><span class="badge badge-kind badge-kind-{escaped(row.kind)}">'
            f"{escaped(row.kind_label)}</span>\n{status}\n</span>\n</li>\n"
        )
    return SafeString(f'<ul class="conv-list card">\n{"".join(items)}</ul>')


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


# The meeting page's lists ---------------------------------------------------------------------


def _csrf_field(context) -> str:
    """The CSRF field as `{% csrf_token %}` writes it, for the forms of a list's rows."""
    token = context.get("csrf_token")
    # Django's stand-in for a request without a token, not a password.
    if not token or token == "NOTPROVIDED":  # noqa: S105
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escaped(token)}">'


@register.simple_tag(takes_context=True)
def agenda_items(context, items: list[dict]) -> str:
    """The `<li>`s of one of a meeting's agenda lists, from the rows of `views._agenda_rows`:
    the button that ticks an item off (or its tick), its text (linked to its goal), its goal's
    status, who added a talking point, and for who may edit the agenda the buttons that move
    it (the first cannot go up, the last not down) and remove their own talking point. Written
    here as `goals_tags.goal_table_rows`: an include a row was a third of the page."""
    csrf = _csrf_field(context)
    can_mark, can_edit = context["can_mark_discussed"], context["can_edit_agenda"]
    user_id = context["user_id"]
    # Translated outside the f-strings, where `makemessages` finds them.
    discussed_tick, changed = escaped(_("Discussed")), escaped(_("status changed"))
    discussed, left = escaped(_("discussed")), escaped(_("someone who left"))
    last = len(items) - 1
    lines = []
    for index, item in enumerate(items):
        is_discussed = bool(item["discussed_at"])
        if can_mark:
            tick = _tick_form(
                item["discussed_url"],
                "agenda",
                "discussed",
                is_discussed,
                item["discussed_label"],
                csrf,
                indent="  ",
            )
            tick += "\n  "
        elif is_discussed:
            tick = f'\n  <span class="tick" aria-label="{discussed_tick}">✓</span>\n  '
        else:
            tick = "\n  \n  "
        text = escaped(item["text"])
        source = item["source"]
        if item["goal_id"]:
            text = f'<a href="{escaped(item["goal_url"])}">{text}</a>'
        badge = (
            f' <span class="badge badge-changed">{changed}</span>'
            if source == "goal_changed"
            else ""
        )
        status = ""
        if item["goal_id"] and source != "strategic_goal":
            status = (
                f' <span class="goal-status goal-status-{escaped(item["goal__status"])}">'
                f"{escaped(item['goal_status_label'])}</span>"
            )
        meta = ""
        if source == "manual":
            name = left if item["author_name"] is None else escaped(item["author_name"])
            meta = (
                f'<span class="goal-meta">{name}{f" · {discussed}" if is_discussed else ""}</span>'
            )
        elif is_discussed:
            meta = f'<span class="goal-meta">{discussed}</span>'
        tools = ""
        if can_edit:
            url = escaped(item["move_url"])
            first = " disabled" if index == 0 else ""
            final = " disabled" if index == last else ""
            remove = ""
            if source == "manual" and item["author_id"] == user_id:
                remove_url = escaped(item["remove_url"])
                remove = (
                    f'\n    <form method="post" action="{remove_url}" class="inline"\n'
                    f'          hx-post="{remove_url}" hx-target="#agenda" hx-swap="outerHTML">'
                    f'{csrf}\n      <button type="submit" class="icon-button">'
                    '<span aria-hidden="true">×</span><span class="visually-hidden">'
                    f"{escaped(item['remove_label'])}</span></button>\n    </form>"
                )
            tools = (
                '\n  <span class="agenda-tools">\n'
                f'    <form method="post" action="{url}" class="inline"\n'
                f'          hx-post="{url}" hx-target="#agenda" hx-swap="outerHTML">{csrf}\n'
                '      <button type="submit" name="direction" value="up" class="icon-button"'
                f'{first}><span aria-hidden="true">↑</span><span class="visually-hidden">'
                f"{escaped(item['up_label'])}</span></button>\n"
                '      <button type="submit" name="direction" value="down" class="icon-button"'
                f'{final}><span aria-hidden="true">↓</span><span class="visually-hidden">'
                f"{escaped(item['down_label'])}</span></button>\n    </form>{remove}\n  </span>"
            )
        lines.append(
            f'<li class="agenda-item{" is-discussed" if is_discussed else ""}">{tick}'
            f'<span class="agenda-text">\n    {text}\n    {badge}\n    {status}\n    {meta}\n'
            f"  </span>{tools}\n</li>\n"
        )
    return SafeString("".join(lines))


@register.simple_tag(takes_context=True)
def action_items(context, items: list[dict]) -> str:
    """The `<li>`s of a meeting's action items, from the rows of `views._action_rows`: for who
    may write, the button that ticks one off (or reopens it); its text, owner, due day (and
    whether it is overdue), the meeting it was carried over from and the day it was done."""
    can_write = context["can_write"]
    csrf = _csrf_field(context) if can_write else ""
    # Translated outside the f-string, where `makemessages` finds it.
    overdue = escaped(_("overdue"))
    overdue = f' <span class="badge badge-overdue">{overdue}</span>'
    lines = []
    for a in items:
        done = bool(a["done_at"])
        tick = ""
        if can_write:
            tick = _tick_form(
                a["done_url"], "actions", "done", done, a["done_label"], csrf, indent="      "
            )
        due = ""
        if a["due_text"]:
            due = f" · {escaped(a['due_text'])}{overdue if a['overdue'] else ''}"
        carried = ""
        if a["carried_text"]:
            carried = f' · <span class="carried">{escaped(a["carried_text"])}</span>'
        done_text = f" · {escaped(a['done_text'])}" if a["done_text"] else ""
        lines.append(
            f'\n    <li class="{"is-done" if done else ""}">{tick}\n'
            f'      <span class="agenda-text">{escaped(a["text"])}\n'
            f'        <span class="goal-meta">{escaped(a["owner_name"])}{due}\n'
            f"        {carried}\n        {done_text}</span>\n      </span>\n    </li>"
        )
    return SafeString("".join(lines))


def _tick_form(url: str, target: str, name: str, ticked: bool, label: str, csrf: str, *, indent):
    """The form that ticks an agenda item off as discussed or an action item as done, or
    back: it posts `name` 0 or 1 and answers the list (`target`) again for htmx."""
    url = escaped(url)
    value, pressed = ("0", "true") if ticked else ("1", "false")
    return (
        f'\n{indent}<form method="post" action="{url}" class="inline"\n'
        f'{indent}      hx-post="{url}" hx-target="#{target}" hx-swap="outerHTML">{csrf}\n'
        f'{indent}  <input type="hidden" name="{name}" value="{value}">\n'
        f'{indent}  <button type="submit" class="tick" aria-pressed="{pressed}">\n'
        f'{indent}    <span aria-hidden="true">✓</span><span class="visually-hidden">'
        f"{escaped(label)}</span>\n{indent}  </button>\n{indent}</form>"
    )
