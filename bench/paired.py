"""Two versions of Stip, request by request: is a change faster, on a machine whose speed moves?

    python -m bench.paired --before ../before --database-url sqlite:////tmp/b10k.sqlite3 \\
        --static-root /tmp/static --page "goal:employee" --page "home:manager"

`--before` is a checkout of the earlier commit (`git worktree add ../before <commit>`); this
checkout is the later one. Each runs in a process of its own, on the same database and pinned
to the same CPU, and they take turns: one request of one, then one of the other, so that both
see the machine at the same moment. The figure is the median of each pair's ratio (after /
before) with its interquartile range. On a shared machine whose speed changed by half within a
minute, two runs one after the other, or side by side on two CPUs, differed by more than the
change being measured; the paired ratios of two runs agreed within a few percent.

Each process builds the benchmark's context and signs its personas in as `bench.run_one` does,
with the code of its own checkout: the earlier commit needs only `bench.run_one.configure` and
`bench.pages`.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()


def child(args) -> None:
    """One side: wait for the turn, request, hand the turn over; the times to `--out`."""
    sys.path.insert(0, os.getcwd())  # the checkout this side runs
    from bench.run_one import configure

    configure(args.database_url)
    from django.conf import settings
    from django.test import Client

    from bench import pages

    settings.STATIC_ROOT = args.static_root
    os.sched_setaffinity(0, {args.cpu})
    ctx, users = pages.context_build(), pages.persona_users()
    clients, jobs = {}, []
    for spec in args.page:
        name, persona = spec.rsplit(":", 1)
        page = next(p for p in pages.PAGES if p.name == name)
        if persona not in clients:
            clients[persona] = Client(raise_request_exception=True)
            clients[persona].force_login(users[persona])
        jobs.append((spec, clients[persona], page.url(ctx)))
    turn, done = os.fdopen(args.turn_fd, "rb", 0), os.fdopen(args.done_fd, "wb", 0)
    times: dict[str, list[float]] = {}
    first = args.first
    for spec, client, url in jobs:
        for _ in range(args.warmup):
            client.get(url)
        times[spec] = []
        for _ in range(args.requests):
            if not first:
                turn.read(1)
            first = False
            started = time.process_time()
            response = client.get(url)
            times[spec].append((time.process_time() - started) * 1000)
            done.write(b".")
            if response.status_code != 200:
                raise SystemExit(f"{spec}: {response.status_code}")
    Path(args.out).write_text(json.dumps(times))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.paired", description=__doc__)
    parser.add_argument("--before", help="a checkout of the earlier commit (required)")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--static-root", required=True, help="collected by --stage static")
    parser.add_argument("--page", action="append", required=True, help='"page name:persona"')
    parser.add_argument("--requests", type=int, default=80)
    parser.add_argument("--warmup", type=int, default=8)
    parser.add_argument("--cpu", type=int, default=0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--first", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--turn-fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--done-fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return
    if not args.before:
        parser.error("--before is required")
    # Before's turn is the write end of `to_before`; it hands over through `to_after`.
    to_before, to_after = os.pipe(), os.pipe()
    common = [
        sys.executable,
        str(HERE),
        "--child",
        *("--database-url", args.database_url, "--static-root", args.static_root),
        *("--requests", str(args.requests), "--warmup", str(args.warmup)),
        *("--cpu", str(args.cpu)),
        *(item for spec in args.page for item in ("--page", spec)),
    ]
    with tempfile.TemporaryDirectory() as scratch:
        outs = {side: str(Path(scratch, f"{side}.json")) for side in ("before", "after")}

        def start(out: str, cwd, turn: int, done: int, *first: str) -> subprocess.Popen:
            command = [*common, *first, "--turn-fd", str(turn), "--done-fd", str(done)]
            # This Python, this script and our own arguments.
            return subprocess.Popen(  # noqa: S603
                [*command, "--out", out], cwd=cwd, pass_fds=(turn, done)
            )

        sides = [
            start(outs["before"], args.before, to_before[0], to_after[1], "--first"),
            start(outs["after"], HERE.parent.parent, to_after[0], to_before[1]),
        ]
        for fd in (*to_before, *to_after):
            os.close(fd)
        if any(side.wait() for side in sides):
            raise SystemExit("a side failed")
        before, after = (json.loads(Path(outs[side]).read_text()) for side in ("before", "after"))
    print("\n".join(table(before, after, args.page)))


def table(before: dict, after: dict, specs: list[str]) -> list[str]:
    """A Markdown table: each page's median times, and the median and quartiles of the ratios
    of its pairs (the n-th request of after over the n-th of before)."""
    lines = [
        "| Page: persona | Before, median ms | After, median ms | After / before (IQR) |",
        "| --- | ---: | ---: | --- |",
    ]
    for spec in specs:
        ratios = sorted(a / b for b, a in zip(before[spec], after[spec], strict=True))
        low, middle, high = statistics.quantiles(ratios, n=4)
        lines.append(
            f"| {spec} | {statistics.median(before[spec]):.1f} | "
            f"{statistics.median(after[spec]):.1f} | {middle:.3f} ({low:.3f}–{high:.3f}) |"
        )
    return lines


if __name__ == "__main__":
    main()
