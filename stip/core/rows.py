"""What a row of a long list shows, made in Python once per row rather than by template tags
and filters: a page of 25-50 rows spent more time in `{% url %}`, `date` filters and
includes than in its SQL (docs/performance.md, finding 7)."""

import datetime
from collections.abc import Callable

from django.utils import formats, timezone

from stip.core.links import url_with_id_of


def url_of(viewname: str) -> Callable:
    """The link to one row of a page (`links.url_with_id_of`): a `{% url %}` per row cost
    ~25 µs, as much as the rest of a row's markup."""
    return url_with_id_of(viewname)


def when(moment: datetime.datetime) -> tuple[str, str]:
    """A moment as a row's `<time>` shows it, in local time: ISO 8601 and the day, as the
    `date:'c'` and `date:"DATE_FORMAT"` filters write them. A row's two filters cost ~50 µs
    in the template, a third of this here."""
    local = timezone.localtime(moment)
    return local.isoformat(), formats.date_format(local, "DATE_FORMAT")
