"""Materialised paths for the reporting line and the team tree.

Paths are rebuilt in bulk from (id, parent id) pairs after an import or a change of manager:
one read of two integer columns and one bulk update of the rows whose path changed.
"""

from collections.abc import Iterable

from django.db import models


class CycleError(ValueError):
    def __init__(self, ids: list[int]):
        super().__init__(f"A loop in the hierarchy: {ids}")
        self.ids = ids


def compute_paths(parents: dict[int, int | None]) -> dict[int, str]:
    """Map each id to "/<root>/…/<id>/", given each id's parent. Raises CycleError on a loop."""
    paths: dict[int, str] = {}
    for start in parents:
        if start in paths:
            continue
        chain: list[int] = []
        seen: set[int] = set()
        node: int | None = start
        while node is not None and node not in paths:
            if node in seen:
                raise CycleError(chain[chain.index(node) :])
            seen.add(node)
            chain.append(node)
            node = parents.get(node)
        prefix = paths[node] if node is not None else "/"
        for member in reversed(chain):
            prefix = f"{prefix}{member}/"
            paths[member] = prefix
    return paths


def find_cycles(parents: dict) -> list[list]:
    """Every loop in a parent map of any hashable keys (used to validate imports)."""
    state: dict = {}
    cycles: list[list] = []
    for start in parents:
        if start in state:
            continue
        chain: list = []
        node = start
        while node is not None and node in parents and node not in state:
            state[node] = start
            chain.append(node)
            node = parents.get(node)
        if node is not None and state.get(node) == start and node in chain:
            cycles.append(chain[chain.index(node) :])
    return cycles


def rebuild_paths(model: type[models.Model], parent_field: str, ids: Iterable[int] | None = None):
    """Recompute `path` for every row of `model`; write only the rows that changed."""
    rows = list(model.objects.values_list("pk", f"{parent_field}_id", "path"))
    parents = {pk: parent for pk, parent, _ in rows}
    current = {pk: path for pk, _, path in rows}
    paths = compute_paths(parents)
    changed = [model(pk=pk, path=path) for pk, path in paths.items() if current[pk] != path]
    model.objects.bulk_update(changed, ["path"], batch_size=1000)
    return len(changed)
