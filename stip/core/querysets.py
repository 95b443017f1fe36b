"""Querysets that every request starts from, built once per process.

An expression that a request's queryset annotates with (a counting subquery) can be kept the
same way, with `functools.cache`: each query that uses it resolves a copy and never changes it
(`conversations.queries._revision_count`)."""

import functools
from collections.abc import Callable

from django.db.models import QuerySet


def reused(build: Callable[[], QuerySet]) -> Callable[[], QuerySet]:
    """`build()`, a queryset that depends on nothing of the request (its joins, columns,
    subqueries and order), built on the first call and copied on every call after it: the
    request's filters go on the copy. Building a queryset with two counting subqueries took
    longer than compiling and running it (the home page's upcoming meetings: 1.5 ms to build,
    1.0 to compile, 0.3 to run on the benchmark's machine; docs/performance.md, finding 7).
    Each call returns a copy (`.all()`), so that what a caller filters, or reads, never
    reaches the next."""
    built = functools.cache(build)

    @functools.wraps(build)
    def copy() -> QuerySet:
        return built().all()

    return copy
