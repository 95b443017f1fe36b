"""Pages without a total (`stip.core.paging`), on plain lists: a queryset is sliced the same way."""

import itertools
import random

from stip.core import paging


class Sliced(list):
    """A list that records the slices read from it, as a queryset would run them."""

    def __init__(self, rows):
        super().__init__(rows)
        self.read = []

    def __getitem__(self, index):
        rows = super().__getitem__(index)
        if isinstance(index, slice):
            self.read.append(len(rows))
        return rows


def test_a_merged_page_is_the_page_of_both_lists_in_one_order():
    rng = random.Random(7)
    for trial in range(300):
        rows = sorted(rng.sample(range(1000), rng.randint(0, 40)))
        few = rng.sample(sorted(set(range(1000)) - set(rows)), rng.randint(0, 8))
        merged = sorted(rows + few)
        size = rng.randint(1, 7)
        for number in range(1, len(merged) // size + 3):
            queryset = Sliced(rows)
            page = paging.merged_page_of(queryset, few, number, size=size, key=lambda r: r)
            offset = (number - 1) * size
            assert page.object_list == merged[offset : offset + size], (trial, number)
            assert page.has_next is (len(merged) > offset + size), (trial, number)
            assert page.number == number
            # One read, of at most a page and `few` rows more (and the row that says more
            # follow), whatever the page's number.
            assert len(queryset.read) == 1 and queryset.read[0] <= size + len(few) + 1


def test_a_merged_page_with_nothing_to_merge_is_the_querysets_page():
    rows = list(range(10))
    for number, size in itertools.product(range(1, 5), (1, 3, 10)):
        assert paging.merged_page_of(rows, [], number, size=size, key=int) == paging.page_of(
            rows, number, size=size
        )


def test_a_merged_page_past_the_end_or_the_databases_integers_is_empty():
    assert paging.merged_page_of([1, 2], [3], 3, size=2, key=int).object_list == []
    huge = paging.LAST_OFFSET // 10 + 2
    page = paging.merged_page_of([1, 2], [3], huge, size=10, key=int)
    assert (page.object_list, page.has_next) == ([], False)
