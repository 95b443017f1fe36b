"""Template helpers for goals, usable from other apps' templates without importing goals there
(`{% load goals_tags %}`): the home page's strategic goals card, unit-formatted values and the
progress chart."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stip.core.links import link, url_with_id_of
from stip.core.rows import dates, escaped, labels
from stip.goals.models import Goal, KeyResult
from stip.goals.queries import strategic_goals
from stip.people.models import Person
from stip.people.templatetags.people_tags import row_cards

register = template.Library()

# What the strategic goals card shows of a goal, its owner and its team, read as values.
CARD_FIELDS = (
    "public_id",
    "title",
    "level",
    "status",
    "progress",
    "end_date",
    "owner__first_name",
    "owner__last_name",
    "team__name",
)


@register.filter
def ago(moment) -> str:
    """How long ago, in its largest unit only ("10 hours", not "10 hours, 49 minutes"): a list's
    column stays narrow, and the exact moment is in the cell's title."""
    return timesince(moment, depth=1)


STRATEGIC_ON_HOME = 5


@register.simple_tag(takes_context=True)
def strategic_goals_card(context) -> str:
    """The open strategic goals of today that the viewer may see: one query, at most six rows
    (the sixth only says that there are more), read as values. Written here as `goal_list`:
    each row's `{% url %}`, two includes, a filter and a bar cost more than the query."""
    goals = list(
        strategic_goals(context["request"].user).values(*CARD_FIELDS)[: STRATEGIC_ON_HOME + 1]
    )
    if not goals:
        return ""
    goal_url, day = url_with_id_of("goals:detail"), dates("DATE_FORMAT")
    statuses, progress = labels(Goal.Status), _("Progress")
    organisation = escaped(_("The organisation"))
    items = []
    for g in goals[:STRATEGIC_ON_HOME]:
        if g["level"] == Goal.Level.PERSONAL:
            whose = escaped(Person.name_of(g["owner__first_name"], g["owner__last_name"]))
        elif g["level"] == Goal.Level.TEAM:
            whose = escaped(g["team__name"])
        else:
            whose = organisation
        status = escaped(g["status"])
        items.append(
            f'\n    <li>\n      <span><a class="goal-title" href="{goal_url(g["public_id"])}">'
            f'{escaped(g["title"])}</a><br><span class="goal-meta">{whose} · '
            f"{escaped(day(g['end_date']))}</span></span>\n"
            f'      <span class="goal-list-end"><span class="goal-status goal-status-{status}">'
            f"{escaped(statuses[g['status']])}</span>"
            f"{progress_bar(g['progress'], g['status'], progress)}</span>\n    </li>"
        )
    more = ""
    if len(goals) > STRATEGIC_ON_HOME:
        all_goals = escaped(_("All organisation goals"))
        more = f'\n  <p class="small"><a href="{link("goals:organisation")}">{all_goals}</a></p>'
    heading = escaped(_("Strategic goals"))
    return SafeString(
        '\n<section class="card strategic-card" aria-labelledby="strategic-heading">\n'
        f'  <h2 id="strategic-heading">{heading}</h2>\n'
        f'  <ul class="goal-list">{"".join(items)}\n  </ul>{more}\n</section>\n'
    )


@register.filter
def unit_value(value, unit: str) -> str:
    """A key result's value in its unit, in the reader's language: "€ 1.234,50", "12%", "yes"."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if unit == KeyResult.Unit.YES_NO:
        return _("yes") if value else _("no")
    if value == value.to_integral_value():
        places = 0
    elif unit == KeyResult.Unit.EURO:
        places = 2  # cents
    else:
        places = min(2, -value.normalize().as_tuple().exponent)
    text = number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    if unit == KeyResult.Unit.EURO:
        return f"€ {text}"
    if unit == KeyResult.Unit.PERCENT:
        return f"{text}%"
    return text


@register.filter
def css_number(value) -> str:
    """A number for a style attribute or SVG: always a dot, whatever the language."""
    if value is None:
        return "0"
    return format(Decimal(value).normalize(), "f")


# A bar's markup, filled in by `progress_bar`.
PROGRESS_BAR = (
    '<span class="goal-progress"><span class="progress progress-{status}" role="progressbar" '
    'aria-label="{label}" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{width}">'
    '<span style="width: {width}%"></span></span><span class="pct">{percent}%</span></span>'
)


def progress_bar(value, status: str, label: str = "") -> str:
    """A goal's or key result's progress bar, coloured by the goal's status, with the whole
    percent beside it. Written here rather than by a template, so that a list of goals draws
    its bars without an include and two filters a row; filled in with `str.format` and the
    standard library's escape, where `format_html` took 17 µs a bar (a list passes its
    translated `label` once, which costs 4 µs to look up)."""
    return SafeString(
        PROGRESS_BAR.format(
            status=escaped(status),
            label=escaped(label or _("Progress")),
            width=css_number(value),
            percent=whole_percent(value or 0),
        )
    )


register.simple_tag(progress_bar, name="progress_bar")


@register.simple_tag
def goal_item(g, meta="") -> str:
    """A goal of a short list (my team's goals, the team goals, a goal's aligned goals), from
    a row of `views._goal_rows`: its linked title and strategic badge, a line under it when
    `meta` is given, its status and bar. Written here, as the progress bar, so that my team's
    111 goals draw without an include each; read from the row as the dict it is."""
    if meta:
        head, meta = "<span>", f'<br><span class="goal-meta">{escaped(meta)}</span></span>'
    else:
        head = ""
    return SafeString(
        f'{head}<a class="goal-title" href="{escaped(g["url"])}">{escaped(g["title"])}</a>'
        f'{g["badge"]}{meta}\n<span class="goal-list-end"><span class="goal-status '
        f'goal-status-{escaped(g["status"])}">{escaped(g["status_label"])}</span>{g["bar"]}'
        "</span>"
    )


@register.simple_tag
def goal_list(goals, meta: str = "") -> str:
    """`<ul class="goal-list">` of `goal_item`s, a closed goal's title muted; `meta` names the
    row's key that gives each its line under the title ("team_name", "whose"). One tag a
    list: my team's goals' 111 goals each cost a turn of a `{% for %}`, an `{% if %}` and a
    tag, as much as the items themselves."""
    closed = ' class="is-closed"'
    items = "".join(
        f"<li{closed if g.is_closed else ''}>{goal_item(g, g[meta] if meta else '')}</li>\n"
        for g in goals
    )
    return SafeString(f'<ul class="goal-list">\n{items}</ul>')


@register.simple_tag
def stale_rows(stale, period_key: str) -> str:
    """The items of my team's goals' list of reports with open goals nobody updated lately:
    each one's name, linked to their goals of the period, and how many, from the view's rows
    (`public_id`, `full_name`, `stale_label`). Up to 50 a page, written here as `goal_list`."""
    search = f"{link('goals:search')}?owner="
    period = escaped(f"&period={period_key}")
    return SafeString(
        "".join(
            f'<li class="row">\n<a class="person-name" href="{search}{p.public_id}{period}">'
            f'{escaped(p.full_name)}</a>\n<span class="small muted">{escaped(p.stale_label)}'
            "</span>\n</li>\n"
            for p in stale
        )
    )


@register.simple_tag
def report_goal_rows(rows, period_label: str) -> str:
    """The items of my team's goals' `<ul class="report-goals">`, one a direct report: their
    card (`person_row_card`), the link that sets them a goal, and their goals (`goal_list`),
    or a line that they have none in the period, from the view's `(report, goals)` pairs.
    Written here as `goal_list`: a report's turn of the template's `{% for %}`, with its tag,
    link, `{% if %}` and words, cost as much as its goals."""
    card, new_goal = row_cards(), link("goals:new")
    # Translated outside the f-strings, where `makemessages` finds them.
    new_label = _("New goal for %(name)s")
    no_goals = escaped(_("No goals in %(period)s.") % {"period": period_label})
    items = []
    for p, goals in rows:
        name = escaped(new_label % {"name": p["first_name"]})
        goals = goal_list(goals) if goals else f'<p class="muted small">{no_goals}</p>'
        items.append(
            f'<li class="report-row card">\n<div class="report-person">\n{card(p)}\n'
            f'<a class="small" href="{new_goal}?owner={p["public_id"]}">{name}</a>\n'
            f"</div>\n{goals}\n</li>\n"
        )
    return SafeString("".join(items))


@register.simple_tag(takes_context=True)
def goal_table_rows(context, goals, whose=False, aligned=False, strategic_actions=False) -> str:
    """The rows of `_goal_table.html`, from the rows of `views._goal_rows`: each goal's linked
    title and badge, its kind (and "private"), with `aligned` the goal it contributes to, with
    `whose` its owner or team, its status, bar, due day and last update, and with
    `strategic_actions` HR's form that marks it strategic (`_strategic_form.html`, drawn as
    its include would draw it). Written here as `goal_list`: a row's fifteen variables, five
    `{% if %}`s and its turn of a `{% for %}` cost ~60 µs in the template, the whole of a page's
    SQL for each few rows (docs/performance.md, finding 7)."""
    # Translated outside the f-strings, where `makemessages` finds them.
    private, never, overdue = escaped(_("private")), escaped(_("never")), escaped(_("overdue"))
    private = f" · {private}"
    overdue = f' <span class="badge badge-overdue">{overdue}</span>'
    contributes, unseen = escaped(_("Contributes to")), escaped(_("a goal you cannot see"))
    form = context.template.engine.get_template("goals/_strategic_form.html")
    lines = []
    # Read as the dicts they are (`row.x` is a Python call each).
    for g in goals:
        parent = ""
        if aligned and g["parent_id"]:
            if g["parent_visible"]:
                seen = f'<a href="{escaped(g["parent_url"])}">{escaped(g["parent_title"])}</a>'
            else:
                seen = f"<em>{unseen}</em>"
            parent = f'\n      <span class="goal-meta aligned">{contributes}\n        {seen}</span>'
        owner = ""
        if whose:
            owner = escaped(g["whose"])
            if g["whose_url"]:
                owner = f'<a href="{escaped(g["whose_url"])}">{owner}</a>'
            owner = f"\n    <td>{owner}</td>"
        if g["last_update_at"]:
            update = (
                f'<time datetime="{escaped(g["update_at"])}" title="{escaped(g["update_title"])}">'
                f"{escaped(g['update_ago'])}</time>"
            )
        else:
            update = f'<span class="muted">{never}</span>'
        actions = ""
        if strategic_actions:
            with context.push(g=g):
                actions = f"\n    <td>{form.render(context)}</td>"
        lines.append(
            '  <tr>\n    <td class="goal-cell">\n'
            f'      <a class="goal-title" href="{escaped(g["url"])}">{escaped(g["title"])}</a>'
            f'{g["badge"]}\n      <span class="goal-meta">{escaped(g["kind_label"])}'
            f"{private if g['visibility'] == 'private' else ''}</span>{parent}\n    </td>{owner}\n"
            f'    <td><span class="goal-status goal-status-{escaped(g["status"])}">'
            f"{escaped(g['status_label'])}</span></td>\n    <td>{g['bar']}</td>\n"
            f'    <td class="nowrap">{escaped(g["due"])}{overdue if g["overdue"] else ""}</td>\n'
            f"    <td>{update}</td>{actions}\n  </tr>\n"
        )
    return SafeString("".join(lines))


@register.simple_tag
def goal_tree_nodes(goals, children_counted: int) -> str:
    """The nodes of one level of the alignment tree, from the rows of `views._goal_rows`: each
    goal's level, linked title and badge, whose it is and its due day, its status and bar, and
    for a goal with aligned goals the button that loads them (at most `children_counted`
    counted, "50+" beyond) with the empty group they fill. Written here as `goal_table_rows`:
    an include a node, with its nineteen variables and two `{% blocktranslate %}`s, was a third
    of the tree's time (docs/performance.md, finding 7)."""
    many = escaped(_("%(counter)s+ aligned goals") % {"counter": children_counted})
    nodes = []
    # Read as the dicts they are (`row.x` is a Python call each).
    for g in goals:
        public_id, children = escaped(g["public_id"]), g["visible_children"]
        button = group = expanded = ""
        if children:
            if children >= children_counted:
                count = many
            else:
                count = escaped(
                    ngettext("%(counter)s aligned goal", "%(counter)s aligned goals", children)
                    % {"counter": children}
                )
            button = (
                '\n      <button type="button" class="org-toggle button button-secondary"\n'
                f'              hx-get="{escaped(g["children_url"])}"\n'
                f'              hx-target="#children-{public_id}" hx-swap="innerHTML" '
                'hx-trigger="click once"\n'
                f'              aria-controls="children-{public_id}">\n        {count}\n'
                "      </button>"
            )
            group = f'\n  <ul role="group" id="children-{public_id}"></ul>'
            expanded = ' aria-expanded="false"'
        nodes.append(
            f'<li role="treeitem"{expanded}>\n  <div class="goal-node">\n'
            f'    <span class="badge badge-level badge-level-{escaped(g["level"])}">'
            f'{escaped(g["level_label"])}</span>\n    <span class="goal-node-main">\n'
            f'      <a class="goal-title" href="{escaped(g["url"])}">{escaped(g["title"])}</a>'
            f"{g['badge']}\n"
            f'      <span class="goal-meta">{escaped(g["whose"])} · {escaped(g["due"])}</span>\n'
            '    </span>\n    <span class="goal-node-end">\n'
            f'      <span class="goal-status goal-status-{escaped(g["status"])}">'
            f"{escaped(g['status_label'])}</span>\n      {g['bar']}{button}\n    </span>\n"
            f"  </div>{group}\n</li>\n"
        )
    return SafeString("".join(nodes))


@register.simple_tag
def update_rows(updates) -> str:
    """The rows of a goal's progress updates (`_history.html`), from `views._history`: when,
    who (linked when they are a person here), the percent, the status and the comment."""
    left = escaped(_("someone who left"))
    return SafeString(
        "".join(
            f'      <tr>\n        <td class="nowrap">{escaped(u["when"])}</td>\n'
            f"        <td>{_author_of(u, left)}</td>\n"
            f"        <td>{escaped(u['percent'])}%</td>\n"
            f'        <td><span class="goal-status goal-status-{escaped(u["status"])}">'
            f"{escaped(u['status_label'])}</span></td>\n"
            f"        <td>{linebreaksbr(u['comment'] or '', autoescape=True) or '—'}</td>\n"
            "      </tr>\n"
            for u in updates
        )
    )


@register.simple_tag
def comment_items(comments) -> str:
    """A goal's comments (`_comments.html`), from `views._comments`: who and when, then the
    text in paragraphs."""
    left = escaped(_("someone who left"))
    return SafeString(
        "".join(
            f'    <li>\n      <p class="comment-meta small">{_author_of(c, left)} · '
            f'<time datetime="{escaped(c["at"])}">{escaped(c["when"])}</time></p>\n'
            f'      <div class="prose">{linebreaks(c["text"], autoescape=True)}</div>\n'
            "    </li>\n"
            for c in comments
        )
    )


def _author_of(row, left: str) -> str:
    """A row's author as `views._author` left them: linked, a name (an account without a
    person), or someone who left."""
    if row["author_url"]:
        return f'<a href="{escaped(row["author_url"])}">{escaped(row["author_name"])}</a>'
    if row["author_name"]:
        return escaped(row["author_name"])
    return f'<span class="muted">{left}</span>'


def strategic_badge(goal) -> str:
    """The star HR's strategic goals carry beside their title (with its leading space), or
    nothing. A tag for one goal's page; a list of goals makes it once a row in Python."""
    return strategic_badge_markup() if goal.is_strategic else ""


def strategic_badge_markup() -> str:
    """The strategic star's markup in the active language: a list makes it once."""
    return format_html(
        ' <span class="badge badge-strategic" title="{}">★ {}</span>',
        _("Marked as strategic by HR"),
        _("Strategic"),
    )


register.simple_tag(strategic_badge, name="strategic_badge")


def whole_percent(value) -> int:
    """A percentage rounded as `floatformat:0` rounds it (half up)."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# The chart's drawing area, in SVG units.
CHART_WIDTH, CHART_HEIGHT = 560, 160
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 40, 12, 10, 26


@register.inclusion_tag("goals/_chart.html")
def progress_chart(updates):
    """An inline SVG line of progress % over time, one point per update (oldest first),
    placed by date. Drawn on the server: no JavaScript, and it prints."""
    points = sorted(updates, key=lambda u: (u.created_at, u.pk))
    if not points:
        return {"points": []}
    inner_w = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    inner_h = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    first, last = points[0].created_at, points[-1].created_at
    span = (last - first).total_seconds()

    def x_of(index, update):
        if len(points) == 1:
            return CHART_LEFT + inner_w / 2
        if span <= 0:
            return CHART_LEFT + inner_w * index / (len(points) - 1)
        return CHART_LEFT + inner_w * (update.created_at - first).total_seconds() / span

    def y_of(progress):
        return CHART_TOP + inner_h * (1 - float(progress) / 100)

    # Each dot's words and markup are made here once, in one string: two filters a dot in the
    # template were most of the chart's time (100 dots), then five variables a dot, then
    # `format_html_join`'s four escapes a dot. The status and the words are escaped; the rest
    # are numbers written here.
    zone, day = timezone.get_current_timezone(), dates("SHORT_DATE_FORMAT")
    coordinates, dots = [], []
    for i, u in enumerate(points):
        x, y = f"{x_of(i, u):.1f}", f"{y_of(u.progress):.1f}"
        title = f"{day(u.created_at.astimezone(zone).date())}: {whole_percent(u.progress)}%"
        coordinates.append(f"{x},{y}")
        dots.append(
            f'<circle class="chart-dot chart-dot-{escaped(u.status)}" cx="{x}" cy="{y}" r="4">'
            f"<title>{escaped(title)}</title></circle>"
        )
    grid = [
        {"y": f"{y_of(level):.1f}", "label": f"{level}%", "label_y": f"{y_of(level) + 3.5:.1f}"}
        for level in (0, 50, 100)
    ]
    return {
        "points": points,
        "circles": mark_safe("".join(dots)),  # each dot escaped above
        "polyline": " ".join(coordinates),
        "grid": grid,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "label_x": CHART_LEFT - 6,
        "right": CHART_WIDTH - CHART_RIGHT,
        "label_y": CHART_HEIGHT - 8,
        "first_label": date_format(timezone.localtime(first), "SHORT_DATE_FORMAT"),
        "last_label": date_format(timezone.localtime(last), "SHORT_DATE_FORMAT"),
        "first": points[0],
        "last": points[-1],
    }
