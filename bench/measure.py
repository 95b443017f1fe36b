"""Timing one page, replaying its SQL, and the statistics and memory figures the report uses.

Server time is the wall time of `Client.get` around the whole request: middleware, view,
queries and template, in the same process (no network, no WSGI server). The SQL of one extra
request is captured and replayed on the connection's DB-API cursor, so that
`server time - raw SQL time` is what Django and Stip's Python add on top of the database.
"""

import gc
import re
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

# Statements that belong to the transaction around a request, not to what it reads.
_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """The 95th percentile, interpolated between samples (as numpy's default does)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


@dataclass
class PageResult:
    status: int
    queries: int
    median_ms: float
    p95_ms: float
    # The CPU time of this process: on SQLite the whole request, database included, and
    # unaffected by other work on the machine (what the smoke test judges).
    cpu_median_ms: float
    raw_ms: float
    # server median / raw SQL, and server p95 - raw SQL: what Python adds to the database.
    ratio: float | None
    overhead_ms: float
    requests: int
    # The statement that took longest in the replay, to start looking from.
    slowest_sql_ms: float
    slowest_sql: str
    sql: list[str]
    # The machine's speed while the page was measured (bench/calibrate.py): the median of the
    # calibrations between its requests, or None when it was not calibrated.
    calibration_ms: float | None = None

    def as_dict(self, *, with_sql: bool = False) -> dict:
        data = asdict(self)
        if not with_sql:
            data.pop("sql")
            data.pop("slowest_sql")
        return data


# `.iterator()` on PostgreSQL reads through a named server-side cursor; the replay reads the
# same SELECT in one go (a second DECLARE of the same name would fail).
_DECLARE_CURSOR = re.compile(
    r"^\s*DECLARE\s+\S+\s+.*?CURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+", re.IGNORECASE | re.DOTALL
)


def replayable(sql: str) -> bool:
    return not sql.lstrip().upper().startswith(_TRANSACTION_CONTROL)


def replay_statement(sql: str) -> str:
    return _DECLARE_CURSOR.sub("", sql, count=1)


def replay_seconds(statements: list[str], *, replays: int) -> tuple[float, list[float]]:
    """The median time of running `statements` one after the other on the DB-API cursor,
    fetching every row, as a hand-written client of the database would; and the median time
    of each statement."""
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    totals: list[float] = []
    each: list[list[float]] = [[] for _ in statements]
    try:
        for _ in range(replays):
            total = 0.0
            for i, sql in enumerate(statements):
                started = time.perf_counter()
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
                elapsed = time.perf_counter() - started
                each[i].append(elapsed)
                total += elapsed
            totals.append(total)
    finally:
        cursor.close()
    return median(totals), [median(times) for times in each]


# A calibration every this many requests of a page (and one before the first).
CALIBRATE_EVERY = 10


def measure_page(
    client: Client,
    url: str,
    *,
    requests: int,
    warmup: int,
    replays: int = 10,
    calibrate: Callable[[], float] | None = None,
) -> PageResult:
    """Request `url` `warmup` times, then `requests` timed times (wall and CPU time); capture
    the SQL of one more request and replay it `replays` times. With `calibrate`, time the
    machine before the first request and after every CALIBRATE_EVERY: the speed of a shared
    machine changes within a minute, and a calibration before the page alone could be taken
    in a fast second and the page's requests in a slow one.

    Each page starts from a collected heap and runs its requests back to back, so that the
    garbage collections a page's requests cause (a full one costs ~40 ms at 10,000 people)
    land in that page's own times, not in the next page's."""
    gc.collect()
    status = 200
    for _ in range(warmup):
        client.get(url)
    times, cpu_times, calibrations = [], [], []
    for index in range(requests):
        if calibrate is not None and index % CALIBRATE_EVERY == 0:
            calibrations.append(calibrate())
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
        if response.status_code != 200:
            status = response.status_code
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        status = response.status_code
    statements = [query["sql"] for query in captured.captured_queries]
    replayed = [replay_statement(sql) for sql in statements if replayable(sql)]
    raw, each = replay_seconds(replayed, replays=replays)
    slowest = max(range(len(replayed)), key=each.__getitem__, default=None)
    server_median, server_p95 = median(times), p95(times)
    return PageResult(
        status=status,
        queries=len(statements),
        median_ms=ms(server_median),
        p95_ms=ms(server_p95),
        cpu_median_ms=ms(median(cpu_times)),
        raw_ms=ms(raw),
        ratio=round(server_median / raw, 1) if raw > 0 else None,
        overhead_ms=ms(server_p95 - raw),
        requests=len(times),
        slowest_sql_ms=ms(each[slowest]) if slowest is not None else 0.0,
        slowest_sql=replayed[slowest] if slowest is not None else "",
        sql=statements,
        calibration_ms=round(median(calibrations), 3) if calibrations else None,
    )


def rss_mb() -> float:
    """The resident memory of this process now (Linux; falls back to the peak elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return peak_rss_mb()
    return round(pages * resource.getpagesize() / 2**20, 1)


def peak_rss_mb() -> float:
    """The most resident memory this process has had (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
