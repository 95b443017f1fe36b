"""The goals of the benchmark's generated organisation (bench/data.py): a year of use.

- The organisation's goals for each year that the last three quarters, this one and the next
  touch (most of them strategic), and three a quarter aligned to them; HR keeps them up to date.
- One to three goals per team per quarter, set and updated by the team's lead and aligned to an
  organisation goal; a team with teams below it has a goal that rolls up theirs.
- Personal goals for most people for last, this and next quarter (about two a quarter, many
  aligned to their team's goals, a few private development goals) and for some the whole year:
  objectives and KPIs with one to four key results, milestones and yes/no goals set by hand.
- Progress updates every week to every month from each goal's start until today (the updates
  take whatever the rows budget leaves, within that range); comments between people and their
  managers on some.
- Goals of past quarters closed a few days after their end (achieved, missed or dropped, with a
  reflection), some left open, some missed ones carried over into this quarter. Nobody acts
  after they left: a leaver's goals stop at their last day.

Every stored figure is what the services would have stored: a goal's progress is
`weighted_progress` of its key results' current values (those of its last update), the mean
of its aligned goals' progress for a roll-up, the last update's for a goal set by hand; an
open goal has its last update's status, a closed one its outcome and closing time; `version`
counts the changes. The personas: the employee has a goal of the whole year that everyone may
see, updated three times a week (the longest history), and the manager's 100-odd reports
each have their goals of every quarter. Updates are written on working days.

Written in bulk and streamed: the organisation's and teams' goals first (their ids reserved at
once, since personal goals and roll-ups name them), then the people in chunks, each chunk's
goals reserved and written before the next, so that memory does not grow with the goals.
Rows go in with plain `executemany` statements (`_Table` says why).
"""

import datetime
import functools
import itertools
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from random import Random
from typing import Any

from django.db import connection, models
from django.db.models import Count, Q
from django.utils import timezone

from bench.data import DataContext, Staff, column_adapter, write_rows
from stip.goals.models import Goal, GoalComment, GoalUpdate, KeyResult
from stip.goals.progress import key_result_progress, rolled_up_progress, rounded, weighted_progress
from stip.goals.queries import PeriodChoice, quarter_of
from stip.people.demo import BATCH_SIZE
from stip.people.models import Person, Team

# What the shape below writes per person when every goal is updated at its usual pace; the
# rows asked for stretch or shrink the time between updates (bench/data.py's DATA).
ROWS_PER_PERSON_AT_USUAL_PACE = 42
# People planned, reserved and written together.
CHUNK = 2000
# Moments of the Dutch working day, 8:00 to 18:00 in winter, in UTC like the database.
WORKDAY_START = datetime.time(7)
MINUTES = tuple(datetime.timedelta(minutes=minute) for minute in range(600))
WEEKEND_SHIFT = tuple(datetime.timedelta(days=days) for days in (0, 0, 0, 0, 0, 2, 1))
# Moments remembered once adapted (a working year has some 150,000 minutes).
MOMENTS_REMEMBERED = 2**17
CENT = Decimal("0.01")
ONE = Decimal(1)

Level, Kind, Visibility = Goal.Level, Goal.Kind, Goal.Visibility
Status, Period, Mode = Goal.Status, Goal.Period, Goal.ProgressMode
NUMBER, PERCENT, EURO, YES_NO = "number", "percent", "euro", "yes_no"


# --- What people want: the texts -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _KR:
    nl: str
    en: str
    unit: str
    start: Decimal
    target: Decimal
    weight: Decimal = ONE


def _kr(nl: str, en: str, unit: str, start, target, weight: int = 1) -> _KR:
    return _KR(nl, en, unit, Decimal(str(start)), Decimal(str(target)), Decimal(weight))


@dataclass(frozen=True, slots=True)
class _Template:
    nl: str
    en: str
    kind: str
    results: tuple[_KR, ...] = ()


def _t(nl: str, en: str, kind: str, *results: _KR) -> _Template:
    return _Template(nl, en, kind, results)


OBJECTIVE, KPI, MILESTONE, BINARY = Kind.OBJECTIVE, Kind.KPI, Kind.MILESTONE, Kind.BINARY

# The organisation's ambitions for a year, by theme: (strategic, title, key results).
_YEAR_GOALS = {
    "on_time": (True, "Leveringen 98% op tijd", (
        _kr("Leveringen op tijd", "", PERCENT, "92.5", 98, 3),
        _kr("Klachten over te late levering per maand", "", NUMBER, 240, 80))),
    "co2": (True, "CO₂-uitstoot per zending 15% omlaag", (
        _kr("kg CO₂ per zending", "", NUMBER, "12.4", "10.5", 2),
        _kr("Lege kilometers", "", PERCENT, 22, 15),
        _kr("Elektrische bestelwagens in de vloot", "", NUMBER, 12, 60))),
    "nps": (True, "Klanttevredenheid (NPS) naar 45", (
        _kr("Net Promoter Score", "", NUMBER, 31, 45, 2),
        _kr("Klantvragen binnen 24 uur beantwoord", "", PERCENT, 78, 95))),
    "revenue": (False, "Omzet naar € 1,2 miljard", (
        _kr("Omzet", "", EURO, 1_050_000_000, 1_200_000_000, 2),
        _kr("Brutomarge", "", PERCENT, "11.5", 13))),
    "people": (False, "Een werkgever waar mensen blijven", (
        _kr("Vrijwillig verloop", "", PERCENT, 14, 10),
        _kr("Ziekteverzuim", "", PERCENT, "6.4", 5),
        _kr("Medewerkers met een ontwikkelplan", "", PERCENT, 35, 80))),
}  # fmt: skip

# The organisation's goals for a quarter, by the theme of the year goal they contribute to.
_QUARTER_GOALS = (
    ("on_time", "Leverbetrouwbaarheid dit kwartaal 97%", (
        _kr("Leveringen op tijd", "", PERCENT, 93, 97, 2),
        _kr("Orders dezelfde dag verzonden", "", PERCENT, 88, 95))),
    ("on_time", "Piekdrukte zonder vertraging opvangen", (
        _kr("Dagen met achterstand in de magazijnen", "", NUMBER, 12, 3),)),
    ("co2", "Minder lege kilometers", (
        _kr("Ritten met retourlading", "", PERCENT, 30, 45, 2),
        _kr("Lege kilometers", "", PERCENT, 21, 17))),
    ("co2", "Elektrische bestelwagens in gebruik", (
        _kr("Elektrische bestelwagens op de weg", "", NUMBER, 12, 25),)),
    ("nps", "Klanten sneller antwoord", (
        _kr("Vragen binnen 24 uur beantwoord", "", PERCENT, 80, 92, 2),
        _kr("Klantcijfer na contact", "", NUMBER, "7.4", "8.2"))),
    ("nps", "Track & trace voor elke zending", (
        _kr("Zendingen met live track & trace", "", PERCENT, 60, 90),)),
    ("revenue", "Nieuwe klanten in de Benelux", (
        _kr("Nieuwe contracten", "", NUMBER, 0, 40),
        _kr("Nieuwe omzet op jaarbasis", "", EURO, 0, 12_000_000, 2))),
    ("revenue", "Kosten per zending omlaag", (
        _kr("Kosten per zending", "", EURO, "18.40", "17.20"),)),
    ("people", "Iedereen een goed gesprek over ontwikkeling", (
        _kr("Ontwikkelgesprekken gevoerd", "", PERCENT, 20, 90),)),
    ("people", "Verzuim omlaag", (
        _kr("Ziekteverzuim", "", PERCENT, "6.2", "5.5"),)),
)  # fmt: skip

# Team names begin with what the team does ("Orderpicking Tilburg", "Operations Noord").
_AREAS = (
    ("warehouse", ("Warehouse", "Orderpicking", "Voorraadbeheer", "Value Added", "Inbound",
                   "Ontvangst", "Cross-dock", "Outbound", "Expeditie", "Verzending", "Retouren",
                   "Reverse", "Operations")),
    ("transport", ("Transport", "Distributie", "Last Mile", "Fleet", "Planning",
                   "Capaciteitsplanning", "Supply Chain")),
    ("production", ("Productie", "Assemblage", "Verpakking", "Menging", "Onderhoud",
                    "Technische", "Storingsdienst", "Kwaliteit", "QHSE", "Continu")),
    ("customers", ("Klantenservice", "Customer", "Klantcontact", "Orderdesk", "Webcare", "Sales",
                   "Accountmanagement", "Inside", "Key", "Business", "Marketing", "Online",
                   "Brand")),
)  # fmt: skip

_TEAM_GOALS = {
    "warehouse": (
        _t("Orders dezelfde dag de deur uit", "", OBJECTIVE,
           _kr("Orders vóór 15:00 verzonden", "", PERCENT, 86, 96, 2),
           _kr("Pickfouten per 1.000 orders", "", NUMBER, "4.5", 2)),
        _t("Voorraad klopt", "", OBJECTIVE,
           _kr("Voorraadverschillen bij telling", "", PERCENT, "2.5", "0.8"),
           _kr("Cyclustellingen uitgevoerd", "", NUMBER, 0, 12)),
        _t("Veilig werken in het magazijn", "", KPI,
           _kr("Dagen zonder ongeval met verzuim", "", NUMBER, 0, 90)),
        _t("Nieuwe indeling van de pickzone", "", MILESTONE),
        _t("Retouren binnen twee dagen verwerkt", "", KPI,
           _kr("Doorlooptijd retouren (dagen)", "", NUMBER, 5, 2)),
    ),
    "transport": (
        _t("Afleveren binnen het tijdvenster", "", OBJECTIVE,
           _kr("Afleveringen binnen tijdvenster", "", PERCENT, 89, 97, 2),
           _kr("Gemiste tijdvensters per week", "", NUMBER, 40, 15)),
        _t("Zuiniger rijden", "", OBJECTIVE,
           _kr("Gemiddeld verbruik (l/100 km)", "", NUMBER, 31, 28, 2),
           _kr("Chauffeurs met training Het Nieuwe Rijden", "", PERCENT, 40, 100)),
        _t("Ritplanning een dag vooruit rond", "", KPI,
           _kr("Ritten uiterlijk 16:00 de dag ervoor gepland", "", PERCENT, 70, 95)),
        _t("Digitale vrachtbrief op elke rit", "", MILESTONE),
    ),
    "production": (
        _t("Lijnbeschikbaarheid omhoog", "", OBJECTIVE,
           _kr("OEE", "", PERCENT, 68, 78, 2),
           _kr("Ongeplande stilstand (uren per maand)", "", NUMBER, 60, 30)),
        _t("Minder afkeur", "", KPI,
           _kr("Afkeur", "", PERCENT, "3.2", "1.5")),
        _t("Preventief onderhoud op schema", "", OBJECTIVE,
           _kr("Onderhoudsorders op tijd", "", PERCENT, 75, 95),
           _kr("Storingen per maand", "", NUMBER, 18, 8)),
        _t("5S op de hele vloer", "", MILESTONE),
    ),
    "customers": (
        _t("Sneller en vriendelijker antwoord", "", OBJECTIVE,
           _kr("Vragen binnen 24 uur beantwoord", "", PERCENT, 78, 95, 2),
           _kr("Gemiddelde afhandeltijd (minuten)", "", NUMBER, 14, 9),
           _kr("Klantcijfer na contact", "", NUMBER, "7.6", "8.5")),
        _t("Nieuwe klanten binnenhalen", "", OBJECTIVE,
           _kr("Nieuwe contracten", "", NUMBER, 0, 6),
           _kr("Nieuwe omzet op jaarbasis", "", EURO, 0, 450_000, 2)),
        _t("Bestaande klanten behouden", "", KPI,
           _kr("Klantverloop", "", PERCENT, 8, 4)),
        _t("Kennisbank op orde", "", MILESTONE),
    ),
    "office": (
        _t("Snellere maandafsluiting", "", KPI,
           _kr("Werkdagen tot de maandafsluiting", "", NUMBER, 9, 5)),
        _t("Processen gedigitaliseerd", "", OBJECTIVE,
           _kr("Processen zonder papier", "", NUMBER, 3, 10),
           _kr("Handmatige stappen per maand", "", NUMBER, 400, 150)),
        _t("Klanten van binnen tevreden", "", KPI,
           _kr("Tevredenheid interne klanten", "", NUMBER, "6.9", "8.0")),
        _t("Plan voor volgend jaar vastgesteld", "", MILESTONE),
    ),
}  # fmt: skip

_ROLL_UPS = (
    "{team}: de teamdoelen van dit kwartaal gehaald",
    "{team} levert wat het belooft",
    "{team}: samen de kwartaaldoelen halen",
)

# What people work on, by area; a person's goals come from their area and the common ones.
_PERSONAL = {
    "warehouse": (
        _t("Pickfouten in mijn zone halveren", "Halve the picking errors in my zone", KPI,
           _kr("Pickfouten per 1.000 orders", "Picking errors per 1,000 orders", NUMBER, 5,
               "2.5")),
        _t("Orders vóór 15:00 klaar voor verzending", "Orders ready to ship by 3 pm", OBJECTIVE,
           _kr("Orders vóór 15:00 klaar", "Orders ready by 3 pm", PERCENT, 85, 97),
           _kr("Orders met een fout in de verzending", "Orders shipped with a mistake",
               NUMBER, 30, 10)),
        _t("Heftruckcertificaat behalen", "Get the forklift certificate", BINARY),
        _t("Werkplek elke dag 5S-proof", "A 5S workplace every day", MILESTONE),
        _t("Nieuwe collega's inwerken", "Onboard the new colleagues", OBJECTIVE,
           _kr("Collega's ingewerkt", "Colleagues onboarded", NUMBER, 0, 4),
           _kr("Werkinstructies bijgewerkt", "Work instructions updated", NUMBER, 0, 6),
           _kr("Buddy-gesprekken gevoerd", "Buddy conversations held", NUMBER, 0, 8)),
        _t("Scanner-pilot afronden", "Finish the scanner pilot", OBJECTIVE,
           _kr("Medewerkers getraind", "Colleagues trained", PERCENT, 0, 100),
           _kr("Pilot geëvalueerd", "Pilot evaluated", YES_NO, 0, 1)),
    ),
    "transport": (
        _t("Zuiniger rijden met Het Nieuwe Rijden", "Lower fuel use with eco-driving", KPI,
           _kr("Verbruik (l/100 km)", "Fuel use (l/100 km)", NUMBER, 32, 28)),
        _t("Training Het Nieuwe Rijden afronden", "Finish the eco-driving course", BINARY),
        _t("Afleveringen binnen het tijdvenster", "Deliveries within the time window", OBJECTIVE,
           _kr("Afleveringen op tijd", "Deliveries on time", PERCENT, 90, 98),
           _kr("Klachten over de levering", "Delivery complaints", NUMBER, 6, 1)),
        _t("Schadevrij rijden", "Drive without damage", KPI,
           _kr("Schades dit kwartaal", "Damage incidents this quarter", NUMBER, 3, 0)),
        _t("Digitale vrachtbrief bij elke rit", "A digital consignment note on every route",
           OBJECTIVE,
           _kr("Ritten met e-CMR", "Routes with e-CMR", PERCENT, 30, 90)),
        _t("Ritten plannen met de nieuwe module", "Plan routes with the new module", OBJECTIVE,
           _kr("Ritten in de nieuwe module", "Routes in the new module", PERCENT, 0, 80),
           _kr("Spoedritten per week", "Rush routes per week", NUMBER, 12, 5),
           _kr("Handmatige correcties per dag", "Manual corrections a day", NUMBER, 25, 8),
           _kr("Planning om 16:00 rond", "Planning done by 4 pm", PERCENT, 60, 90)),
    ),
    "production": (
        _t("Omsteltijd van mijn lijn omlaag", "Shorter changeovers on my line", KPI,
           _kr("Omsteltijd (minuten)", "Changeover time (minutes)", NUMBER, 45, 25)),
        _t("Afkeur op mijn lijn halveren", "Halve the rejects on my line", OBJECTIVE,
           _kr("Afkeur", "Rejects", PERCENT, 3, "1.5"),
           _kr("Oorzaakanalyses afgerond", "Root-cause analyses done", NUMBER, 0, 5)),
        _t("VCA-diploma halen", "Get the VCA safety certificate", BINARY),
        _t("Verbetervoorstel uitvoeren", "Carry out an improvement proposal", MILESTONE),
        _t("Storingen sneller verholpen", "Fix breakdowns faster", OBJECTIVE,
           _kr("Gemiddelde hersteltijd (minuten)", "Mean time to repair (minutes)", NUMBER, 90,
               45),
           _kr("Storingen met oorzaak vastgelegd", "Breakdowns with a recorded cause", PERCENT,
               40, 90),
           _kr("Reserveonderdelen op voorraad", "Spare parts in stock", PERCENT, 70, 95)),
    ),
    "customers": (
        _t("Vragen binnen 24 uur beantwoorden", "Answer questions within 24 hours", KPI,
           _kr("Binnen 24 uur beantwoord", "Answered within 24 hours", PERCENT, 75, 95)),
        _t("Afhandeltijd per gesprek omlaag", "Shorter handling time per call", KPI,
           _kr("Afhandeltijd (minuten)", "Handling time (minutes)", NUMBER, 14, 9)),
        _t("Kennisbank aanvullen", "Add to the knowledge base", OBJECTIVE,
           _kr("Artikelen gepubliceerd", "Articles published", NUMBER, 0, 15)),
        _t("Nieuwe klanten in mijn regio", "New customers in my region", OBJECTIVE,
           _kr("Nieuwe contracten", "New contracts", NUMBER, 0, 3),
           _kr("Nieuwe omzet op jaarbasis", "New annual revenue", EURO, 0, 200_000, 2),
           _kr("Offertes verstuurd", "Quotes sent", NUMBER, 0, 20)),
        _t("Kwartaalgesprek met mijn top-10 klanten", "Quarterly reviews with my top 10 customers",
           OBJECTIVE,
           _kr("Gesprekken gevoerd", "Reviews held", NUMBER, 0, 10)),
        _t("Pijplijn in het CRM op orde", "A clean pipeline in the CRM", MILESTONE),
    ),
    "office": (
        _t("Maandafsluiting binnen vijf werkdagen", "Month-end close within five working days",
           KPI,
           _kr("Werkdagen tot afsluiting", "Working days to close", NUMBER, 9, 5)),
        _t("Openstaande posten terugdringen", "Reduce the open items", OBJECTIVE,
           _kr("Posten ouder dan 30 dagen", "Items over 30 days", EURO, 420_000, 250_000),
           _kr("Herinneringen binnen een week", "Reminders within a week", PERCENT, 60, 95)),
        _t("Dashboard in Power BI opleveren", "Deliver a Power BI dashboard", MILESTONE),
        _t("Tickets binnen de afgesproken tijd", "Tickets within the agreed time", KPI,
           _kr("Tickets op tijd opgelost", "Tickets solved in time", PERCENT, 80, 95)),
        _t("Contracten in het nieuwe systeem", "Contracts in the new system", OBJECTIVE,
           _kr("Contracten overgezet", "Contracts moved", PERCENT, 10, 100),
           _kr("Leveranciers met een actueel contract", "Suppliers with a current contract",
               PERCENT, 70, 95)),
        _t("Vacatures sneller vervullen", "Fill vacancies faster", KPI,
           _kr("Dagen tot vervulling", "Days to fill", NUMBER, 62, 40)),
    ),
    "common": (
        _t("Verbeteridee uitwerken en invoeren", "Work out and introduce an improvement idea",
           MILESTONE),
        _t("Overdracht bij afwezigheid goed geregeld", "A good handover when I am away",
           MILESTONE),
        _t("Werkoverleg elke week voorbereid", "Prepare the weekly team meeting", OBJECTIVE,
           _kr("Overleggen voorbereid", "Meetings prepared", NUMBER, 0, 12)),
        _t("Klachten binnen een week opgelost", "Complaints solved within a week", KPI,
           _kr("Klachten binnen een week opgelost", "Complaints solved within a week",
               PERCENT, 60, 90)),
    ),
}  # fmt: skip

_DEVELOPMENT = (
    ("Cursus Excel gevorderd afronden", "Finish the advanced Excel course"),
    ("Training Situationeel Leiderschap volgen", "Take the Situational Leadership course"),
    ("Power BI-certificering halen", "Get the Power BI certification"),
    ("Leren delegeren: één taak overdragen", "Learn to delegate: hand over one task"),
    ("Cursus timemanagement volgen", "Take a time-management course"),
    ("Presenteren: twee keer de dagstart leiden", "Present: lead the morning briefing twice"),
    ("Nederlands naar niveau B1", "Improve my Dutch to B1"),
    ("Lean Green Belt halen", "Get the Lean Green Belt"),
)  # fmt: skip

_EMPLOYEE_YEAR_GOAL = _t(
    "Foutloos picken: de hele zone op niveau",
    "Error-free picking: the whole zone up to standard",
    OBJECTIVE,
    _kr("Pickfouten per 1.000 orders", "Picking errors per 1,000 orders", NUMBER, 6, 2, 2),
    _kr("Orders vóór 15:00 klaar", "Orders ready by 3 pm", PERCENT, 84, 97),
    _kr("Collega's getraind op de scanner", "Colleagues trained on the scanner", NUMBER, 0, 24),
)

_DESCRIPTIONS = {
    "nl": (
        "Zodat klanten krijgen wat we beloven.",
        "Afgesproken in het teamoverleg; we meten het elke week.",
        "Past bij de jaardoelen van de organisatie.",
        "Het team weet waarom dit ertoe doet: minder herstelwerk, meer rust op de vloer.",
        "Klein beginnen, en wat werkt uitbreiden naar de andere ploegen.",
    ),
    "en": (
        "So that customers get what we promise.",
        "Agreed in the team meeting; we measure it every week.",
        "Fits the organisation's goals for the year.",
    ),
}

_REFLECTIONS = {
    ("nl", Status.ACHIEVED): (
        "Gehaald, mede dankzij de goede samenwerking met de andere ploegen.",
        "Gelukt: de nieuwe werkwijze staat en het team gebruikt hem.",
        "Ruim op tijd klaar; de laatste weken vooral geborgd.",
        "Gehaald. Volgend kwartaal houden we dit vast.",
    ),
    ("nl", Status.MISSED): (
        "Niet gehaald: door ziekte in het team ging de dagelijkse operatie voor.",
        "Halverwege bleek de data niet betrouwbaar; eerst met IT opgelost.",
        "Te ambitieus ingeschat. Volgend kwartaal een realistischer doel.",
        "Bijna: de piekdrukte in de laatste weken gooide roet in het eten.",
    ),
    ("nl", Status.DROPPED): (
        "Geschrapt: de klant heeft het contract opgezegd.",
        "Geschrapt na de reorganisatie; andere prioriteiten.",
    ),
    ("en", Status.ACHIEVED): (
        "Achieved, thanks to good teamwork with the other shifts.",
        "Done: the new way of working is in place and the team uses it.",
    ),
    ("en", Status.MISSED): (
        "Missed: illness in the team meant daily operations came first.",
        "Too ambitious. A more realistic goal next quarter.",
    ),
    ("en", Status.DROPPED): ("Dropped: the customer ended the contract.",),
}

_CARRY_OVER = {
    "nl": "Niet af; loopt door in het nieuwe kwartaal.",
    "en": "Not finished; continues next quarter.",
}

_UPDATE_NOTES = {
    ("nl", Status.ON_TRACK): (
        "Goed op schema.",
        "Deze week weer een stap verder.",
        "Loopt volgens plan.",
        "De nieuwe werkwijze werkt goed.",
        "Cijfers van deze week bijgewerkt.",
    ),
    ("nl", Status.AT_RISK): (
        "Twee collega's ziek, iets achter.",
        "Wacht op een aanpassing in het systeem.",
        "Drukte in de piek kost tijd.",
        "De data uit het systeem klopt nog niet helemaal.",
    ),
    ("nl", Status.OFF_TRACK): (
        "Flink achter; bespreek ik in het 1-op-1.",
        "De dagelijkse operatie had de afgelopen weken voorrang.",
    ),
    ("en", Status.ON_TRACK): (
        "On track.",
        "Another step forward this week.",
        "Going to plan, no blockers.",
    ),
    ("en", Status.AT_RISK): (
        "Slightly behind: two colleagues off sick.",
        "Waiting for a change in the system.",
    ),
    ("en", Status.OFF_TRACK): ("Well behind; I'll raise it in our one-to-one.",),
}

# A manager and a report talking about the report's goal: question, answer, follow-up.
_THREADS = {
    "nl": (
        ("Mooi resultaat, {first}!", "Dank je! Volgende week verwacht ik de laatste stap.", ""),
        (
            "Waar loop je tegenaan? Zullen we het in ons 1-op-1 bespreken?",
            "Graag. De cijfers uit het systeem kloppen niet; IT kijkt ernaar.",
            "Ik vraag of het deze week opgelost kan worden.",
        ),
        (
            "Kan ik ergens mee helpen?",
            "Een extra paar handen op maandagochtend zou veel schelen.",
            "Ik kijk of er iemand van de andere ploeg kan bijspringen.",
        ),
        ("Goed dat je dit oppakt.", "", ""),
    ),
    "en": (
        ("Great result, {first}!", "Thanks! I expect to finish the last step next week.", ""),
        (
            "What's holding this up? Shall we talk about it in our one-to-one?",
            "Yes please. The figures from the system are off; IT is looking into it.",
            "I'll ask whether they can fix it this week.",
        ),
        ("Anything I can help with?", "An extra pair of hands on Monday mornings would help.", ""),
    ),
}

_REACTIONS = (
    "Mooi! Hoe kunnen wij vanuit ons team bijdragen?",
    "Goed om te zien dat dit vooruitgaat.",
    "Wordt dit ook in het werkoverleg besproken?",
    "Trots op wat we samen al bereikt hebben.",
    "Is er een toelichting op de cijfers van deze maand?",
    "Great to see the progress.",
)


@dataclass(frozen=True)
class _Weighted:
    """Values and how often each comes up (`random.choices` with its sums made once)."""

    values: tuple
    cumulative: tuple[int, ...]

    def draw(self, rng: Random):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


def _weighted(*pairs: tuple[Any, int]) -> _Weighted:
    values, weights = zip(*pairs, strict=True)
    return _Weighted(values, tuple(itertools.accumulate(weights)))


# How fast a goal moves compared with the calendar: ahead, on track, behind, stuck.
_PACES = _weighted((1.25, 2), (1.05, 5), (0.75, 3), (0.45, 1))
# Days between a personal goal's updates.
_CADENCES = _weighted((7, 3), (10, 2), (14, 3), (21, 1), (30, 1))
# Goals a quarter: a person's, a team's.
_PERSONAL_COUNT = _weighted((1, 3), (2, 5), (3, 2))
_TEAM_COUNT = _weighted((1, 4), (2, 4), (3, 2))
# Who may see a personal goal that is not a development goal.
_VISIBILITIES = _weighted(
    (Visibility.ORGANISATION, 8), (Visibility.TEAM, 11), (Visibility.PRIVATE, 1)
)


# --- The organisation as the goals need it ---------------------------------------------------


@dataclass
class _Organisation:
    staff: dict[int, Staff]
    language: dict[int, str]
    first_name: dict[int, str]
    # Teams with a lead, children before their parent (a roll-up after what it rolls up).
    teams_bottom_up: list[int]
    team_name: dict[int, str]
    team_parent: dict[int, int | None]
    lead: dict[int, Staff]
    members: dict[int, list[Staff]]
    area: dict[int, str]
    # Teams with two or more teams below them that have none of their own: their goal rolls up.
    roll_up: set[int]
    hr_users: list[int]
    hr_user: int
    employee: int | None
    # The personas' people (employee, manager, HR).
    personas: frozenset[int]
    # The last three quarters, this one and the next.
    quarters: list[PeriodChoice]


def _organisation(ctx: DataContext) -> _Organisation:
    staff = {person.id: person for person in ctx.staff}
    language, first_name = {}, {}
    for pk, first, lang in Person.objects.values_list("pk", "first_name", "user__language"):
        first_name[pk] = first
        language[pk] = "en" if lang == "en" else "nl"
    teams = list(Team.objects.order_by("pk").values_list("pk", "name", "parent_id"))
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, _name, parent in teams:
        children[parent].append(pk)
    bottom_up: list[int] = []
    stack = [(pk, False) for pk in reversed(children[None])]
    while stack:
        pk, expanded = stack.pop()
        if expanded:
            bottom_up.append(pk)
            continue
        stack.append((pk, True))
        stack.extend((child, False) for child in reversed(children[pk]))

    members: dict[int, list[Staff]] = defaultdict(list)
    lead: dict[int, Staff] = {}
    for person in ctx.staff:
        if not person.current:
            continue
        members[person.team_id].append(person)
        manager = staff.get(person.manager_id)
        if (manager is None or manager.team_id != person.team_id) and person.team_id not in lead:
            lead[person.team_id] = person
    names = {pk: name for pk, name, _parent in teams}
    roll_up = {
        pk
        for pk in names
        if pk in lead
        and sum(1 for child in children[pk] if not children[child] and child in lead) >= 2
    }
    hr_users = [p.user_id for p in ctx.staff if p.is_hr and p.current]
    hr_person = staff.get(ctx.personas.get("hr", 0))
    hr_user = hr_person.user_id if hr_person else (hr_users or [ctx.staff[0].user_id])[0]
    current = quarter_of(ctx.today)
    quarters = [current]
    for _ in range(3):
        quarters.insert(0, quarter_of(quarters[0].start - datetime.timedelta(days=1)))
    quarters.append(quarter_of(current.end + datetime.timedelta(days=1)))
    return _Organisation(
        staff=staff,
        language=language,
        first_name=first_name,
        teams_bottom_up=[pk for pk in bottom_up if pk in lead],
        team_name=names,
        team_parent={pk: parent for pk, _name, parent in teams},
        lead=lead,
        members=members,
        area={pk: _area(name) for pk, name in names.items()},
        roll_up=roll_up,
        hr_users=hr_users or [hr_user],
        hr_user=hr_user,
        employee=ctx.personas.get("employee"),
        personas=frozenset(ctx.personas.values()),
        quarters=quarters,
    )


def _area(team_name: str) -> str:
    for area, stems in _AREAS:
        if team_name.startswith(stems):
            return area
    return "office"


# --- A goal's plan and its history -----------------------------------------------------------


@dataclass(slots=True)
class _Result:
    title: str
    unit: str
    start: Decimal
    target: Decimal
    weight: Decimal
    public_id: uuid.UUID
    # This result moves a little faster or slower than its goal.
    offset: float


@dataclass(slots=True)
class _Tick:
    at: datetime.datetime
    progress: Decimal
    status: str
    values: list[Decimal]
    author: int
    comment: str


@dataclass(slots=True)
class _Comment:
    at: datetime.datetime
    author: int
    text: str


@dataclass(slots=True)
class _Plan:
    level: str
    kind: str
    title: str
    visibility: str
    period: str
    start: datetime.date
    end: datetime.date
    mode: str
    created_by: int
    created_at: datetime.datetime
    public_id: uuid.UUID
    language: str = "nl"
    owner: Staff | None = None
    team_id: int | None = None
    parent_id: int | None = None
    is_strategic: bool = False
    description: str = ""
    results: list[_Result] = field(default_factory=list)
    # Who writes the updates, and who sometimes does instead (the owner's manager), or 0.
    reporter: int = 0
    helper: int = 0
    pace: float = 1.0
    cadence: float = 14.0
    # Where a goal set by hand starts: a carried-over goal where the old one stopped.
    head_start: float = 0.0
    ticks: list[_Tick] = field(default_factory=list)
    comments: list[_Comment] = field(default_factory=list)
    progress: Decimal = Decimal("0.0")
    outcome: str = ""
    closed_at: datetime.datetime | None = None
    reflection: str = ""
    carried_from: "_Plan | None" = None
    id: int = 0

    @property
    def status(self) -> str:
        if self.outcome:
            return self.outcome
        return self.ticks[-1].status if self.ticks else Status.ON_TRACK

    def values(self) -> list[Decimal]:
        if self.ticks and self.results:
            return self.ticks[-1].values
        return [r.start for r in self.results]

    def progress_at(self, moment: datetime.datetime) -> Decimal:
        """Its progress at `moment`, as a roll-up above it read it then."""
        progress = Decimal("0.0")
        for tick in self.ticks:
            if tick.at > moment:
                break
            progress = tick.progress
        return progress

    def dropped_by(self, moment: datetime.datetime) -> bool:
        return self.outcome == Status.DROPPED and self.closed_at <= moment


class _Story:
    """Plans goals and their histories from one random stream, as of the day of the run."""

    def __init__(self, ctx: DataContext, org: _Organisation, *, stretch: float):
        self.ctx = ctx
        self.org = org
        self.rng: Random = ctx.rng("goals")
        self.today = ctx.today
        self.now = ctx.now
        self.latest = ctx.now - datetime.timedelta(minutes=5)
        self.stretch = stretch
        self.goal_ids = ctx.public_ids("goals")
        self.result_ids = ctx.public_ids("goals: key results")

    # -- moments --

    def moment(self, day: datetime.date) -> datetime.datetime:
        """A minute of the Dutch working day on `day` (in UTC), never in the future."""
        at = datetime.datetime.combine(day, WORKDAY_START, tzinfo=datetime.UTC)
        return min(at + MINUTES[int(self.rng.random() * len(MINUTES))], self.latest)

    def around(self, day: datetime.date, *, before: int, after: int, person: Staff | None):
        """A moment some days around `day`, within the person's time here, not after today."""
        chosen = day + datetime.timedelta(days=self.rng.randint(-before, after))
        if person is not None and person.start_date is not None:
            chosen = max(chosen, person.start_date)
        return self.moment(min(chosen, self.last_day(person)))

    def last_day(self, person: Staff | None) -> datetime.date:
        """The last day someone acts: today, or the day a leaver left."""
        if person is not None and person.end_date is not None:
            return min(person.end_date, self.today)
        return self.today

    # -- what a goal is --

    def results(self, template: _Template, language: str) -> list[_Result]:
        rng = self.rng
        return [
            _Result(
                title=r.en if language == "en" and r.en else r.nl,
                unit=r.unit,
                start=r.start,
                target=r.target,
                weight=r.weight,
                public_id=self.result_ids(),
                offset=rng.uniform(-0.15, 0.15),
            )
            for r in template.results
        ]

    def description(self, language: str, chance: float) -> str:
        if self.rng.random() >= chance:
            return ""
        return self.rng.choice(_DESCRIPTIONS[language])

    def pace(self) -> float:
        return _PACES.draw(self.rng) * self.rng.uniform(0.9, 1.1)

    def cadence(self, usual: float | None = None) -> float:
        if usual is None:
            usual = _CADENCES.draw(self.rng)
        return max(2.0, usual * self.stretch)

    # -- what happens to it --

    def tell(self, plan: _Plan, *, first: datetime.date, last: datetime.date) -> None:
        """Updates from `first` to `last` at the plan's cadence, moving at its pace."""
        rng = self.rng
        span = max(1, (plan.end - plan.start).days)
        fraction = plan.head_start
        day = _working(first)
        while day <= last:
            if rng.random() < 0.9 or not plan.ticks:
                elapsed = min(1.0, max(0, (day - plan.start).days) / span)
                moved = elapsed * plan.pace + rng.uniform(-0.04, 0.04)
                fraction = max(fraction, min(1.0, plan.head_start + moved))
                self.tick(plan, day, fraction, elapsed)
            step = plan.cadence * rng.uniform(0.75, 1.25)
            day = _working(day + datetime.timedelta(days=max(1, round(step))))

    def tick(self, plan: _Plan, day: datetime.date, fraction: float, elapsed: float) -> None:
        values = [
            _value(r, 1.0 if fraction >= 1 else min(1.0, max(0.0, fraction * (1 + r.offset))))
            for r in plan.results
        ]
        if plan.mode == Mode.KEY_RESULTS:
            progress = weighted_progress(
                (key_result_progress(start=r.start, target=r.target, current=v), r.weight)
                for r, v in zip(plan.results, values, strict=True)
            )
        elif plan.kind == BINARY:
            progress = Decimal(100 if fraction >= 1 else 0)
        else:
            progress = rounded(Decimal(round(fraction * 20) * 5))
        self.record(plan, self.when(plan, day), progress, elapsed, values)

    def when(self, plan: _Plan, day: datetime.date) -> datetime.datetime:
        previous = plan.ticks[-1].at if plan.ticks else plan.created_at
        return max(self.moment(day), previous + MINUTES[1])

    def record(self, plan, at, progress, elapsed, values) -> None:
        rng = self.rng
        status = _status(progress, elapsed)
        author = plan.helper if plan.helper and rng.random() < 0.12 else plan.reporter
        comment = ""
        if rng.random() < 0.3:
            comment = rng.choice(_UPDATE_NOTES[plan.language, status])
        plan.ticks.append(_Tick(at, progress, status, values, author, comment))
        plan.progress = progress

    def outcome(self, plan: _Plan) -> str:
        rng = self.rng
        if plan.progress >= 100 or (plan.progress >= 80 and rng.random() < 0.5):
            return Status.ACHIEVED
        if plan.progress < 35 and rng.random() < 0.4:
            return Status.DROPPED
        return Status.MISSED

    def close(self, plan: _Plan, outcome: str, day: datetime.date, reflection: str = "") -> None:
        plan.outcome = outcome
        plan.closed_at = self.moment(day)
        if plan.ticks:
            plan.closed_at = max(plan.closed_at, plan.ticks[-1].at + datetime.timedelta(hours=1))
        if reflection:
            plan.reflection = reflection
        elif self.rng.random() < 0.85:
            plan.reflection = self.rng.choice(_REFLECTIONS[plan.language, outcome])

    def closing_day(self, plan: _Plan, *, chance: float) -> datetime.date | None:
        """A few days after the goal's end, if it ended and someone closed it."""
        if plan.end >= self.today or self.rng.random() >= chance:
            return None
        day = _working(plan.end + datetime.timedelta(days=self.rng.randint(1, 12)))
        return day if day <= self.last_day(plan.owner) else None

    def finish(self, plan: _Plan, *, chance: float) -> None:
        day = self.closing_day(plan, chance=chance)
        if day is not None:
            self.close(plan, self.outcome(plan), day)

    def history(self, plan: _Plan) -> None:
        """Updates from a few days after it was set and started until today (or its end), then
        closing."""
        first = max(
            plan.created_at.date() + datetime.timedelta(days=self.rng.randint(3, 10)),
            plan.start,
            self.org.quarters[0].start,
        )
        self.tell(plan, first=first, last=min(plan.end, self.last_day(plan.owner)))
        self.finish(plan, chance=0.9 if plan.owner else 0.95)

    # -- the organisation's goals --

    def organisation_goals(self) -> tuple[list[_Plan], list[tuple[_Plan, str]]]:
        """The goals of each year the quarters touch, and three for each quarter with the theme
        of the year goal they contribute to."""
        rng = self.rng
        org = self.org
        hr = org.hr_user
        years: list[_Plan] = []
        for year in sorted({q.start.year for q in org.quarters}):
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            created = self.around(start, before=25, after=-5, person=None)
            for strategic, title, results in _YEAR_GOALS.values():
                years.append(
                    _Plan(
                        level=Level.ORGANISATION,
                        kind=OBJECTIVE,
                        title=title,
                        visibility=Visibility.ORGANISATION,
                        period=Period.YEAR,
                        start=start,
                        end=end,
                        mode=Mode.KEY_RESULTS,
                        created_by=hr,
                        created_at=created,
                        public_id=self.goal_ids(),
                        is_strategic=strategic,
                        description=self.description("nl", 0.8),
                        results=self.results(_Template(title, "", OBJECTIVE, results), "nl"),
                        reporter=hr,
                        pace=rng.choice((0.95, 0.85, 0.75)),
                        cadence=self.cadence(14),
                    )
                )
        quarters: list[tuple[_Plan, str]] = []
        for quarter in org.quarters:
            for index, (theme, title, results) in enumerate(rng.sample(_QUARTER_GOALS, 3)):
                plan = _Plan(
                    level=Level.ORGANISATION,
                    kind=OBJECTIVE,
                    title=title,
                    visibility=Visibility.ORGANISATION,
                    period=Period.QUARTER,
                    start=quarter.start,
                    end=quarter.end,
                    mode=Mode.KEY_RESULTS,
                    created_by=hr,
                    created_at=self.around(quarter.start, before=20, after=-3, person=None),
                    public_id=self.goal_ids(),
                    is_strategic=index == 0,
                    results=self.results(_Template(title, "", OBJECTIVE, results), "nl"),
                    reporter=hr,
                    pace=self.pace(),
                    cadence=self.cadence(14),
                )
                quarters.append((plan, theme))
        return years, quarters

    def organisation_history(self, plan: _Plan) -> None:
        plan.reporter = self.rng.choice(self.org.hr_users)
        plan.helper = self.org.hr_user
        self.history(plan)
        if plan.is_strategic and plan.start <= self.today <= plan.end and plan.ticks:
            # People react on the strategic goals of this year.
            current = [p for p in self.org.staff.values() if p.current]
            self.react(plan, current, self.rng.randint(6, 12))

    # -- the teams' goals --

    def team_goal(self, team: int, quarter: PeriodChoice, template: _Template) -> _Plan:
        rng = self.rng
        lead = self.org.lead[team]
        drafted = quarter.start > self.today
        created = (
            self.around(self.today, before=20, after=0, person=lead)
            if drafted
            else self.around(quarter.start, before=14, after=10, person=lead)
        )
        kind = template.kind
        return _Plan(
            level=Level.TEAM,
            kind=kind,
            title=template.nl,
            visibility=Visibility.ORGANISATION if rng.random() < 0.7 else Visibility.TEAM,
            period=Period.QUARTER,
            start=quarter.start,
            end=quarter.end,
            mode=Mode.KEY_RESULTS if template.results else Mode.MANUAL,
            created_by=lead.user_id,
            created_at=created,
            public_id=self.goal_ids(),
            team_id=team,
            description=self.description("nl", 0.4),
            results=self.results(template, "nl"),
            reporter=lead.user_id,
            pace=self.pace(),
            cadence=self.cadence(rng.choice((7, 14, 14, 21, 30))),
        )

    def team_history(self, plan: _Plan) -> None:
        self.history(plan)
        if plan.ticks and self.rng.random() < 0.1:
            self.react(plan, self.org.members[plan.team_id], self.rng.randint(1, 2))

    def roll_up(self, team: int, quarter: PeriodChoice, children: list[_Plan]) -> _Plan:
        """A goal whose progress is its aligned goals' mean: at each of its updates (monthly, by
        the head of the teams), and now."""
        rng = self.rng
        head = self.org.lead[team]
        drafted = quarter.start > self.today
        plan = _Plan(
            level=Level.TEAM,
            kind=OBJECTIVE,
            title=rng.choice(_ROLL_UPS).format(team=self.org.team_name[team]),
            visibility=Visibility.ORGANISATION,
            period=Period.QUARTER,
            start=quarter.start,
            end=quarter.end,
            mode=Mode.CHILDREN,
            created_by=head.user_id,
            created_at=(
                self.around(self.today, before=20, after=0, person=head)
                if drafted
                else self.around(quarter.start, before=14, after=3, person=head)
            ),
            public_id=self.goal_ids(),
            team_id=team,
            reporter=head.user_id,
            cadence=self.cadence(30),
        )
        span = max(1, (plan.end - plan.start).days)
        day = _working(
            max(plan.created_at.date(), plan.start) + datetime.timedelta(days=rng.randint(20, 30))
        )
        while day <= min(plan.end, self.today):
            at = self.when(plan, day)
            progress = rolled_up_progress(
                child.progress_at(at) for child in children if not child.dropped_by(at)
            )
            elapsed = min(1.0, (day - plan.start).days / span)
            self.record(plan, at, progress, elapsed, [])
            step = max(7, round(plan.cadence * rng.uniform(0.8, 1.2)))
            day = _working(day + datetime.timedelta(days=step))
        plan.progress = rolled_up_progress(
            child.progress for child in children if child.outcome != Status.DROPPED
        )
        self.finish(plan, chance=0.95)
        return plan

    # -- people's goals --

    def personal_goals(self, person: Staff, aligned: "_Alignment") -> list[_Plan]:
        """One person's goals of last, this and next quarter (and of the year, for some)."""
        rng = self.rng
        org = self.org
        employee = person.id == org.employee
        last_day = self.last_day(person)
        manager = org.staff.get(person.manager_id)
        helper = manager.user_id if manager is not None and manager.current else 0
        pool = _PERSONAL[org.area[person.team_id]] + _PERSONAL["common"]
        plans: list[_Plan] = []
        for index, chance in ((2, 0.88), (3, 0.93), (4, 0.5)):
            quarter = org.quarters[index]
            if quarter.start > last_day or (person.start_date or quarter.end) > quarter.end:
                continue
            if rng.random() >= chance and not employee:
                continue
            count = _PERSONAL_COUNT.draw(rng)
            # A persona's first goal of a quarter contributes to one (where there is one), so
            # that their lists show aligned goals at every size, not by the luck of the draw.
            chance = 1.0 if person.id in org.personas else 0.55
            for template in rng.sample(pool, min(count, len(pool))):
                if rng.random() < 0.08:
                    template = _Template(*rng.choice(_DEVELOPMENT), Kind.DEVELOPMENT)
                plan = self.personal(person, template, quarter, helper=helper)
                choices = aligned.choices(person.team_id, index)
                plan.parent_id = self.align(plan, choices, chance=chance)
                if plan.parent_id is not None:
                    chance = 0.55
                plans.append(plan)
        start = datetime.date(self.today.year, 1, 1)
        if start <= last_day and (employee or rng.random() < 0.12):
            whole_year = PeriodChoice(str(start.year), "", start, datetime.date(start.year, 12, 31))
            template = _EMPLOYEE_YEAR_GOAL if employee else rng.choice(pool)
            plan = self.personal(person, template, whole_year, helper=helper)
            plan.period = Period.YEAR
            plan.parent_id = self.align(plan, aligned.years, chance=0.4)
            if employee:
                # The persona's goal with the longest history, for everyone to see.
                plan.visibility = Visibility.ORGANISATION
                plan.parent_id = aligned.years[0] if aligned.years else None
                # Monday, Wednesday and Friday, whatever the rows asked: the history list is full.
                plan.cadence = 2.0
                plan.pace = 0.95
            plans.append(plan)

        for plan in list(plans):
            if plan.start > self.today:
                continue
            self.history(plan)
            new = self.carry_over(plan) if plan.end < self.today else None
            if new is not None:
                plans.append(new)
                self.history(new)
        for plan in plans:
            self.conversation(plan, long=employee and plan.period == Period.YEAR)
        return plans

    def personal(
        self, person: Staff, template: _Template, quarter: PeriodChoice, *, helper: int
    ) -> _Plan:
        rng = self.rng
        language = self.org.language[person.id]
        drafted = quarter.start > self.today
        if template.kind == Kind.DEVELOPMENT:
            visibility = Visibility.PRIVATE
        else:
            visibility = _VISIBILITIES.draw(rng)
        creator = helper if helper and rng.random() < 0.2 else person.user_id
        return _Plan(
            level=Level.PERSONAL,
            kind=template.kind,
            title=template.en if language == "en" else template.nl,
            visibility=visibility,
            period=Period.QUARTER,
            start=quarter.start,
            end=quarter.end,
            mode=Mode.KEY_RESULTS if template.results else Mode.MANUAL,
            created_by=creator,
            created_at=(
                self.around(self.today, before=25, after=0, person=person)
                if drafted
                else self.around(quarter.start, before=14, after=10, person=person)
            ),
            public_id=self.goal_ids(),
            language=language,
            owner=person,
            description=self.description(language, 0.3),
            results=self.results(template, language),
            reporter=person.user_id,
            helper=helper,
            pace=self.pace(),
            cadence=self.cadence(7 if person.id == self.org.employee else None),
        )

    def align(self, plan: _Plan, choices: list[int], *, chance: float = 0.55) -> int | None:
        if plan.kind == Kind.DEVELOPMENT or not choices or self.rng.random() >= chance:
            return None
        return self.rng.choice(choices)

    def carry_over(self, old: _Plan) -> _Plan | None:
        """What `goal_carry_over` does with some of last quarter's unfinished goals: the old one
        closes as missed, the new one starts where it stopped (the unreached key results)."""
        rng = self.rng
        if old.outcome != Status.MISSED or rng.random() >= 0.35:
            return None
        unreached = [
            (r, value)
            for r, value in zip(old.results, old.values(), strict=True)
            if value != r.target
        ]
        if old.mode == Mode.KEY_RESULTS and not unreached:
            return None
        old.reflection = _CARRY_OVER[old.language]
        start = old.end + datetime.timedelta(days=1)
        end = quarter_of(start).end
        carried = _working(start + datetime.timedelta(days=rng.randint(0, 9)))
        moment = min(old.closed_at, self.moment(carried))
        if old.ticks:  # closed after its last update (a goal may have none)
            moment = max(moment, old.ticks[-1].at + datetime.timedelta(hours=1))
        old.closed_at = moment
        return _Plan(
            level=old.level,
            kind=old.kind,
            title=old.title,
            visibility=old.visibility,
            period=old.period,
            start=start,
            end=end,
            mode=old.mode,
            created_by=old.owner.user_id,
            created_at=old.closed_at,
            public_id=self.goal_ids(),
            language=old.language,
            owner=old.owner,
            parent_id=old.parent_id,
            description=old.description,
            results=[
                _Result(
                    title=r.title,
                    unit=r.unit,
                    start=value,
                    target=r.target,
                    weight=r.weight,
                    public_id=self.result_ids(),
                    offset=r.offset,
                )
                for r, value in unreached
            ],
            reporter=old.reporter,
            helper=old.helper,
            pace=old.pace,
            cadence=old.cadence,
            head_start=float(old.progress) / 100 if old.mode == Mode.MANUAL else 0.0,
            progress=old.progress if old.mode == Mode.MANUAL else Decimal("0.0"),
            carried_from=old,
        )

    def conversation(self, plan: _Plan, *, long: bool) -> None:
        """A manager and the owner talking on some goals; the persona's long goal often."""
        rng = self.rng
        if not plan.ticks or not plan.helper or (not long and rng.random() >= 0.15):
            return
        owner = plan.owner
        last = self.last_day(owner)
        first_name = self.org.first_name[owner.id]
        ticks = rng.sample(plan.ticks, min(len(plan.ticks), 6)) if long else plan.ticks[-1:]
        for tick in ticks:
            lines = rng.choice(_THREADS[plan.language])
            at = tick.at
            for author, text in zip((plan.helper, owner.user_id, plan.helper), lines, strict=True):
                at = self.later(at)
                if not text or at.date() > last:
                    break
                plan.comments.append(_Comment(at, author, text.format(first=first_name)))

    def react(self, plan: _Plan, people: list[Staff], count: int) -> None:
        """`count` reactions by `people` on the goal, each some hours after an update."""
        rng = self.rng
        for _ in range(count):
            at = self.later(rng.choice(plan.ticks).at)
            person = rng.choice(people)
            if person.start_date is None or person.start_date <= at.date():
                plan.comments.append(_Comment(at, person.user_id, rng.choice(_REACTIONS)))

    def later(self, after: datetime.datetime) -> datetime.datetime:
        """Some hours after `after`, not in the future."""
        at = after + MINUTES[30] * self.rng.randint(1, 40)
        return max(after, min(at, self.latest))


def _working(day: datetime.date) -> datetime.date:
    """The day, or the Monday after it when it falls in a weekend."""
    return day + WEEKEND_SHIFT[day.weekday()]


def _value(result: _Result, fraction: float) -> Decimal:
    """Where a key result stands `fraction` of the way: yes/no done near the end, counts in
    whole numbers, large sums of money in thousands, the rest in cents or tenths."""
    if result.unit == YES_NO:
        return (result.target if fraction >= 0.8 else result.start).quantize(CENT)
    span = result.target - result.start
    raw = result.start + span * Decimal(round(fraction * 1000)) / 1000
    whole = result.start == result.start.to_integral() and result.target == (
        result.target.to_integral()
    )
    if result.unit == EURO and abs(span) >= 100_000:
        step = Decimal(1000)
    elif whole and (abs(span) >= 10 or result.unit == NUMBER):
        step = ONE
    elif result.unit == EURO:
        step = CENT
    else:
        step = Decimal("0.1")
    return ((raw / step).to_integral_value() * step).quantize(CENT)


def _status(progress: Decimal, elapsed: float) -> str:
    """What someone says of a goal `elapsed` of the way through its period."""
    done, expected = float(progress), elapsed * 100
    if done >= 100 or expected < 15 or done >= expected * 0.8:
        return Status.ON_TRACK
    if done >= expected * 0.5:
        return Status.AT_RISK
    return Status.OFF_TRACK


# --- Writing ---------------------------------------------------------------------------------


@dataclass
class _Alignment:
    """The goals a personal goal may contribute to: its team's in a quarter (not a roll-up,
    which counts only teams' goals), else the organisation's."""

    teams: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(list))
    quarters: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    years: list[int] = field(default_factory=list)

    def choices(self, team: int, quarter: int) -> list[int]:
        return self.teams.get((team, quarter)) or self.quarters[quarter]


class _Table:
    """One model's rows as plain values, inserted with `executemany` a batch at a time.

    As `DataContext.insert` writes, from keyword values rather than model instances (no
    instance is made at all), with the timestamps converted by `moment`.
    """

    def __init__(
        self, model: type[models.Model], names: tuple[str, ...], *, moment: Callable[[Any], Any]
    ):
        fields = [model._meta.get_field(name) for name in names]
        self.names = names
        self.adapters = [
            (index, moment if model_field.get_internal_type() == "DateTimeField" else adapt)
            for index, model_field in enumerate(fields)
            if (adapt := column_adapter(model_field)) is not None
        ]
        self.model, self.fields = model, fields
        self.rows: list[list] = []
        self.written = 0

    def add(self, **values) -> None:
        row = list(map(values.__getitem__, self.names))
        for index, adapt in self.adapters:
            row[index] = adapt(row[index])
        self.rows.append(row)
        if len(self.rows) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            write_rows(self.model, self.fields, self.rows)
        self.written += len(self.rows)
        self.rows = []


STAMPS = ("created_at", "updated_at")


class _Rows:
    """The four tables' rows on their way to the database."""

    def __init__(self, ctx: DataContext):
        self.comment_ids = ctx.public_ids("goals: comments")
        # Every moment is a minute of a working day: the same ones recur, and are adapted once.
        moment = functools.lru_cache(maxsize=MOMENTS_REMEMBERED)(
            connection.ops.adapt_datetimefield_value
        )
        self.goals = _Table(
            Goal,
            (
                "id",
                "public_id",
                "title",
                "description",
                "level",
                "owner",
                "team",
                "created_by",
                "kind",
                "visibility",
                "status",
                "period",
                "start_date",
                "end_date",
                "parent",
                "is_strategic",
                "progress_mode",
                "progress",
                "last_update_at",
                "closed_at",
                "reflection",
                "carried_over_from",
                "version",
                *STAMPS,
            ),
            moment=moment,
        )
        self.key_results = _Table(
            KeyResult,
            (
                "goal",
                "public_id",
                "title",
                "unit",
                "direction",
                "start_value",
                "target_value",
                "current_value",
                "weight",
                "position",
                *STAMPS,
            ),
            moment=moment,
        )
        self.updates = _Table(
            GoalUpdate,
            ("goal", "author", "progress", "status", "comment", "values", *STAMPS),
            moment=moment,
        )
        self.comments = _Table(
            GoalComment, ("goal", "public_id", "author", "text", *STAMPS), moment=moment
        )
        self.tables = (self.goals, self.key_results, self.updates, self.comments)

    @property
    def written(self) -> int:
        return sum(table.written for table in self.tables)

    def flush(self) -> None:
        for table in self.tables:
            table.flush()

    def goal(self, plan: _Plan) -> None:
        ticks = plan.ticks
        last = ticks[-1].at if ticks else None
        changed = max(moment for moment in (plan.created_at, last, plan.closed_at) if moment)
        self.goals.add(
            id=plan.id,
            public_id=plan.public_id,
            title=plan.title,
            description=plan.description,
            level=plan.level,
            owner=plan.owner.id if plan.owner else None,
            team=plan.team_id,
            created_by=plan.created_by,
            kind=plan.kind,
            visibility=plan.visibility,
            status=plan.status,
            period=plan.period,
            start_date=plan.start,
            end_date=plan.end,
            parent=plan.parent_id,
            is_strategic=plan.is_strategic,
            progress_mode=plan.mode,
            progress=plan.progress,
            last_update_at=last,
            closed_at=plan.closed_at,
            reflection=plan.reflection,
            carried_over_from=plan.carried_from.id if plan.carried_from else None,
            version=1 + len(ticks) + (plan.closed_at is not None),
            created_at=plan.created_at,
            updated_at=changed,
        )
        for position, (result, value) in enumerate(zip(plan.results, plan.values(), strict=True)):
            self.key_results.add(
                goal=plan.id,
                public_id=result.public_id,
                title=result.title,
                unit=result.unit,
                direction=(
                    KeyResult.Direction.INCREASE
                    if result.target > result.start
                    else KeyResult.Direction.DECREASE
                ),
                start_value=result.start,
                target_value=result.target,
                current_value=value,
                weight=result.weight,
                position=position,
                created_at=plan.created_at,
                updated_at=last or plan.created_at,
            )
        keys = [str(result.public_id) for result in plan.results]
        for tick in ticks:
            self.updates.add(
                goal=plan.id,
                author=tick.author,
                progress=tick.progress,
                status=tick.status,
                comment=tick.comment,
                values=[
                    {"key_result": key, "title": result.title, "value": str(value)}
                    for key, result, value in zip(keys, plan.results, tick.values, strict=True)
                ],
                created_at=tick.at,
                updated_at=tick.at,
            )
        for comment in plan.comments:
            self.comments.add(
                goal=plan.id,
                public_id=self.comment_ids(),
                author=comment.author,
                text=comment.text,
                created_at=comment.at,
                updated_at=comment.at,
            )


def _organisation_and_teams(story: _Story, rows: _Rows) -> _Alignment:
    """The organisation's goals and every team's, their ids reserved at once: a team's goal
    names the roll-up of the team above it before that is planned (it reads their progress)."""
    org, rng, ctx = story.org, story.rng, story.ctx
    years, quarters = story.organisation_goals()
    counts: dict[tuple[int, int], int] = {}
    for team in org.teams_bottom_up:
        for index, quarter in enumerate(org.quarters):
            if quarter.start > story.today and rng.random() >= 0.6:
                continue
            counts[team, index] = 1 if team in org.roll_up else _TEAM_COUNT.draw(rng)
    ids = iter(ctx.reserve_ids(Goal, len(years) + len(quarters) + sum(counts.values())))
    aligned = _Alignment()
    year_ids = {}
    for plan in years:
        plan.id = next(ids)
        year_ids[plan.start.year, plan.title] = plan.id
    themes = {theme: title for theme, (_strategic, title, _results) in _YEAR_GOALS.items()}
    quarter_index = {quarter.start: index for index, quarter in enumerate(org.quarters)}
    for plan, theme in quarters:
        plan.id = next(ids)
        plan.parent_id = year_ids[plan.start.year, themes[theme]]
        aligned.quarters[quarter_index[plan.start]].append(plan.id)
    aligned.years = [plan.id for plan in years if plan.start.year == org.quarters[3].start.year]
    for plan in [*years, *(plan for plan, _theme in quarters)]:
        story.organisation_history(plan)
        rows.goal(plan)

    team_ids = {key: [next(ids) for _ in range(count)] for key, count in counts.items()}
    rolling: dict[int, list[_Plan]] = defaultdict(list)
    for team in org.teams_bottom_up:
        parent_team = org.team_parent[team]
        for index, quarter in enumerate(org.quarters):
            goal_ids = team_ids.get((team, index))
            if not goal_ids:
                continue
            if team in org.roll_up:
                plan = story.roll_up(team, quarter, rolling.pop(goal_ids[0], []))
                plan.id = goal_ids[0]
                plan.parent_id = story.align(plan, aligned.quarters[index], chance=0.9)
                rows.goal(plan)
                continue
            above = team_ids.get((parent_team, index)) if parent_team in org.roll_up else None
            templates = rng.sample(_TEAM_GOALS[org.area[team]], len(goal_ids))
            for goal_id, template in zip(goal_ids, templates, strict=True):
                plan = story.team_goal(team, quarter, template)
                plan.id = goal_id
                if above and rng.random() < 0.7:
                    plan.parent_id = above[0]
                    rolling[above[0]].append(plan)
                else:
                    plan.parent_id = story.align(plan, aligned.quarters[index], chance=0.85)
                story.team_history(plan)
                rows.goal(plan)
                aligned.teams[team, index].append(goal_id)
    return aligned


def _people(story: _Story, rows: _Rows, aligned: _Alignment) -> None:
    """Everyone's own goals, a chunk of people at a time: planned, ids reserved, written."""
    earliest = story.org.quarters[2].start
    people = [p for p in story.ctx.staff if p.end_date is None or p.end_date >= earliest]
    for begin in range(0, len(people), CHUNK):
        plans = [
            plan
            for person in people[begin : begin + CHUNK]
            for plan in story.personal_goals(person, aligned)
        ]
        for plan, goal_id in zip(plans, story.ctx.reserve_ids(Goal, len(plans)), strict=True):
            plan.id = goal_id
        for plan in plans:
            rows.goal(plan)
        # The next chunk's ids start after this chunk's goals (SQLite reserves from MAX(id)).
        rows.goals.flush()


def generate(ctx: DataContext, rows: int) -> int:
    """About `rows` rows of goals, key results, updates and comments; returns how many."""
    if not ctx.staff:
        return 0
    org = _organisation(ctx)
    asked = rows / len(ctx.staff)
    story = _Story(ctx, org, stretch=ROWS_PER_PERSON_AT_USUAL_PACE / max(asked, 1.0))
    tables = _Rows(ctx)
    aligned = _organisation_and_teams(story, tables)
    tables.goals.flush()
    _people(story, tables, aligned)
    tables.flush()
    return tables.written


# --- The objects the pages name --------------------------------------------------------------


def objects() -> dict[str, Any]:
    """The goal with the longest history that all three personas may see (the employee's,
    shared with the organisation), and the busiest levels of this quarter's alignment tree:
    the organisation goal and the employee's team goal with the most goals aligned to them."""
    today = timezone.localdate()
    current = quarter_of(today)
    employee = Person.objects.filter(user__email="employee@stip.example").first()
    found: dict[str, Any] = {}
    if employee is None:
        return found
    found["goal"] = (
        Goal.objects.filter(owner=employee, visibility=Visibility.ORGANISATION)
        .annotate(history=Count("updates"))
        .order_by("-history", "pk")
        .first()
    )
    this_quarter = Q(start_date__lte=current.end, end_date__gte=current.start)
    found["organisation_goal"] = (
        Goal.objects.filter(this_quarter, level=Level.ORGANISATION, period=Period.QUARTER)
        .annotate(aligned=Count("children"))
        .order_by("-aligned", "pk")
        .first()
    )
    found["team_goal"] = (
        Goal.objects.filter(this_quarter, level=Level.TEAM, team_id=employee.team_id)
        .annotate(aligned=Count("children"))
        .order_by("-aligned", "pk")
        .first()
    )
    return {name: goal for name, goal in found.items() if goal is not None}
