"""The anonymity rule, proven over random answer sets (hypothesis) and on stored rounds."""

from hypothesis import given
from hypothesis import strategies as st

from stip.feedback.anonymity import plan_groups

PERSPECTIVES = ("self", "manager", "peer", "report", "other")

counts_strategy = st.fixed_dictionaries(
    {p: st.integers(min_value=0, max_value=12) for p in PERSPECTIVES}
)
anonymous_strategy = st.sets(st.sampled_from(("peer", "report", "other")), min_size=1)


@given(counts=counts_strategy, anonymous=anonymous_strategy, minimum=st.integers(0, 6))
def test_every_shown_anonymous_group_reaches_the_minimum(counts, anonymous, minimum):
    plan = plan_groups(counts, anonymous=anonymous, minimum=minimum)
    assert plan.minimum >= 3  # never below 3, whatever is configured
    for group in plan.shown:
        if group.anonymous:
            assert group.count >= plan.minimum
            assert group.count == sum(counts[p] for p in group.perspectives)


@given(counts=counts_strategy, anonymous=anonymous_strategy)
def test_no_subtraction_can_isolate_a_small_group(counts, anonymous):
    """Shown groups are disjoint and each anonymous one has at least the minimum, so any
    difference between sums of shown groups is itself a sum of shown groups."""
    plan = plan_groups(counts, anonymous=anonymous, minimum=3)
    seen: set[str] = set()
    for group in plan.shown:
        assert not seen & set(group.perspectives)
        seen |= set(group.perspectives)
    # Every anonymous perspective with answers is either shown (alone or merged) or hidden.
    for p in anonymous:
        if counts[p]:
            assert (p in seen) != (p in plan.hidden)
    # Hidden perspectives together are below the minimum (else they would have been merged).
    if plan.hidden:
        assert sum(counts[p] for p in plan.hidden) < 3 or len(plan.hidden) == 1


@given(counts=counts_strategy)
def test_named_perspectives_are_shown_as_they_are(counts):
    plan = plan_groups(counts, anonymous={"peer", "report"}, minimum=3)
    for p in ("self", "manager", "other"):
        group = plan.group_of(p)
        assert (group is not None) == (counts[p] > 0)
        if group:
            assert not group.anonymous and group.perspectives == (p,)


def test_two_peers_and_two_reports_merge_into_one_group():
    plan = plan_groups({"peer": 2, "report": 2, "self": 1}, anonymous={"peer", "report"})
    merged = plan.group_of("peer")
    assert merged is plan.group_of("report")
    assert merged.count == 4 and merged.anonymous


def test_two_peers_alone_are_hidden():
    plan = plan_groups({"peer": 2, "self": 1, "manager": 1}, anonymous={"peer", "report"})
    assert plan.group_of("peer") is None
    assert plan.hidden == ("peer",)


def test_a_small_group_is_not_merged_with_a_shown_one():
    # Merging 1 report into 4 peers would let anyone subtract the peers-only figure.
    plan = plan_groups({"peer": 4, "report": 1}, anonymous={"peer", "report"})
    assert plan.group_of("peer").perspectives == ("peer",)
    assert plan.hidden == ("report",)
