"""Fill an empty database with a demo organisation, or a generated one for the benchmark.

manage.py seed_demo                        Zuiderzee Logistiek B.V., 60 people
manage.py seed_demo --if-empty             the same, and nothing at all if there is data
manage.py seed_demo --people 10000 --seed 1

The demo company is more than its people: after seeding them, every installed app whose
`<app>.demo` module has an `extend_demo(*, result, seed, today)` adds its part (goals, say) and
may return a summary to print. People is found first and knows nothing of the apps above it.
"""

import datetime
import importlib
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from stip.people.demo import (
    DEMO_PASSWORD,
    MAX_PEOPLE,
    DemoResult,
    OrganisationNotEmpty,
    demo_sign_ins,
    organisation_exists,
    seed_demo_organisation,
    seed_generated_organisation,
)

URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Create a demo organisation with known sign-ins (all with one password), or with "
        "--people a deterministic generated organisation of that size. Refuses when the "
        "database already has people."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--people",
            type=int,
            help=f"Generate an organisation of this many people (1 to {MAX_PEOPLE:,}) "
            "instead of the 60-person demo company.",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Seed for the generator (default 1)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, successfully, when the database already has an organisation.",
        )

    def handle(self, *args, people: int | None, seed: int, if_empty: bool, **options) -> None:
        verbosity = options["verbosity"]
        if people is not None and not 1 <= people <= MAX_PEOPLE:
            raise CommandError(f"--people must be between 1 and {MAX_PEOPLE:,}, not {people:,}.")
        if organisation_exists():
            if if_empty:
                if verbosity >= 2:
                    self.stdout.write("The database already has an organisation; not seeding.")
                sign_ins = demo_sign_ins()
                if sign_ins and verbosity >= 1:
                    self.write_sign_ins(sign_ins, DEMO_PASSWORD)
                return
            raise CommandError(
                "The database already has people or teams; seed_demo only fills an empty "
                "database. Use a fresh database (or --if-empty to skip quietly)."
            )

        def progress(stage: str, done: int, total: int) -> None:
            # Every batch up to 10,000 rows; every 10,000 rows beyond.
            if done == total or total <= 10_000 or done % 10_000 == 0:
                elapsed = time.perf_counter() - started
                self.stdout.write(f"  {stage:<8} {done:>7,}/{total:,}  {elapsed:5.1f} s")

        started = time.perf_counter()
        summaries: list[str] = []
        try:
            if people is None:
                today = timezone.localdate()
                # One transaction: a failing app leaves the database empty, not half a demo.
                with transaction.atomic():
                    result = seed_demo_organisation(
                        seed=seed, today=today, progress=progress if verbosity >= 2 else None
                    )
                    summaries = extend_demo(result, seed=seed, today=today)
            else:
                if verbosity >= 1:
                    self.stdout.write(f"Generating {people:,} people with seed {seed}…")
                result = seed_generated_organisation(
                    people=people, seed=seed, progress=progress if verbosity >= 1 else None
                )
        except OrganisationNotEmpty as error:
            raise CommandError(str(error)) from error

        if verbosity >= 1:
            self.report(result, generated=people is not None, summaries=summaries)

    def report(self, result: DemoResult, *, generated: bool, summaries: list[str]) -> None:
        write = self.stdout.write
        write(
            self.style.SUCCESS(
                f"Created {result.organisation}: {result.people:,} people "
                f"({result.left:,} who have left, {result.hr:,} in HR) in {result.teams:,} teams, "
                f"in {result.seconds:.1f} s."
            )
        )
        for summary in summaries:
            write(self.style.SUCCESS(summary))
        if generated:
            write(
                f"Large team: {result.large_team_manager_email} has "
                f"{result.large_team_size:,} direct reports."
            )
        self.write_sign_ins(result.sign_ins, result.password)
        if not generated:
            domain = result.sign_ins[0].email.partition("@")[2]
            write(f"Everyone else at @{domain} has the same password.")

    def write_sign_ins(self, sign_ins, password: str) -> None:
        write = self.stdout.write
        write("")
        write(f"Open {URL} and sign in as:")
        rows = [("Role", "Name", "E-mail", "Password")] + [
            (s.role, s.name, s.email, password) for s in sign_ins
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for n, row in enumerate(rows):
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            write(("  " + "  ".join(cells)).rstrip())
            if n == 0:
                write("  " + "  ".join("-" * width for width in widths))


def extend_demo(result: DemoResult, *, seed: int, today: datetime.date) -> list[str]:
    """Let every app that has a `demo.extend_demo` add its part; their summaries, in order."""
    summaries = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            # Only a missing demo module is skipped; a demo module that imports something
            # missing is a bug to hear about.
            if error.name != name:
                raise
            continue
        extend = getattr(module, "extend_demo", None)
        if extend is not None:
            summary = extend(result=result, seed=seed, today=today)
            if summary:
                summaries.append(str(summary))
    return summaries
