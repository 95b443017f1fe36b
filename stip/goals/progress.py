"""Progress arithmetic, free of the database so that it can be tested exhaustively."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


def clamp(value: Decimal) -> Decimal:
    return min(max(value, ZERO), HUNDRED)


def rounded(value: Decimal) -> Decimal:
    return clamp(value).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def key_result_progress(*, start: Decimal, target: Decimal, current: Decimal) -> Decimal:
    """How far `current` has come from `start` towards `target`, 0–100.

    Works both ways: for a decreasing result (start 40, target 10) a current value of 25 is
    halfway. Overshooting counts as 100; going the wrong way as 0.
    """
    span = target - start
    if not span:
        return ZERO
    return clamp((current - start) / span * HUNDRED)


def weighted_progress(parts: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """The weighted mean of (progress, weight) pairs. All weights zero: the plain mean."""
    parts = list(parts)
    if not parts:
        return ZERO
    total_weight = sum((weight for _, weight in parts), ZERO)
    if total_weight <= 0:
        return rounded(sum((progress for progress, _ in parts), ZERO) / len(parts))
    return rounded(sum((progress * weight for progress, weight in parts), ZERO) / total_weight)


def rolled_up_progress(children: Iterable[Decimal]) -> Decimal:
    """A parent's progress from its aligned goals: their plain mean (dropped ones excluded)."""
    return weighted_progress((progress, Decimal(1)) for progress in children)
