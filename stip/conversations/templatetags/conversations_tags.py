"""Template helpers for conversations, usable from other apps' templates without importing
conversations there (`{% load conversations_tags %}`): the home page's card with what is coming
up and what is overdue, a meeting's title, and the report text's quoted passages."""

import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from stip.conversations import queries
from stip.conversations.models import MeetingKind
from stip.core.policies import person_of

register = template.Library()


@register.inclusion_tag("conversations/_home_card.html", takes_context=True)
def conversations_card(context):
    """My next conversations (with unanswered check-in questions, and those of tomorrow: the
    day-before reminder), my overdue action items, and the 1:1s that did not happen.
    Three queries, at most HOME_SHOWN rows each (plus one that only says there are more)."""
    request = context["request"]
    person = person_of(request.user)
    if person is None:
        return {"show": False}
    shown = queries.HOME_SHOWN
    upcoming = list(queries.home_upcoming(person)[: shown + 1])
    overdue_items = list(queries.overdue_action_items(person)[: shown + 1])
    overdue_series = list(queries.overdue_series(request.user)[: shown + 1])
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    rows = []
    for meeting in upcoming[:shown]:
        other = meeting.employee if meeting.manager_id == person.pk else meeting.manager
        unanswered = 0
        if meeting.employee_id == person.pk:
            unanswered = max(0, meeting.question_total - meeting.answer_total)
        day = timezone.localtime(meeting.scheduled_for).date()
        rows.append((meeting, other, unanswered, day == tomorrow, day == today))
    series_rows = []
    for series in overdue_series[:shown]:
        other = series.employee if series.manager_id == person.pk else series.manager
        weeks = None
        if series.last_held is not None:
            weeks = (today - timezone.localtime(series.last_held).date()).days // 7
        series_rows.append((series, other, weeks))
    return {
        "show": bool(rows or overdue_items or series_rows),
        "upcoming": rows,
        "more_upcoming": len(upcoming) > shown,
        "overdue_items": overdue_items[:shown],
        "more_items": len(overdue_items) > shown,
        "overdue_series": series_rows,
        "more_series": len(overdue_series) > shown,
        "person": person,
        "request": request,
    }


@register.filter
def meeting_title(meeting, other) -> str:
    """`{{ meeting|meeting_title:other }}`: its title, or what it is and with whom ("1:1 with
    Sanne"), `other` being the participant who is not the reader. A filter rather than an
    included template: lists show it on every row."""
    if meeting.title:
        return meeting.title
    name = other.full_name
    if meeting.kind == MeetingKind.ONE_ON_ONE:
        return _("1:1 with %(name)s") % {"name": name}
    if meeting.kind == MeetingKind.AD_HOC:
        return _("Conversation with %(name)s") % {"name": name}
    if meeting.kind == MeetingKind.PERFORMANCE:
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
