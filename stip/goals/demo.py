"""Goals for the demo organisation, Zuiderzee Logistiek B.V.

`extend_demo` runs after `stip.people.demo` has built the people (`manage.py seed_demo` finds it
by name, so that people need not know about goals). It adds this year's three strategic goals
and one more organisation goal, team goals aligned to them as OKRs, personal goals aligned to
the team goals (in English for the English speakers), private development goals, last quarter's
closed goals with their reflections, ten weeks of progress updates per goal, and comments
between managers and their reports.

The whole story is planned in Python first, timelines included, from one `random.Random(seed)`:
the same seed and day give the same goals. A few goals go through the services (the
organisation's goals, created by HR; a carry-over; a comment), so that the audit log has
entries; the rest is written with `bulk_create`, a handful of statements in all.
"""

import dataclasses
import datetime
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from stip.core.audit import audit_record
from stip.goals import services
from stip.goals.models import Goal, GoalComment, GoalUpdate, KeyResult
from stip.goals.progress import key_result_progress, rolled_up_progress, rounded, weighted_progress
from stip.goals.queries import quarter_of
from stip.people.demo import DEMO_ORGANISATION, DemoResult
from stip.people.models import Person

HISTORY = datetime.timedelta(weeks=10)
CENT = Decimal("0.01")
ENGLISH = "en"


@dataclass(frozen=True)
class DemoGoalsResult:
    goals: int
    strategic: int
    key_results: int
    updates: int
    comments: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"Added {self.goals:,} goals ({self.strategic} strategic) with {self.key_results:,} "
            f"key results, {self.updates:,} progress updates and {self.comments:,} comments, "
            f"in {self.seconds:.1f} s."
        )


# --- What the organisation wants: the texts --------------------------------------------------


@dataclass(frozen=True)
class _Result:
    nl: str
    en: str
    unit: str
    start: Decimal
    target: Decimal
    weight: Decimal = Decimal(1)


def _kr(nl: str, en: str, unit: str, start, target, weight: int = 1) -> _Result:
    return _Result(nl, en, unit, Decimal(str(start)), Decimal(str(target)), Decimal(weight))


@dataclass(frozen=True)
class _Template:
    nl: str
    en: str
    kind: str
    results: tuple[_Result, ...] = ()
    parent: str = ""  # the key of the goal it contributes to


def _t(nl: str, en: str, kind: str, *results: _Result, parent: str = "") -> _Template:
    return _Template(nl, en, kind, results, parent)


OBJECTIVE, KPI, MILESTONE, BINARY = "objective", "kpi", "milestone", "binary"
NUMBER, PERCENT, EURO = "number", "percent", "euro"

# key, the team whose lead reports on it, strategic, title, description, key results.
_ORGANISATION = (
    (
        "on_time", "Operations", True, "Leveringen 98% op tijd",
        "Klanten kiezen ons omdat we doen wat we beloven: op de afgesproken dag, binnen het "
        "tijdvenster.",
        (_kr("Leveringen op tijd", "", PERCENT, "91.5", 98, 3),
         _kr("Klachten over te late levering per maand", "", NUMBER, 64, 20)),
    ),
    (
        "co2", "Operations", True, "CO₂-uitstoot per zending 15% omlaag",
        "Minder lege kilometers, zuiniger rijden en de eerste elektrische bestelwagens.",
        (_kr("kg CO₂ per zending", "", NUMBER, "12.4", "10.5", 2),
         _kr("Lege kilometers", "", PERCENT, 22, 15),
         _kr("Elektrische bestelwagens in de vloot", "", NUMBER, 2, 8)),
    ),
    (
        "nps", "Sales & Service", True, "Klanttevredenheid (NPS) naar 45",
        "Snel antwoord, weten waar je zending is, en een vast aanspreekpunt.",
        (_kr("Net Promoter Score", "", NUMBER, 31, 45, 2),
         _kr("Klantvragen binnen 24 uur beantwoord", "", PERCENT, 78, 95)),
    ),
    (
        "revenue", "Finance", False, "Omzet naar € 24 miljoen", "",
        (_kr("Omzet", "", EURO, 20_600_000, 24_000_000, 2),
         _kr("Brutomarge", "", PERCENT, "11.5", 13)),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class _TeamGoal:
    key: str
    title: str
    parent: str
    results: tuple[_Result, ...] = ()
    visibility: str = Goal.Visibility.ORGANISATION
    # A department's goal rolls up from its teams' goals.
    rollup: bool = False


_TEAM_GOALS = {
    "Operations": (
        _TeamGoal("ops_on_time", "Operations levert 98% op tijd", "on_time", rollup=True),
    ),
    "Planning": (
        _TeamGoal("plan_ahead", "Ritplanning een dag vooruit rond", "ops_on_time", (
            _kr("Ritten uiterlijk 16:00 de dag ervoor gepland", "", PERCENT, 70, 95, 2),
            _kr("Spoedritten per week", "", NUMBER, 25, 10))),
        _TeamGoal("backhaul", "Meer retourladingen, minder lege kilometers", "co2", (
            _kr("Ritten met retourlading", "", PERCENT, 30, 50),)),
    ),
    "Warehouse Almere": (
        _TeamGoal("same_day", "Orders dezelfde dag de deur uit", "ops_on_time", (
            _kr("Orders vóór 15:00 verzonden", "", PERCENT, 88, 97, 2),
            _kr("Pickfouten per 1.000 orders", "", NUMBER, "4.5", 2))),
        _TeamGoal("safety", "Veilig werken in het magazijn", "", (
            _kr("Dagen zonder ongeval met verzuim", "", NUMBER, 0, 90),),
            visibility=Goal.Visibility.TEAM),
    ),
    "Transport": (
        _TeamGoal("fuel", "Zuiniger rijden", "co2", (
            _kr("Gemiddeld verbruik (l/100 km)", "", NUMBER, 31, 28, 2),
            _kr("Chauffeurs met training Het Nieuwe Rijden", "", PERCENT, 40, 100))),
        _TeamGoal("window", "Afleveren binnen het tijdvenster", "ops_on_time", (
            _kr("Afleveringen binnen tijdvenster", "", PERCENT, 90, 98),)),
    ),
    "Sales & Service": (
        _TeamGoal("customers", "Klanten bevelen ons aan", "nps", rollup=True),
    ),
    "Sales": (
        _TeamGoal("new_business", "Nieuwe klanten in Flevoland", "revenue", (
            _kr("Nieuwe contracten", "", NUMBER, 0, 8),
            _kr("Nieuwe omzet op jaarbasis", "", EURO, 0, 600_000, 2))),
        _TeamGoal("retain", "Bestaande klanten behouden", "customers", (
            _kr("Klantverloop", "", PERCENT, 8, 4),)),
    ),
    "Klantenservice": (
        _TeamGoal("fast_answers", "Sneller en vriendelijker antwoord", "customers", (
            _kr("Vragen binnen 24 uur beantwoord", "", PERCENT, 78, 95, 2),
            _kr("Gemiddelde afhandeltijd (minuten)", "", NUMBER, 14, 9),
            _kr("Klantcijfer na contact", "", NUMBER, "7.6", "8.5"))),
    ),
    "Finance": (
        _TeamGoal("cost", "Kosten per zending omlaag", "revenue", (
            _kr("Kosten per zending", "", EURO, "18.40", "16.90", 2),
            _kr("Facturen binnen 30 dagen betaald", "", PERCENT, 82, 92))),
        _TeamGoal("month_end", "Snellere maandafsluiting", "", (
            _kr("Werkdagen tot de maandafsluiting", "", NUMBER, 9, 5),),
            visibility=Goal.Visibility.TEAM),
    ),
    "People & Culture": (
        _TeamGoal("absence", "Verzuim onder de 5%", "", (
            _kr("Ziekteverzuim", "", PERCENT, "6.8", 5),)),
        _TeamGoal("development", "Iedereen een ontwikkelplan", "", (
            _kr("Medewerkers met een ontwikkelplan", "", PERCENT, 35, 80),)),
    ),
    "IT": (
        _TeamGoal("tracking", "Track & trace voor elke zending", "nps", (
            _kr("Zendingen met live track & trace", "", PERCENT, 45, 100, 2),
            _kr("Koppelingen met vervoerders live", "", NUMBER, 1, 6))),
        _TeamGoal("stable", "Stabiel planningssysteem", "on_time", (
            _kr("Storingen per maand", "", NUMBER, 6, 1),)),
    ),
}  # fmt: skip

# What the people of each team work on; a person gets one or two of these.
_PERSONAL = {
    "Planning": (
        _t("Ritten Almere-Oost uiterlijk 16:00 gepland", "Plan the Almere-Oost routes by 4 pm",
           OBJECTIVE,
           _kr("Ritten op tijd gepland", "Routes planned on time", PERCENT, 65, 95),
           parent="plan_ahead"),
        _t("Retourladingen vinden voor de Duitsland-ritten",
           "Find return loads for the Germany routes", OBJECTIVE,
           _kr("Ritten met retourlading", "Routes with a return load", PERCENT, 20, 45),
           parent="backhaul"),
        _t("Spoedritten terugdringen", "Fewer rush routes", KPI,
           _kr("Spoedritten per week", "Rush routes per week", NUMBER, 12, 5),
           parent="plan_ahead"),
        _t("Nieuwe planningsmodule in gebruik nemen", "Start using the new planning module",
           MILESTONE, parent="plan_ahead"),
        _t("Dashboard beladingsgraad bouwen", "Build a load-factor dashboard", MILESTONE,
           parent="backhaul"),
    ),
    "Warehouse Almere": (
        _t("Pickfouten in mijn zone halveren", "Halve the picking errors in my zone", KPI,
           _kr("Pickfouten per 1.000 orders", "Picking errors per 1,000 orders", NUMBER, 5,
               "2.5"),
           parent="same_day"),
        _t("Orders vóór 15:00 klaar voor verzending", "Orders ready to ship by 3 pm",
           OBJECTIVE,
           _kr("Orders vóór 15:00 klaar", "Orders ready by 3 pm", PERCENT, 85, 97),
           parent="same_day"),
        _t("Heftruckcertificaat behalen", "Get the forklift certificate", BINARY,
           parent="safety"),
        _t("Retouren binnen twee dagen verwerkt", "Process returns within two days", KPI,
           _kr("Doorlooptijd retouren (dagen)", "Return processing time (days)", NUMBER, 4, 2),
           parent="same_day"),
        _t("Werkplek elke dag 5S-proof", "A 5S workplace every day", MILESTONE,
           parent="safety"),
    ),
    "Transport": (
        _t("Zuiniger rijden met Het Nieuwe Rijden", "Lower fuel use with eco-driving", KPI,
           _kr("Verbruik (l/100 km)", "Fuel use (l/100 km)", NUMBER, 32, 28),
           parent="fuel"),
        _t("Training Het Nieuwe Rijden afronden", "Finish the eco-driving course", BINARY,
           parent="fuel"),
        _t("Afleveringen binnen het tijdvenster", "Deliveries within the time window",
           OBJECTIVE,
           _kr("Afleveringen op tijd", "Deliveries on time", PERCENT, 90, 98),
           parent="window"),
        _t("Schadevrij rijden", "Drive without damage", KPI,
           _kr("Schades dit kwartaal", "Damage incidents this quarter", NUMBER, 3, 0),
           parent="window"),
        _t("Digitale vrachtbrief bij elke rit", "A digital consignment note on every route",
           OBJECTIVE,
           _kr("Ritten met e-CMR", "Routes with e-CMR", PERCENT, 30, 90),
           parent="window"),
    ),
    "Sales": (
        _t("Nieuwe klanten in de regio Almere", "New customers around Almere", OBJECTIVE,
           _kr("Nieuwe contracten", "New contracts", NUMBER, 0, 3),
           _kr("Nieuwe omzet op jaarbasis", "New annual revenue", EURO, 0, 200_000),
           parent="new_business"),
        _t("Kwartaalgesprek met mijn top-10 klanten", "Quarterly reviews with my top 10 customers",
           OBJECTIVE,
           _kr("Gesprekken gevoerd", "Reviews held", NUMBER, 0, 10),
           parent="retain"),
        _t("Offertes binnen 48 uur", "Quotes within 48 hours", KPI,
           _kr("Offertes binnen 48 uur verstuurd", "Quotes sent within 48 hours", PERCENT, 60,
               90),
           parent="new_business"),
        _t("Pijplijn in het CRM op orde", "A clean pipeline in the CRM", MILESTONE,
           parent="new_business"),
    ),
    "Klantenservice": (
        _t("Vragen binnen 24 uur beantwoorden", "Answer questions within 24 hours", KPI,
           _kr("Binnen 24 uur beantwoord", "Answered within 24 hours", PERCENT, 75, 95),
           parent="fast_answers"),
        _t("Afhandeltijd per gesprek omlaag", "Shorter handling time per call", KPI,
           _kr("Afhandeltijd (minuten)", "Handling time (minutes)", NUMBER, 14, 9),
           parent="fast_answers"),
        _t("Kennisbank aanvullen", "Add to the knowledge base", OBJECTIVE,
           _kr("Artikelen gepubliceerd", "Articles published", NUMBER, 0, 15),
           parent="fast_answers"),
    ),
    "Finance": (
        _t("Maandafsluiting binnen vijf werkdagen", "Month-end close within five working days",
           KPI,
           _kr("Werkdagen tot afsluiting", "Working days to close", NUMBER, 9, 5),
           parent="month_end"),
        _t("Openstaande debiteuren terugdringen", "Reduce overdue receivables", KPI,
           _kr("Debiteuren ouder dan 30 dagen", "Receivables over 30 days", EURO, 420_000,
               250_000),
           parent="cost"),
        _t("Kostprijsmodel per zending opzetten", "Build a cost-per-shipment model", MILESTONE,
           parent="cost"),
    ),
    "People & Culture": (
        _t("Verzuimgesprekken binnen een week", "Absence conversations within a week", KPI,
           _kr("Gesprekken binnen een week", "Conversations within a week", PERCENT, 60, 95),
           parent="absence"),
        _t("Vacatures chauffeurs sneller vervullen", "Fill driver vacancies faster", KPI,
           _kr("Dagen tot vervulling", "Days to fill", NUMBER, 62, 40),
           parent="absence"),
    ),
    "IT": (
        _t("Koppeling track & trace met de vervoerders", "Track & trace link with the carriers",
           OBJECTIVE,
           _kr("Vervoerders gekoppeld", "Carriers connected", NUMBER, 1, 6),
           parent="tracking"),
        _t("Storingen planningssysteem terugdringen", "Fewer planning-system outages", KPI,
           _kr("Storingen per maand", "Outages per month", NUMBER, 6, 1),
           parent="stable"),
        _t("Back-ups elke maand getest", "Test the backups every month", OBJECTIVE,
           _kr("Geteste back-ups", "Backups tested", NUMBER, 0, 3),
           parent="stable"),
        _t("Dashboard leveringen op tijd in Power BI", "On-time delivery dashboard in Power BI",
           MILESTONE, parent="tracking"),
    ),
    "Directie": (
        _t("Directieoverleg digitaal vastleggen", "Record management meetings digitally",
           MILESTONE),
    ),
}  # fmt: skip

# The lead of each team (its head, for a department) on what they do themselves.
_LEADS = {
    "Operations": _t("Aanbesteding elektrische bestelwagens afronden",
                     "Finish the tender for electric vans", MILESTONE, parent="co2"),
    "Planning": _t("Twee junior planners zelfstandig laten plannen",
                   "Get two junior planners planning on their own", OBJECTIVE,
                   _kr("Planners die zelfstandig plannen", "Planners planning on their own",
                       NUMBER, 0, 2),
                   parent="plan_ahead"),
    "Warehouse Almere": _t("Nieuwe indeling pickzone B", "New layout for picking zone B",
                           MILESTONE, parent="same_day"),
    "Transport": _t("Rittijden analyseren met de boordcomputer",
                    "Analyse route times with the on-board computer", MILESTONE,
                    parent="window"),
    "Sales & Service": _t("NPS-meting na elke levering invoeren",
                          "Introduce an NPS survey after every delivery", MILESTONE,
                          parent="nps"),
    "Sales": _t("Salesplan Flevoland {next_year} opstellen",
                "Write the Flevoland sales plan for {next_year}", MILESTONE,
                parent="new_business"),
    "Klantenservice": _t("Klantenservice ook op zaterdag bereikbaar",
                         "Customer service open on Saturdays", BINARY, parent="fast_answers"),
    "Finance": _t("Begroting {next_year} vastgesteld", "Budget {next_year} approved", BINARY,
                  parent="revenue"),
    "People & Culture": _t("Nieuw format voor ontwikkelgesprekken invoeren",
                           "Introduce the new development conversation format", MILESTONE,
                           parent="development"),
    "IT": _t("Plan voor de migratie naar de cloud", "Plan the move to the cloud", MILESTONE,
             parent="stable"),
}  # fmt: skip

_DEVELOPMENT = (
    ("Cursus Excel gevorderd afronden", "Finish the advanced Excel course"),
    ("Training Situationeel Leiderschap volgen", "Take the Situational Leadership course"),
    ("Power BI-certificering halen", "Get the Power BI certification"),
    ("Leren delegeren: één verantwoordelijkheid overdragen",
     "Learn to delegate: hand over one responsibility"),
    ("Cursus timemanagement volgen", "Take a time-management course"),
)  # fmt: skip
_DEVELOPMENT_DRIVERS = ("Code 95-nascholing afronden", "Complete the Code 95 refresher training")

_REFLECTIONS = {
    ("nl", "achieved"): (
        "Gehaald, mede dankzij de goede samenwerking met Transport.",
        "Gelukt: de nieuwe werkwijze staat en het team gebruikt hem.",
        "Ruim op tijd klaar; de laatste weken vooral geborgd.",
    ),
    ("nl", "missed"): (
        "Niet gehaald: door ziekte in het team ging de dagelijkse operatie voor.",
        "Halverwege bleek de data niet betrouwbaar; eerst met IT opgelost.",
        "Te ambitieus ingeschat. Volgend kwartaal een realistischer doel.",
    ),
    ("nl", "dropped"): ("Geschrapt: de klant heeft het contract opgezegd.",),
    ("en", "achieved"): (
        "Achieved, thanks to good teamwork with Transport.",
        "Done: the new way of working is in place and the team uses it.",
    ),
    ("en", "missed"): (
        "Missed: illness in the team meant daily operations came first.",
        "The data turned out to be unreliable halfway through; fixed that with IT first.",
    ),
    ("en", "dropped"): ("Dropped: the customer ended the contract.",),
}

_UPDATE_NOTES = {
    ("nl", Goal.Status.ON_TRACK): (
        "Goed op schema.",
        "Deze week weer een stap verder.",
        "Loopt volgens plan.",
        "De nieuwe werkwijze werkt goed.",
    ),
    ("nl", Goal.Status.AT_RISK): (
        "Twee collega's ziek, iets achter.",
        "Wacht op een aanpassing in het TMS.",
        "Drukte rond de feestdagen kost tijd.",
        "De data uit het systeem klopt nog niet helemaal.",
    ),
    ("nl", Goal.Status.OFF_TRACK): (
        "Flink achter; bespreek ik in het 1-op-1.",
        "De dagelijkse operatie had de afgelopen weken voorrang.",
    ),
    ("en", Goal.Status.ON_TRACK): (
        "On track.",
        "Another step forward this week.",
        "Going to plan, no blockers.",
    ),
    ("en", Goal.Status.AT_RISK): (
        "Slightly behind: two colleagues off sick.",
        "Waiting for a change in the TMS.",
    ),
    ("en", Goal.Status.OFF_TRACK): ("Well behind; I'll raise it in our one-to-one.",),
}

# (manager's question, report's answer, manager's follow-up) per language.
_CONVERSATIONS = {
    "nl": (
        (
            "Mooi resultaat deze week, {first}!",
            "Dank je! Volgende week verwacht ik de laatste stap te zetten.",
            "",
        ),
        (
            "Waar loop je tegenaan? Zullen we het donderdag in ons 1-op-1 bespreken?",
            "Graag. De data uit het TMS klopt niet; IT kijkt ernaar.",
            "Ik vraag Martijn of het deze week kan.",
        ),
        (
            "Kan ik ergens mee helpen?",
            "Een extra paar handen op maandagochtend zou veel schelen.",
            "",
        ),
        ("Goed dat je dit oppakt.", "", ""),
    ),
    "en": (
        (
            "Great result this week, {first}!",
            "Thanks! I expect to finish the last step next week.",
            "",
        ),
        (
            "What's holding this up? Shall we talk about it in our one-to-one on Thursday?",
            "Yes please. The TMS data is off; IT is looking into it.",
            "I'll ask Martijn whether they can fix it this week.",
        ),
        ("Anything I can help with?", "An extra pair of hands on Monday mornings would help.", ""),
    ),
}


# --- The plan --------------------------------------------------------------------------------

# How fast a goal moves compared with the calendar: ahead, on track, behind, stuck.
_PACES = ((1.25, 2), (1.0, 5), (0.7, 3), (0.4, 1))


@dataclass
class _Tick:
    at: datetime.datetime
    progress: Decimal
    status: str
    values: list[Decimal]
    author: int | None
    comment: str = ""


@dataclass
class _Plan:
    title: str
    level: str
    kind: str
    visibility: str
    period: str
    start: datetime.date
    end: datetime.date
    owner: Person | None = None
    team_id: int | None = None
    lead: Person | None = None  # who reports on a team or organisation goal
    description: str = ""
    parent: "_Plan | None" = None
    is_strategic: bool = False
    results: list[_Result] = field(default_factory=list)
    rollup: bool = False
    language: str = "nl"
    pace: float | None = None  # how fast it moves compared with the calendar
    outcome: str = ""  # achieved/missed/dropped for last quarter's goals
    reflection: str = ""
    closed_at: datetime.datetime | None = None
    created_at: datetime.datetime | None = None
    via: str = ""  # "service" or "carry_over": written through the services
    carried_from: "_Plan | None" = None
    ticks: list[_Tick] = field(default_factory=list)
    children: list["_Plan"] = field(default_factory=list)
    goal: Goal | None = None
    key_results: list[KeyResult] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1

    @property
    def progress_mode(self) -> str:
        if self.rollup:
            return Goal.ProgressMode.CHILDREN
        return services.default_progress_mode(self.kind)

    @property
    def final(self) -> _Tick | None:
        return self.ticks[-1] if self.ticks else None

    def values(self) -> list[Decimal]:
        final = self.final
        return final.values if final and final.values else [r.start for r in self.results]


class _Planner:
    def __init__(self, *, seed: int, today: datetime.date, now: datetime.datetime):
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        self.today = today
        self.now = now
        self.quarter = quarter_of(today)
        self.previous = quarter_of(self.quarter.start - datetime.timedelta(days=1))
        self.plans: list[_Plan] = []
        self.by_key: dict[str, _Plan] = {}

    # -- people --

    def load_people(self, result: DemoResult) -> None:
        people = list(Person.objects.select_related("user", "team").order_by("pk"))
        self.current = [p for p in people if p.end_date is None or p.end_date >= self.today]
        by_id = {p.pk: p for p in people}
        self.by_email = {p.user.email: p for p in people}
        self.members: dict[str, list[Person]] = defaultdict(list)
        self.leads: dict[str, Person] = {}
        for person in self.current:
            name = person.team.name
            manager = by_id.get(person.manager_id)
            if manager is None or manager.team_id != person.team_id:
                self.leads.setdefault(name, person)
            else:
                self.members[name].append(person)
        self.managers = {p.pk: by_id.get(p.manager_id) for p in people}
        self.hr = self.by_email[result.sign_in("hr").email]
        self.employee = self.by_email[result.sign_in("employee").email]
        self.employee_en = self.by_email[result.sign_in("employee (English)").email]

    def language(self, person: Person) -> str:
        return ENGLISH if person.user.language == ENGLISH else "nl"

    # -- goals --

    def add(self, plan: _Plan, key: str = "") -> _Plan:
        if plan.pace is None:
            plan.pace = self.rng.choices(*zip(*_PACES, strict=True))[0]
        if plan.parent is not None:
            plan.parent.children.append(plan)
        self.plans.append(plan)
        if key:
            self.by_key[key] = plan
        return plan

    def organisation(self) -> None:
        year_start = datetime.date(self.today.year, 1, 1)
        year_end = datetime.date(self.today.year, 12, 31)
        for key, team, strategic, title, description, results in _ORGANISATION:
            self.add(
                _Plan(
                    title=title,
                    description=description,
                    level=Goal.Level.ORGANISATION,
                    kind=OBJECTIVE,
                    visibility=Goal.Visibility.ORGANISATION,
                    period=Goal.Period.YEAR,
                    start=year_start,
                    end=year_end,
                    lead=self.leads.get(team),
                    is_strategic=strategic,
                    results=list(results),
                    # A year's ambition is rarely ahead of the calendar.
                    pace=self.rng.choice((0.95, 0.85, 0.75)),
                    via="service",
                ),
                key,
            )

    def teams(self) -> None:
        teams = {p.team.name: p.team_id for p in self.current}
        for name, goals in _TEAM_GOALS.items():
            for spec in goals:
                self.add(
                    _Plan(
                        title=spec.title,
                        level=Goal.Level.TEAM,
                        kind=OBJECTIVE if spec.results or spec.rollup else MILESTONE,
                        visibility=spec.visibility,
                        period=Goal.Period.QUARTER,
                        start=self.quarter.start,
                        end=self.quarter.end,
                        team_id=teams[name],
                        lead=self.leads.get(name),
                        parent=self.by_key.get(spec.parent),
                        results=list(spec.results),
                        rollup=spec.rollup,
                    ),
                    spec.key,
                )

    def personal(self, person: Person, template: _Template, **kwargs) -> _Plan:
        english = self.language(person) == ENGLISH
        kwargs.setdefault("start", self.quarter.start)
        kwargs.setdefault("end", self.quarter.end)
        kwargs.setdefault("parent", self.by_key.get(template.parent))
        if template.kind == Goal.Kind.DEVELOPMENT:
            kwargs["visibility"] = Goal.Visibility.PRIVATE
        kwargs.setdefault(
            "visibility",
            Goal.Visibility.ORGANISATION if self.rng.random() < 0.55 else Goal.Visibility.TEAM,
        )
        results = [
            _Result(r.en if english else r.nl, r.en, r.unit, r.start, r.target, r.weight)
            for r in template.results
        ]
        title = template.en if english else template.nl
        return self.add(
            _Plan(
                title=title.format(next_year=self.today.year + 1),
                level=Goal.Level.PERSONAL,
                kind=template.kind,
                period=Goal.Period.QUARTER,
                owner=person,
                results=results,
                language=self.language(person),
                **kwargs,
            )
        )

    def development(self, person: Person, titles: tuple[str, str], **kwargs) -> _Plan:
        return self.personal(
            person, _Template(titles[0], titles[1], Goal.Kind.DEVELOPMENT), parent=None, **kwargs
        )

    def people(self) -> None:
        rng = self.rng
        special = {self.employee.pk, self.employee_en.pk}
        for name, lead in self.leads.items():
            if name in _LEADS:
                self.personal(lead, _LEADS[name])
        for name, members in self.members.items():
            templates = _PERSONAL.get(name, ())
            for person in members:
                if person.pk in special or not templates or rng.random() < 0.1:
                    continue
                count = min(len(templates), 2 if rng.random() < 0.4 else 1)
                for template in rng.sample(templates, count):
                    self.personal(person, template)

        # The demo sign-ins' own story.
        planning = _PERSONAL["Planning"]
        self.personal(self.employee, planning[0], visibility=Goal.Visibility.ORGANISATION)
        self.development(
            self.employee,
            ("Presenteren: twee keer de dagstart leiden", "Present: lead the morning briefing"),
        )
        lelystad = _t(
            "Routeplanning Lelystad optimaliseren", "", OBJECTIVE,
            _kr("Ritten met de optimale route", "", PERCENT, 40, 80),
        )  # fmt: skip
        missed = self.closed(
            self.employee, lelystad, "missed", pace=0.55, visibility=Goal.Visibility.ORGANISATION
        )
        missed.reflection = (
            "Halverwege kwam er een grote klant in Lelystad bij en liep de data achter. "
            "Volgend kwartaal verder, met betere data van IT."
        )
        self.closed(self.employee, _Template(*_DEVELOPMENT[0], Goal.Kind.DEVELOPMENT), "achieved")
        self.personal(
            self.employee,
            _t(lelystad.nl, "", OBJECTIVE, parent="plan_ahead"),
            visibility=Goal.Visibility.ORGANISATION,
            via="carry_over",
            carried_from=missed,
        )
        self.personal(self.employee_en, planning[4])
        self.development(self.employee_en, ("Nederlands naar niveau B1", "Improve my Dutch to B1"))
        self.closed(
            self.employee_en,
            _t("", "Map the planning data flows", MILESTONE),
            "achieved",
        )

        # A few more development goals, private to the person, their managers and HR.
        candidates = [p for p in self.current if p.pk not in special and p.manager_id]
        for person in rng.sample(candidates, 6):
            titles = (
                _DEVELOPMENT_DRIVERS
                if person.team.name == "Transport"
                else rng.choice(_DEVELOPMENT)
            )
            self.development(person, titles)

        # Last quarter: some goals achieved, some missed, one dropped.
        for person in rng.sample(candidates, 12):
            templates = _PERSONAL.get(person.team.name)
            if templates:
                outcome = rng.choices(("achieved", "missed", "dropped"), (6, 3, 1))[0]
                self.closed(person, rng.choice(templates), outcome)

    def closed(self, person: Person, template: _Template, outcome: str, **kwargs) -> _Plan:
        """A goal of last quarter, closed a few days after its end."""
        pace = (
            kwargs.pop("pace", None)
            or {
                "achieved": 1.1,
                "missed": self.rng.uniform(0.45, 0.8),
                "dropped": self.rng.uniform(0.2, 0.4),
            }[outcome]
        )
        closing = self.previous.end + datetime.timedelta(days=self.rng.randint(2, 6))
        plan = self.personal(
            person,
            template,
            start=self.previous.start,
            end=self.previous.end,
            parent=None,
            pace=pace,
            outcome=outcome,
            closed_at=self.moment(closing),
            **kwargs,
        )
        plan.reflection = self.rng.choice(_REFLECTIONS[(plan.language, outcome)])
        return plan

    # -- timelines --

    def moment(self, day: datetime.date) -> datetime.datetime:
        """A working hour on `day`, never in the future."""
        at = timezone.make_aware(
            datetime.datetime.combine(
                day, datetime.time(self.rng.randint(8, 17), self.rng.randint(0, 59))
            )
        )
        return min(at, self.now - datetime.timedelta(minutes=self.rng.randint(5, 50)))

    def days(self, plan: _Plan) -> list[datetime.date]:
        """Roughly weekly, over the last ten weeks of the goal's period so far (a closed goal:
        over its whole period)."""
        last = min(plan.end, self.today)
        first = plan.start if plan.outcome else max(plan.start, self.today - HISTORY)
        day = first + datetime.timedelta(days=self.rng.randint(2, 6))
        days = []
        while day <= last:
            if not days or self.rng.random() > 0.12:
                days.append(day)
            day += datetime.timedelta(days=7 + self.rng.randint(-1, 1))
        return days

    def author(self, plan: _Plan) -> int | None:
        if plan.owner is not None:
            manager = self.managers.get(plan.owner.pk)
            if manager is not None and self.rng.random() < 0.15:
                return manager.user_id
            return plan.owner.user_id
        return plan.lead.user_id if plan.lead else self.hr.user_id

    def timeline(self, plan: _Plan) -> None:
        rng = self.rng
        span = max(1, (plan.end - plan.start).days)
        # Key results of one goal move at somewhat different speeds.
        offsets = [rng.uniform(-0.15, 0.15) for _ in plan.results]
        fraction = 0.0
        days = self.days(plan)
        for index, day in enumerate(days):
            elapsed = min(1.0, (day - plan.start).days / span)
            fraction = max(fraction, min(1.0, elapsed * plan.pace + rng.uniform(-0.04, 0.04)))
            if plan.outcome == "achieved" and index == len(days) - 1:
                fraction = 1.0
            values = [
                _value(r, 1.0 if fraction >= 1 else min(1.0, max(0.0, fraction * (1 + o))))
                for r, o in zip(plan.results, offsets, strict=True)
            ]
            if plan.rollup:
                progress = rolled_up_progress(
                    _progress_on(child, day)
                    for child in plan.children
                    if child.outcome != "dropped"
                )
            elif values:
                progress = weighted_progress(
                    (key_result_progress(start=r.start, target=r.target, current=v), r.weight)
                    for r, v in zip(plan.results, values, strict=True)
                )
            elif plan.kind == BINARY:
                progress = Decimal(100 if fraction >= 1 else 0)
            else:
                progress = rounded(Decimal(round(fraction * 20) * 5))
            status = _status(progress, elapsed)
            author = self.author(plan)
            language = plan.language
            comment = ""
            if rng.random() < 0.3:
                comment = rng.choice(_UPDATE_NOTES[(language, status)])
            plan.ticks.append(_Tick(self.moment(day), progress, status, values, author, comment))

    def plan(self, result: DemoResult) -> None:
        self.load_people(result)
        self.organisation()
        self.teams()
        self.people()
        # A carried-over goal after the goal it continues (its key results start where that
        # one's stopped); roll-ups last, deepest first, as they read their children's progress.
        for plan in sorted(self.plans, key=lambda p: (p.rollup, p.via == "carry_over", -p.depth)):
            if plan.via == "carry_over":
                old = plan.carried_from
                plan.results = [
                    _Result(r.nl, r.en, r.unit, value, r.target, r.weight)
                    for r, value in zip(old.results, old.values(), strict=True)
                    # What the service carries over: the results not reached yet.
                    if value != r.target
                ]
            self.timeline(plan)
        for plan in self.plans:
            plan.created_at = self.moment(
                min(self.today, plan.start + datetime.timedelta(days=self.rng.randint(0, 5)))
            )
            if plan.ticks:
                plan.created_at = min(plan.created_at, plan.ticks[0].at)


def _value(result: _Result, fraction: float) -> Decimal:
    """Where a key result stands when `fraction` of the way: counts (and whole percentages
    over a wide range) in whole numbers, large sums of money in thousands, cents for small
    sums, the rest in tenths."""
    span = result.target - result.start
    raw = result.start + span * Decimal(str(round(fraction, 4)))
    whole = result.start == result.start.to_integral() and result.target == (
        result.target.to_integral()
    )
    if result.unit == EURO and abs(span) >= 100_000:
        step = Decimal(1000)
    elif whole and (abs(span) >= 10 or result.unit == NUMBER):
        step = Decimal(1)
    elif result.unit == EURO:
        step = CENT
    else:
        step = Decimal("0.1")
    return ((raw / step).to_integral_value() * step).quantize(CENT)


def _status(progress: Decimal, elapsed: float) -> str:
    expected = Decimal(str(elapsed)) * 100
    if progress >= 100 or expected < 15 or progress >= expected * Decimal("0.8"):
        return Goal.Status.ON_TRACK
    if progress >= expected * Decimal("0.5"):
        return Goal.Status.AT_RISK
    return Goal.Status.OFF_TRACK


def _progress_on(plan: _Plan, day: datetime.date) -> Decimal:
    progress = Decimal(0)
    for tick in plan.ticks:
        if tick.at.date() > day:
            break
        progress = tick.progress
    return progress


# --- Writing ---------------------------------------------------------------------------------


def _final_fields(plan: _Plan) -> dict:
    final = plan.final
    closed = bool(plan.outcome)
    return {
        "progress": final.progress if final else Decimal(0),
        "status": plan.outcome or (final.status if final else Goal.Status.ON_TRACK),
        "last_update_at": final.at if final else None,
        "closed_at": plan.closed_at if closed else None,
        "reflection": plan.reflection,
        "version": 1 + len(plan.ticks) + closed,
        "created_at": plan.created_at,
        "updated_at": plan.closed_at or (final.at if final else plan.created_at),
    }


def _write(planner: _Planner) -> DemoGoalsResult:
    hr_user = planner.hr.user
    plans = planner.plans

    # The organisation's goals through the service, as HR would (audit entries included).
    for plan in plans:
        if plan.via != "service":
            continue
        plan.goal = services.goal_create(
            actor=hr_user,
            level=plan.level,
            title=plan.title,
            description=plan.description,
            kind=plan.kind,
            visibility=plan.visibility,
            period=plan.period,
            start_date=plan.start,
            end_date=plan.end,
            is_strategic=plan.is_strategic,
            key_results=[
                services.KeyResultInput(r.nl, r.start, r.target, None, r.unit, r.weight)
                for r in plan.results
            ],
        )
        plan.key_results = list(plan.goal.key_results.order_by("position"))

    # Everything else in bulk, a level of the tree at a time (parents need their ids).
    bulk = [p for p in plans if not p.via]
    for depth in sorted({p.depth for p in bulk}):
        level = [p for p in bulk if p.depth == depth]
        goals = Goal.objects.bulk_create(
            Goal(
                title=p.title,
                description=p.description,
                level=p.level,
                owner=p.owner,
                team_id=p.team_id,
                created_by_id=p.owner.user_id if p.owner else (p.lead or planner.hr).user_id,
                kind=p.kind,
                visibility=p.visibility,
                period=p.period,
                start_date=p.start,
                end_date=p.end,
                parent=p.parent.goal if p.parent else None,
                is_strategic=p.is_strategic,
                progress_mode=p.progress_mode,
                **_final_fields(p),
            )
            for p in level
        )
        for plan, goal in zip(level, goals, strict=True):
            plan.goal = goal
    results = KeyResult.objects.bulk_create(
        KeyResult(
            goal=p.goal,
            title=r.nl,
            unit=r.unit,
            direction=(
                KeyResult.Direction.INCREASE if r.target > r.start else KeyResult.Direction.DECREASE
            ),
            start_value=r.start,
            target_value=r.target,
            current_value=value,
            weight=r.weight,
            position=position,
        )
        for p in bulk
        for position, (r, value) in enumerate(zip(p.results, p.values(), strict=True))
    )
    by_goal = defaultdict(list)
    for result in results:
        by_goal[result.goal_id].append(result)
    for plan in bulk:
        plan.key_results = by_goal[plan.goal.pk]

    # Carrying over, through the service: the new goal's key results start where the old stop.
    for plan in plans:
        if plan.via == "carry_over":
            old = plan.carried_from
            plan.goal = services.goal_carry_over(
                goal=old.goal, actor=old.owner.user, reflection=old.reflection
            )
            plan.key_results = list(plan.goal.key_results.order_by("position"))

    # What the services wrote is brought up to date with its history.
    through_services = [p for p in plans if p.via]
    for plan in through_services:
        for name, value in _final_fields(plan).items():
            setattr(plan.goal, name, value)
        plan.goal.parent = plan.parent.goal if plan.parent else None
        for result, value in zip(plan.key_results, plan.values(), strict=True):
            result.current_value = value
    Goal.objects.bulk_update(
        [p.goal for p in through_services], [*_final_fields(through_services[0]), "parent"]
    )
    KeyResult.objects.bulk_update(
        [r for p in through_services for r in p.key_results], ["current_value"]
    )
    _restamp(Goal, [(p.goal.pk, p.created_at, _final_fields(p)["updated_at"]) for p in bulk])

    updates = []
    moments = []
    for plan in plans:
        for tick in plan.ticks:
            updates.append(
                GoalUpdate(
                    goal=plan.goal,
                    author_id=tick.author,
                    progress=tick.progress,
                    status=tick.status,
                    comment=tick.comment,
                    values=[
                        {"key_result": str(r.public_id), "title": r.title, "value": str(v)}
                        for r, v in zip(plan.key_results, tick.values, strict=True)
                    ],
                )
            )
            moments.append(tick.at)
    updates = GoalUpdate.objects.bulk_create(updates, batch_size=1000)
    _restamp(GoalUpdate, [(u.pk, at, at) for u, at in zip(updates, moments, strict=True)])

    comments = _comments(planner)

    strategic = [p.goal for p in plans if p.is_strategic]
    audit_record(
        actor=None,
        action="goals.demo_seeded",
        obj=strategic[0],
        after={"goals": len(plans), "updates": len(updates), "comments": comments},
    )
    return DemoGoalsResult(
        goals=len(plans),
        strategic=len(strategic),
        key_results=sum(len(p.key_results) for p in plans),
        updates=len(updates),
        comments=comments,
        seconds=0.0,
    )


def _comments(planner: _Planner) -> int:
    """Conversations between managers and their reports on a few of the reports' goals."""
    rng = planner.rng
    threads = [
        p
        for p in planner.plans
        if p.owner is not None
        and not p.outcome
        and planner.managers.get(p.owner.pk) is not None
        and p.ticks
    ]
    # The demo employee's first goal has a conversation, if it has a history yet.
    mine = [p for p in threads if p.owner.pk == planner.employee.pk][:1]
    others = [p for p in threads if p not in mine]
    chosen = mine + rng.sample(others, min(18, len(others)))
    if not chosen:
        return 0
    comments, moments = [], []
    for plan in chosen:
        manager = planner.managers[plan.owner.pk]
        lines = rng.choice(_CONVERSATIONS[plan.language])
        at = planner.moment(plan.ticks[-1].at.date())
        for author, text in zip((manager, plan.owner, manager), lines, strict=True):
            if not text:
                break
            comments.append(
                GoalComment(
                    goal=plan.goal,
                    author_id=author.user_id,
                    text=text.format(first=plan.owner.first_name),
                )
            )
            moments.append(at)
            # The answer a few hours later, but not in the future.
            at = min(at + datetime.timedelta(hours=rng.randint(1, 20)), planner.now)
    # The first one through the service, as the manager writes it on the page.
    first = comments.pop(0)
    manager = planner.managers[chosen[0].owner.pk]
    written = [services.goal_comment(goal=first.goal, author=manager.user, text=first.text)]
    written += GoalComment.objects.bulk_create(comments, batch_size=1000)
    _restamp(GoalComment, [(c.pk, at, at) for c, at in zip(written, moments, strict=True)])
    return len(written)


def _restamp(model, stamps: list[tuple[int, datetime.datetime, datetime.datetime]]) -> None:
    """Give rows their moment in the story: bulk_create stamps `created_at` with the time of
    writing. One executemany; bulk_update's CASE expressions cost a second of Python for a
    thousand rows."""
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {quote('created_at')} = %s, "  # noqa: S608
        f"{quote('updated_at')} = %s WHERE {quote(model._meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql, [(adapt(created), adapt(updated), pk) for pk, created, updated in stamps]
        )


def extend_demo(
    *, result: DemoResult, seed: int = 1, today: datetime.date | None = None
) -> DemoGoalsResult | None:
    """Add goals to the demo organisation that `result` describes; nothing for any other."""
    if result.organisation != DEMO_ORGANISATION:
        return None
    started = time.perf_counter()
    planner = _Planner(seed=seed, today=today or timezone.localdate(), now=timezone.now())
    with transaction.atomic():
        planner.plan(result)
        summary = _write(planner)
    return dataclasses.replace(summary, seconds=time.perf_counter() - started)
