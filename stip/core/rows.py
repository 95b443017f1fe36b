"""What a row of a long list shows, made in Python once per row rather than by template tags
and filters: a page of 25-50 rows spent more time in `{% url %}`, `date` filters and
includes than in its SQL (docs/performance.md, finding 7). A row's links come from
`links.url_with_id_of`."""

import datetime

from django.utils import formats, timezone


def labels(choices) -> dict[str, str]:
    """The labels of a model's `choices`, translated once a list: `get_status_display` on each
    row builds a dict of every choice and hashes each translated label on every call."""
    return {value: str(label) for value, label in choices.choices}


def when(moment: datetime.datetime) -> tuple[str, str]:
    """A moment as a row's `<time>` shows it, in local time: ISO 8601 and the day, as the
    `date:'c'` and `date:"DATE_FORMAT"` filters write them. A row's two filters cost ~50 µs
    in the template, a third of this here."""
    local = timezone.localtime(moment)
    return local.isoformat(), formats.date_format(local, "DATE_FORMAT")
