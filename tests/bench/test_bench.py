"""The benchmark's machinery: its registry covers every page, its budgets parse, its statistics
are right, and every registered page answers every persona it lists on a tiny organisation."""

import copy
import fnmatch

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from bench import __main__ as cli
from bench import budgets, calibrate, data, measure, pages, report
from stip.api.api import api
from stip.people.demo import seed_generated_organisation


def url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def api_get_paths() -> set[str]:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return {path for path, methods in schema["paths"].items() if "get" in methods}


def test_every_page_and_api_get_is_benched_or_excused():
    routes = {page.route for page in pages.PAGES}
    # API operations are checked by path below; their URL names say nothing more.
    names = {name for name in url_names(get_resolver().url_patterns) if not name.startswith("api:")}
    missing = sorted(name for name in names if name not in routes and not pages.not_benched(name))
    missing += sorted(
        path for path in api_get_paths() if path not in routes and not pages.not_benched(path)
    )

    assert missing == [], (
        "Add a Page line to bench/pages.py for each (or an entry with its reason to "
        f"NOT_BENCHED): {missing}"
    )


def test_the_registry_names_only_routes_that_exist():
    known = url_names(get_resolver().url_patterns) | api_get_paths()
    for page in pages.PAGES:
        assert page.route in known, page.route
    for pattern in pages.NOT_BENCHED:
        assert any(fnmatch.fnmatchcase(route, pattern) for route in known), pattern
    assert len({page.name for page in pages.PAGES}) == len(pages.PAGES)
    assert all(set(page.personas) <= set(pages.PERSONAS) for page in pages.PAGES)


def test_a_run_can_measure_some_pages_only():
    chosen = pages.selected("all goals*, goal")

    assert [page.name for page in chosen] == [
        page.name
        for page in pages.PAGES
        if page.name == "goal" or page.name.startswith("all goals")
    ]
    assert len(chosen) >= 2
    assert pages.selected("") == list(pages.PAGES)
    with pytest.raises(SystemExit, match="No page"):
        pages.selected("no such page")
    assert cli.parse_args(["--pages", "goal"]).pages == "goal"


def test_the_budgets_parse():
    loaded = budgets.load()

    assert loaded.max_queries >= 1
    assert all(limit >= loaded.max_queries for limit in loaded.max_queries_for.values())
    assert loaded.max_server_over_raw >= 1
    assert loaded.max_p95_growth >= 1
    assert loaded.growth_min_large > loaded.growth_min_small
    assert loaded.max_steady_rss_mb > 0
    assert loaded.reference_calibration_ms > 0
    assert loaded.quick_tolerance >= 1
    assert "import a CSV of the organisation" in loaded.max_bulk_ratio
    assert "seed: organisation" in loaded.max_bulk_ratio


def test_a_slower_machine_allows_more_python_never_less():
    """The 15 ms a page may add to 3 × its raw SQL grow with the calibration measured before
    it (bench/calibrate.py), against the machine the budgets were set on."""
    loaded = budgets.load()
    reference = loaded.reference_calibration_ms
    row = {"page": "a page", "raw_ms": 1.0, "cpu_median_ms": 25.0, "median_ms": 25.0}

    def problems(calibration, quick=False):
        measured = row | ({"calibration_ms": calibration} if calibration else {})
        return budgets.time_problems(measured, 1000, loaded, quick=quick)

    assert problems(None) == ["median > 3 × raw + 15 ms"]
    assert problems(reference / 2) == ["median > 3 × raw + 15 ms"]
    assert problems(reference * 1.2) == ["median > 3 × raw + 18 ms"]
    assert problems(reference * 2) == []
    # The smoke test fails only what is far over the limit.
    assert problems(None, quick=True) == []
    assert problems(None, quick=True) == problems(reference / 2, quick=True)
    far = row | {"cpu_median_ms": 2.5 * 18}
    assert budgets.time_problems(far, 1000, loaded, quick=True) == [
        "cpu median > 2 × (3 × raw + 15 ms)"
    ]


def test_the_raw_sql_budget_judges_the_median_as_the_raw_sql_is_one():
    """Server time against raw SQL: the median of the requests against the median of the SQL's
    replays. A p95 over the limit with a median inside it is a slow minute of the machine,
    which the p95's own targets (120 ms, growth) judge."""
    loaded = budgets.load()
    row = {"page": "a page", "raw_ms": 1.0, "median_ms": 17.0, "p95_ms": 30.0}
    assert budgets.time_problems(row, 10000, loaded, quick=False) == []
    assert budgets.time_problems(row | {"median_ms": 18.5}, 10000, loaded, quick=False) == [
        "median > 3 × raw + 15 ms"
    ]


def test_the_calibration_renders_its_template():
    first, second = calibrate.calibration_ms(repeat=2), calibrate.calibration_ms(repeat=2)

    assert first > 0 and second > 0


def test_the_statistics():
    assert measure.median([3.0, 1.0, 2.0]) == 2.0
    assert measure.median([4.0, 1.0, 3.0, 2.0]) == 2.5
    # Interpolated between order statistics: the 95th percentile of 1..21 is the 20th value.
    assert measure.p95([float(n) for n in range(21, 0, -1)]) == pytest.approx(20.0)
    assert measure.p95([float(n) for n in range(1, 101)]) == pytest.approx(95.05)
    assert measure.p95([7.0]) == 7.0
    assert measure.p95([1.0, 2.0]) == pytest.approx(1.95)


def test_sizes_and_quick_options():
    assert cli.parse_args([]).sizes == [1_000, 10_000]
    assert cli.parse_args(["--people", "100000"]).sizes == [1_000, 10_000, 100_000]
    assert cli.parse_args(["--growth-from", "0"]).sizes == [10_000]
    assert cli.parse_args(["--sizes", "500,50"]).sizes == [50, 500]
    quick = cli.parse_args(["--quick"])
    assert (quick.sizes, quick.requests, quick.warmup) == ([200, 1_000], 15, 2)
    assert quick.bulk_rows == 1_000
    assert cli.parse_args(["--quick", "--requests", "3"]).requests == 3


def page_row(page: str, *, queries: int, p95_ms: float, raw_ms: float = 1.0) -> dict:
    return {
        "page": page,
        "route": "home",
        "persona": "employee",
        "url": "/",
        "status": 200,
        "queries": queries,
        "median_ms": p95_ms / 2,
        "p95_ms": p95_ms,
        "cpu_median_ms": p95_ms / 2,
        "raw_ms": raw_ms,
        "ratio": p95_ms / 2 / raw_ms,
        "overhead_ms": p95_ms - raw_ms,
        "requests": 5,
    }


def a_report(*, quick: bool) -> dict:
    def run(people: int, rows: list[dict]) -> dict:
        return {
            "database": "sqlite",
            "database_label": "SQLite",
            "database_version": "SQLite 3",
            "people": people,
            "seed": {
                "people": people,
                "teams": 3,
                "left": 0,
                "large_team_manager": "manager@stip.example",
                "large_team_size": 2,
                "steps": [
                    {
                        "name": "organisation",
                        "rows": people,
                        "seconds": 1.0,
                        "plain_seconds": 0.5,
                        "ratio": 2.0,
                    }
                ],
            },
            "seed_peak_rss_mb": 90.0,
            "pages": rows,
            "pages_peak_rss_mb": 100.0,
            "steady_rss_mb": 99.0,
            "load": [0.5, 0.6],
        }

    small = [page_row("steady", queries=4, p95_ms=10), page_row("growing", queries=4, p95_ms=10)]
    large = [page_row("steady", queries=4, p95_ms=11), page_row("growing", queries=5, p95_ms=40)]
    return {
        "started_at": "2026-01-01T00:00:00+00:00",
        "seconds": 1.0,
        "machine": {"cpus": 2, "cpu": "", "platform": "Linux", "python": "3.11"},
        "options": {
            "command": "python -m bench",
            "quick": quick,
            "sizes": [1_000, 10_000],
            "requests": 5,
            "warmup": 1,
            "seed": 1,
            "bulk_rows": 10_000,
        },
        "runs": [run(1_000, small), run(10_000, large)],
        "bulk": [
            {
                "name": "import a CSV of the organisation",
                "database": "sqlite",
                "database_label": "SQLite",
                "present": True,
                "rows": 10_000,
                "seconds": 9.0,
                "plain_seconds": 1.0,
                "ratio": 9.0,
                "plain": "",
                "peak_rss_mb": 100.0,
                "target_seconds": 30,
                "target_database": None,
            },
            {
                "name": "launch a review cycle",
                "database": "sqlite",
                "database_label": "SQLite",
                "present": False,
                "target_seconds": 20,
                "target_database": "postgresql",
            },
        ],
    }


def test_the_check_names_each_exceeded_budget_and_the_report_shows_it():
    loaded = budgets.load()
    full = a_report(quick=False)
    cli.add_growth(full["runs"])

    failures = budgets.check(full, loaded)

    steady, growing = full["runs"][1]["pages"]
    assert steady["growth"]["p95_ratio"] == 1.1
    assert steady["verdict"] == "ok"
    assert "queries grow (4 at 1,000)" in growing["verdict"]
    assert "median > 3 × raw + 15 ms" in growing["verdict"]
    assert "p95 growth > 1.3" in growing["verdict"]
    assert all("growing as employee" in failure for failure in failures)
    assert len(failures) == 3
    text = report.markdown(full, loaded, failures)
    assert "| growing | employee | 5 |" in text
    assert "not present yet" in text
    assert "3 exceeded" in text

    # The smoke test judges only what does not depend on the machine's speed.
    quick = a_report(quick=True)
    quick["runs"][1]["pages"][1] |= {"cpu_median_ms": 11.0, "p95_ms": 40.0}
    cli.add_growth(quick["runs"])
    assert budgets.check(copy.deepcopy(quick), loaded) == [
        "SQLite, 10,000 people: growing as employee: queries grow (4 at 1,000)"
    ]


@pytest.mark.django_db
def test_every_page_answers_every_persona_it_lists(client):
    organisation = seed_generated_organisation(people=60, seed=3)
    data.generate_all(organisation, seed=3)
    data.fixtures_write()
    ctx = pages.context_build()
    users = pages.persona_users()

    for page in pages.PAGES:
        for persona in page.personas:
            client.force_login(users[persona])
            result = measure.measure_page(client, page.url(ctx), requests=1, warmup=0, replays=1)
            where = f"{page.name} as {persona}"
            assert result.status == 200, where
            # The budgets are the benchmark's to judge; here the capture and replay must work.
            assert result.queries > 0, where
            assert result.raw_ms > 0, where
            assert len(result.sql) == result.queries, where


@pytest.mark.django_db
def test_a_page_is_calibrated_between_its_requests(client, personas):
    """Before its first request and after every CALIBRATE_EVERY: the page's calibration is the
    median of those, taken while it was measured."""
    timings = iter([5.0, 9.0, 6.0, 30.0])
    calls = []

    def calibrate() -> float:
        calls.append(len(calls))
        return next(timings)

    client.force_login(personas.employee.user)
    result = measure.measure_page(
        client,
        "/",
        requests=2 * measure.CALIBRATE_EVERY + 1,
        warmup=0,
        replays=1,
        calibrate=calibrate,
    )
    assert len(calls) == 3
    assert result.calibration_ms == 6.0
    assert measure.measure_page(client, "/", requests=1, warmup=0, replays=1).calibration_ms is None


def test_a_paired_comparison_is_the_median_of_each_pairs_ratio():
    from bench import paired

    # The machine slows down half-way; after is 10% faster at every moment.
    before = {"goal:employee": [10.0, 10.0, 10.0, 20.0, 20.0, 20.0]}
    after = {"goal:employee": [9.0, 9.0, 9.0, 18.0, 18.0, 18.0]}
    lines = paired.table(before, after, ["goal:employee"])
    assert lines[2] == "| goal:employee | 15.0 | 13.5 | 0.900 (0.900–0.900) |"
