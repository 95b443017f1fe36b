"""Every page and API list or detail endpoint the benchmark requests: one line each.

A feature that adds a page adds one line to `PAGES`:

    Page("my goals", "goals:mine"),
    Page("goal", "goals:detail", of=lambda c: c.goal),
    Page("API goals", "/api/v1/goals", query="page_size=50"),

- the name is what the report's tables show;
- the route is the URL name (`app:name`) or the API path as the OpenAPI schema writes it
  (`/api/v1/people/{id}`): tests/bench/test_bench.py fails while a GET URL name or API GET path
  is neither in `PAGES` nor in `NOT_BENCHED` (with the reason), so no page is forgotten;
- `of` picks from the `Context` the object whose public id goes into the URL. A page about a
  new kind of object adds a field to `Context`, filled in `context_build` from the data its
  generator in bench/data.py wrote (the largest or busiest one: the worst case);
- `personas` are who request it: a typical employee, the manager of the largest team (with
  their 100-odd direct reports) and HR. HR-only pages list only `HR_ONLY`.
"""

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from stip.core.models import User
from stip.people.models import ImportJob, Person, Team

EMPLOYEE, MANAGER, HR = "employee", "manager", "hr"
EVERYONE = (EMPLOYEE, MANAGER, HR)
HR_ONLY = (HR,)
PERSONAS = EVERYONE

# The generated organisation's sign-ins (stip.people.demo): role@stip.example.
PERSONA_EMAILS = {role: f"{role}@stip.example" for role in PERSONAS}


@dataclass(frozen=True)
class Context:
    """The objects the pages are about, looked up once per run."""

    # The employee persona and a colleague of theirs in the same large team.
    employee: Person
    peer: Person
    # The manager persona: the manager of the largest team.
    manager: Person
    hr: Person
    # The large team's team.
    team: Team
    # A rejected import with a page of errors (bench/data.py writes it).
    import_job: ImportJob


@dataclass(frozen=True)
class Page:
    """A page: its name in the report, its route, the object its URL names (if any: its
    public id fills the URL), the query string, and who requests it."""

    name: str
    route: str
    of: Callable[[Context], Any] | None = None
    query: str = ""
    personas: tuple[str, ...] = EVERYONE

    def url(self, ctx: Context) -> str:
        ids = [str(self.of(ctx).public_id)] if self.of else []
        if self.route.startswith("/"):
            path = self.route.replace("{id}", *ids) if ids else self.route
        else:
            path = reverse(self.route, args=ids)
        return f"{path}?{self.query}" if self.query else path


# "jan" matches a common start of Dutch surnames (Jansen, Janssen) and first names.
SEARCH = "q=jan"

PAGES: tuple[Page, ...] = (
    Page("home", "home"),
    Page("directory", "people:directory"),
    Page("directory search", "people:directory", query=SEARCH),
    Page("my profile", "people:me"),
    Page("profile: large-team manager", "people:profile", of=lambda c: c.manager),
    Page("profile: an employee", "people:profile", of=lambda c: c.peer),
    Page("org chart: top", "people:org_chart"),
    Page("org chart: from me", "people:org_chart", query="from=me"),
    Page("org chart: large team", "people:org_chart_children", of=lambda c: c.manager),
    Page("import", "people:import", personas=HR_ONLY),
    Page("import report", "people:import_detail", of=lambda c: c.import_job, personas=HR_ONLY),
    Page("import errors CSV", "people:import_errors", of=lambda c: c.import_job, personas=HR_ONLY),
    Page("API people", "/api/v1/people", query="page_size=50"),
    Page("API people search", "/api/v1/people", query=SEARCH),
    Page("API me", "/api/v1/people/me"),
    Page("API person", "/api/v1/people/{id}", of=lambda c: c.manager),
    Page(
        "API reports", "/api/v1/people/{id}/reports", of=lambda c: c.manager, query="page_size=50"
    ),
    Page("API teams", "/api/v1/teams", query="page_size=50"),
    Page("API team", "/api/v1/teams/{id}", of=lambda c: c.team),
)

# GET routes the benchmark leaves out on purpose, with the reason: URL names, API paths, or
# shell-style patterns of either ("admin:*").
NOT_BENCHED: dict[str, str] = {
    "admin:*": "Django's admin, for administrators only; not a page of the product",
    "api:api-root": "the API's root, no data",
    "api:openapi-json": "the generated schema, no data",
    "api:openapi-view": "the schema's documentation page, no data",
    "core:login": "anonymous form, no data",
    "core:logout": "POST only",
    "core:password_reset": "anonymous form, no data",
    "core:password_reset_done": "anonymous message, no data",
    "core:password_reset_confirm": "anonymous form for one account, one query",
    "core:password_reset_complete": "anonymous message, no data",
    "core:set_language": "POST only",
    "core:access_token_create": "POST only",
    "core:access_token_revoke": "POST only",
    "people:hr_role": "POST only",
    # Goals, feedback and conversations arrived while the benchmark was written: each joins it
    # with a generator of its rows for the generated organisation in bench/data.py (their demo
    # data in stip/*/demo.py is for the demo company only), then one Page line per page and a
    # field in Context for the objects they name. Measured without their data, their pages
    # would look fast for the wrong reason.
    "goals:*": "waits for a goals data generator in bench/data.py",
    "/api/v1/goals*": "waits for a goals data generator in bench/data.py",
    "feedback:*": "waits for a feedback data generator in bench/data.py",
    "/api/v1/feedback*": "waits for a feedback data generator in bench/data.py",
    "/api/v1/praise": "waits for a feedback data generator in bench/data.py",
    "/api/v1/values": "waits for a feedback data generator in bench/data.py",
    "/api/v1/question-sets": "waits for a feedback data generator in bench/data.py",
    "/api/v1/rounds*": "waits for a feedback data generator in bench/data.py",
    "/api/v1/people/{id}/notes": "waits for a feedback data generator in bench/data.py",
    "conversations:*": "waits for a conversations data generator in bench/data.py",
    "/api/v1/conversation*": "waits for a conversations data generator in bench/data.py",
    "/api/v1/action-items": "waits for a conversations data generator in bench/data.py",
    "/api/v1/rating-scales": "waits for a conversations data generator in bench/data.py",
}


def not_benched(route: str) -> str | None:
    """The reason `route` is left out, or None."""
    for pattern, reason in NOT_BENCHED.items():
        if fnmatch.fnmatchcase(route, pattern):
            return reason
    return None


def context_build() -> Context:
    """The context for the generated organisation in the database (bench/data.py)."""
    people = {
        role: Person.objects.select_related("team").get(user__email=email)
        for role, email in PERSONA_EMAILS.items()
    }
    manager = people[MANAGER]
    peer = (
        Person.objects.current()
        .filter(manager=manager)
        .exclude(pk=people[EMPLOYEE].pk)
        .order_by("pk")
        .first()
    ) or people[EMPLOYEE]
    return Context(
        employee=people[EMPLOYEE],
        peer=peer,
        manager=manager,
        hr=people[HR],
        team=manager.team,
        import_job=ImportJob.objects.order_by("-pk").first(),
    )


def persona_users() -> dict[str, User]:
    return {role: User.objects.get(email=email) for role, email in PERSONA_EMAILS.items()}
