"""`python -m bench` (`make bench BENCH_ARGS="..."`): Stip's performance benchmark.

For each database (SQLite, and PostgreSQL when DATABASE_URL names one) and each size of
organisation, a fresh database is made, seeded by one process and measured by another
(bench/run_one.py); the bulk work runs in fresh databases of its own. This process only makes
and drops the databases, gathers the figures, checks them against bench/budgets.toml and
writes bench/results/bench-<time>.json and .md (and latest.json, latest.md). It exits 1 when
a budget is exceeded, 2 when a stage fails. See docs/performance.md.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import budgets as budgets_module
from bench import report as report_module
from bench.budgets import growth

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
FULL = {"people": 10_000, "growth_from": 1_000, "requests": 50, "warmup": 5, "bulk_rows": 10_000}
# The CI smoke test: the same pages and budgets on small organisations, in under a minute.
QUICK = {"people": 1_000, "growth_from": 200, "requests": 15, "warmup": 2, "bulk_rows": 1_000}
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class StageFailed(Exception):
    pass


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure Stip's pages, API and bulk work on a generated organisation.",
    )
    parser.add_argument("--people", type=int, help="the organisation's size (default 10,000)")
    parser.add_argument(
        "--growth-from",
        type=int,
        help="a smaller size to compare every figure with (default 1,000; 0: none)",
    )
    parser.add_argument("--sizes", help="comma-separated sizes, instead of the two above")
    parser.add_argument("--requests", type=int, help="timed requests per page (default 50)")
    parser.add_argument("--warmup", type=int, help="requests before timing (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="the organisation's seed")
    parser.add_argument(
        "--bulk-rows",
        type=int,
        help="rows of each bulk work, e.g. the import (default 10,000; 0: skip)",
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres", "both"],
        help="default: SQLite, and PostgreSQL too when DATABASE_URL is a postgres:// address",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="where to write the report (default bench/results; bench/results/quick with --quick, "
        "so that the smoke test never replaces the full run's latest.md)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="the CI smoke test: --people 1000 --growth-from 200 --requests 15 --warmup 2 "
        "--bulk-rows 1000; checks query counts and the SQL ratio only",
    )
    parser.add_argument(
        "--pages",
        default="",
        help='only the pages whose names match these comma-separated patterns ("all goals*,goal")',
    )
    parser.add_argument("--no-budgets", action="store_true", help="report, but exit 0")
    parser.add_argument(
        "--rejudge",
        type=Path,
        metavar="JSON",
        help="judge a report again with the current budgets.toml (and rewrite its .md)",
    )
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = RESULTS / "quick" if args.quick else RESULTS
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.sizes:
        args.sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    else:
        sizes = {args.people}
        if args.growth_from:
            sizes.add(args.growth_from)
            # The growth targets compare 10,000 with 1,000 and 100,000 with 10,000.
            if args.growth_from < 10_000 < args.people:
                sizes.add(10_000)
        args.sizes = sorted(sizes)
    if not args.sizes or min(args.sizes) < 10 or max(args.sizes) > 100_000:
        parser.error("sizes must be between 10 and 100,000 people")
    return args


def databases(choice: str | None, url: str) -> list[str]:
    postgres = url.startswith(("postgres://", "postgresql://"))
    if choice in {"postgres", "both"} and not postgres:
        raise SystemExit("--database postgres needs DATABASE_URL=postgres://… (a server to use).")
    if choice == "sqlite":
        return ["sqlite"]
    if choice == "postgres":
        return ["postgresql"]
    return ["sqlite", "postgresql"] if postgres else ["sqlite"]


@contextlib.contextmanager
def fresh_database(vendor: str, server: str, workdir: Path, number: int) -> Iterator[str]:
    """A new, empty database, dropped afterwards: its address for DATABASE_URL."""
    if vendor == "sqlite":
        path = workdir / f"bench-{number}.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return

    import psycopg
    from psycopg import sql

    name = f"stip_bench_{os.getpid()}_{number}"
    parts = urlsplit(server)

    def connect():
        try:
            return psycopg.connect(server, autocommit=True)
        except psycopg.OperationalError:
            # DATABASE_URL may name a database that does not exist yet (CI's does).
            return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)

    with connect() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with connect() as admin:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            admin.execute(drop.format(sql.Identifier(name)))


def stage(workdir: Path, database_url: str, *options: str) -> dict:
    """Run one stage in its own process; its figures come back as JSON."""
    out = workdir / "stage.json"
    out.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "bench.run_one",
        "--json",
        str(out),
        "--database-url",
        database_url,
        *options,
    ]
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    completed = subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603
    if completed.returncode != 0 or not out.exists():
        raise StageFailed(f"{' '.join(options)} failed (exit {completed.returncode})")
    return json.loads(out.read_text())


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def measure(args: argparse.Namespace, vendors: list[str], workdir: Path) -> tuple[list, list]:
    # The bulk registry names Stip's models: Django must be set up to read it (no database is
    # opened here).
    from bench.run_one import configure

    configure("sqlite://:memory:")
    from bench.bulk import BULK

    static_root = workdir / "static"
    runs, bulk = [], []
    number = 0
    common = ["--seed", str(args.seed)]
    stage(workdir, "sqlite://:memory:", "--stage", "static", "--static-root", str(static_root))
    for vendor in vendors:
        label = LABELS[vendor]
        previous = workdir / "previous.json"
        previous.unlink(missing_ok=True)
        for people in args.sizes:
            number += 1
            with fresh_database(vendor, args.server, workdir, number) as url:
                say(f"{label}, {people:,} people: seeding")
                seeded = stage(workdir, url, "--stage", "seed", "--people", str(people), *common)
                say(f"{label}, {people:,} people: pages")
                measured = stage(
                    workdir,
                    url,
                    "--stage",
                    "pages",
                    "--requests",
                    str(args.requests),
                    "--warmup",
                    str(args.warmup),
                    "--static-root",
                    str(static_root),
                    "--people",
                    str(people),
                    *(["--quick"] if args.quick else []),
                    *(["--pages", args.pages] if args.pages else []),
                    *(["--previous", str(previous)] if previous.exists() else []),
                    *common,
                )
            previous.write_text(json.dumps({"people": people, "pages": measured["pages"]}))
            runs.append(
                {
                    "database": vendor,
                    "database_label": label,
                    "database_version": measured["database_version"],
                    "people": people,
                    "seed": seeded["seed"],
                    "seed_peak_rss_mb": seeded["peak_rss_mb"],
                    "pages": measured["pages"],
                    "pages_peak_rss_mb": measured["peak_rss_mb"],
                    "steady_rss_mb": measured["steady_rss_mb"],
                    "load": measured["load"],
                }
            )
        if not args.bulk_rows:
            continue
        for entry in BULK:
            row = {
                "name": entry.name,
                "database": vendor,
                "database_label": label,
                "present": entry.measure is not None,
                "target_seconds": entry.target_seconds,
                "target_database": entry.target_database,
            }
            bulk.append(row)
            if entry.measure is None:
                continue
            number += 1
            with fresh_database(vendor, args.server, workdir, number) as url:
                say(f"{label}: {entry.name}, {args.bulk_rows:,} rows")
                result = stage(
                    workdir,
                    url,
                    "--stage",
                    "bulk",
                    "--bulk",
                    entry.name,
                    "--rows",
                    str(args.bulk_rows),
                    *common,
                )
            row.update(result["bulk"])
            row["peak_rss_mb"] = result["peak_rss_mb"]
            plain = row["plain_seconds"]
            row["ratio"] = round(row["seconds"] / plain, 1) if plain else None
    return runs, bulk


def add_growth(runs: list[dict]) -> None:
    """Give each page row its growth from the same page and persona at the next smaller size."""
    previous: dict[str, dict] = {}
    for run in sorted(runs, key=lambda run: (run["database"], run["people"])):
        before = previous.get(run["database"])
        if before is not None:
            rows = {(row["page"], row["persona"]): row for row in before["pages"]}
            for row in run["pages"]:
                earlier = rows.get((row["page"], row["persona"]))
                if earlier is not None:
                    row["growth"] = growth(row, earlier, before["people"])
        previous[run["database"]] = run


def machine() -> dict:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.rejudge:
        return rejudge(args.rejudge)
    # Read before Django is set up in this process (which sets DATABASE_URL for itself).
    args.server = os.environ.get("DATABASE_URL", "")
    vendors = databases(args.database, args.server)
    budgets = budgets_module.load()
    started = time.perf_counter()
    started_at = datetime.datetime.now().astimezone()
    say(
        f"Stip benchmark: {', '.join(LABELS[v] for v in vendors)}; "
        f"{', '.join(f'{size:,}' for size in args.sizes)} people"
    )
    with tempfile.TemporaryDirectory(prefix="stip-bench-") as tmp:
        try:
            runs, bulk = measure(args, vendors, Path(tmp))
        except StageFailed as error:
            print(f"The benchmark stopped: {error}.", file=sys.stderr)
            return 2
    add_growth(runs)
    report = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine(),
        "options": {
            "command": " ".join(["python -m bench", *argv]),
            "quick": args.quick,
            "sizes": args.sizes,
            "requests": args.requests,
            "warmup": args.warmup,
            "seed": args.seed,
            "bulk_rows": args.bulk_rows,
            "pages": args.pages,
        },
        "runs": runs,
        "bulk": bulk,
    }
    return finish(report, budgets, args.out, started_at, no_budgets=args.no_budgets)


def rejudge(path: Path) -> int:
    """Judge a JSON report again with the current budgets and write its Markdown beside it."""
    report = json.loads(path.read_text())
    add_growth(report["runs"])
    failures = budgets_module.check(report, budgets_module.load())
    report["failures"] = failures
    text = report_module.markdown(report, budgets_module.load(), failures)
    path.write_text(json.dumps(report, indent=1))
    path.with_suffix(".md").write_text(text)
    print(text)
    return 1 if failures else 0


def finish(
    report: dict,
    budgets: budgets_module.Budgets,
    out: Path,
    started_at: datetime.datetime,
    *,
    no_budgets: bool,
) -> int:
    failures = budgets_module.check(report, budgets)
    report["failures"] = failures
    text = report_module.markdown(report, budgets, failures)

    out.mkdir(parents=True, exist_ok=True)
    stamp = started_at.strftime("%Y%m%d-%H%M%S")
    json_path, md_path = out / f"bench-{stamp}.json", out / f"bench-{stamp}.md"
    json_path.write_text(json.dumps(report, indent=1))
    md_path.write_text(text)
    shutil.copyfile(json_path, out / "latest.json")
    shutil.copyfile(md_path, out / "latest.md")
    print(text)
    say(f"Written {md_path.relative_to(ROOT) if md_path.is_relative_to(ROOT) else md_path}")
    if failures and not no_budgets:
        say(f"{len(failures)} budget(s) exceeded:")
        for failure in failures:
            print(f"    {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
