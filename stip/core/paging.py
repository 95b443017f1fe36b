"""Pages of a list whose total is not counted: the page's rows and one more, which says
whether another page follows.

Counting a list reads every row of it, and some lists hold more rows the larger the
organisation (every goal someone may see, every manager); a page that stops after its rows
does not. Templates show such a page with `core/_pagination.html` ("Page 3", previous, next);
`stip.api.pagination.uncounted_page` answers it in the API.
"""

from dataclasses import dataclass

# A page number whose offset would not fit the database's integers answers an empty page.
LAST_OFFSET = 2**62


@dataclass(frozen=True)
class Page:
    """A page of a list whose total is not counted: its rows, and whether more follow. It
    answers what templates ask of Django's `Page` except the number of pages."""

    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(raw) -> int:
    """A page number from a request: anything but a whole number from 1 up is the first page."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def page_of(queryset, number: int, *, size: int) -> Page:
    """Page `number` (from 1) of an ordered queryset, without counting it: one query."""
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1]) if offset <= LAST_OFFSET else []
    return Page(rows[:size], number, has_next=len(rows) > size)


def count_up_to(queryset, most: int) -> int:
    """How many rows `queryset` holds, counted no further than `most` + 1, which stands for
    "more than `most`": one query, which stops reading at that row."""
    return queryset.order_by()[: most + 1].count()
