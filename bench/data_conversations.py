"""The conversations rows of the benchmark's generated organisation (bench/data.py): a year of
1:1s with their agendas, notes and action items, and the year's formal conversations.

What a year of use looks like:
- HR's catalogue, prepared before the roll-out: the questions of a functioneringsgesprek and
  of a beoordelingsgesprek, and the appraisal scale (an older scale archived). HR added the
  organisation's check-in questions four months into the year; `series_start` fixes a series'
  questions when it starts, so the series started before keep none. A few managers keep
  questions of their own (the manager persona among them), used by their series from then on.
- a 1:1 series between most current people and their manager, started when the manager took
  Stip up (most in the first month, the rest over the year) or a few weeks after the person
  joined; every week, two weeks or month. Not every planned 1:1 happens: a missed one moves to
  a later date, as people do, and the share that happens is what the row budget allows (the
  employee and HR personas meet their managers almost always, and write more). A held 1:1 has
  its shared notes (written in about half, with their revisions), talking points by both, some
  ticked off, action items, now and then a private note, and check-in answers where the series
  has questions. The next 1:1 is planned, and prepared by some; about one series in twelve is
  overdue (its planned 1:1 passed unheld). A few series were stopped.
- now and then an ad-hoc conversation, a few of them with the manager's manager;
- a functioneringsgesprek mid-year for many, a beoordelingsgesprek a year ago or these weeks
  for some (a few still to come), with reports in every state the services allow: none yet,
  draft, shared, responded, acknowledged, and a few corrections (a new version superseding the
  shared one). Some appraisals quote their 1:1 notes (`ReportQuote`, the quote block in the
  report's text, as `report_quote_note` writes it). The employee persona's functioneringsgesprek
  report was corrected once, and acknowledged; their appraisal of last week is a draft quoting
  two of their 1:1s.
- leavers keep what they had until their last day, their series stopped.

The rows are what the services would have left: one shared note per meeting whose version
counts its revisions (the last revision is the note), the template's questions on the agenda
of every meeting planned with it and talking points after them, the next planned 1:1 at the
series' `next_date`, private notes one per author (written, and read only through
`PrivateNote.objects.of(user)`: never shown to anyone else). The planned 1:1s have the
employee's open goals of the quarter on their agenda when the goals generator wrote any; held
ones leave goals out (the row budget). No audit entries: no conversations page reads them.
"""

import bisect
import datetime
import itertools
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count
from django.db.models.base import ModelState
from django.utils import timezone

from bench.data import DataContext, Staff, backdated
from stip.conversations import queries
from stip.conversations.models import (
    ActionItem,
    AgendaItem,
    Cadence,
    CheckInAnswer,
    CheckInQuestion,
    CheckInTemplate,
    FormalReport,
    Meeting,
    MeetingKind,
    PrivateNote,
    RatingLevel,
    RatingScale,
    ReportQuote,
    Series,
    SharedNote,
    SharedNoteRevision,
)
from stip.conversations.services import next_after, quote_block
from stip.core.models import User
from stip.goals import queries as goal_queries
from stip.goals.models import Goal
from stip.people.models import Person

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)
YEAR = 365
# Pairs per chunk: their rows are planned, given ids and inserted together (memory).
CHUNK = 500
# How often pairs meet, as weights.
CADENCES = ((Cadence.WEEKLY, 10), (Cadence.BIWEEKLY, 40), (Cadence.MONTHLY, 50))
TIMES = tuple(
    datetime.time(h, m) for h, m in ((9, 0), (9, 30), (10, 0), (11, 0), (13, 30), (14, 0), (15, 30))
)
# HR's check-in questions arrived this many days into the year of use.
CHECK_IN_INTRODUCED = 120
# Shares of pairs, per year.
WITH_SERIES = 0.88
OVERDUE = 0.08
STOPPED = 0.03
AD_HOC = 0.06
SKIP_LEVEL = 0.01
PERFORMANCE = 0.65
APPRAISAL_LAST_ROUND = 0.10
APPRAISAL_THIS_ROUND = 0.12
OWN_QUESTIONS = 0.06
# The share of planned 1:1s that happen: the row budget decides, within these bounds.
HELD_MIN, HELD_MAX = 0.2, 0.9
PERSONA_HELD = 0.92


@dataclass(frozen=True)
class Habits:
    """How much a pair writes around a meeting: chances and (count, weight) choices."""

    notes: float
    revisions: tuple[tuple[int, int], ...]
    talking_points: tuple[tuple[int, int], ...]
    actions: tuple[tuple[int, int], ...]
    private_manager: float
    private_employee: float
    answers: float
    # How many agreed actions get done (1: as usual; less: a backlog carried over).
    follow_through: float = 1.0


USUAL = Habits(
    notes=0.5,
    revisions=((1, 65), (2, 25), (3, 10)),
    talking_points=((0, 35), (1, 35), (2, 20), (3, 10)),
    actions=((0, 55), (1, 30), (2, 15)),
    private_manager=0.15,
    private_employee=0.06,
    answers=0.6,
)
# The employee and the manager persona: the 1:1 they share is the busiest.
KEEN = Habits(
    notes=0.9,
    revisions=((1, 40), (2, 35), (3, 25)),
    talking_points=((1, 30), (2, 40), (3, 20), (4, 10)),
    actions=((0, 10), (1, 40), (2, 35), (3, 15)),
    private_manager=0.5,
    private_employee=0.3,
    answers=0.9,
    follow_through=0.85,
)
FORMAL = Habits(
    notes=0.6,
    revisions=((1, 60), (2, 30), (3, 10)),
    talking_points=((0, 80), (1, 20)),
    actions=((0, 50), (1, 30), (2, 20)),
    private_manager=0.2,
    private_employee=0.1,
    answers=0.7,
)
PLANNED_TALKING_POINTS = ((0, 45), (1, 35), (2, 15), (3, 5))
ANSWERED_QUESTION = 0.9
DISCUSSED = 0.8
RATINGS = ((1, 3), (2, 12), (3, 55), (4, 25), (5, 5))


def _mean(choices: tuple[tuple[int, int], ...]) -> float:
    return sum(n * w for n, w in choices) / sum(w for _, w in choices)


def _held_rows(habits: Habits, questions: int) -> float:
    """The rows one held meeting brings, on average (what `_Writer.content` writes)."""
    return (
        2  # the meeting and its shared notes
        + habits.notes * _mean(habits.revisions)
        + _mean(habits.talking_points)
        + _mean(habits.actions)
        + habits.private_manager
        + habits.private_employee
        + questions * (1 + habits.answers * ANSWERED_QUESTION)
    )


# --- Texts -----------------------------------------------------------------------------------

NL, EN = "nl", "en"

TALKING_POINTS_EMPLOYEE = {
    NL: (
        "Werkdruk deze maand",
        "Cursus Excel voor gevorderden",
        "Vakantieplanning zomer",
        "Thuiswerken op vrijdag",
        "Samenwerking met het magazijn",
        "Mijn rol in het nieuwe project",
        "Feedback op mijn presentatie",
        "Overuren van de afgelopen weken",
        "Doorgroeien naar een seniorrol",
        "Onduidelijkheid over prioriteiten",
        "Inwerken van de nieuwe collega",
        "Klacht van een klant",
        "Nieuwe laptop en software",
        "Terugblik op de piekweken",
        "Ouderschapsverlof in het voorjaar",
    ),
    EN: (
        "Workload this month",
        "Advanced Excel course",
        "Summer holiday planning",
        "Working from home on Fridays",
        "Working with the warehouse",
        "My role in the new project",
        "Feedback on my presentation",
        "Overtime in recent weeks",
        "Growing into a senior role",
        "Unclear priorities",
        "Onboarding the new colleague",
        "A customer complaint",
        "New laptop and software",
        "Looking back on the peak weeks",
        "Parental leave in spring",
    ),
}
TALKING_POINTS_MANAGER = {
    NL: (
        "Doelen voor het komende kwartaal",
        "Uitkomsten van het teamonderzoek",
        "Verdeling van de weekenddiensten",
        "Planning van de functioneringsgesprekken",
        "Budget voor opleidingen",
        "Veranderingen in het team",
        "Verzuim in het team",
        "Terugkoppeling van de klant",
        "Voortgang van het project",
        "Afspraken uit het teamoverleg",
    ),
    EN: (
        "Goals for next quarter",
        "Team survey results",
        "Weekend shifts",
        "Planning the performance conversations",
        "Training budget",
        "Changes in the team",
        "Sick leave in the team",
        "Customer feedback",
        "Project progress",
        "Agreements from the team meeting",
    ),
}
NOTE_LINES = {
    NL: (
        "Werkdruk is hoog door de piekweken; over twee weken kijken we opnieuw.",
        "Cursus goedgekeurd, start na de zomer.",
        "Spoedklussen lopen voortaan via de teamleider.",
        "De samenwerking met het magazijn loopt beter sinds het weekoverleg.",
        "Vakantie in juli is akkoord.",
        "Volgende keer bespreken we de doelen voor het nieuwe kwartaal.",
        "De presentatie ging goed; volgende keer meer tijd voor vragen.",
        "Thuiswerken op vrijdag is akkoord, zolang de planning rond is.",
        "De nieuwe collega wordt de eerste twee weken begeleid.",
        "Prioriteiten: eerst de klantvragen, dan het rapport.",
        "Overuren worden in de komende maand gecompenseerd.",
        "Wil doorgroeien naar een seniorrol; we maken een opleidingsplan.",
        "Klachten duren te lang; we zoeken een vaste contactpersoon.",
        "Het project ligt op schema, de oplevering blijft eind van de maand.",
        "Energie is goed, wel behoefte aan meer focus.",
    ),
    EN: (
        "Workload is high because of the peak weeks; we look again in two weeks.",
        "Course approved, it starts after the summer.",
        "Urgent jobs go through the team lead from now on.",
        "Working with the warehouse is better since the weekly meeting.",
        "Holiday in July is fine.",
        "Next time we discuss the goals for the new quarter.",
        "The presentation went well; leave more time for questions next time.",
        "Working from home on Fridays is fine, as long as the planning is done.",
        "The new colleague gets a buddy for the first two weeks.",
        "Priorities: customer questions first, then the report.",
        "Overtime is compensated within the coming month.",
        "Wants to grow into a senior role; we draw up a training plan.",
        "Complaints take too long; we look for one point of contact.",
        "The project is on schedule, delivery stays at the end of the month.",
        "Energy is good, but more focus is needed.",
    ),
}
ACTIONS = {
    NL: (
        "Opleidingsaanvraag indienen bij HR",
        "Planning voor de piekweken delen",
        "Afspraak maken met de teamleider van het magazijn",
        "Offerte voor de cursus opvragen",
        "Verlof in het systeem zetten",
        "Checklist voor nieuwe collega's maken",
        "Terugkoppeling geven aan de klant",
        "Werkinstructie bijwerken",
        "Doelen voor het kwartaal opschrijven",
        "Overuren doorgeven aan de salarisadministratie",
        "Presentatie delen met het team",
        "Meeloopdag regelen",
    ),
    EN: (
        "Send the training request to HR",
        "Share the planning for the peak weeks",
        "Set up a meeting with the warehouse team lead",
        "Ask for a quote for the course",
        "Enter the leave in the system",
        "Write a checklist for new colleagues",
        "Get back to the customer",
        "Update the work instruction",
        "Write down the goals for the quarter",
        "Report the overtime to payroll",
        "Share the presentation with the team",
        "Arrange a day of shadowing",
    ),
}
PRIVATE_MANAGER = {
    NL: (
        "Lijkt meer aan te kunnen: een groter project geven?",
        "Let op de werkdruk; zegt niet snel nee.",
        "Bij de beoordeling de complimenten van de klant noemen.",
        "Vraagt vaak om bevestiging; meer vertrouwen geven.",
        "Loopbaanwens serieus nemen, met HR bespreken.",
        "Stemming minder dan anders; volgende keer navragen.",
    ),
    EN: (
        "Seems ready for more: give them a bigger project?",
        "Watch the workload; rarely says no.",
        "Mention the customer's compliments at the appraisal.",
        "Often asks for confirmation; give more trust.",
        "Take the career wish seriously, discuss with HR.",
        "Mood lower than usual; ask about it next time.",
    ),
}
PRIVATE_EMPLOYEE = {
    NL: (
        "Zelf beginnen over de cursus.",
        "Vragen naar de salarisschaal.",
        "Niet vergeten: vakantie in mei.",
        "Eerlijk zijn over de werkdruk.",
        "Voorbeelden van goed werk meenemen.",
    ),
    EN: (
        "Bring up the course myself.",
        "Ask about the salary scale.",
        "Don't forget: holiday in May.",
        "Be honest about the workload.",
        "Bring examples of good work.",
    ),
}
# Answers to the first, second and third question of a check-in (and so on, in turn).
ANSWERS = {
    NL: (
        (
            "De planning voor deze week was op tijd rond.",
            "De nieuwe collega draait goed mee.",
            "Het project ligt op schema.",
            "De klant was blij met de oplevering.",
            "Minder spoedklussen dan vorige maand.",
        ),
        (
            "Te veel onderbrekingen op een dag.",
            "Wachten op input van een ander team.",
            "Het systeem is traag bij grote exports.",
            "Niets bijzonders.",
            "Onduidelijk wie de beslissing neemt.",
        ),
        (
            "Duidelijkheid over de prioriteiten.",
            "Tijd voor de cursus.",
            "Niets extra's op dit moment.",
            "Hulp bij de planning van de piekweken.",
            "Een besluit over thuiswerken.",
        ),
    ),
    EN: (
        (
            "This week's planning was done on time.",
            "The new colleague is settling in well.",
            "The project is on schedule.",
            "The customer was happy with the delivery.",
            "Fewer urgent jobs than last month.",
        ),
        (
            "Too many interruptions during the day.",
            "Waiting for input from another team.",
            "The system is slow with large exports.",
            "Nothing in particular.",
            "Unclear who takes the decision.",
        ),
        (
            "Clear priorities.",
            "Time for the course.",
            "Nothing extra at the moment.",
            "Help with planning the peak weeks.",
            "A decision about working from home.",
        ),
    ),
}
AD_HOC_TITLES = {
    NL: (
        "Terugkoppeling project",
        "Even bijpraten",
        "Loopbaanwensen",
        "Na het teamoverleg",
        "Re-integratie",
    ),
    EN: (
        "Project debrief",
        "Catch-up",
        "Career wishes",
        "After the team meeting",
        "Return to work",
    ),
}
TITLES = {
    MeetingKind.PERFORMANCE: {
        NL: "Functioneringsgesprek {year}",
        EN: "Performance conversation {year}",
    },
    MeetingKind.APPRAISAL: {NL: "Beoordelingsgesprek {year}", EN: "Appraisal {year}"},
}
REPORT_SECTIONS = {
    MeetingKind.PERFORMANCE: {
        NL: (
            (
                "Terugblik",
                (
                    "Een goed jaar: de planning is vrijwel altijd op tijd rond en collega's weten "
                    "je te vinden.",
                    "Het eerste halfjaar was zwaar door de reorganisatie; sinds de zomer gaat het "
                    "duidelijk beter.",
                    "Je hebt de nieuwe werkwijze in het team neergezet en anderen meegenomen.",
                ),
            ),
            (
                "Ontwikkeling",
                (
                    "Je wilt meer met data doen; we zoeken samen een cursus.",
                    "Presenteren voor grotere groepen is een volgende stap.",
                    "Je wilt doorgroeien naar een seniorrol; daar hoort meer coördinatie bij.",
                ),
            ),
            (
                "Afspraken",
                (
                    "- Cursus kiezen vóór het najaar.\n- Elke maand even de werkdruk bespreken.",
                    "- Meelopen met de teamleider bij het weekoverleg.\n- Opleidingsplan in "
                    "september klaar.",
                ),
            ),
        ),
        EN: (
            (
                "Looking back",
                (
                    "A good year: the planning is almost always done on time and colleagues know "
                    "where to find you.",
                    "The first half year was hard because of the reorganisation; since the summer "
                    "it has clearly improved.",
                    "You set up the team's new way of working and brought others along.",
                ),
            ),
            (
                "Development",
                (
                    "You want to do more with data; we look for a course together.",
                    "Presenting to larger groups is a next step.",
                    "You want to grow into a senior role, which means more coordination.",
                ),
            ),
            (
                "Agreements",
                (
                    "- Choose a course before the autumn.\n- Talk about the workload every month.",
                    "- Join the team lead at the weekly meeting.\n- Training plan ready in "
                    "September.",
                ),
            ),
        ),
    },
    MeetingKind.APPRAISAL: {
        NL: (
            (
                "Beoordeling",
                (
                    "Je resultaten liggen op het niveau dat we van je functie verwachten.",
                    "Je hebt dit jaar duidelijk meer gedaan dan je functie vraagt.",
                    "Op een aantal punten blijven de resultaten achter bij de afspraken.",
                ),
            ),
            (
                "Toelichting",
                (
                    "Klanten en collega's zijn positief over je inzet en betrouwbaarheid.",
                    "De doelen voor het jaar zijn grotendeels gehaald; de planning in het voorjaar "
                    "liep uit.",
                ),
            ),
            (
                "Afspraken voor volgend jaar",
                (
                    "- Doelen in januari vastleggen.\n- Halverwege het jaar een tussenstand.",
                    "- Opleiding afronden.\n- Meer eigen initiatief bij verbeteringen.",
                ),
            ),
        ),
        EN: (
            (
                "Judgement",
                (
                    "Your results are at the level we expect of your role.",
                    "This year you clearly did more than your role asks.",
                    "On some points the results fall short of what we agreed.",
                ),
            ),
            (
                "Explanation",
                (
                    "Customers and colleagues are positive about your effort and reliability.",
                    "The year's goals were mostly met; the planning in spring ran late.",
                ),
            ),
            (
                "Agreements for next year",
                (
                    "- Set the goals in January.\n- A midway review in the summer.",
                    "- Finish the training.\n- More initiative in improvements.",
                ),
            ),
        ),
    },
}
RESPONSES = {
    NL: (
        "Fijn gesprek, ik herken me in het verslag.",
        "Ik had ook graag de extra diensten in december genoemd gezien.",
        "Akkoord; ik begin in het voorjaar met de cursus.",
        "Eens met de afspraken; de werkdruk blijft een aandachtspunt.",
    ),
    EN: (
        "A good conversation, I recognise myself in the report.",
        "I would have liked the extra shifts in December to be mentioned too.",
        "Agreed; I start the course in spring.",
        "I agree with the agreements; the workload remains a concern.",
    ),
}
CORRECTIONS = {
    NL: (
        "De datum van de cursus stond verkeerd.",
        "Een afspraak ontbrak in het verslag.",
        "Op verzoek van de medewerker een zin verduidelijkt.",
    ),
    EN: (
        "The course date was wrong.",
        "One agreement was missing from the report.",
        "Clarified a sentence at the employee's request.",
    ),
}
CORRECTED = {
    NL: "Aangepast na het gesprek over het verslag.",
    EN: "Changed after we talked about the report.",
}

# HR's catalogue: one line per question, both languages in it, as the organisation asks them.
CHECK_IN_NAME = "1-op-1 check-in / 1:1 check-in"
CHECK_IN_QUESTIONS = (
    "Wat ging er goed? / What went well?",
    "Waar loop je tegenaan? / What is blocking you?",
    "Wat heb je van mij nodig? / What do you need from me?",
)
PERFORMANCE_NAME = "Functioneringsgesprek / Performance conversation"
PERFORMANCE_QUESTIONS = (
    "Waar ben je trots op? / What are you proud of?",
    "Wat wil je leren? / What do you want to learn?",
    "Hoe kan ik je beter ondersteunen? / How can I support you better?",
)
APPRAISAL_NAME = "Beoordelingsgesprek / Appraisal"
APPRAISAL_QUESTIONS = (
    "Welke resultaten heb je dit jaar behaald? / What did you achieve this year?",
    "Waar ben je minder tevreden over? / What are you less satisfied with?",
    "Wat zijn je doelen voor volgend jaar? / What are your goals for next year?",
)
OWN_TEMPLATE = {
    NL: (
        "Mijn check-in vragen",
        (
            "Waar ben je deze week trots op?",
            "Waar heb je hulp bij nodig?",
            "Hoe is je energie, van 1 tot 10?",
            "Wat wil je bespreken?",
        ),
    ),
    EN: (
        "My check-in questions",
        (
            "What are you proud of this week?",
            "Where do you need help?",
            "How is your energy, from 1 to 10?",
            "What would you like to talk about?",
        ),
    ),
}
SCALE_NAME = "Beoordelingsschaal / Appraisal scale"
SCALE_LEVELS = (
    ("Unsatisfactory", "Onvoldoende"),
    ("Needs improvement", "Matig"),
    ("Meets expectations", "Goed"),
    ("Exceeds expectations", "Zeer goed"),
    ("Outstanding", "Uitstekend"),
)
OLD_SCALE_NAME = "Beoordelingsschaal 2024 / Appraisal scale 2024"
OLD_SCALE_LEVELS = (
    ("Below standard", "Onder de maat"),
    ("Standard", "Naar verwachting"),
    ("Above standard", "Boven verwachting"),
    ("Excellent", "Uitmuntend"),
)


# --- The plan --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Template:
    id: int
    questions: tuple[tuple[int, str], ...]  # (question id, text), in order
    created: datetime.datetime


@dataclass(slots=True)
class _Catalogue:
    check_in: _Template
    performance: _Template
    appraisal: _Template
    own: dict[int, _Template]  # manager person id → their template
    scale_id: int
    levels: dict[int, int]  # value → RatingLevel id
    rows: int

    def template_for(self, manager_id: int, at: datetime.datetime) -> _Template | None:
        """`queries.default_template`: the manager's own if they made one, else the
        organisation's, as it was at `at`."""
        own = self.own.get(manager_id)
        if own is not None and own.created <= at:
            return own
        return self.check_in if self.check_in.created <= at else None


@dataclass(slots=True)
class _Pair:
    employee: Staff
    manager: Staff
    # The first 1:1, or None: no series; when the series was started.
    start: datetime.date | None
    created: datetime.datetime
    # The last day the two may meet: today, the leaver's last day, or when the series stopped.
    end: datetime.date
    stopped: bool
    cadence: str
    time: datetime.time
    template: _Template | None
    # The employee and HR personas with their managers: they meet and write more than most.
    keen: bool
    # The employee persona's pair, whose formal reports the pages name.
    persona: bool
    overdue: bool
    ad_hoc: list[datetime.date] = field(default_factory=list)
    skip_level: datetime.date | None = None
    performance: datetime.date | None = None
    appraisals: list[datetime.date] = field(default_factory=list)
    # The 1:1s that could have been held, for the budget.
    chances: int = 0


_CUMULATIVE: dict[tuple, tuple[list, list[int]]] = {}


def _weighted(rng, choices: tuple[tuple[Any, int], ...]):
    known = _CUMULATIVE.get(choices)
    if known is None:
        known = _CUMULATIVE[choices] = (
            [value for value, _ in choices],
            list(itertools.accumulate(weight for _, weight in choices)),
        )
    values, cumulative = known
    # What `rng.choices(values, cum_weights=cumulative)[0]` draws, without its checks.
    return values[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


_DEFAULTS: dict[type[models.Model], dict[str, Any]] = {}


def _new(model: type[models.Model], **values) -> models.Model:
    """An unsaved row for bulk_create, built without `Model.__init__`, whose handling of
    keywords costs more than all the planning at a few hundred thousand rows. The fields left
    out take their default; one with a callable default (a public id) must be given."""
    defaults = _DEFAULTS.get(model)
    if defaults is None:
        defaults = _DEFAULTS[model] = {
            f.attname: f.get_default()
            for f in model._meta.concrete_fields
            if not (f.has_default() and callable(f.default))
        }
    row = model.__new__(model)
    row._state = ModelState()
    row.__dict__.update(defaults)
    row.__dict__.update(values)
    return row


def _weekday(day: datetime.date) -> datetime.date:
    """A meeting moved off the weekend, to the Monday."""
    return day + DAY * (7 - day.weekday()) if day.weekday() >= 5 else day


def _occurrences(start: datetime.date, end: datetime.date, cadence: str) -> int:
    step = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14}.get(cadence, 30.4)
    return max(0, int((end - start).days / step))


class _Planner:
    """Who meets whom, how often and from when: everything but the rows' content."""

    def __init__(self, ctx: DataContext, rng, catalogue: _Catalogue):
        self.ctx, self.rng, self.catalogue = ctx, rng, catalogue
        self.today = ctx.today
        self.year_start = ctx.today - DAY * YEAR
        self.by_id = {person.id: person for person in ctx.staff}
        self.employee = ctx.personas.get("employee")
        self.manager = ctx.personas.get("manager")
        self.hr = ctx.personas.get("hr")
        self.tz = timezone.get_current_timezone()

    def adoption(self) -> dict[int, datetime.date]:
        """When each manager took Stip up: most in the roll-out month, the rest over the year."""
        rng, adopted = self.rng, {}
        for manager_id in sorted({p.manager_id for p in self.ctx.staff if p.manager_id}):
            if manager_id == self.manager:
                offset = rng.randint(0, 5)
            elif rng.random() < 0.6:
                offset = rng.randint(0, 30)
            else:
                offset = rng.randint(30, 330)
            adopted[manager_id] = self.year_start + DAY * offset
        return adopted

    def pairs(self) -> list[_Pair]:
        rng, today, adopted = self.rng, self.today, self.adoption()
        pairs = []
        for person in self.ctx.staff:
            manager = self.by_id.get(person.manager_id)
            if manager is None or not manager.current:
                continue
            end = person.end_date or today
            if end < self.year_start:
                continue
            persona = person.id == self.employee
            keen = persona or person.id == self.hr
            on_manager_team = manager.id == self.manager
            has_series = keen or on_manager_team or rng.random() < WITH_SERIES
            start = max(adopted[manager.id], person.start_date + DAY * rng.randint(7, 21))
            if persona:
                start = max(self.year_start + DAY * 2, person.start_date + DAY * 7)
            start = _weekday(start)
            stopped = (
                person.current
                and not (keen or on_manager_team)
                and (start + DAY * 90) < today
                and rng.random() < STOPPED
            )
            if stopped:
                end = start + DAY * rng.randint(60, (today - start).days - 7)
            cadence = Cadence.BIWEEKLY if persona else _weighted(rng, CADENCES)
            started = start - DAY * (1 if persona else rng.randint(1, 10))
            created = min(
                datetime.datetime.combine(started, datetime.time(16, 30), tzinfo=self.tz),
                self.ctx.now - HOUR,
            )
            pair = _Pair(
                employee=person,
                manager=manager,
                start=start if has_series and start <= end else None,
                created=created,
                end=end,
                stopped=stopped or not person.current,
                cadence=cadence,
                time=rng.choice(TIMES),
                template=self.catalogue.template_for(manager.id, created),
                keen=keen,
                persona=persona,
                overdue=person.current and not keen and rng.random() < OVERDUE,
            )
            if pair.start is not None:
                pair.chances = _occurrences(pair.start, min(end, today), cadence)
            self.occasions(pair)
            pairs.append(pair)
        return pairs

    def occasions(self, pair: _Pair) -> None:
        """Ad-hoc and formal conversations: dates within the year and the pair's time."""
        rng, today, person = self.rng, self.today, pair.employee
        first = max(self.year_start, person.start_date + DAY * 14)
        last = min(pair.end, today + DAY * 20)
        persona = person.id == self.employee
        on_manager_team = pair.manager.id == self.manager

        def within(day: datetime.date) -> datetime.date | None:
            day = _weekday(day)
            return day if first <= day <= last else None

        if rng.random() < AD_HOC and first < last:
            day = within(first + DAY * rng.randint(0, (last - first).days))
            if day is not None:
                pair.ad_hoc.append(day)
        grand = self.by_id.get(pair.manager.manager_id)
        if grand is not None and grand.current and person.current and rng.random() < SKIP_LEVEL:
            pair.skip_level = within(today - DAY * rng.randint(3, 300))
        tenure = person.start_date + DAY * 90
        chance = 0.9 if on_manager_team else PERFORMANCE
        if persona or rng.random() < chance:
            day = within(today - DAY * rng.randint(150, 200))
            if day is not None and day >= tenure:
                pair.performance = day
        if not persona and rng.random() < APPRAISAL_LAST_ROUND:
            day = within(today - DAY * rng.randint(335, 362))
            if day is not None and day >= tenure:
                pair.appraisals.append(day)
        chance = 0.35 if on_manager_team else APPRAISAL_THIS_ROUND
        if persona or rng.random() < chance:
            day = today - DAY * 6 if persona else today + DAY * rng.randint(-40, 20)
            day = within(day)
            if day is not None and day >= tenure:
                pair.appraisals.append(day)


# --- Writing ---------------------------------------------------------------------------------


class _Ids:
    """Primary keys reserved for one chunk, handed out in order."""

    def __init__(self, ids: list[int]):
        self.ids, self.next = ids, 0

    def __call__(self) -> int:
        self.next += 1
        return self.ids[self.next - 1]


@dataclass(slots=True)
class _Source:
    """A development conversation's notes, which an appraisal may quote."""

    meeting: Meeting
    lines: list[str]


class _Writer:
    """The rows of one chunk of pairs, per model, planned and then inserted together."""

    MODELS = (
        Series,
        Meeting,
        SharedNote,
        SharedNoteRevision,
        AgendaItem,
        CheckInAnswer,
        PrivateNote,
        ActionItem,
        FormalReport,
        ReportQuote,
    )

    def __init__(self, ctx: DataContext, rng, catalogue, languages, goals, held_rate):
        self.ctx, self.rng, self.catalogue = ctx, rng, catalogue
        self.languages, self.goals, self.held_rate = languages, goals, held_rate
        self.today, self.now = ctx.today, ctx.now
        self.latest = ctx.now - 5 * MINUTE
        self.tz = timezone.get_current_timezone()
        self.public_id = ctx.public_ids("conversations")
        self.by_id = {person.id: person for person in ctx.staff}
        self.rows = {model: [] for model in self.MODELS}
        self.written = 0

    # Helpers ------------------------------------------------------------------------------

    def at(self, day: datetime.date, moment: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(day, moment, tzinfo=self.tz)

    def past(self, moment: datetime.datetime) -> datetime.datetime:
        return min(moment, self.latest)

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
        if end <= start:
            return start
        return start + (end - start) * self.rng.random()

    def language(self, person: Staff) -> str:
        return self.languages.get(person.user_id, NL)

    # Chunks -------------------------------------------------------------------------------

    def chunk(self, pairs: list[_Pair]) -> None:
        ctx = self.ctx
        meetings = sum(
            p.chances + 6 + len(p.ad_hoc) + len(p.appraisals) + (p.skip_level is not None)
            for p in pairs
        )
        self.series_ids = _Ids(ctx.reserve_ids(Series, len(pairs)))
        self.meeting_ids = _Ids(ctx.reserve_ids(Meeting, meetings))
        self.note_ids = _Ids(ctx.reserve_ids(SharedNote, meetings))
        # At most a performance conversation and two appraisals, each corrected once.
        self.report_ids = _Ids(ctx.reserve_ids(FormalReport, 6 * len(pairs)))
        for pair in pairs:
            self.pair(pair)
        with backdated(*self.MODELS):
            for model, objects in self.rows.items():
                self.written += ctx.insert(model, objects)
                objects.clear()

    def pair(self, pair: _Pair) -> None:
        sources: list[_Source] = []
        if pair.start is not None:
            self.one_on_ones(pair, sources)
        for day in pair.ad_hoc:
            self.ad_hoc(pair, pair.manager, day, sources)
        if pair.skip_level is not None:
            grand = self.by_id[pair.manager.manager_id]
            self.ad_hoc(pair, grand, pair.skip_level, [])
        if pair.performance is not None:
            self.formal(pair, MeetingKind.PERFORMANCE, pair.performance, sources)
        for day in pair.appraisals:
            self.formal(pair, MeetingKind.APPRAISAL, day, sources)

    # 1:1s ---------------------------------------------------------------------------------

    def one_on_ones(self, pair: _Pair, sources: list[_Source]) -> None:
        """The series and its meetings: the held ones, then the one planned (or, for a leaver,
        the last one planned before they left, which did not happen)."""
        rng, today = self.rng, self.today
        manager, employee = pair.manager, pair.employee
        rate = PERSONA_HELD if pair.keen else self.held_rate
        habits = KEEN if pair.keen else USUAL
        starter = manager.user_id if rng.random() < 0.8 else employee.user_id
        created = pair.created
        series_id = self.series_ids()
        last_end = min(pair.end, today - DAY)
        planned_by, planned_at = starter, created
        day, held_last = pair.start, None
        while True:
            following = next_after(day, pair.cadence)
            if day > last_end:
                break
            if pair.overdue and following > last_end and day < today:
                break  # this one did not happen, and nobody moved it yet
            day = _weekday(day)
            if rng.random() < rate:
                meeting = self.meeting(
                    pair,
                    kind=MeetingKind.ONE_ON_ONE,
                    day=day,
                    created=planned_at,
                    created_by=planned_by,
                    series_id=series_id,
                    template=pair.template,
                    held=True,
                )
                self.content(meeting, pair, habits, pair.template, sources)
                held_last = meeting.held_at
                planned_at = held_last
                planned_by = manager.user_id if rng.random() < 0.75 else employee.user_id
            day = following
        day = _weekday(day)
        if employee.end_date is not None:
            # A leaver's last 1:1 was moved to their last day, and did not happen.
            day = min(day, employee.end_date)
        if held_last is None or day > held_last.date():
            meeting = self.meeting(
                pair,
                kind=MeetingKind.ONE_ON_ONE,
                day=day,
                created=planned_at,
                created_by=planned_by,
                series_id=series_id,
                template=pair.template,
                held=False,
            )
            self.prepared(meeting, pair, pair.template)
        stopped_at = self.at(pair.end, datetime.time(17)) if pair.stopped else None
        self.rows[Series].append(
            _new(
                Series,
                id=series_id,
                public_id=self.public_id(),
                manager_id=manager.id,
                employee_id=employee.id,
                cadence=pair.cadence,
                next_date=day,
                time_of_day=pair.time,
                checkin_template_id=pair.template.id if pair.template else None,
                active=not pair.stopped,
                created_at=created,
                updated_at=self.past(stopped_at or held_last or created),
            )
        )

    def ad_hoc(self, pair: _Pair, manager: Staff, day, sources: list[_Source]) -> None:
        rng = self.rng
        employee = pair.employee
        moment = rng.choice(TIMES)
        created = self.past(self.at(day, moment) - DAY * rng.randint(1, 7))
        template = self.catalogue.template_for(manager.id, created)
        by = employee.user_id if rng.random() < 0.4 else manager.user_id
        held = day < self.today
        meeting = self.meeting(
            pair,
            kind=MeetingKind.AD_HOC,
            day=day,
            created=created,
            created_by=by,
            manager=manager,
            template=template,
            held=held,
            title=rng.choice(AD_HOC_TITLES[self.language(manager)]),
            moment=moment,
        )
        if held:
            self.content(meeting, pair, USUAL, template, sources if manager is pair.manager else [])
        else:
            self.prepared(meeting, pair, template)

    def meeting(
        self,
        pair: _Pair,
        *,
        kind: str,
        day: datetime.date,
        created: datetime.datetime,
        created_by: int,
        template: _Template | None,
        held: bool,
        series_id: int | None = None,
        manager: Staff | None = None,
        title: str = "",
        moment: datetime.time | None = None,
        rating_scale_id: int | None = None,
    ) -> Meeting:
        """A meeting with its shared notes (empty: `content` writes them) and the questions of
        its template on the agenda, as `_create_meeting` plans it."""
        rng = self.rng
        manager = manager or pair.manager
        scheduled = self.at(day, moment or pair.time)
        created = min(created, scheduled - HOUR, self.latest)
        held_at = scheduled + MINUTE * rng.randint(30, 75) if held else None
        if held_at is not None:
            held_at = self.past(held_at)
        meeting = _new(
            Meeting,
            id=self.meeting_ids(),
            public_id=self.public_id(),
            series_id=series_id,
            manager_id=manager.id,
            employee_id=pair.employee.id,
            kind=kind,
            title=title,
            scheduled_for=scheduled,
            held_at=held_at,
            created_by_id=created_by,
            checkin_template_id=template.id if template else None,
            rating_scale_id=rating_scale_id,
            created_at=created,
            updated_at=held_at or created,
        )
        self.rows[Meeting].append(meeting)
        note = _new(
            SharedNote,
            id=self.note_ids(),
            meeting_id=meeting.id,
            text="",
            version=1,
            updated_by_id=None,
            created_at=created,
            updated_at=created,
        )
        self.rows[SharedNote].append(note)
        meeting.note = note
        meeting.positions = 0
        if template is not None:
            for question_id, text in template.questions:
                self.agenda_item(
                    meeting,
                    source=AgendaItem.Source.QUESTION,
                    text=text,
                    question_id=question_id,
                    at=created,
                )
        return meeting

    def agenda_item(self, meeting: Meeting, *, source, text, at, author=None, **extra) -> None:
        discussed = None
        if meeting.held_at is not None and self.rng.random() < DISCUSSED:
            discussed = meeting.scheduled_for + MINUTE * (5 * meeting.positions + 5)
        self.rows[AgendaItem].append(
            _new(
                AgendaItem,
                public_id=self.public_id(),
                meeting_id=meeting.id,
                author_id=author,
                source=source,
                text=text,
                position=meeting.positions,
                discussed_at=discussed,
                created_at=at,
                updated_at=discussed or at,
                **extra,
            )
        )
        meeting.positions += 1

    def talking_points(self, meeting: Meeting, pair: _Pair, count: int, manager: Staff) -> None:
        rng, employee = self.rng, pair.employee
        latest = self.past(meeting.scheduled_for)
        for _ in range(count):
            person = employee if rng.random() < 0.6 else manager
            pool = TALKING_POINTS_EMPLOYEE if person is employee else TALKING_POINTS_MANAGER
            self.agenda_item(
                meeting,
                source=AgendaItem.Source.MANUAL,
                text=rng.choice(pool[self.language(person)]),
                author=person.user_id,
                at=self.between(meeting.created_at, latest),
            )

    def answers(self, meeting: Meeting, pair: _Pair, template: _Template) -> None:
        rng, employee = self.rng, pair.employee
        pools = ANSWERS[self.language(employee)]
        earliest = meeting.created_at + MINUTE
        answered = self.past(max(meeting.scheduled_for - HOUR * rng.randint(2, 48), earliest))
        for position, (question_id, _) in enumerate(template.questions):
            if rng.random() < ANSWERED_QUESTION:
                self.rows[CheckInAnswer].append(
                    _new(
                        CheckInAnswer,
                        meeting_id=meeting.id,
                        question_id=question_id,
                        author_id=employee.user_id,
                        text=rng.choice(pools[position % len(pools)]),
                        created_at=answered,
                        updated_at=answered,
                    )
                )

    def private_note(self, meeting: Meeting, person: Staff, pool, at) -> None:
        self.rows[PrivateNote].append(
            _new(
                PrivateNote,
                meeting_id=meeting.id,
                author_id=person.user_id,
                text=self.rng.choice(pool[self.language(person)]),
                created_at=at,
                updated_at=at,
            )
        )

    def content(
        self,
        meeting: Meeting,
        pair: _Pair,
        habits: Habits,
        template: _Template | None,
        sources: list[_Source],
    ) -> None:
        """What a held meeting has: answers before it, talking points, notes, actions, private
        notes (the average is `_held_rows`)."""
        rng = self.rng
        manager = self.by_id[meeting.manager_id]
        employee = pair.employee
        if template is not None and rng.random() < habits.answers:
            self.answers(meeting, pair, template)
        self.talking_points(meeting, pair, _weighted(rng, habits.talking_points), manager)
        held = meeting.held_at
        if rng.random() < habits.notes:
            self.notes(meeting, pair, manager, _weighted(rng, habits.revisions), sources)
        for _ in range(_weighted(rng, habits.actions)):
            self.action(meeting, pair, manager, habits.follow_through)
        if rng.random() < habits.private_manager:
            self.private_note(meeting, manager, PRIVATE_MANAGER, held)
        if rng.random() < habits.private_employee:
            self.private_note(meeting, employee, PRIVATE_EMPLOYEE, self.past(held + HOUR))

    def prepared(self, meeting: Meeting, pair: _Pair, template: _Template | None) -> None:
        """A planned meeting: the employee's open goals of its quarter after the questions (as
        `_materialise_agenda` plans it), then talking points, answers from some."""
        rng = self.rng
        manager = self.by_id[meeting.manager_id]
        quarter = goal_queries.quarter_of(meeting.scheduled_for.date())
        goals = [
            (goal_id, title)
            for goal_id, title, start, end in self.goals.get(pair.employee.id, ())
            if start <= quarter.end and end >= quarter.start
        ]
        for goal_id, title in goals[: queries.DEFAULT_GOALS_MAX]:
            self.agenda_item(
                meeting,
                source=AgendaItem.Source.GOAL,
                text=title,
                goal_id=goal_id,
                at=meeting.created_at,
            )
        soon = meeting.scheduled_for.date() <= self.today + DAY * 3
        if template is not None and rng.random() < (0.9 if pair.keen else 0.4 if soon else 0.1):
            self.answers(meeting, pair, template)
        count = _weighted(rng, KEEN.talking_points if pair.keen else PLANNED_TALKING_POINTS)
        self.talking_points(meeting, pair, count, manager)
        prepared_at = self.between(max(meeting.created_at, self.now - DAY * 3), self.latest)
        if rng.random() < (0.9 if pair.keen else 0.08):
            self.private_note(meeting, manager, PRIVATE_MANAGER, prepared_at)
        if rng.random() < (0.7 if pair.keen else 0.04):
            self.private_note(meeting, pair.employee, PRIVATE_EMPLOYEE, prepared_at)

    def notes(self, meeting, pair, manager, revisions: int, sources: list[_Source]) -> None:
        """Shared notes saved `revisions` times, each save a revision, the last one the note."""
        rng = self.rng
        lines = rng.sample(NOTE_LINES[self.language(manager)], rng.randint(2, 4))
        revisions = min(revisions, len(lines))
        note = meeting.note
        authors = (manager.user_id, pair.employee.user_id)
        at = meeting.scheduled_for + MINUTE * rng.randint(10, 30)
        author = authors[0] if rng.random() < 0.7 else authors[1]
        for version in range(2, revisions + 2):
            shown = lines[: round(len(lines) * (version - 1) / revisions)]
            text = "\n".join(f"- {line}" for line in shown)
            self.rows[SharedNoteRevision].append(
                _new(
                    SharedNoteRevision,
                    note_id=note.id,
                    version=version,
                    author_id=author,
                    at=at,
                    text=text,
                )
            )
            note.text, note.version, note.updated_by_id, note.updated_at = text, version, author, at
            at = self.past(at + MINUTE * rng.randint(20, 600))
            author = authors[rng.random() < 0.5]
        if meeting.kind != MeetingKind.APPRAISAL:
            sources.append(_Source(meeting, lines))

    def action(self, meeting: Meeting, pair: _Pair, manager: Staff, follow_through: float) -> None:
        rng, today = self.rng, self.today
        owner = pair.employee if rng.random() < 0.6 else manager
        day = meeting.scheduled_for.date()
        due = day + DAY * rng.choice((7, 14, 14, 21, 28)) if rng.random() < 0.85 else None
        by = due or day + DAY * 14
        chance = follow_through * (0.92 if by < today - DAY * 30 else 0.65 if by < today else 0.3)
        created = self.past(meeting.scheduled_for + MINUTE * rng.randint(15, 40))
        done = None
        if rng.random() < chance:
            done = self.past(created + DAY * rng.uniform(0.5, (by - day).days + 5))
        creator = manager.user_id if rng.random() < 0.6 else pair.employee.user_id
        self.rows[ActionItem].append(
            _new(
                ActionItem,
                public_id=self.public_id(),
                meeting_id=meeting.id,
                owner_id=owner.id,
                text=rng.choice(ACTIONS[self.language(owner)]),
                due_date=due,
                done_at=done,
                created_by_id=creator,
                created_at=created,
                updated_at=done or created,
            )
        )

    # Formal conversations -----------------------------------------------------------------

    def formal(self, pair: _Pair, kind: str, day, sources: list[_Source]) -> None:
        rng, catalogue = self.rng, self.catalogue
        manager = pair.manager
        language = self.language(manager)
        template = catalogue.performance if kind == MeetingKind.PERFORMANCE else catalogue.appraisal
        held = day < self.today
        moment = rng.choice(TIMES)
        meeting = self.meeting(
            pair,
            kind=kind,
            day=day,
            created=self.at(day, moment) - DAY * rng.randint(7, 21),
            created_by=manager.user_id,
            template=template,
            held=held,
            title=TITLES[kind][language].format(year=day.year),
            moment=moment,
            rating_scale_id=catalogue.scale_id if kind == MeetingKind.APPRAISAL else None,
        )
        if not held:
            self.prepared(meeting, pair, template)
            return
        self.content(meeting, pair, FORMAL, template, sources)
        self.report(meeting, pair, kind, sources)

    def report(self, meeting: Meeting, pair: _Pair, kind: str, sources) -> None:
        """The report in one of the states the services allow, by how long ago it was held;
        now and then quoting 1:1 notes (appraisal drafts only) or corrected."""
        rng = self.rng
        persona = pair.persona
        recent = meeting.scheduled_for.date() > self.today - DAY * 60
        if persona:
            state = "draft" if kind == MeetingKind.APPRAISAL else "acknowledged"
        elif recent:
            state = _weighted(
                rng, (("none", 15), ("draft", 35), ("shared", 25), ("acknowledged", 25))
            )
        else:
            state = _weighted(
                rng, (("none", 6), ("draft", 4), ("shared", 12), ("acknowledged", 78))
            )
        if state == "none":
            return
        manager, employee = pair.manager, pair.employee
        language = self.language(manager)
        appraisal = kind == MeetingKind.APPRAISAL
        text = "\n\n".join(
            f"{heading}\n{rng.choice(paragraphs)}"
            for heading, paragraphs in REPORT_SECTIONS[kind][language]
        )
        created = self.past(meeting.held_at + DAY * rng.uniform(0.2, 10))
        quotes = []
        wanted = 2 if persona else rng.choice((1, 1, 2)) if rng.random() < 0.3 else 0
        earlier = [s for s in sources if s.meeting.scheduled_for < meeting.scheduled_for]
        if appraisal and wanted and earlier:
            for source in rng.sample(earlier, min(wanted, len(earlier))):
                passage = rng.choice(source.lines)
                text = f"{text}\n\n{quote_block(passage, source.meeting)}"
                quotes.append((source.meeting.id, passage))
        rating = None
        if appraisal and (state != "draft" or rng.random() < 0.6):
            rating = self.catalogue.levels[_weighted(rng, RATINGS)]
        first = self.report_row(
            meeting, manager, text, rating, created, state, version=1, employee=employee
        )
        for source_id, passage in quotes:
            quoted = self.between(created, first.shared_at or self.latest)
            self.rows[ReportQuote].append(
                _new(
                    ReportQuote,
                    report_id=first.id,
                    source_meeting_id=source_id,
                    passage=passage,
                    quoted_by_id=manager.user_id,
                    created_at=quoted,
                    updated_at=quoted,
                )
            )
        corrected = persona and kind == MeetingKind.PERFORMANCE
        if first.shared_at is not None and (corrected or rng.random() < 0.03):
            since = first.acknowledged_at or first.responded_at or first.shared_at
            state = (
                "acknowledged"
                if persona
                else _weighted(rng, (("draft", 15), ("shared", 25), ("acknowledged", 60)))
            )
            if appraisal and rating is not None and rng.random() < 0.5:
                rating = self.catalogue.levels[_weighted(rng, RATINGS)]
            self.report_row(
                meeting,
                manager,
                f"{text}\n\n{CORRECTED[language]}",
                rating,
                self.past(since + DAY * rng.uniform(1, 14)),
                state,
                version=2,
                employee=employee,
                supersedes=first,
                reason=rng.choice(CORRECTIONS[language]),
            )

    def report_row(
        self, meeting, manager, text, rating, created, state, *, version, employee, **correction
    ) -> FormalReport:
        """One version, as far along as `state` and the clock allow."""
        rng = self.rng
        shared = responded = acknowledged = None
        response = ""
        if state in ("shared", "acknowledged"):
            shared = created + DAY * rng.uniform(0.1, 6)
            if rng.random() < 0.3:
                responded = shared + DAY * rng.uniform(0.5, 5)
                response = rng.choice(RESPONSES[self.language(employee)])
            if state == "acknowledged":
                acknowledged = (responded or shared) + DAY * rng.uniform(0.1, 8)
        if acknowledged is not None and acknowledged > self.latest:
            acknowledged = None
        if responded is not None and responded > self.latest:
            responded, response, acknowledged = None, "", None
        if shared is not None and shared > self.latest:
            shared, responded, response, acknowledged = None, None, "", None
        supersedes = correction.get("supersedes")
        report = _new(
            FormalReport,
            id=self.report_ids(),
            public_id=self.public_id(),
            meeting_id=meeting.id,
            version=version,
            supersedes_id=supersedes.id if supersedes else None,
            correction_reason=correction.get("reason", ""),
            author_id=manager.user_id,
            text=text,
            rating_id=rating,
            shared_at=shared,
            employee_response=response,
            responded_at=responded,
            acknowledged_at=acknowledged,
            created_at=created,
            updated_at=acknowledged or responded or shared or created,
        )
        self.rows[FormalReport].append(report)
        if shared is not None:
            meeting.has_shared_report = True  # as services.report_share marks it
        return report


# --- HR's catalogue --------------------------------------------------------------------------


def _catalogue(ctx: DataContext, rng, languages: dict[int, str]) -> _Catalogue:
    """The organisation's templates and scales, and the managers' own templates."""
    year_start = ctx.today - DAY * YEAR
    tz = timezone.get_current_timezone()
    public_id = ctx.public_ids("conversations-catalogue")
    by_id = {person.id: person for person in ctx.staff}
    hr = by_id.get(ctx.personas.get("hr"))
    hr_user = hr.user_id if hr else None

    def at(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(11, 0), tzinfo=tz)

    reports: dict[int, int] = {}
    for person in ctx.staff:
        if person.current and person.manager_id is not None:
            reports[person.manager_id] = reports.get(person.manager_id, 0) + 1
    manager_persona = ctx.personas.get("manager")
    owners = [
        manager_id
        for manager_id in sorted(reports)
        if manager_id == manager_persona
        or (reports[manager_id] >= 2 and rng.random() < OWN_QUESTIONS)
    ]
    planned = [
        (None, CHECK_IN_NAME, CheckInTemplate.Kind.CHECK_IN, CHECK_IN_QUESTIONS,
         at(year_start + DAY * CHECK_IN_INTRODUCED), hr_user),
        (None, PERFORMANCE_NAME, CheckInTemplate.Kind.PERFORMANCE, PERFORMANCE_QUESTIONS,
         at(year_start - DAY * 20), hr_user),
        (None, APPRAISAL_NAME, CheckInTemplate.Kind.APPRAISAL, APPRAISAL_QUESTIONS,
         at(year_start - DAY * 20), hr_user),
    ]  # fmt: skip
    for owner_id in owners:
        owner = by_id[owner_id]
        name, questions = OWN_TEMPLATE[languages.get(owner.user_id, NL)]
        count = 4 if owner_id == manager_persona else rng.choice((3, 4))
        # The manager persona wrote theirs before the roll-out: all their series use it.
        offset = -14 if owner_id == manager_persona else rng.randint(0, 200)
        created = at(year_start + DAY * offset)
        planned.append(
            (
                owner_id,
                name,
                CheckInTemplate.Kind.CHECK_IN,
                questions[:count],
                created,
                owner.user_id,
            )
        )
    template_ids = ctx.reserve_ids(CheckInTemplate, len(planned))
    question_ids = ctx.reserve_ids(CheckInQuestion, sum(len(p[3]) for p in planned))
    templates, questions, made = [], [], []
    next_question = iter(question_ids)
    for template_id, (owner_id, name, kind, lines, created, by) in zip(
        template_ids, planned, strict=True
    ):
        templates.append(
            CheckInTemplate(
                id=template_id,
                public_id=public_id(),
                name=name,
                kind=kind,
                owner_id=owner_id,
                created_by_id=by,
                created_at=created,
                updated_at=created,
            )
        )
        pairs = []
        for position, text in enumerate(lines):
            question_id = next(next_question)
            pairs.append((question_id, text))
            questions.append(
                CheckInQuestion(
                    id=question_id,
                    template_id=template_id,
                    text=text,
                    position=position,
                    created_at=created,
                    updated_at=created,
                )
            )
        made.append(_Template(template_id, tuple(pairs), created))
    scale_ids = ctx.reserve_ids(RatingScale, 2)
    old_made, archived = at(year_start - DAY * 400), at(year_start - DAY * 25)
    scales = [
        RatingScale(
            id=scale_ids[0],
            public_id=public_id(),
            name=SCALE_NAME,
            is_default=True,
            created_at=at(year_start - DAY * 25),
            updated_at=at(year_start - DAY * 25),
        ),
        RatingScale(
            id=scale_ids[1],
            public_id=public_id(),
            name=OLD_SCALE_NAME,
            is_default=False,
            archived_at=archived,
            created_at=old_made,
            updated_at=archived,
        ),
    ]
    level_ids = ctx.reserve_ids(RatingLevel, len(SCALE_LEVELS) + len(OLD_SCALE_LEVELS))
    levels = [
        RatingLevel(id=level_id, scale_id=scale_id, value=value, name_en=en, name_nl=nl)
        for level_id, (scale_id, value, (en, nl)) in zip(
            level_ids,
            [(scale_ids[0], v, names) for v, names in enumerate(SCALE_LEVELS, start=1)]
            + [(scale_ids[1], v, names) for v, names in enumerate(OLD_SCALE_LEVELS, start=1)],
            strict=True,
        )
    ]
    with backdated(CheckInTemplate, CheckInQuestion, RatingScale):
        rows = ctx.insert(CheckInTemplate, templates) + ctx.insert(CheckInQuestion, questions)
        rows += ctx.insert(RatingScale, scales) + ctx.insert(RatingLevel, levels)
    return _Catalogue(
        check_in=made[0],
        performance=made[1],
        appraisal=made[2],
        own=dict(zip(owners, made[3:], strict=True)),
        scale_id=scale_ids[0],
        levels={level.value: level.id for level in levels[: len(SCALE_LEVELS)]},
        rows=rows,
    )


def _open_goals(ctx: DataContext) -> dict[int, list[tuple[int, str, datetime.date, datetime.date]]]:
    """The personal goals still open around the planned 1:1s (this quarter and the next few
    weeks), per owner, in the agenda's order; empty when no goals were generated."""
    first = goal_queries.quarter_of(ctx.today).start
    last = goal_queries.quarter_of(ctx.today + DAY * 45).end
    rows = (
        Goal.objects.filter(level=Goal.Level.PERSONAL, closed_at__isnull=True)
        .exclude(status=Goal.Status.DROPPED)
        .filter(start_date__lte=last, end_date__gte=first)
        .order_by("owner_id", "end_date", "title", "pk")
        .values_list("owner_id", "pk", "title", "start_date", "end_date")
    )
    goals: dict[int, list] = {}
    for owner_id, goal_id, title, start, end in rows.iterator(chunk_size=5000):
        goals.setdefault(owner_id, []).append((goal_id, title[:500], start, end))
    return goals


def _held_rate(pairs: list[_Pair], catalogue: _Catalogue, goals: dict, rows: int) -> float:
    """The share of planned 1:1s that happen, so that the whole comes to about `rows`."""
    fixed = float(catalogue.rows)
    chances = 0.0
    for pair in pairs:
        questions = len(pair.template.questions) if pair.template else 0
        formal = (pair.performance is not None) + len(pair.appraisals)
        fixed += formal * (_held_rows(FORMAL, 3) + 1.1)
        fixed += len(pair.ad_hoc) * _held_rows(USUAL, questions) + (pair.skip_level is not None) * 3
        if pair.start is None:
            continue
        # The series, and its planned 1:1 with its goals and a talking point or so.
        fixed += 1 + 2 + questions * 1.1 + _mean(PLANNED_TALKING_POINTS)
        fixed += min(queries.DEFAULT_GOALS_MAX, len(goals.get(pair.employee.id, ())))
        if pair.keen:
            fixed += pair.chances * PERSONA_HELD * _held_rows(KEEN, questions)
        else:
            chances += pair.chances * _held_rows(USUAL, questions)
    if chances == 0:
        return HELD_MAX
    return min(HELD_MAX, max(HELD_MIN, (rows - fixed) / chances))


def generate(ctx: DataContext, rows: int) -> int:
    rng = ctx.rng("conversations")
    languages = dict(User.objects.values_list("pk", "language"))
    catalogue = _catalogue(ctx, rng, languages)
    pairs = _Planner(ctx, rng, catalogue).pairs()
    goals = _open_goals(ctx)
    writer = _Writer(
        ctx, rng, catalogue, languages, goals, held_rate=_held_rate(pairs, catalogue, goals, rows)
    )
    for start in range(0, len(pairs), CHUNK):
        writer.chunk(pairs[start : start + CHUNK])
    return catalogue.rows + writer.written


# --- The pages' objects ----------------------------------------------------------------------


def objects() -> dict[str, Any]:
    """The employee persona's 1:1s with the manager persona (the pages both may see), their
    reports, and the manager persona's and HR's templates and scale."""
    employee = Person.objects.filter(user__email="employee@stip.example").first()
    manager = Person.objects.filter(user__email="manager@stip.example").first()
    if employee is None or manager is None:
        return {}
    pair = Meeting.objects.of_pair(manager.pk, employee.pk)
    series = Series.objects.active().filter(manager=manager, employee=employee).first()
    found: dict[str, Any] = {}
    if series is not None:
        found["conversation series"] = series
        found["conversation: planned"] = (
            Meeting.objects.filter(series=series, held_at__isnull=True)
            .order_by("scheduled_for", "pk")
            .first()
        )
    busiest = _busiest(pair)
    if busiest is not None:
        found["conversation"] = busiest
    notes = (
        pair.annotate(revisions=Count("shared_note__revisions"))
        .order_by("-revisions", "-scheduled_for", "-pk")
        .first()
    )
    if notes is not None:
        found["conversation: most revised notes"] = notes
    reports = FormalReport.objects.filter(
        meeting__manager=manager, meeting__employee=employee
    ).current()
    shared = reports.filter(shared_at__isnull=False).order_by("-version", "-pk").first()
    if shared is not None:
        found["conversation report"] = shared
    draft = (
        reports.filter(shared_at__isnull=True, meeting__kind=MeetingKind.APPRAISAL)
        .annotate(quoted=Count("quotes"))
        .order_by("-quoted", "-pk")
        .first()
    )
    if draft is not None:
        found["conversation report: draft appraisal"] = draft
        found["conversation: appraisal"] = draft.meeting
    own = CheckInTemplate.objects.filter(owner=manager, archived_at__isnull=True).first()
    if own is not None:
        found["check-in template: manager's"] = own
    organisation = CheckInTemplate.objects.filter(
        owner__isnull=True, kind=CheckInTemplate.Kind.CHECK_IN, archived_at__isnull=True
    ).first()
    if organisation is not None:
        found["check-in template: organisation's"] = organisation
    scale = RatingScale.objects.filter(is_default=True).first()
    if scale is not None:
        found["appraisal rating scale"] = scale
    return found


def _busiest(pair) -> Meeting | None:
    """The pair's meeting with the most on its page: agenda points, action items (its own and
    those carried over) and revisions of its notes."""
    best, most = None, -1
    for meeting in pair.annotate(
        points=Count("agenda", distinct=True),
        revisions=Count("shared_note__revisions", distinct=True),
    ).order_by("-scheduled_for", "-pk"):
        weight = meeting.points + meeting.revisions + queries.action_items_for(meeting).count()
        if weight > most:
            best, most = meeting, weight
    return best


__all__ = ["generate", "objects"]
