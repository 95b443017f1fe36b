"""Pages of a list whose total is not counted: the page's rows and one more, which says
whether another page follows.

Counting a list reads every row of it, and some lists hold more rows the larger the
organisation (every goal someone may see, every manager); a page that stops after its rows
does not. Templates show such a page with `core/_pagination.html` ("Page 3", previous, next);
`stip.api.pagination.uncounted_page` answers it in the API.
"""

import heapq
import itertools
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
    return page_read(lambda start, end: queryset[start:end], number, size=size)


def page_read(read, number: int, *, size: int) -> Page:
    """`page_of` for a list read otherwise: `read(start, end)` gives its rows from `start` up
    to `end` in order (the praise wall finds a page's ids before their rows)."""
    offset = (number - 1) * size
    rows = list(read(offset, offset + size + 1)) if offset <= LAST_OFFSET else []
    return Page(rows[:size], number, has_next=len(rows) > size)


def merged_page_of(queryset, few: list, number: int, *, size: int, key) -> Page:
    """Page `number` (from 1) of two lists in one order, without counting them: an ordered
    queryset, and `few`, rows read already whose places are among its rows. `key` gives a
    row's place in that order (ascending). One query, which reads at most a page and
    `len(few)` rows more from the first of the queryset's rows that can be on the page."""
    offset = (number - 1) * size
    if offset > LAST_OFFSET:
        return Page([], number, has_next=False)
    few = sorted(few, key=key)
    # The queryset's rows before `start` are before the page, whichever of `few` come first.
    start = max(0, offset - len(few))
    rows = list(queryset[start : offset + size + 1])
    if start and not rows:
        return Page([], number, has_next=False)
    # Merged, the queryset's row `start` follows the rows of `few` that sort before it.
    ahead = sum(1 for row in few if key(row) < key(rows[0])) if start else 0
    skip = offset - start - ahead
    merged = itertools.islice(heapq.merge(rows, few[ahead:], key=key), skip, skip + size + 1)
    page = list(merged)
    return Page(page[:size], number, has_next=len(page) > size)


def count_up_to(queryset, most: int) -> int:
    """How many rows `queryset` holds, counted no further than `most` + 1, which stands for
    "more than `most`": one query, which stops reading at that row."""
    return queryset.order_by()[: most + 1].count()
