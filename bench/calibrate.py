"""How fast this machine runs the kind of Python a page runs, right now.

The raw-SQL budget, server time ≤ 3 × raw SQL + 15 ms, holds its ratio on any machine, but its
15 ms is the Python a page may add on top of its SQL, and the same Python takes longer on a
slower machine, or on a shared one while its neighbours are busy (the same commit's pages
took 1.7-1.9 times as long on 2026-11-27 as on 2026-11-26, and its speed changes within a
minute). So between a page's requests (`measure.CALIBRATE_EVERY`) the benchmark times a fixed
piece of work of the same kind: a template of 40 rows with filters and tags, rendered by
Django's engine, and the median of those timings is the page's. The allowance grows with it
past `reference_calibration_ms` in bench/budgets.toml (the machine the budgets were set on); it
never shrinks below 15 ms.
"""

import datetime
import time

from django.template import Context, Engine

_TEMPLATE = (
    "{% for row in rows %}<tr><td>"
    '<a href="/goals/{{ row.id }}/">{{ row.title|truncatechars:40 }}</a>'
    '{% if row.done %}<span class="done">{{ row.label|upper }}</span>'
    "{% else %}{{ row.label|lower }}{% endif %}</td>"
    '<td>{{ row.progress|floatformat:0 }}%</td><td>{{ row.due|date:"Y-m-d" }}</td><td>'
    "{% for tag in row.tags %}{{ tag|title }}{% if not forloop.last %}, {% endif %}{% endfor %}"
    "</td></tr>{% endfor %}"
)

_ROWS = [
    {
        "id": n,
        "title": f"Goal number {n} with a title long enough to be cut",
        "done": n % 3 == 0,
        "label": "On track" if n % 2 else "At risk",
        "progress": n * 0.7,
        "due": datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
        "tags": ["sales", "north", "q4"],
    }
    for n in range(40)
]


def calibration_ms(repeat: int = 5) -> float:
    """The fastest of `repeat` renderings of the fixed template, in milliseconds of CPU."""
    template = Engine().from_string(_TEMPLATE)
    template.render(Context({"rows": _ROWS}))  # compiled and warm
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        template.render(Context({"rows": _ROWS}))
        best = min(best, time.process_time() - started)
    return round(best * 1000, 3)
