"""The goal helpers that write markup in Python: the progress bar and a short list's goal."""

from decimal import Decimal

from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from stip.core.rows import Row
from stip.goals.templatetags.goals_tags import goal_item, goal_list, progress_bar


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
