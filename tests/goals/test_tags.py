"""The goal helpers that write markup in Python: the progress bar, a short list's goal, and the
rows of the lists that show many."""

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from stip.core.rows import Row
from stip.goals.templatetags.goals_tags import (
    comment_items,
    goal_item,
    goal_list,
    goal_tree_nodes,
    progress_bar,
    report_goal_rows,
    stale_rows,
    update_rows,
)
from stip.people.templatetags.people_tags import person_row_card


def test_a_progress_bar_is_coloured_by_status_and_says_its_whole_percent():
    bar = progress_bar(Decimal("45.50"), "at_risk")
    assert isinstance(bar, SafeString)
    assert bar == (
        '<span class="goal-progress"><span class="progress progress-at_risk" role="progressbar" '
        'aria-label="Progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow="45.5">'
        '<span style="width: 45.5%"></span></span><span class="pct">46%</span></span>'
    )
    assert 'aria-valuenow="0"' in progress_bar(None, "on_track")
    assert '<span class="pct">0%</span>' in progress_bar(None, "on_track")


def test_a_progress_bars_words_are_translated_and_escaped():
    with translation.override("nl"):
        assert 'aria-label="Voortgang"' in progress_bar(Decimal(10), "on_track")
    bar = progress_bar(Decimal(10), '"><script>', 'Progress of "<b>"')
    assert "<script>" not in bar and "<b>" not in bar
    assert "progress-&quot;&gt;&lt;script&gt;" in bar
    assert 'aria-label="Progress of &quot;&lt;b&gt;&quot;"' in bar
    # A label that is safe already (a template's `asvar`) is not escaped twice.
    assert 'aria-label="Progress of &quot;Ja&quot;"' in progress_bar(
        Decimal(10), "on_track", mark_safe("Progress of &quot;Ja&quot;")
    )


def test_a_goal_item_links_its_title_with_its_status_and_bar_and_escapes_its_words():
    row = Row(
        url="/goals/1/",
        title="Ship <it>",
        badge=mark_safe(' <span class="badge">★</span>'),
        status="on_track",
        status_label="On track",
        bar=progress_bar(Decimal(40), "on_track"),
    )
    item = goal_item(row)
    assert isinstance(item, SafeString)
    assert item.startswith(
        '<a class="goal-title" href="/goals/1/">Ship &lt;it&gt;</a> <span class="badge">★</span>\n'
        '<span class="goal-list-end"><span class="goal-status goal-status-on_track">On track'
        '</span><span class="goal-progress">'
    )
    with_meta = goal_item(row, "Eva & co")
    assert with_meta.startswith('<span><a class="goal-title"')
    assert '<br><span class="goal-meta">Eva &amp; co</span></span>\n' in with_meta


def test_a_goal_list_is_its_items_with_the_closed_ones_marked():
    def row(title, *, closed):
        return Row(
            url="/goals/1/",
            title=title,
            badge="",
            status="done",
            status_label="Done",
            bar=progress_bar(Decimal(100), "done"),
            is_closed=closed,
            team_name="Zorg & co",
        )

    open_row, closed_row = row("Open", closed=False), row("Closed", closed=True)
    listed = goal_list([open_row, closed_row], "team_name")
    assert isinstance(listed, SafeString)
    assert listed == (
        '<ul class="goal-list">\n'
        f"<li>{goal_item(open_row, 'Zorg & co')}</li>\n"
        f'<li class="is-closed">{goal_item(closed_row, "Zorg & co")}</li>\n'
        "</ul>"
    )
    assert "Zorg &amp; co" in listed
    assert goal_list([open_row]) == f'<ul class="goal-list">\n<li>{goal_item(open_row)}</li>\n</ul>'


def _table_row(**fields):
    return Row(
        {
            "url": "/goals/1/",
            "title": "Ship <it>",
            "badge": "",
            "kind_label": "Milestone",
            "visibility": "team",
            "parent_id": None,
            "parent_visible": False,
            "whose": "Eva & co",
            "whose_url": "/people/eva/",
            "status": "on_track",
            "status_label": "On track",
            "bar": progress_bar(Decimal(40), "on_track"),
            "due": "31 December 2026",
            "overdue": False,
            "last_update_at": None,
        }
        | fields
    )


def _table(*rows, **options):
    return Template(
        "{% load goals_tags %}{% goal_table_rows goals whose=whose aligned=aligned %}"
    ).render(Context({"goals": rows, "whose": False, "aligned": False} | options))


def test_a_goal_tables_rows_escape_and_show_what_the_list_asks_for():
    plain = _table(_table_row())
    assert '<a class="goal-title" href="/goals/1/">Ship &lt;it&gt;</a>' in plain
    assert '<span class="goal-meta">Milestone</span>' in plain
    assert '<td><span class="goal-status goal-status-on_track">On track</span></td>' in plain
    assert '<td class="nowrap">31 December 2026</td>' in plain
    assert '<span class="muted">never</span>' in plain
    assert "Eva" not in plain and "Contributes to" not in plain

    whose = _table(_table_row(), _table_row(whose="Planning", whose_url=""), whose=True)
    assert '<td><a href="/people/eva/">Eva &amp; co</a></td>' in whose
    assert "<td>Planning</td>" in whose
    assert whose.count("<tr>") == 2

    moment = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)
    aligned = _table(
        _table_row(parent_id=7, parent_visible=True, parent_url="/goals/7/", parent_title="A&B"),
        _table_row(
            parent_id=8,
            visibility="private",
            overdue=True,
            last_update_at=moment,
            update_at="2026-11-02T10:30:00+01:00",
            update_title="2 Nov",
            update_ago="3 weeks",
        ),
        aligned=True,
    )
    assert 'Contributes to\n        <a href="/goals/7/">A&amp;B</a>' in aligned
    assert "<em>a goal you cannot see</em>" in aligned
    assert '<span class="goal-meta">Milestone · private</span>' in aligned
    assert '31 December 2026 <span class="badge badge-overdue">overdue</span>' in aligned
    assert '<time datetime="2026-11-02T10:30:00+01:00" title="2 Nov">3 weeks</time>' in aligned
    with translation.override("nl"):
        dutch = _table(_table_row(parent_id=8, visibility="private"), aligned=True)
    assert "Draagt bij aan\n        <em>een doel dat je niet kunt zien</em>" in dutch
    assert "Milestone · privé" in dutch and '<span class="muted">nooit</span>' in dutch


def _node(**fields):
    return Row(
        {
            "public_id": "0b1c",
            "level": "team",
            "level_label": "Team",
            "url": "/goals/0b1c/",
            "title": "Plan <all> routes",
            "badge": "",
            "whose": "Planning & co",
            "due": "31 December 2026",
            "status": "at_risk",
            "status_label": "At risk",
            "bar": progress_bar(Decimal(20), "at_risk"),
            "visible_children": 0,
        }
        | fields
    )


def test_a_tree_node_opens_its_aligned_goals_and_counts_them_up_to_a_limit():
    leaf = goal_tree_nodes([_node()], 50)
    assert leaf.startswith('<li role="treeitem">\n  <div class="goal-node">\n')
    assert '<span class="badge badge-level badge-level-team">Team</span>' in leaf
    assert '<a class="goal-title" href="/goals/0b1c/">Plan &lt;all&gt; routes</a>' in leaf
    assert '<span class="goal-meta">Planning &amp; co · 31 December 2026</span>' in leaf
    assert "button" not in leaf and 'role="group"' not in leaf

    nodes = goal_tree_nodes(
        [
            _node(visible_children=1, children_url="/goals/0b1c/children/"),
            _node(public_id="9f", visible_children=50, children_url="/goals/9f/children/"),
        ],
        50,
    )
    assert nodes.count('<li role="treeitem" aria-expanded="false">') == 2
    assert 'hx-get="/goals/0b1c/children/"' in nodes
    assert 'hx-target="#children-0b1c"' in nodes and 'aria-controls="children-0b1c"' in nodes
    assert "\n        1 aligned goal\n" in nodes and "\n        50+ aligned goals\n" in nodes
    assert '<ul role="group" id="children-9f"></ul>' in nodes
    with translation.override("nl"):
        dutch = goal_tree_nodes([_node(visible_children=3, children_url="/c/")], 50)
    assert "\n        3 bijdragende doelen\n" in dutch


def test_a_goals_updates_and_comments_name_their_author_or_someone_who_left():
    person = {"author_url": "/people/eva/", "author_name": "Eva <E>"}
    account = {"author_url": "", "author_name": "ops@example.nl"}
    gone = {"author_url": "", "author_name": ""}
    update = {"when": "2 Nov 2026", "percent": 40, "status": "at_risk", "status_label": "At risk"}
    rows = update_rows(
        [
            Row(update | person, comment="Line one\nLine <two>"),
            Row(update | account, comment=""),
            Row(update | gone, comment=None),
        ]
    )
    assert rows.count("<tr>") == 3
    assert '<td><a href="/people/eva/">Eva &lt;E&gt;</a></td>' in rows
    assert "<td>ops@example.nl</td>" in rows
    assert '<td><span class="muted">someone who left</span></td>' in rows
    assert "<td>Line one<br>Line &lt;two&gt;</td>" in rows and rows.count("<td>—</td>") == 2
    assert '<span class="goal-status goal-status-at_risk">At risk</span>' in rows
    assert '<td class="nowrap">2 Nov 2026</td>\n        <td>' in rows and "<td>40%</td>" in rows

    moment = {"at": "2026-11-02T10:30:00+01:00", "when": "2 November 2026 10:30"}
    items = comment_items(
        [Row(moment | person, text="First\n\nSecond & last"), Row(moment | gone, text="Bye")]
    )
    assert items.count("<li>") == 2
    assert (
        '<p class="comment-meta small"><a href="/people/eva/">Eva &lt;E&gt;</a> · '
        '<time datetime="2026-11-02T10:30:00+01:00">2 November 2026 10:30</time></p>'
    ) in items
    assert '<div class="prose"><p>First</p>\n\n<p>Second &amp; last</p></div>' in items
    with translation.override("nl"):
        dutch = comment_items([Row(moment | gone, text="Dag")])
    assert '<span class="muted">iemand die uit dienst is</span>' in dutch


def _report(first_name, **fields):
    return Row(
        {
            "public_id": "7c1e0f4a-0000-4000-8000-000000000001",
            "first_name": first_name,
            "last_name": "de <Vries>",
            "job_title": "Planner",
            "is_hr": False,
            "is_active": True,
            "end_date": None,
            "team_id": 3,
            "team__name": "Planning",
        }
        | fields
    )


def test_my_team_goals_rows_are_each_reports_card_link_and_goals():
    goal = Row(
        url="/goals/9/",
        title="Plan <routes>",
        badge="",
        status="on_track",
        status_label="On track",
        bar=progress_bar(Decimal(40), "on_track"),
        is_closed=False,
    )
    eva, bob = _report("Eva & Co"), _report("Bob", public_id="7c1e0f4a-0000-4000-8000-000000000002")
    with translation.override("en"):
        rows = report_goal_rows([(eva, [goal]), (bob, [])], "Q4 2026 <x>")
        assert isinstance(rows, SafeString)
        assert rows == (
            '<li class="report-row card">\n<div class="report-person">\n'
            f"{person_row_card(eva)}\n"
            f'<a class="small" href="/goals/new/?owner={eva.public_id}">'
            "New goal for Eva &amp; Co</a>\n</div>\n"
            f"{goal_list([goal])}\n</li>\n"
            '<li class="report-row card">\n<div class="report-person">\n'
            f"{person_row_card(bob)}\n"
            f'<a class="small" href="/goals/new/?owner={bob.public_id}">New goal for Bob</a>\n'
            '</div>\n<p class="muted small">No goals in Q4 2026 &lt;x&gt;.</p>\n</li>\n'
        )
        assert "Plan &lt;routes&gt;" in rows and "de &lt;Vries&gt;" in rows
    with translation.override("nl"):
        rows = report_goal_rows([(bob, [])], "K4 2026")
        assert "Nieuw doel voor Bob" in rows and "Geen doelen in K4 2026." in rows
    assert report_goal_rows([], "Q4 2026") == ""


def test_the_stale_list_links_each_report_to_their_goals_of_the_period():
    stale = [
        Row(
            public_id="7c1e0f4a-0000-4000-8000-000000000001",
            full_name="Eva <E>",
            stale_label="2 & more",
        ),
        Row(public_id="7c1e0f4a-0000-4000-8000-000000000002", full_name="Piet", stale_label="1"),
    ]
    listed = stale_rows(stale, "2026-Q4")
    assert isinstance(listed, SafeString)
    assert listed == (
        '<li class="row">\n<a class="person-name" '
        'href="/goals/all/?owner=7c1e0f4a-0000-4000-8000-000000000001&amp;period=2026-Q4">'
        'Eva &lt;E&gt;</a>\n<span class="small muted">2 &amp; more</span>\n</li>\n'
        '<li class="row">\n<a class="person-name" '
        'href="/goals/all/?owner=7c1e0f4a-0000-4000-8000-000000000002&amp;period=2026-Q4">'
        'Piet</a>\n<span class="small muted">1</span>\n</li>\n'
    )
