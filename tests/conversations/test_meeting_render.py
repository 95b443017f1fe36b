"""The meeting page's agenda and action items, written in Python (`conversations_tags`): what
each state of a row shows, escaped and in both languages, and the page built from them."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from stip.conversations import services
from stip.conversations.models import AgendaItem, MeetingKind
from stip.core.rows import Row
from tests.conversations import builders
from tests.goals.builders import create_goal

HTMX = {"HTTP_HX_REQUEST": "true"}
MOMENT = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
CSRF = '<input type="hidden" name="csrfmiddlewaretoken" value="tok&amp;en">'


def _agenda_item(**values) -> Row:
    """An agenda row as `views._agenda_rows` leaves it: a talking point by user 7, open."""
    text = values.pop("text", 'SQL <course> & "more"')
    return Row(
        {
            "public_id": "i1",
            "source": "manual",
            "text": text,
            "question_id": None,
            "discussed_at": None,
            "goal_id": None,
            "goal__public_id": None,
            "goal__status": None,
            "author_id": 7,
            "author_name": "Eva <de> Vries",
            "discussed_url": "/m/i1/discussed/",
            "move_url": "/m/i1/move/",
            "remove_url": "/m/i1/remove/",
            "discussed_label": f"Discussed: “{text}”",
            "up_label": f"Move “{text}” up",
            "down_label": f"Move “{text}” down",
            "remove_label": f"Remove “{text}”",
        }
        | values
    )


def _agenda(*items, **context) -> str:
    defaults = {
        "can_mark_discussed": True,
        "can_edit_agenda": True,
        "user_id": 7,
        "csrf_token": "tok&en",
    }
    return Template("{% load conversations_tags %}{% agenda_items items %}").render(
        Context(defaults | context | {"items": list(items)})
    )


def test_a_talking_point_is_escaped_with_its_buttons_and_forms():
    html = _agenda(_agenda_item())
    text = "SQL &lt;course&gt; &amp; &quot;more&quot;"
    assert html.startswith('<li class="agenda-item">')
    assert (
        '<form method="post" action="/m/i1/discussed/" class="inline"\n'
        '        hx-post="/m/i1/discussed/" hx-target="#agenda" hx-swap="outerHTML">'
        f"{CSRF}\n"
        '    <input type="hidden" name="discussed" value="1">\n'
        '    <button type="submit" class="tick" aria-pressed="false">\n'
        '      <span aria-hidden="true">✓</span>'
        f'<span class="visually-hidden">Discussed: “{text}”</span>\n'
    ) in html
    assert f'<span class="agenda-text">\n    {text}\n' in html
    assert '<span class="goal-meta">Eva &lt;de&gt; Vries</span>' in html
    assert "SQL <course>" not in html and '"more"' not in html
    assert (
        '<button type="submit" name="direction" value="up" class="icon-button" disabled>'
        f'<span aria-hidden="true">↑</span><span class="visually-hidden">Move “{text}” up'
    ) in html
    assert (
        '<button type="submit" name="direction" value="down" class="icon-button" disabled>'
        f'<span aria-hidden="true">↓</span><span class="visually-hidden">Move “{text}” down'
    ) in html
    assert (
        '<form method="post" action="/m/i1/remove/" class="inline"\n'
        '          hx-post="/m/i1/remove/" hx-target="#agenda" hx-swap="outerHTML">'
        f'{CSRF}\n      <button type="submit" class="icon-button"><span aria-hidden="true">×'
        f'</span><span class="visually-hidden">Remove “{text}”</span></button>\n    </form>'
    ) in html
    assert html.endswith("</li>\n")


def test_only_the_first_item_cannot_go_up_and_only_the_last_not_down():
    html = _agenda(_agenda_item(public_id="a"), _agenda_item(public_id="b"), _agenda_item())
    assert html.count("<li ") == 3
    assert html.count('value="up" class="icon-button" disabled>') == 1
    assert html.count('value="down" class="icon-button" disabled>') == 1
    assert html.index('value="up" class="icon-button" disabled>') < html.index("</li>")
    assert html.rindex('value="down" class="icon-button" disabled>') > html.rindex("<li ")


def test_a_discussed_item_is_ticked_and_reopens():
    html = _agenda(_agenda_item(discussed_at=MOMENT))
    assert html.startswith('<li class="agenda-item is-discussed">')
    assert '<input type="hidden" name="discussed" value="0">' in html
    assert 'aria-pressed="true"' in html
    assert '<span class="goal-meta">Eva &lt;de&gt; Vries · discussed</span>' in html
    # Who may not tick items off sees the tick.
    read_only = _agenda(
        _agenda_item(discussed_at=MOMENT),
        can_mark_discussed=False,
        can_edit_agenda=False,
    )
    assert '<span class="tick" aria-label="Discussed">✓</span>' in read_only
    assert "<form" not in read_only and "agenda-tools" not in read_only
    assert "<form" not in _agenda(_agenda_item(), can_mark_discussed=False, can_edit_agenda=False)
    assert 'class="tick"' not in _agenda(_agenda_item(), can_mark_discussed=False)


def test_only_the_author_removes_a_talking_point_and_nobody_a_goal():
    assert "/m/i1/remove/" not in _agenda(_agenda_item(), user_id=8)
    assert "/m/i1/move/" in _agenda(_agenda_item(), user_id=8)
    goal = _agenda_item(
        source="goal", author_id=None, author_name=None, goal_id=3, goal__status="at_risk"
    )
    goal |= {"goal_url": "/goals/g3/", "goal_status_label": "At risk"}
    html = _agenda(goal, user_id=None)
    assert "/m/i1/remove/" not in html
    assert '<a href="/goals/g3/">SQL &lt;course&gt; &amp; &quot;more&quot;</a>' in html
    assert ' <span class="goal-status goal-status-at_risk">At risk</span>' in html
    assert "goal-meta" not in html and "badge-changed" not in html


def test_a_goal_item_says_that_its_status_changed_and_a_strategic_one_has_no_status():
    changed = _agenda_item(source="goal_changed", author_id=None, goal_id=3, goal__status="x")
    changed |= {"goal_url": "/goals/g3/", "goal_status_label": "Off track"}
    assert ' <span class="badge badge-changed">status changed</span>' in _agenda(changed)
    strategic = changed | {"source": "strategic_goal"}
    html = _agenda(strategic)
    assert "goal-status" not in html and "badge-changed" not in html
    assert '<a href="/goals/g3/">' in html


def test_a_talking_point_of_someone_who_left_and_the_words_in_dutch():
    left = _agenda_item(author_id=None, author_name=None, discussed_at=MOMENT)
    assert '<span class="goal-meta">someone who left · discussed</span>' in _agenda(left)
    with translation.override("nl"):
        html = _agenda(
            left,
            _agenda_item(source="goal_changed", goal_id=3, goal__status="on_track")
            | {"goal_url": "/g/", "goal_status_label": "Op koers"},
            can_mark_discussed=False,
        )
    assert '<span class="goal-meta">iemand die uit dienst is · besproken</span>' in html
    assert '<span class="tick" aria-label="Besproken">✓</span>' in html
    assert '<span class="badge badge-changed">status gewijzigd</span>' in html


def test_no_csrf_token_writes_no_field():
    assert "csrfmiddlewaretoken" not in _agenda(_agenda_item(), csrf_token="NOTPROVIDED")
    assert "csrfmiddlewaretoken" not in _agenda(_agenda_item(), csrf_token="")


def _action(**values) -> Row:
    """An action row as `views._action_rows` leaves it: open, no due day, of this meeting."""
    return Row(
        {
            "public_id": "a1",
            "text": 'Plan the <b>route</b> & "more"',
            "done_at": None,
            "done_url": "/m/a1/done/",
            "done_label": "Done: “Plan the <b>route</b>”",
            "owner_name": "Eva & co",
            "due_text": "",
            "overdue": False,
            "carried_text": "",
            "done_text": "",
        }
        | values
    )


def _actions(*items, **context) -> str:
    defaults = {"can_write": True, "csrf_token": "tok&en"}
    return Template("{% load conversations_tags %}{% action_items items %}").render(
        Context(defaults | context | {"items": list(items)})
    )


def test_an_open_action_item_is_escaped_with_its_form():
    html = _actions(_action())
    assert html == (
        '\n    <li class="">\n'
        '      <form method="post" action="/m/a1/done/" class="inline"\n'
        '            hx-post="/m/a1/done/" hx-target="#actions" hx-swap="outerHTML">'
        f"{CSRF}\n"
        '        <input type="hidden" name="done" value="1">\n'
        '        <button type="submit" class="tick" aria-pressed="false">\n'
        '          <span aria-hidden="true">✓</span><span class="visually-hidden">'
        "Done: “Plan the &lt;b&gt;route&lt;/b&gt;”</span>\n"
        "        </button>\n      </form>\n"
        '      <span class="agenda-text">Plan the &lt;b&gt;route&lt;/b&gt; &amp; &quot;more&quot;\n'
        '        <span class="goal-meta">Eva &amp; co\n        \n        </span>\n'
        "      </span>\n    </li>"
    )


def test_an_action_item_says_when_it_is_due_overdue_carried_over_and_done():
    late = _actions(
        _action(due_text="due 20 <Nov>", overdue=True, carried_text="carried over from 13 Nov")
    )
    assert (
        '<span class="goal-meta">Eva &amp; co · due 20 &lt;Nov&gt; '
        '<span class="badge badge-overdue">overdue</span>\n'
        '         · <span class="carried">carried over from 13 Nov</span>\n'
    ) in late
    done = _actions(_action(done_at=MOMENT, due_text="due 1 Nov", done_text="done 2 Nov"))
    assert done.startswith('\n    <li class="is-done">')
    assert '<input type="hidden" name="done" value="0">' in done
    assert 'aria-pressed="true"' in done
    assert "· due 1 Nov\n" in done and "badge-overdue" not in done
    assert "         · done 2 Nov</span>" in done
    with translation.override("nl"):
        assert '<span class="badge badge-overdue">te laat</span>' in _actions(
            _action(due_text="deadline 20 november 2026", overdue=True)
        )


def test_who_may_not_write_sees_no_form():
    html = _actions(_action(), can_write=False)
    assert "<form" not in html and "csrfmiddlewaretoken" not in html
    assert '<span class="agenda-text">Plan the &lt;b&gt;route&lt;/b&gt;' in html


# The page, built from the rows ---------------------------------------------------------------


def _url(name, **kwargs):
    return reverse(name, kwargs=kwargs)


@pytest.mark.django_db
def test_the_agenda_in_dutch_escapes_its_items_in_the_page_and_its_fragments(client, personas):
    goal = create_goal(personas.employee, title="Plan <de> routes")
    meeting = builders.meeting(personas)
    services.agenda_item_add(meeting=meeting, actor=personas.employee.user, text='A<&">B')
    point = AgendaItem.objects.get(source="manual")
    personas.employee.user.language = "nl"
    personas.employee.user.save(update_fields=["language"])
    client.force_login(personas.employee.user)

    page = client.get(_url("conversations:meeting", public_id=meeting.public_id)).content.decode()
    fragment = client.post(
        _url("conversations:agenda_add", public_id=meeting.public_id), {"text": ""}, **HTMX
    ).content.decode()

    item = _url("conversations:agenda_remove", public_id=meeting.public_id, item_id=point.public_id)
    for html in (page, fragment):
        assert "Besproken: “A&lt;&amp;&quot;&gt;B”" in html
        assert "“A&lt;&amp;&quot;&gt;B” verwijderen" in html
        assert f'action="{item}"' in html
        assert 'A<&">B' not in html
        assert html.count('<li class="agenda-item">') == 2
    assert "goal-meta" in page and personas.employee.full_name in page
    assert f'<a href="/goals/{goal.public_id}/">Plan &lt;de&gt; routes</a>' in page
    # What was typed stays, with the error under the field.
    assert 'id="agenda_text"' in fragment and "csrfmiddlewaretoken" in fragment


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 11, 27, 9, tzinfo=datetime.UTC), tick=False)
def test_ticking_an_action_off_answers_its_row_done_in_dutch(client, personas):
    earlier = builders.meeting(personas, days=-14)
    item = services.action_item_add(
        meeting=earlier,
        actor=personas.manager.user,
        owner=personas.employee,
        text='Bel <Transport> & "co"',
        due_date=datetime.date(2026, 11, 20),
    )
    personas.manager.user.language = "nl"
    personas.manager.user.save(update_fields=["language"])
    client.force_login(personas.manager.user)

    fragment = client.post(
        _url("conversations:action_done", public_id=earlier.public_id, item_id=item.public_id),
        {"done": "1"},
        **HTMX,
    ).content.decode()

    assert fragment.startswith('<section class="card" id="actions"')
    row = fragment[fragment.index('<li class="is-done">') :]
    row = row[: row.index("</li>")]
    assert '<input type="hidden" name="done" value="0">' in row
    assert "Klaar: “Bel &lt;Transport&gt; &amp; &quot;co&quot;”" in row
    assert "deadline 20 november 2026" in row and "badge-overdue" not in row
    assert "afgerond op 27 november 2026" in row
    assert "meegenomen" not in row


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [MeetingKind.PERFORMANCE, MeetingKind.APPRAISAL])
@pytest.mark.parametrize("viewer", ["manager", "employee"])
def test_a_formal_meetings_page_reads_no_column_it_left_out(client, personas, kind, viewer):
    """`queries.meeting_page` reads only what the page shows: a column it left out would cost
    a query of its own (its report's section reads the meeting's people and kind)."""
    report = builders.report(personas, kind=kind)
    client.force_login(getattr(personas, viewer).user)
    target = _url("conversations:meeting", public_id=report.meeting.public_id)
    # The session; the user with their person; the meeting; its agenda; my private note; the
    # action items; the report's versions (no check-in questions: no answers).
    with CaptureQueriesContext(connection) as queries:
        page = client.get(target).content.decode()
    assert len(queries) == 7
    assert "Read the report" in page


def test_a_list_of_meetings_shows_each_ones_day_moment_kind_and_whether_it_was_held():
    """`conversations_tags.meeting_list`, from `views.MeetingRow`s: today's is marked, the
    one of tomorrow says so, a past one not held says that, words escaped and translated."""
    from stip.conversations.templatetags.conversations_tags import meeting_list
    from stip.conversations.views import MeetingRow

    today = datetime.date(2026, 11, 2)

    def row(day, *, held=False, title="1:1 <Eva> & Mark"):
        return MeetingRow(
            url="/conversations/m1/",
            title=title,
            kind="one_on_one",
            kind_label="1:1",
            is_held=held,
            day=day,
            month="Nov",
            date_text=f"{day.day} November",
            time_text="09:00",
            iso=f"{day.isoformat()}T09:00:00+01:00",
        )

    with translation.override("en"):
        listed = meeting_list([row(today), row(today + datetime.timedelta(days=1))], today)
        assert listed == (
            '<ul class="conv-list card">\n'
            '<li class="conv-row">\n<span class="conv-date is-today" aria-hidden="true">'
            '<span>2</span>Nov</span>\n<span class="conv-main">\n'
            '<a class="goal-title" href="/conversations/m1/">1:1 &lt;Eva&gt; &amp; Mark</a>\n'
            '<span class="goal-meta"><time datetime="2026-11-02T09:00:00+01:00">2 November, '
            "09:00</time></span>\n</span>\n"
            '<span class="conv-end"><span class="badge badge-kind badge-kind-one_on_one">1:1'
            "</span>\n\n</span>\n</li>\n"
            '<li class="conv-row">\n<span class="conv-date" aria-hidden="true">'
            '<span>3</span>Nov</span>\n<span class="conv-main">\n'
            '<a class="goal-title" href="/conversations/m1/">1:1 &lt;Eva&gt; &amp; Mark</a>\n'
            '<span class="goal-meta"><time datetime="2026-11-03T09:00:00+01:00">3 November, '
            "09:00</time> · <strong>tomorrow</strong></span>\n</span>\n"
            '<span class="conv-end"><span class="badge badge-kind badge-kind-one_on_one">1:1'
            "</span>\n\n</span>\n</li>\n</ul>"
        )
        past = meeting_list([row(today - datetime.timedelta(days=7))], today)
        assert '<span class="goal-status goal-status-at_risk">Not marked as held</span>' in past
        held = meeting_list([row(today - datetime.timedelta(days=7), held=True)], today)
        assert '<span class="goal-status goal-status-on_track">Held</span>' in held
    with translation.override("nl"):
        assert "Gehouden" in meeting_list([row(today, held=True)], today)
        assert "morgen" in meeting_list([row(today + datetime.timedelta(days=1))], today)
    assert meeting_list([], today) == '<ul class="conv-list card">\n</ul>'
