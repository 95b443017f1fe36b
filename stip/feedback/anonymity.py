"""Which groups of 360° answers may be shown, so that no anonymous answer can be traced.

The rule, for the anonymous perspectives (peers and direct reports by default):
- a perspective with at least `minimum` answers is shown on its own;
- the perspectives with fewer (but some) answers are merged into one group, shown only when the
  merged group reaches `minimum` together; otherwise they are hidden, with an explanation;
- the groups shown are disjoint, and every figure over several groups (the overall average) is
  computed over the shown groups only. So no figure minus another figure can isolate fewer than
  `minimum` anonymous answers: any difference of shown figures is itself a union of shown groups.
- ratings may be left out, so the minimum also holds per question: a shown group with fewer
  ratings of a question than `minimum` has no average for it, and the overall leaves it out
  (`queries.round_result`, `QuestionResult.withheld`).

Named perspectives (self, manager, or one a round made named) are shown as they are.
Results are only computed for closed rounds, so that comparing a result before and after one
more answer cannot reveal that answer.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings

MERGED = "merged"


@dataclass(frozen=True)
class Group:
    key: str  # a perspective, or MERGED
    perspectives: tuple[str, ...]
    count: int
    anonymous: bool


@dataclass(frozen=True)
class Plan:
    shown: tuple[Group, ...]
    hidden: tuple[str, ...]  # anonymous perspectives with answers that cannot be shown
    minimum: int

    def group_of(self, perspective: str) -> Group | None:
        for group in self.shown:
            if perspective in group.perspectives:
                return group
        return None


def anonymity_minimum() -> int:
    return max(3, settings.STIP_ANONYMITY_MINIMUM)


def plan_groups(
    counts: Mapping[str, int], *, anonymous: Iterable[str], minimum: int | None = None
) -> Plan:
    minimum = max(3, minimum if minimum is not None else anonymity_minimum())
    anonymous = set(anonymous)
    shown: list[Group] = []
    small: list[str] = []
    for perspective, count in counts.items():
        if count <= 0:
            continue
        if perspective not in anonymous:
            shown.append(Group(perspective, (perspective,), count, anonymous=False))
        elif count >= minimum:
            shown.append(Group(perspective, (perspective,), count, anonymous=True))
        else:
            small.append(perspective)
    merged_count = sum(counts[p] for p in small)
    hidden: tuple[str, ...] = ()
    if small and merged_count >= minimum and len(small) > 1:
        shown.append(Group(MERGED, tuple(small), merged_count, anonymous=True))
    elif small:
        hidden = tuple(small)
    return Plan(shown=tuple(shown), hidden=hidden, minimum=minimum)
