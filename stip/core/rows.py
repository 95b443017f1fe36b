"""What a row of a long list shows, made in Python once per row rather than by template tags
and filters: a page of 25-50 rows spent more time in `{% url %}`, `date` filters and
includes than in its SQL (docs/performance.md, finding 7). A row's links come from
`links.url_with_id_of`."""

import datetime
import html
from collections.abc import Callable

from django.utils import dateformat, formats, timezone
from django.utils.safestring import SafeData


class Row(dict):
    """A row of a long list: the values its query read (`QuerySet.values()`), and what the view
    adds, read as attributes in Python (`row.title`). Building a model instance for each of a
    list's objects and those it joins took as long as the rest of the row; a template finds a
    dict's key at its first try, an attribute after a failed `row["title"]`."""

    __slots__ = ()

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value) -> None:
        self[name] = value


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


def dates(format_name: str) -> Callable[[datetime.date], str]:
    """`formats.date_format(value, format_name)` for the dates or moments of one list, each
    different value written once (20-30 µs each, most of it translating the month's name): a
    page's goals mostly end on the same few days. The format is taken apart once, where
    `dateformat.format` takes it apart with two regular expressions for every value: a
    chart's 100 days took half the time this way."""
    written, pieces = {}, _pieces(formats.get_format(format_name))

    def text(value: datetime.date) -> str:
        if value not in written:
            formatter = dateformat.DateFormat(value)
            written[value] = "".join(
                piece if literal else str(getattr(formatter, piece)()) for literal, piece in pieces
            )
        return written[value]

    return text


def _pieces(pattern: str) -> list[tuple[bool, str]]:
    """A date format's literal text and its format characters, in order, as
    `dateformat.Formatter.format` reads them."""
    return [
        (True, dateformat.re_escaped.sub(r"\1", piece)) if index % 2 == 0 else (False, piece)
        for index, piece in enumerate(dateformat.re_formatchars.split(pattern))
        if piece
    ]


def escaped(value) -> str:
    """`conditional_escape` for markup written once a row with `str.format`: what is safe
    already as it is, anything else escaped, without `conditional_escape`'s check of each
    argument for a lazy translation (a tenth of the cost). Most names, ids, values and labels
    have nothing to escape: looking for the five characters takes a third of the time of
    `html.escape`'s five replacements (a goal form's 40 fields escape ~400 values)."""
    if isinstance(value, SafeData):
        return value
    text = str(value)
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return html.escape(text)
    return text
