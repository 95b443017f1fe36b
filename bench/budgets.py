"""The budgets of bench/budgets.toml, and checking a report against them.

Budgets are ratios and query counts, so that they hold on any machine. The absolute targets
(milliseconds and seconds) are shown beside them in the report as PASS or MISS, never failed.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

BUDGETS_PATH = Path(__file__).with_name("budgets.toml")


@dataclass(frozen=True)
class Budgets:
    max_queries: int
    # Page name -> its own query budget, where it is not max_queries.
    max_queries_for: dict[str, int]
    queries_independent_of_size: bool
    max_server_over_raw: float
    raw_allowance_ms: float
    max_p95_growth: float
    growth_allowance_ms: float
    growth_min_small: int
    growth_min_large: int
    # `bench.calibrate.calibration_ms()` on the machine these budgets were set on.
    reference_calibration_ms: float
    # The smoke test fails a page only this many times over its raw-SQL limit.
    quick_tolerance: float
    bulk_min_rows: int
    # Work name -> database vendor ("sqlite", "postgresql", or "*" for any) -> ratio.
    max_bulk_ratio: dict[str, dict[str, float]]
    max_steady_rss_mb: float
    # Reported, not enforced.
    target_page_p95_ms: float
    target_page_people: int
    targets_seconds: dict[str, float] = field(default_factory=dict)
    # Page name -> why it misses its time budgets; its misses are shown, not failed.
    known_misses: dict[str, str] = field(default_factory=dict)


def load(path: Path = BUDGETS_PATH) -> Budgets:
    with open(path, "rb") as file:
        data = tomllib.load(file)
    pages, bulk, memory, targets = data["pages"], data["bulk"], data["memory"], data["targets"]
    return Budgets(
        max_queries=int(pages["max_queries"]),
        max_queries_for={
            name: int(value) for name, value in pages.get("max_queries_for", {}).items()
        },
        queries_independent_of_size=bool(pages["queries_independent_of_size"]),
        max_server_over_raw=float(pages["max_server_over_raw"]),
        raw_allowance_ms=float(pages["raw_allowance_ms"]),
        max_p95_growth=float(pages["max_p95_growth"]),
        growth_allowance_ms=float(pages["growth_allowance_ms"]),
        growth_min_small=int(pages["growth_min_small"]),
        growth_min_large=int(pages["growth_min_large"]),
        reference_calibration_ms=float(data["machine"]["reference_calibration_ms"]),
        quick_tolerance=float(pages["quick_tolerance"]),
        bulk_min_rows=int(bulk["min_rows"]),
        max_bulk_ratio={
            name: {vendor: float(v) for vendor, v in value.items()}
            if isinstance(value, dict)
            else {"*": float(value)}
            for name, value in bulk["max_ratio"].items()
        },
        max_steady_rss_mb=float(memory["max_steady_rss_mb"]),
        target_page_p95_ms=float(targets["page_p95_ms"]),
        target_page_people=int(targets["page_people"]),
        targets_seconds={name: float(value) for name, value in targets["seconds"].items()},
        known_misses=dict(pages.get("known_misses", {})),
    )


def machine_factor(row: dict, budgets: Budgets) -> float:
    """How much slower than the reference machine this one ran the calibration while the row
    was measured (`bench.calibrate`, between its requests): at least 1."""
    measured = row.get("calibration_ms")
    if not measured:
        return 1.0
    return max(1.0, measured / budgets.reference_calibration_ms)


def raw_allowance_ms(row: dict, budgets: Budgets) -> float:
    """The Python a page may add to 3 × its raw SQL, on this machine as it ran."""
    return round(budgets.raw_allowance_ms * machine_factor(row, budgets), 1)


def raw_limit_ms(row: dict, budgets: Budgets) -> float:
    return budgets.max_server_over_raw * row["raw_ms"] + raw_allowance_ms(row, budgets)


def growth(row: dict, earlier: dict, earlier_people: int) -> dict:
    """How a page row compares with the same page and persona at a smaller size."""
    return {
        "people": earlier_people,
        "p95_ms": earlier["p95_ms"],
        "median_ms": earlier["median_ms"],
        "p95_ratio": round(row["p95_ms"] / earlier["p95_ms"], 2) if earlier["p95_ms"] else None,
        "median_ratio": (
            round(row["median_ms"] / earlier["median_ms"], 2) if earlier["median_ms"] else None
        ),
        "queries": earlier["queries"],
    }


def judged_statistic(*, quick: bool) -> str:
    """What the raw-SQL budget judges: the median server time, against the median of the raw
    SQL's replays (the same statistic on both sides, as the report's ratio); in the smoke test
    (SQLite, 15 requests, a CI machine with other jobs) the median CPU time of the process,
    which holds the whole request there and which other processes do not inflate.

    It judged the p95 until the eighth round. On this shared 2-core machine the p95 of 50
    requests (their third slowest) moved by a third from run to run, and a full run missed on
    53 rows, 45 of them on pages whose code had not changed since a run where they passed and
    whose medians were 0.6-0.8 of their limit: it judged the minute, not the code. The p95
    keeps its own targets: at most 120 ms (`[targets]`), and its growth with the organisation
    (with the median's)."""
    return "cpu_median" if quick else "median"


def time_problems(row: dict, people: int, budgets: Budgets, *, quick: bool) -> list[str]:
    """The time budgets one page row exceeds: against its raw SQL, and its growth."""
    problems = []
    statistic = judged_statistic(quick=quick)
    limit = f"{budgets.max_server_over_raw:g} × raw + {raw_allowance_ms(row, budgets):g} ms"
    tolerance = budgets.quick_tolerance if quick else 1.0
    if row[f"{statistic}_ms"] > tolerance * raw_limit_ms(row, budgets):
        if quick:
            limit = f"{tolerance:g} × ({limit})"
        problems.append(f"{statistic.replace('_', ' ')} > {limit}")
    growth = row.get("growth")
    if (
        growth
        and not quick
        and growth["people"] >= budgets.growth_min_small
        and people >= budgets.growth_min_large
        and grew(row, growth, "p95", budgets)
        # Growth with the organisation moves the whole distribution; a p95 that grew while the
        # median did not is a burst of other work on the machine during a few requests.
        and grew(row, growth, "median", budgets)
    ):
        problems.append(f"p95 growth > {budgets.max_p95_growth:g}×")
    return problems


def grew(row: dict, growth: dict, statistic: str, budgets: Budgets) -> bool:
    limit = budgets.max_p95_growth * growth[f"{statistic}_ms"] + budgets.growth_allowance_ms
    return row[f"{statistic}_ms"] > limit


def page_problems(row: dict, people: int, budgets: Budgets, *, quick: bool) -> list[str]:
    """Short names of the budgets one page row exceeds (the table's verdict column)."""
    problems = []
    if row["status"] != 200:
        problems.append(f"status {row['status']}")
    limit = budgets.max_queries_for.get(row["page"], budgets.max_queries)
    if row["queries"] > limit:
        problems.append(f"queries > {limit}")
    growth = row.get("growth")
    if growth and budgets.queries_independent_of_size and growth["queries"] != row["queries"]:
        problems.append(f"queries grow ({growth['queries']} at {growth['people']:,})")
    return problems + time_problems(row, people, budgets, quick=quick)


def bulk_problem(name: str, vendor: str, row: dict, budgets: Budgets, *, quick: bool) -> str | None:
    limits = budgets.max_bulk_ratio.get(name, {})
    limit = limits.get(vendor, limits.get("*"))
    if quick or limit is None or row.get("ratio") is None or row["rows"] < budgets.bulk_min_rows:
        return None
    if row["ratio"] > limit:
        return f"ratio > {limit:g}"
    return None


def check(report: dict, budgets: Budgets) -> list[str]:
    """Set each row's verdict in `report` and return one sentence per exceeded budget."""
    quick = report["options"]["quick"]
    failures = []
    for run in report["runs"]:
        where = f"{run['database_label']}, {run['people']:,} people"
        for row in run["pages"]:
            problems = page_problems(row, run["people"], budgets, quick=quick)
            known = budgets.known_misses.get(row["page"])
            if known:
                # A known miss is shown with its problems; only its query counts still fail.
                timing = set(time_problems(row, run["people"], budgets, quick=quick))
                failing = [problem for problem in problems if problem not in timing]
                row["verdict"] = (
                    "; ".join(
                        failing
                        + [f"known miss: {problem}" for problem in problems if problem in timing]
                    )
                    or "ok (known miss)"
                )
                problems = failing
            else:
                row["verdict"] = "; ".join(problems) or "ok"
            failures.extend(
                f"{where}: {row['page']} as {row['persona']}: {problem}" for problem in problems
            )
        for step in run["seed"]["steps"]:
            name = f"seed: {step['name']}"
            problem = bulk_problem(name, run["database"], step, budgets, quick=quick)
            step["verdict"] = problem or "ok"
            if problem:
                failures.append(f"{where}: seeding {step['name']}: {problem}")
        if not quick and run["steady_rss_mb"] > budgets.max_steady_rss_mb:
            failures.append(
                f"{where}: steady memory {run['steady_rss_mb']:.0f} MB "
                f"> {budgets.max_steady_rss_mb:g} MB"
            )
    for row in report["bulk"]:
        if not row["present"]:
            row["verdict"] = "not present yet"
            continue
        problem = bulk_problem(row["name"], row["database"], row, budgets, quick=quick)
        row["verdict"] = problem or "ok"
        if problem:
            failures.append(f"{row['database_label']}: {row['name']}: {problem}")
    return failures
