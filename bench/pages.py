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
  feature's object names it in `Context.objects` (`of=lambda c: c.objects["goal"]`), which the
  feature's data module fills (`objects()` in bench/data_<feature>.py: the largest or busiest
  one a persona can see, the worst case);
- `personas` are who request it: a typical employee, the manager of the largest team (with
  their 100-odd direct reports) and HR. HR-only pages list only `HR_ONLY`.
"""

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from bench.data import DATA
from bench.data_feedback import BUSIEST_VALUE_QUERY
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
    # The objects each feature's pages name, from the `objects()` of its module in DATA.
    objects: dict[str, Any]


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
    # Goals (bench/data_goals.py).
    Page("my goals", "goals:mine"),
    Page("my goals: all periods", "goals:mine", query="period=all"),
    Page("my team's goals", "goals:team"),
    Page("my team's goals: all periods", "goals:team", query="period=all", personas=(MANAGER,)),
    Page("organisation goals", "goals:organisation"),
    Page("alignment tree", "goals:tree"),
    Page("alignment tree: not aligned", "goals:not_aligned"),
    Page(
        "alignment tree: organisation goal",
        "goals:children",
        of=lambda c: c.objects["organisation_goal"],
    ),
    Page("alignment tree: team goal", "goals:children", of=lambda c: c.objects["team_goal"]),
    Page("all goals", "goals:search"),
    Page("all goals: all periods", "goals:search", query="period=all"),
    Page("all goals: words", "goals:search", query="q=klant&period=all"),
    Page("all goals: at risk, personal", "goals:search", query="status=at_risk&level=personal"),
    Page("goal", "goals:detail", of=lambda c: c.objects["goal"]),
    Page("edit goal", "goals:edit", of=lambda c: c.objects["goal"]),
    Page("goal progress update", "goals:update", of=lambda c: c.objects["goal"]),
    Page("close goal", "goals:close", of=lambda c: c.objects["goal"]),
    Page("carry goal over", "goals:carry_over", of=lambda c: c.objects["goal"]),
    Page("add key result", "goals:key_result_add", of=lambda c: c.objects["goal"]),
    Page("new goal", "goals:new"),
    Page("new team goal", "goals:new", query="level=team", personas=(MANAGER, HR)),
    Page("new organisation goal", "goals:new", query="level=organisation", personas=HR_ONLY),
    # The goal form's pickers, searching for a word in many teams' names and goals' titles.
    Page("team picker", "goals:pick_team", query="team_q=service", personas=(MANAGER, HR)),
    Page("goal picker", "goals:pick_parent", query="parent_q=klant"),
    Page("API goals", "/api/v1/goals", query="page_size=50"),
    Page("API goals: all periods", "/api/v1/goals", query="period=all&page_size=50"),
    Page("API goals: mine", "/api/v1/goals", query="owner=me&period=all&page_size=50"),
    Page("API goals: words", "/api/v1/goals", query="q=klant&period=all&page_size=50"),
    Page(
        "API goals: not aligned",
        "/api/v1/goals",
        query="aligned=false&level=personal&page_size=50",
    ),
    Page("API goal tree", "/api/v1/goals/tree", query="page_size=50"),
    Page("API goal", "/api/v1/goals/{id}", of=lambda c: c.objects["goal"]),
    Page(
        "API goal children",
        "/api/v1/goals/{id}/children",
        of=lambda c: c.objects["organisation_goal"],
        query="page_size=50",
    ),
    Page(
        "API goal updates",
        "/api/v1/goals/{id}/updates",
        of=lambda c: c.objects["goal"],
        query="page_size=50",
    ),
    Page(
        "API goal comments",
        "/api/v1/goals/{id}/comments",
        of=lambda c: c.objects["goal"],
        query="page_size=50",
    ),
    # Feedback, praise and 360° rounds (bench/data_feedback.py).
    Page("my feedback", "feedback:mine"),
    Page("my feedback: given", "feedback:mine", query="show=given"),
    Page("my feedback: requests", "feedback:mine", query="show=requests"),
    Page("my feedback: praise", "feedback:mine", query="show=praise"),
    Page("feedback: a report", "feedback:person", of=lambda c: c.employee, personas=(MANAGER, HR)),
    Page(
        "manager notes: a report",
        "feedback:person",
        of=lambda c: c.objects["noted_report"],
        query="show=notes",
        personas=(MANAGER, HR),
    ),
    Page(
        "feedback item",
        "feedback:detail",
        of=lambda c: c.objects["feedback"],
        personas=(EMPLOYEE, MANAGER),
    ),
    Page("give feedback", "feedback:give"),
    Page("feedback people picker", "feedback:people", query=f"field=respondents&{SEARCH}"),
    Page(
        "feedback request",
        "feedback:request",
        of=lambda c: c.objects["feedback_request"],
        personas=(EMPLOYEE, MANAGER),
    ),
    Page("ask for feedback", "feedback:request_new"),
    Page(
        "manager note form",
        "feedback:note_new",
        of=lambda c: c.objects["noted_report"],
        personas=(MANAGER,),
    ),
    Page("praise wall", "feedback:praise"),
    Page("praise wall: one value", "feedback:praise", query=BUSIEST_VALUE_QUERY),
    # A page deep in the wall, and within it at every size: 200 people have 23 pages of praise.
    # (The wall pages without a total: a page past its end has no praise and one query fewer.)
    Page("praise wall: page 20", "feedback:praise", query="page=20"),
    Page("give praise", "feedback:praise_new"),
    Page("company values", "feedback:values", personas=HR_ONLY),
    Page("company value", "feedback:value_edit", of=lambda c: c.objects["value"], personas=HR_ONLY),
    Page("question sets", "feedback:question_sets", personas=HR_ONLY),
    Page(
        "question set",
        "feedback:question_set",
        of=lambda c: c.objects["question_set"],
        personas=HR_ONLY,
    ),
    Page("new question set", "feedback:question_set_new", personas=HR_ONLY),
    Page("360 rounds", "feedback:rounds"),
    Page("start a 360 round", "feedback:round_new"),
    Page("360 round: released", "feedback:round", of=lambda c: c.objects["round_released"]),
    Page("360 result", "feedback:round_result", of=lambda c: c.objects["round_released"]),
    Page("360 round: a manager's", "feedback:round", of=lambda c: c.objects["round_of_manager"]),
    Page(
        "360 result: a manager's",
        "feedback:round_result",
        of=lambda c: c.objects["round_of_manager"],
        personas=(MANAGER, HR),
    ),
    Page("360 round: open", "feedback:round", of=lambda c: c.objects["round_open"]),
    Page(
        "360 answer form",
        "feedback:round_answer",
        of=lambda c: c.objects["round_open"],
        personas=(EMPLOYEE, MANAGER),
    ),
    Page("API feedback received", "/api/v1/feedback", query="page_size=50"),
    Page("API feedback given", "/api/v1/feedback", query="direction=given&page_size=50"),
    Page(
        "API feedback item",
        "/api/v1/feedback/{id}",
        of=lambda c: c.objects["feedback"],
        personas=(EMPLOYEE, MANAGER),
    ),
    Page("API requests made", "/api/v1/feedback/requests", query="page_size=50"),
    Page("API requests asked", "/api/v1/feedback/requests", query="role=asked&page_size=50"),
    Page(
        "API feedback request",
        "/api/v1/feedback/requests/{id}",
        of=lambda c: c.objects["feedback_request"],
        personas=(EMPLOYEE, MANAGER),
    ),
    Page(
        "API manager notes",
        "/api/v1/people/{id}/notes",
        of=lambda c: c.objects["noted_report"],
        query="page_size=50",
        personas=(MANAGER, HR),
    ),
    Page("API praise", "/api/v1/praise", query="page_size=50"),
    Page("API praise: one value", "/api/v1/praise", query=f"{BUSIEST_VALUE_QUERY}&page_size=50"),
    Page("API praise for me", "/api/v1/praise", query="recipient=me&page_size=50"),
    Page("API values", "/api/v1/values", query="page_size=50"),
    Page("API question sets", "/api/v1/question-sets", query="page_size=50"),
    Page("API rounds", "/api/v1/rounds", query="page_size=50"),
    Page("API round", "/api/v1/rounds/{id}", of=lambda c: c.objects["round_released"]),
    Page(
        "API round result", "/api/v1/rounds/{id}/result", of=lambda c: c.objects["round_released"]
    ),
    # Conversations (bench/data_conversations.py).
    Page("my conversations", "conversations:mine"),
    Page("conversations: my team", "conversations:team", personas=(MANAGER,)),
    Page("conversations overview", "conversations:overview", personas=HR_ONLY),
    Page(
        "conversations overview: fewest 1:1s",
        "conversations:overview",
        query="order=fewest",
        personas=HR_ONLY,
    ),
    Page("plan a conversation", "conversations:new", personas=(EMPLOYEE, MANAGER)),
    Page("start 1:1s", "conversations:series_new", personas=(EMPLOYEE, MANAGER)),
    Page(
        "1:1 series",
        "conversations:series",
        of=lambda c: c.objects["conversation series"],
        personas=(EMPLOYEE, MANAGER),
    ),
    Page(
        "1:1 series: change",
        "conversations:series_edit",
        of=lambda c: c.objects["conversation series"],
        personas=(EMPLOYEE, MANAGER),
    ),
    Page(
        "conversation",
        "conversations:meeting",
        of=lambda c: c.objects["conversation"],
        personas=(EMPLOYEE, MANAGER),
    ),
    Page(
        "conversation: reschedule",
        "conversations:meeting_edit",
        of=lambda c: c.objects["conversation: planned"],
        personas=(EMPLOYEE, MANAGER),
    ),
    Page(
        "conversation: notes history",
        "conversations:notes_history",
        of=lambda c: c.objects["conversation: most revised notes"],
        personas=(EMPLOYEE, MANAGER),
    ),
    Page(
        "conversation report", "conversations:report", of=lambda c: c.objects["conversation report"]
    ),
    Page(
        "conversation report: write",
        "conversations:report_write",
        of=lambda c: c.objects["conversation: appraisal"],
        personas=(MANAGER,),
    ),
    Page(
        "conversation report: correct",
        "conversations:report_correct",
        of=lambda c: c.objects["conversation report"],
        personas=(MANAGER,),
    ),
    Page(
        "conversation report: quote notes",
        "conversations:report_quote",
        of=lambda c: c.objects["conversation report: draft appraisal"],
        personas=(MANAGER,),
    ),
    Page("check-in templates", "conversations:templates"),
    Page(
        "check-in template: a manager's",
        "conversations:template_edit",
        of=lambda c: c.objects["check-in template: manager's"],
        personas=(MANAGER,),
    ),
    Page(
        "check-in template: the organisation's",
        "conversations:template_edit",
        of=lambda c: c.objects["check-in template: organisation's"],
        personas=HR_ONLY,
    ),
    Page("appraisal rating scales", "conversations:scales", personas=HR_ONLY),
    Page(
        "appraisal rating scale",
        "conversations:scale_edit",
        of=lambda c: c.objects["appraisal rating scale"],
        personas=HR_ONLY,
    ),
    Page("API conversations", "/api/v1/conversations", query="page_size=50"),
    Page(
        "API conversations: upcoming",
        "/api/v1/conversations",
        query="status=upcoming&page_size=50",
    ),
    Page(
        # The next 1:1, with its goal points: the busiest held one has none at some sizes, and
        # the page's query count would follow the data's shape rather than its size.
        "API conversation",
        "/api/v1/conversations/{id}",
        of=lambda c: c.objects["conversation: planned"],
        personas=(EMPLOYEE, MANAGER),
    ),
    Page(
        "API conversation notes history",
        "/api/v1/conversations/{id}/shared-note/history",
        of=lambda c: c.objects["conversation: most revised notes"],
        query="page_size=50",
        personas=(EMPLOYEE, MANAGER),
    ),
    Page("API action items", "/api/v1/action-items", query="page_size=50"),
    # HR's own action items come and go with the seed (none at some sizes).
    Page(
        "API my open action items",
        "/api/v1/action-items",
        query="owner=me&open=true",
        personas=(EMPLOYEE, MANAGER),
    ),
    Page("API 1:1 series", "/api/v1/conversation-series", query="page_size=50"),
    Page(
        "API 1:1 series detail",
        "/api/v1/conversation-series/{id}",
        of=lambda c: c.objects["conversation series"],
        personas=(EMPLOYEE, MANAGER),
    ),
    Page("API conversation reports", "/api/v1/conversation-reports", query="page_size=50"),
    Page(
        "API conversation report",
        "/api/v1/conversation-reports/{id}",
        of=lambda c: c.objects["conversation report"],
    ),
    Page("API rating scales", "/api/v1/rating-scales", query="page_size=50"),
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
    "goals:reopen": "POST only",
    "goals:strategic": "POST only",
    "goals:key_result_remove": "POST only",
    "goals:comment": "POST only",
    "feedback:reply": "POST only",
    "feedback:helpful": "POST only",
    "feedback:note_share": "POST only",
    "feedback:request_answer": "POST only",
    "feedback:request_decline": "POST only",
    "feedback:request_share": "POST only",
    "feedback:praise_react": "POST only",
    "feedback:value_active": "POST only",
    "feedback:round_close": "POST only",
    "feedback:round_decline": "POST only",
    "conversations:series_stop": "POST only",
    "conversations:meeting_held": "POST only",
    "conversations:agenda_*": "POST only",
    "conversations:checkin": "POST only",
    "conversations:shared_notes": "POST only",
    "conversations:private_note": "POST only",
    "conversations:action_*": "POST only",
    "conversations:report_share": "POST only",
    "conversations:report_respond": "POST only",
    "conversations:report_acknowledge": "POST only",
    "conversations:template_new": "an empty form, no data",
    "conversations:scale_new": "an empty form, no data",
    "conversations:report_pdf": (
        "a download, not a page: a PDF typeset per request, and every export is written to "
        "the audit log, so a measured series would be measuring its own audit entries"
    ),
    "/api/v1/conversation-reports/{id}/pdf": "the same PDF download as conversations:report_pdf",
}


def selected(patterns: str) -> list[Page]:
    """The pages whose names match one of the comma-separated shell-style patterns ("all
    goals*,goal"), in their order in PAGES; every page when there are none."""
    wanted = [pattern.strip() for pattern in patterns.split(",") if pattern.strip()]
    if not wanted:
        return list(PAGES)
    chosen = [page for page in PAGES if any(fnmatch.fnmatchcase(page.name, p) for p in wanted)]
    if not chosen:
        raise SystemExit(f"No page of bench/pages.py matches {patterns!r}.")
    return chosen


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
        objects={name: obj for data in DATA for name, obj in data.module.objects().items()},
    )


def persona_users() -> dict[str, User]:
    return {role: User.objects.get(email=email) for role, email in PERSONA_EMAILS.items()}
