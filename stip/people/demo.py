"""Demo and benchmark organisations, written with bulk inserts only.

Two generators share one writer:

- `seed_demo_organisation` builds "Zuiderzee Logistiek B.V.", a hand-written company of 60
  people for trying Stip out: teams in a tree, three levels of management below the director,
  Dutch and international colleagues, three people who have left, two HR people, an admin.
- `seed_generated_organisation` builds an organisation of any size up to 100,000 people from a
  seed: the same seed gives the same names, teams, managers, dates and e-mail addresses. The
  benchmark signs in as its known accounts (`employee@stip.example`, `manager@stip.example`, …).

Both compute every id and materialised path in Python before inserting (ids are reserved up
front), so each table is written once with `bulk_create` and never updated afterwards. Measured
at 100,000 people on SQLite: the paths cost 0.2 s this way, against 17 s for inserting first and
then running `hierarchy.rebuild_paths` (which reads every row back and `bulk_update`s it).
"""

import datetime
import itertools
import random
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from stip.core.audit import audit_record
from stip.core.models import Language, User
from stip.people.models import Person, Team

DEMO_PASSWORD = "stip-demo-2026"  # noqa: S105 - published on purpose: demo data only
DEMO_ORGANISATION = "Zuiderzee Logistiek B.V."
DEMO_DOMAIN = "zuiderzee.example"
GENERATED_ORGANISATION = "Stip Benchmark B.V."
GENERATED_DOMAIN = "stip.example"
MAX_PEOPLE = 100_000
# Generated organisations are dated against a fixed day, so that a seed gives the same
# start and end dates whenever it runs (and the people who left have left by any later day).
GENERATED_AS_OF = datetime.date(2026, 1, 1)
BATCH_SIZE = 2000

# progress(stage, done, total): called after each batch that is written.
Progress = Callable[[str, int, int], None]


class OrganisationNotEmpty(Exception):
    """The database already holds an organisation; seeding would mix two of them."""


@dataclass(frozen=True)
class DemoSignIn:
    role: str
    name: str
    email: str
    job_title: str
    team: str


@dataclass(frozen=True)
class DemoResult:
    organisation: str
    people: int
    teams: int
    left: int
    hr: int
    password: str
    sign_ins: tuple[DemoSignIn, ...]
    # The manager of the largest team (the benchmark's "large team" page: 60 to 150 direct
    # reports from about 800 people up; the widest span of control below that) and how many of
    # their direct reports still work here.
    large_team_manager_email: str
    large_team_size: int
    seconds: float

    def sign_in(self, role: str) -> DemoSignIn:
        for sign_in in self.sign_ins:
            if sign_in.role == role:
                return sign_in
        raise KeyError(role)


# --- The plan: plain records with list indexes for references, written in one go. ----------


@dataclass(slots=True)
class _TeamPlan:
    name: str
    parent: int | None


@dataclass(slots=True)
class _PersonPlan:
    first_name: str
    last_name: str
    email: str
    language: str
    team: int
    manager: int | None
    job_title: str
    job_level: str
    start_date: datetime.date
    end_date: datetime.date | None = None
    is_hr: bool = False
    is_admin: bool = False


@dataclass
class _Plan:
    organisation: str
    domain: str
    employee_prefix: str
    teams: list[_TeamPlan] = field(default_factory=list)
    people: list[_PersonPlan] = field(default_factory=list)
    # (role, index into people), in the order they are printed.
    sign_ins: list[tuple[str, int]] = field(default_factory=list)
    # The manager the benchmark uses for "a large team"; the largest span of control if None.
    large_team_manager: int | None = None

    def add_team(self, name: str, parent: int | None) -> int:
        self.teams.append(_TeamPlan(name, parent))
        return len(self.teams) - 1

    def add_person(self, person: _PersonPlan) -> int:
        self.people.append(person)
        return len(self.people) - 1


_ASCII = str.maketrans({"\u0131": "i", "ł": "l", "Ł": "L", "ø": "o", "ß": "ss", "æ": "ae"})


def _slug(text: str) -> str:
    """'El Amrani' → 'elamrani', 'Öztürk' → 'ozturk': the local part of an e-mail address."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return "".join(ch for ch in folded.lower() if ch.isascii() and ch.isalnum())


class _Emails:
    """first.last@domain, numbered from the second person with the same name."""

    def __init__(self, domain: str):
        self.domain = domain
        self.seen: dict[str, int] = {}

    def __call__(self, first_name: str, last_name: str) -> str:
        local = f"{_slug(first_name)}.{_slug(last_name)}"
        count = self.seen.get(local, 0) + 1
        self.seen[local] = count
        return f"{local}{count if count > 1 else ''}@{self.domain}"


# --- The demo company ------------------------------------------------------------------------

# (key, parent key, name)
_DEMO_TEAMS = (
    ("directie", None, "Directie"),
    ("operations", "directie", "Operations"),
    ("planning", "operations", "Planning"),
    ("warehouse", "operations", "Warehouse Almere"),
    ("transport", "operations", "Transport"),
    ("sales_service", "directie", "Sales & Service"),
    ("sales", "sales_service", "Sales"),
    ("klantenservice", "sales_service", "Klantenservice"),
    ("finance", "directie", "Finance"),
    ("hr", "directie", "People & Culture"),
    ("it", "directie", "IT"),
)


@dataclass(frozen=True)
class _Demo:
    first_name: str
    last_name: str
    job_title: str
    job_level: str
    started: tuple[int, int]  # years and months ago
    key: str = ""  # for the rows below and the sign-ins to refer to
    language: str = Language.DUTCH
    left: int | None = None  # months ago
    is_hr: bool = False
    is_admin: bool = False


_EN = Language.ENGLISH

# (team, manager key, people): the director, department heads, team leads and their teams.
_DEMO_PEOPLE = (
    ("directie", None, [
        _Demo("Pieter", "van den Berg", "Algemeen directeur", "Directie", (12, 2), "director"),
    ]),
    ("directie", "director", [
        _Demo("Ingrid", "Hoekstra", "Directiesecretaresse", "Schaal 7", (9, 4)),
    ]),
    ("operations", "director", [
        _Demo("Marieke", "Visser", "Manager Operations", "Schaal 12", (11, 1), "head_ops"),
    ]),
    ("sales_service", "director", [
        _Demo("Esther", "de Wit", "Commercieel directeur", "Schaal 12", (8, 7), "head_sales"),
    ]),
    ("finance", "director", [
        _Demo("Hans", "Timmermans", "Finance Manager", "Schaal 11", (10, 3), "head_finance"),
    ]),
    ("hr", "director", [
        _Demo("Anouk", "Smit", "HR Manager", "Schaal 11", (6, 5), "head_hr", is_hr=True),
    ]),
    ("it", "director", [
        _Demo("Martijn", "de Jong", "IT Manager", "Schaal 11", (7, 9), "head_it"),
    ]),
    ("planning", "head_ops", [
        _Demo("Daan", "Bakker", "Teamleider Planning", "Schaal 10", (7, 6), "lead_planning"),
    ]),
    ("warehouse", "head_ops", [
        _Demo("Mohammed", "El Idrissi", "Teamleider Warehouse", "Schaal 9", (10, 0), "lead_wh"),
    ]),
    ("transport", "head_ops", [
        _Demo("Erik", "Jacobs", "Teamleider Transport", "Schaal 9", (9, 2), "lead_transport"),
    ]),
    ("sales", "head_sales", [
        _Demo("Jasper", "Vos", "Teamlead Sales", "Schaal 10", (6, 0), "lead_sales"),
    ]),
    ("klantenservice", "head_sales", [
        _Demo("Nicole", "Janssen", "Teamleider Klantenservice", "Schaal 9", (8, 1), "lead_ks"),
    ]),
    ("planning", "lead_planning", [
        _Demo("Sanne", "de Vries", "Planner", "Schaal 8", (3, 2), "employee"),
        _Demo("Priya", "Sharma", "Supply Chain Analyst", "Schaal 9", (1, 8), "employee_en", _EN),
        _Demo("Thijs", "Meijer", "Senior planner", "Schaal 9", (9, 1)),
        _Demo("Lotte", "Kok", "Planner", "Schaal 8", (0, 5)),
        _Demo("Yasmina", "Bouzid", "Junior planner", "Schaal 7", (0, 2)),
        _Demo("Bram", "Peters", "Planner", "Schaal 8", (4, 3), left=7),
    ]),
    ("warehouse", "lead_wh", [
        _Demo("Kees", "Vermeulen", "Meewerkend voorman", "Schaal 7", (14, 3)),
        _Demo("Tomasz", "Kowalski", "Orderpicker", "Schaal 5", (5, 2), language=_EN),
        _Demo("Piotr", "Nowak", "Heftruckchauffeur", "Schaal 6", (6, 6), language=_EN),
        _Demo("Jeroen", "Smit", "Magazijnmedewerker", "Schaal 5", (8, 0)),
        _Demo("Kevin", "de Graaf", "Magazijnmedewerker", "Schaal 5", (2, 4)),
        _Demo("Ricardo", "Martins", "Orderpicker", "Schaal 5", (1, 1), language=_EN),
        _Demo("Bart", "Dijkstra", "Heftruckchauffeur", "Schaal 6", (12, 5)),
        _Demo("Dennis", "Willems", "Medewerker inbound", "Schaal 5", (3, 0)),
        _Demo("Samira", "Achahbar", "Medewerker retouren", "Schaal 5", (4, 9)),
        _Demo("Emre", "Yilmaz", "Orderpicker", "Schaal 5", (0, 9)),
        _Demo("Wouter", "Hendriks", "Magazijnmedewerker", "Schaal 5", (6, 1)),
        _Demo("Stefan", "Bos", "Magazijnmedewerker", "Schaal 5", (5, 6), left=15),
    ]),
    ("transport", "lead_transport", [
        _Demo("Henk", "Brouwer", "Chauffeur CE", "Schaal 6", (14, 10)),
        _Demo("Rob", "van Dam", "Chauffeur CE", "Schaal 6", (11, 3)),
        _Demo("Marco", "van Leeuwen", "Chauffeur C", "Schaal 5", (4, 2)),
        _Demo("Ahmet", "Demir", "Chauffeur CE", "Schaal 6", (6, 8)),
        _Demo("Niels", "Koster", "Transportplanner", "Schaal 8", (5, 0)),
        _Demo("Gert-Jan", "Prins", "Chauffeur C", "Schaal 5", (2, 2)),
        _Demo("Mike", "Verbeek", "Chauffeur CE", "Schaal 6", (0, 8)),
        _Demo("Jan", "Huisman", "Bijrijder", "Schaal 5", (1, 5)),
    ]),
    ("sales", "lead_sales", [
        _Demo("Laura", "Schouten", "Accountmanager", "Schaal 9", (4, 4)),
        _Demo("Oliver", "Bennett", "Key Account Manager", "Schaal 10", (3, 1), language=_EN),
        _Demo("Floor", "van Rijn", "Accountmanager", "Schaal 9", (2, 0)),
        _Demo("Tim", "de Boer", "Inside Sales Medewerker", "Schaal 7", (1, 2)),
        _Demo("Roel", "Veenstra", "Business Developer", "Schaal 9", (5, 5)),
        _Demo("Charlotte", "Evers", "Sales Support", "Schaal 7", (3, 7)),
    ]),
    ("klantenservice", "lead_ks", [
        _Demo("Marloes", "van der Linden", "Senior medewerker Klantenservice", "Schaal 7", (7, 3)),
        _Demo("Fleur", "Kuipers", "Medewerker Klantenservice", "Schaal 6", (3, 0)),
        _Demo("Yara", "Postma", "Medewerker Klantenservice", "Schaal 6", (1, 0)),
        _Demo("Dylan", "Hermans", "Medewerker Klantenservice", "Schaal 6", (0, 6)),
        _Demo("Sofia", "Rossi", "Customer Service Agent", "Schaal 6", (2, 3), language=_EN),
        _Demo("Emma", "Sanders", "Medewerker Klantenservice", "Schaal 6", (3, 1), left=4),
    ]),
    ("finance", "head_finance", [
        _Demo("Anita", "Veldman", "Financieel administratief medewerker", "Schaal 7", (13, 0)),
        _Demo("Joost", "van Beek", "Business Controller", "Schaal 10", (4, 6)),
        _Demo("Ilse", "Groen", "Crediteurenadministrateur", "Schaal 7", (2, 1)),
        _Demo("Wendy", "Maas", "Controller", "Schaal 9", (6, 9)),
    ]),
    ("hr", "head_hr", [
        _Demo("Fatima", "El Amrani", "HR-adviseur", "Schaal 9", (3, 4), "hr", is_hr=True),
        _Demo("Lisa", "Wouters", "Recruiter", "Schaal 8", (1, 3)),
    ]),
    ("it", "head_it", [
        _Demo("Ruben", "Mulder", "Systeembeheerder", "Schaal 8", (5, 1), "admin", is_admin=True),
        _Demo("Arjen", "Dekker", "Software Developer", "Schaal 9", (3, 3)),
        _Demo("Chloé", "Martin", "Data Analyst", "Schaal 9", (1, 0), language=_EN),
        _Demo("Sven", "Lammers", "Servicedeskmedewerker", "Schaal 6", (2, 7)),
    ]),
)  # fmt: skip

# (role as printed, key in _DEMO_PEOPLE)
_DEMO_SIGN_INS = (
    ("employee", "employee"),
    ("employee (English)", "employee_en"),
    ("manager", "lead_planning"),
    ("manager's manager", "head_ops"),
    ("director", "director"),
    ("hr", "hr"),
    ("admin", "admin"),
)


def _demo_plan(*, seed: int, today: datetime.date) -> _Plan:
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    plan = _Plan(organisation=DEMO_ORGANISATION, domain=DEMO_DOMAIN, employee_prefix="ZL")
    teams: dict[str, int] = {}
    for key, parent, name in _DEMO_TEAMS:
        teams[key] = plan.add_team(name, teams[parent] if parent else None)

    emails = _Emails(DEMO_DOMAIN)
    people: dict[str, int] = {}
    for team, manager, rows in _DEMO_PEOPLE:
        for row in rows:
            years, months = row.started
            days = years * 365 + months * 30 + rng.randint(0, 27)
            end = None
            if row.left is not None:
                end = today - datetime.timedelta(days=row.left * 30 + rng.randint(0, 27))
            index = plan.add_person(
                _PersonPlan(
                    first_name=row.first_name,
                    last_name=row.last_name,
                    email=emails(row.first_name, row.last_name),
                    language=row.language,
                    team=teams[team],
                    manager=people[manager] if manager else None,
                    job_title=row.job_title,
                    job_level=row.job_level,
                    start_date=today - datetime.timedelta(days=days),
                    end_date=end,
                    is_hr=row.is_hr,
                    is_admin=row.is_admin,
                )
            )
            if row.key:
                people[row.key] = index
    plan.sign_ins = [(role, people[key]) for role, key in _DEMO_SIGN_INS]
    return plan


# --- Generated organisations -----------------------------------------------------------------

_FIRST_NAMES_NL = (
    "Anna", "Anouk", "Bas", "Bram", "Britt", "Carlijn", "Casper", "Daan", "Demi", "Dennis",
    "Dirk", "Eline", "Emma", "Esther", "Eva", "Fenna", "Femke", "Floor", "Frank", "Gijs",
    "Hanneke", "Hans", "Henk", "Ilse", "Iris", "Jan", "Jasper", "Jeroen", "Jesse", "Joost",
    "Jorien", "Julia", "Kees", "Kim", "Koen", "Lars", "Laura", "Lieke", "Linda", "Lisa",
    "Lotte", "Luuk", "Maaike", "Manon", "Marieke", "Mark", "Marloes", "Martijn", "Maud",
    "Max", "Merel", "Milan", "Mirjam", "Naomi", "Nick", "Niels", "Noor", "Pieter", "Rik",
    "Robin", "Roel", "Romy", "Ruben", "Sander", "Sanne", "Sara", "Sem", "Sophie", "Stefan",
    "Sven", "Tess", "Thijs", "Thomas", "Tim", "Tom", "Vera", "Wouter", "Yvonne", "Zoë",
    "Ahmet", "Bilal", "Emre", "Fatima", "Hatice", "Imane", "Mohammed", "Nadia", "Samira",
    "Yasmina", "Youssef", "Zeynep", "Shanti", "Rajesh", "Anil", "Ruud", "Wim", "Gert-Jan",
)  # fmt: skip
_LAST_NAMES_NL = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf",
    "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel",
    "van der Veen", "van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten",
    "van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster",
    "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "Peeters", "de Lange", "Kuipers",
    "van Wijk", "Postma", "Kuiper", "Veenstra", "Kramer", "van den Brink", "Scholten",
    "van Wijngaarden", "Post", "Martens", "Vink", "de Ruiter", "Timmermans", "Groen", "Gerritsen",
    "Jonker", "van Loon", "Boer", "van der Velde", "Willemsen", "Smeets", "de Lange", "Evers",
    "Verbeek", "Lammers", "Veldman", "Wouters", "Hermans", "Sanders", "Haverkamp", "Zwart",
    "El Amrani", "El Idrissi", "Bouzid", "Achahbar", "Yilmaz", "Demir", "Kaya", "Öztürk",
    "Ramdin", "Sitaram", "Kartosen", "Tjon", "Pinas", "Biharie",
)  # fmt: skip
_FIRST_NAMES_EN = (
    "James", "Oliver", "Emily", "Sophie", "Daniel", "Hannah", "Priya", "Arjun", "Wei", "Mei",
    "Tomasz", "Piotr", "Agnieszka", "Katarzyna", "Ana", "Lucía", "Pablo", "Marco", "Giulia",
    "Sofia", "Luca", "Chloé", "Lucas", "Elena", "Andrei", "Ioana", "Mateusz", "Liam", "Noah",
    "Grace", "Ravi", "Sunita", "Kenji", "Yuki", "Ricardo", "Beatriz", "Lukas", "Anja",
)  # fmt: skip
_LAST_NAMES_EN = (
    "Smith", "Walker", "Bennett", "O'Connor", "Murphy", "Taylor", "Sharma", "Patel", "Chen",
    "Wang", "Kowalski", "Nowak", "Wiśniewska", "Lewandowski", "García", "Martínez", "Rossi",
    "Bianchi", "Martin", "Dubois", "Popescu", "Ionescu", "Müller", "Schmidt", "Novák",
    "Tanaka", "Suzuki", "Martins", "Silva", "Costa", "Kumar", "Iyer", "Hughes", "Evans",
)  # fmt: skip

_PLACES = (
    "Almere", "Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Tilburg",
    "Groningen", "Breda", "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Zwolle", "Amersfoort",
    "Zoetermeer", "Leiden", "Maastricht", "Dordrecht", "Venlo", "Den Bosch", "Enschede",
    "Leeuwarden", "Deventer", "Alkmaar", "Hoofddorp", "Schiphol", "Moerdijk", "Waalwijk",
    "Roosendaal", "Veghel", "Tiel", "Born", "Emmen", "Hengelo", "Heerenveen", "Lelystad",
    "Assen", "Middelburg", "Vlissingen", "Helmond", "Oss", "Ede", "Veenendaal", "Gouda",
    "Delft", "Purmerend", "Zaandam", "Hilversum", "Harderwijk", "Meppel", "Kampen", "Doetinchem",
    "Zutphen", "Weert", "Roermond", "Sittard", "Heerlen", "Bergen op Zoom", "Goes", "Hoorn",
    "Den Helder", "Drachten", "Sneek", "Zwijndrecht", "Barendrecht", "Ridderkerk", "Nieuwegein",
)  # fmt: skip
_REGIONS = ("Noord", "Oost", "Zuid", "West", "Midden", "Randstad", "Benelux", "Internationaal")


@dataclass(frozen=True)
class _Function:
    """What a team does: its names, its members' job titles (weighted), their salary scales."""

    scales: tuple[int, int]
    titles: tuple[tuple[str, int], ...]
    team_names: tuple[str, ...]

    def title(self, rng: random.Random) -> str:
        return rng.choices([t for t, _ in self.titles], [w for _, w in self.titles])[0]


_FUNCTIONS = {
    "Warehouse": _Function(
        (5, 6),
        (
            ("Magazijnmedewerker", 6),
            ("Orderpicker", 5),
            ("Heftruckchauffeur", 2),
            ("Reachtruckchauffeur", 1),
        ),
        ("Warehouse", "Orderpicking", "Voorraadbeheer", "Value Added Services"),
    ),
    "Inbound": _Function(
        (5, 6),
        (("Medewerker inbound", 5), ("Magazijnmedewerker", 2), ("Heftruckchauffeur", 2)),
        ("Inbound", "Ontvangst", "Cross-dock"),
    ),
    "Outbound": _Function(
        (5, 6),
        (("Medewerker outbound", 4), ("Orderpicker", 4), ("Expeditiemedewerker", 2)),
        ("Outbound", "Expeditie", "Verzending"),
    ),
    "Transport": _Function(
        (5, 8),
        (("Chauffeur CE", 6), ("Chauffeur C", 3), ("Bijrijder", 1), ("Transportplanner", 1)),
        ("Transport", "Distributie", "Last Mile", "Fleet"),
    ),
    "Planning": _Function(
        (7, 9),
        (
            ("Planner", 5),
            ("Senior planner", 2),
            ("Junior planner", 2),
            ("Supply Chain Analyst", 1),
        ),
        ("Planning", "Capaciteitsplanning", "Supply Chain"),
    ),
    "Retouren": _Function(
        (5, 6),
        (("Medewerker retouren", 4), ("Magazijnmedewerker", 1)),
        ("Retouren", "Reverse Logistics"),
    ),
    "Kwaliteit": _Function(
        (7, 9),
        (("Kwaliteitsmedewerker", 4), ("Kwaliteitsinspecteur", 3), ("Procesverbeteraar", 1)),
        ("Kwaliteit", "QHSE", "Continu Verbeteren"),
    ),
    "Productie": _Function(
        (5, 8),
        (("Productiemedewerker", 8), ("Operator", 4), ("Procesoperator", 2), ("Technicus", 1)),
        ("Productie", "Assemblage", "Verpakking", "Productielijn", "Menging"),
    ),
    "Onderhoud": _Function(
        (6, 8),
        (("Monteur", 4), ("Technicus", 3), ("Werkvoorbereider", 1)),
        ("Onderhoud", "Technische Dienst", "Storingsdienst"),
    ),
    "Sales": _Function(
        (7, 10),
        (
            ("Accountmanager", 5),
            ("Inside Sales Medewerker", 3),
            ("Key Account Manager", 2),
            ("Business Developer", 1),
        ),
        ("Sales", "Accountmanagement", "Inside Sales", "Key Accounts", "Business Development"),
    ),
    "Klantenservice": _Function(
        (5, 7),
        (
            ("Medewerker Klantenservice", 8),
            ("Customer Service Agent", 3),
            ("Senior medewerker Klantenservice", 1),
        ),
        ("Klantenservice", "Customer Care", "Klantcontact", "Orderdesk", "Webcare"),
    ),
    "Marketing": _Function(
        (7, 10),
        (
            ("Online marketeer", 3),
            ("Marketeer", 3),
            ("Content marketeer", 2),
            ("Brand Manager", 1),
        ),
        ("Marketing", "Online Marketing", "Brand & Content", "Marketing Intelligence"),
    ),
    "Inkoop": _Function(
        (7, 10),
        (("Inkoper", 4), ("Inkoopassistent", 2), ("Senior inkoper", 1), ("Category Manager", 1)),
        ("Inkoop", "Strategische Inkoop", "Operationele Inkoop", "Contractmanagement"),
    ),
    "Finance": _Function(
        (7, 10),
        (
            ("Financieel administratief medewerker", 4),
            ("Crediteurenadministrateur", 2),
            ("Debiteurenbeheerder", 2),
            ("Controller", 2),
            ("Business Controller", 1),
        ),
        ("Finance", "Crediteuren", "Debiteuren", "Grootboek", "Control", "Rapportage"),
    ),
    "Salarisadministratie": _Function(
        (7, 9),
        (("Salarisadministrateur", 3), ("Payroll Specialist", 1)),
        ("Salarisadministratie", "Payroll"),
    ),
    "HR": _Function(
        (7, 10),
        (("HR-adviseur", 4), ("Recruiter", 2), ("HR-medewerker", 2), ("HR Business Partner", 1)),
        ("HR Advies", "Recruitment", "HR Services", "Learning & Development"),
    ),
    "IT": _Function(
        (6, 11),
        (
            ("Software Developer", 5),
            ("Servicedeskmedewerker", 3),
            ("Systeembeheerder", 2),
            ("Data Engineer", 2),
            ("DevOps Engineer", 1),
            ("Product Owner", 1),
        ),
        ("IT", "Servicedesk", "Platform", "Data & Analytics", "Development", "Werkplekbeheer"),
    ),
    "Legal": _Function(
        (9, 11),
        (("Jurist", 3), ("Compliance Officer", 2), ("Privacy Officer", 1)),
        ("Legal", "Compliance", "Privacy"),
    ),
}
# Who reports to a manager of teams directly, besides the team leads.
_STAFF_TITLES = ("Projectleider", "Business Analyst", "Managementassistent", "Specialist {}")


@dataclass(frozen=True)
class _Department:
    name: str
    head_title: str
    share: float  # of the organisation
    functions: dict[str, int]  # what its teams do, and how many teams of each kind
    large_team: str = ""  # has teams of 60 to 150 (a warehouse shift, a contact centre)


_DEPARTMENTS = (
    _Department(
        "Operations",
        "Directeur Operations",
        0.34,
        {
            "Warehouse": 6,
            "Transport": 3,
            "Inbound": 2,
            "Outbound": 2,
            "Planning": 1,
            "Retouren": 1,
            "Kwaliteit": 1,
        },
        large_team="Warehouse",
    ),
    _Department(
        "Sales & Service",
        "Commercieel directeur",
        0.18,
        {"Klantenservice": 3, "Sales": 2},
        large_team="Klantenservice",
    ),
    _Department(
        "Productie", "Directeur Productie", 0.17, {"Productie": 6, "Onderhoud": 2, "Kwaliteit": 1}
    ),
    _Department("IT", "Head of IT", 0.08, {"IT": 1}),
    _Department("Finance", "CFO", 0.06, {"Finance": 3, "Salarisadministratie": 1}),
    _Department("Inkoop", "Manager Inkoop", 0.04, {"Inkoop": 1}),
    _Department("Marketing", "Head of Marketing", 0.03, {"Marketing": 1}),
    _Department("People & Culture", "HR-directeur", 0.01, {"HR": 1}),
    _Department("Legal & Compliance", "Head of Legal", 0.01, {"Legal": 1}),
)
_HR_DEPARTMENT = "People & Culture"
_IT_DEPARTMENT = "IT"
_LEAF_MAX = 14  # a team: a lead and at most 13 members
_SITE_MAX = 150  # a unit this small works in one place; larger ones spread over several
_LARGE_TEAM_MIN = 60


def _split(total: int, weights: list[float]) -> list[int]:
    """Share `total` out by `weights` (largest remainder), so the parts add up exactly."""
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: parts[i] - exact[i])
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


class _Generator:
    def __init__(self, *, people: int, seed: int, as_of: datetime.date):
        self.rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
        self.total = people
        self.as_of = as_of
        self.plan = _Plan(
            organisation=GENERATED_ORGANISATION, domain=GENERATED_DOMAIN, employee_prefix="S"
        )
        self.emails = _Emails(GENERATED_DOMAIN)
        self.team_names: set[str] = set()
        self.reports: list[int] = []  # direct reports per person
        self.departments: dict[str, list[int]] = {}  # department → its people
        self.large_team_leads: list[int] = []
        self.department: _Department | None = None

    # One person or team -------------------------------------------------------------------

    def team(self, name: str, parent: int | None) -> int:
        unique, number = name, 1
        while unique in self.team_names:
            number += 1
            unique = f"{name} {number}"
        self.team_names.add(unique)
        return self.plan.add_team(unique, parent)

    def person(
        self, *, team: int, manager: int | None, title: str, level: str, senior: bool = False
    ) -> int:
        rng = self.rng
        if rng.random() < 0.08:
            first, last = rng.choice(_FIRST_NAMES_EN), rng.choice(_LAST_NAMES_EN)
            language = Language.ENGLISH
        else:
            first, last = rng.choice(_FIRST_NAMES_NL), rng.choice(_LAST_NAMES_NL)
            language = Language.DUTCH
        # Managers have usually been around for a while; anyone may have started last week.
        days = rng.randint(2 * 365 if senior else 7, 15 * 365)
        department = self.department.name if self.department else ""
        index = self.plan.add_person(
            _PersonPlan(
                first_name=first,
                last_name=last,
                email=self.emails(first, last),
                language=language,
                team=team,
                manager=manager,
                job_title=title,
                job_level=level,
                start_date=self.as_of - datetime.timedelta(days=days),
                is_hr=department == _HR_DEPARTMENT,
            )
        )
        self.reports.append(0)
        if manager is not None:
            self.reports[manager] += 1
        self.departments.setdefault(department, []).append(index)
        return index

    def member(self, *, team: int, manager: int, function: str) -> int:
        kind = _FUNCTIONS[function]
        low, high = kind.scales
        return self.person(
            team=team,
            manager=manager,
            title=kind.title(self.rng),
            level=f"Schaal {self.rng.randint(low, high)}",
        )

    def some_function(self) -> str:
        functions = self.department.functions
        return self.rng.choices(list(functions), list(functions.values()))[0]

    # Units: a team with its head, and the units below it -------------------------------------

    def leaf(self, *, size: int, manager: int, parent: int, name: str, function: str) -> int:
        """A team of `size`: its lead and the members who report to the lead."""
        team = self.team(name, parent)
        lead = self.person(
            team=team,
            manager=manager,
            title=f"Teamleider {function}",
            level=f"Schaal {min(_FUNCTIONS[function].scales[1] + 2, 11)}",
            senior=True,
        )
        for _ in range(size - 1):
            self.member(team=team, manager=lead, function=function)
        return lead

    def unit(
        self,
        *,
        size: int,
        manager: int,
        parent: int,
        name: str,
        depth: int,
        function: str = "",
        place: str = "",
        head_title: str = "",
    ) -> int:
        """`size` people under one head: a team, or a department of teams and departments."""
        rng = self.rng
        if size <= _LEAF_MAX and depth > 1:
            return self.leaf(
                size=size, manager=manager, parent=parent, name=name, function=function
            )
        team = self.team(name, parent)
        head = self.person(
            team=team,
            manager=manager,
            title=head_title or f"Manager {name}",
            level=f"Schaal {max(14 - depth, 11)}",
            senior=True,
        )
        rest = size - 1

        large_team = self.department.large_team if depth == 1 else ""
        if large_team and rest >= 300:
            stems = _FUNCTIONS[large_team].team_names
            for _ in range(min(5, rest // 800 + 1)):
                if rest // 4 < _LARGE_TEAM_MIN:
                    break
                large = min(rng.randint(_LARGE_TEAM_MIN, 150), rest // 4)
                self.large_team_leads.append(
                    self.leaf(
                        size=large,
                        manager=head,
                        parent=team,
                        name=f"{rng.choice(stems)} {rng.choice(_PLACES)}",
                        function=large_team,
                    )
                )
                rest -= large

        if rest < _LEAF_MAX:
            # A small department: everyone reports to its head.
            for _ in range(rest):
                self.member(team=team, manager=head, function=self.some_function())
            return head

        if rest <= 12 * 10:
            children = max(1, round(rest / rng.uniform(8.5, 11)))
        else:
            children = rng.randint(4, 8)
        # Specialists who report to the head directly, so that a manager of two teams still
        # has a span of about five.
        direct = max(0, 5 - children) + (1 if rng.random() < 0.3 else 0)
        direct = min(direct, max(0, rest - 2 * children))
        for _ in range(direct):
            own = function or self.some_function()
            self.person(
                team=team,
                manager=head,
                title=rng.choice(_STAFF_TITLES).format(own),
                level=f"Schaal {min(_FUNCTIONS[own].scales[1] + 1, 11)}",
            )
        rest -= direct

        # Departments split into regions, regions into sites, sites into teams; a site's teams
        # share its place ("Warehouse Tilburg", "Inbound Tilburg").
        shared_place = place if size <= _SITE_MAX else ""
        for child_size in _split(rest, [rng.uniform(0.7, 1.3) for _ in range(children)]):
            if child_size <= 0:
                continue
            child_function = self.some_function()
            child_place = shared_place or rng.choice(_PLACES)
            if child_size > _SITE_MAX:
                # A region ("Operations Noord") or a cluster of sites ("Operations Tilburg").
                where = rng.choice(_REGIONS) if depth == 1 else child_place
                child_name, child_place = f"{self.department.name} {where}", ""
            else:
                stem = rng.choice(_FUNCTIONS[child_function].team_names)
                child_name = f"{stem} {child_place}"
            self.unit(
                size=child_size,
                manager=head,
                parent=team,
                name=child_name,
                depth=depth + 1,
                function=child_function,
                place=child_place,
            )
        return head

    # The whole organisation ---------------------------------------------------------------

    def build(self) -> _Plan:
        board = self.team("Directie", None)
        ceo = self.person(
            team=board, manager=None, title="Chief Executive Officer", level="Directie", senior=True
        )
        rest = self.total - 1
        assistants = ("Directiesecretaresse", "Management Assistant", "Bestuurssecretaris")
        for title in assistants[: min(3, rest // 100)]:
            self.person(team=board, manager=ceo, title=title, level="Schaal 8")
            rest -= 1

        shares = _split(rest, [department.share for department in _DEPARTMENTS])
        names = [department.name for department in _DEPARTMENTS]
        # Even a tiny organisation has someone in HR and in IT (for the hr@ and admin@ accounts).
        for needed in (_HR_DEPARTMENT, _IT_DEPARTMENT):
            i = names.index(needed)
            if shares[i] == 0 and rest >= 2:
                shares[i] = 1
                shares[shares.index(max(shares))] -= 1

        for department, size in zip(_DEPARTMENTS, shares, strict=True):
            if size <= 0:
                continue
            self.department = department
            self.unit(
                size=size,
                manager=ceo,
                parent=board,
                name=department.name,
                depth=1,
                head_title=department.head_title,
            )
        self.department = None
        if len(self.plan.people) != self.total:
            raise RuntimeError(f"Planned {len(self.plan.people)} people, not {self.total}.")

        self.choose_sign_ins()
        self.choose_leavers()
        return self.plan

    def choose_sign_ins(self):
        people, reports = self.plan.people, self.reports
        # The lead of the largest large team; in a small organisation, the widest span below
        # the CEO (or the CEO, when nobody else manages anyone).
        candidates = self.large_team_leads or [i for i in range(1, len(people)) if reports[i]]
        manager = max(candidates or [0], key=lambda i: (reports[i], -i))
        taken = {manager} if reports[manager] else set()
        chosen: list[tuple[str, int]] = []

        def first(candidates):
            for i in candidates:
                if i not in taken:
                    taken.add(i)
                    return i
            return None

        employee = first(i for i in range(manager + 1, len(people)) if people[i].manager == manager)
        hr_people = self.departments.get(_HR_DEPARTMENT, [])
        hr = first([i for i in hr_people if reports[i] == 0] + hr_people)
        it_people = self.departments.get(_IT_DEPARTMENT, [])
        admin = first(
            itertools.chain(
                (i for i in it_people if reports[i] == 0), it_people, range(len(people))
            )
        )
        for role, index in (
            ("employee", employee),
            ("manager", manager if reports[manager] else None),
            ("hr", hr),
            ("admin", admin),
        ):
            if index is not None:
                chosen.append((role, index))
        for role, index in chosen:
            people[index].email = f"{role}@{GENERATED_DOMAIN}"
        if hr is not None:
            people[hr].is_hr = True
        if admin is not None:
            people[admin].is_admin = True
            if admin in it_people and people[admin].manager in it_people:
                people[admin].job_title = "Functioneel beheerder"
        self.plan.sign_ins = chosen
        self.plan.large_team_manager = manager

    def choose_leavers(self):
        """About 2% have left: people without reports, never one of the sign-ins."""
        signed_in = {index for _, index in self.plan.sign_ins}
        candidates = [
            i for i, count in enumerate(self.reports) if count == 0 and i not in signed_in and i
        ]
        earliest = self.as_of - datetime.timedelta(days=15 * 365)
        rng = self.rng
        for i in sorted(rng.sample(candidates, min(len(candidates), round(self.total * 0.02)))):
            person = self.plan.people[i]
            person.end_date = self.as_of - datetime.timedelta(days=rng.randint(14, 3 * 365))
            start = person.end_date - datetime.timedelta(days=rng.randint(120, 8 * 365))
            person.start_date = max(start, earliest)


# --- Writing ---------------------------------------------------------------------------------


def organisation_exists() -> bool:
    return Person.objects.exists() or Team.objects.exists()


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys for rows about to be inserted, so that paths can name them."""
    if count == 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Draw from the table's own sequence: safe with other writers, and the sequence
            # needs no reset afterwards.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite (IMMEDIATE transactions) holds the write lock for the whole transaction, so
        # nobody else can take these ids; its AUTOINCREMENT counter follows the inserted rows.
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def _bulk_insert(model, objects: Iterator, total: int, stage: str, progress: Progress | None):
    """Insert `objects` in batches, building each batch only when it is due (memory)."""
    done = 0
    while batch := list(itertools.islice(objects, BATCH_SIZE)):
        model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        done += len(batch)
        if progress:
            progress(stage, done, total)


def _write(plan: _Plan, *, seed: int, progress: Progress | None, started: float) -> DemoResult:
    if organisation_exists():
        raise OrganisationNotEmpty("The database already has people or teams.")
    if User.objects.filter(email__iendswith=f"@{plan.domain}").exists():
        raise OrganisationNotEmpty(f"There are already users with an @{plan.domain} address.")

    # Public ids from the seed too, so that a benchmark's URLs are the same on every run.
    ids_rng = random.Random(f"public-ids-{seed}")  # noqa: S311 - demo data, not secrets

    def public_id() -> uuid.UUID:
        return uuid.UUID(int=ids_rng.getrandbits(128), version=4)

    # One hash for everyone: hashing is deliberately slow (PBKDF2), 100,000 of them take hours.
    password = make_password(DEMO_PASSWORD)
    now = timezone.now()

    team_ids = reserve_ids(Team, len(plan.teams))
    user_ids = reserve_ids(User, len(plan.people))
    person_ids = reserve_ids(Person, len(plan.people))

    def teams() -> Iterator[Team]:
        paths: list[str] = []
        for team_id, team in zip(team_ids, plan.teams, strict=True):
            # Parents are planned before their children, so their paths are already known.
            path = (paths[team.parent] if team.parent is not None else "/") + f"{team_id}/"
            paths.append(path)
            yield Team(
                id=team_id,
                public_id=public_id(),
                name=team.name,
                parent_id=team_ids[team.parent] if team.parent is not None else None,
                path=path,
            )

    def users() -> Iterator[User]:
        for user_id, person in zip(user_ids, plan.people, strict=True):
            yield User(
                id=user_id,
                email=person.email,
                password=password,
                language=person.language,
                is_active=person.end_date is None,
                is_staff=person.is_admin,
                is_superuser=person.is_admin,
                date_joined=now,
            )

    def people() -> Iterator[Person]:
        paths: list[str] = []
        numbered = enumerate(zip(person_ids, user_ids, plan.people, strict=True), start=1)
        for number, (person_id, user_id, person) in numbered:
            # Managers are planned before their reports, so their paths are already known.
            manager = person.manager
            path = (paths[manager] if manager is not None else "/") + f"{person_id}/"
            paths.append(path)
            yield Person(
                id=person_id,
                public_id=public_id(),
                user_id=user_id,
                employee_number=f"{plan.employee_prefix}{number:06d}",
                first_name=person.first_name,
                last_name=person.last_name,
                team_id=team_ids[person.team],
                manager_id=person_ids[manager] if manager is not None else None,
                path=path,
                job_title=person.job_title,
                job_level=person.job_level,
                start_date=person.start_date,
                end_date=person.end_date,
                is_hr=person.is_hr,
                is_active=person.end_date is None,
            )

    _bulk_insert(Team, teams(), len(plan.teams), "teams", progress)
    _bulk_insert(User, users(), len(plan.people), "users", progress)
    _bulk_insert(Person, people(), len(plan.people), "people", progress)

    audit_record(
        actor=None,
        action="people.demo_seeded",
        obj=Team.objects.get(pk=team_ids[0]),
        after={"organisation": plan.organisation, "people": len(plan.people), "seed": seed},
    )

    reports = [0] * len(plan.people)
    for person in plan.people:
        if person.manager is not None and person.end_date is None:
            reports[person.manager] += 1
    largest = plan.large_team_manager
    if largest is None:
        largest = max(range(len(reports)), key=lambda i: (reports[i], -i))
    sign_ins = tuple(
        DemoSignIn(
            role=role,
            name=f"{plan.people[i].first_name} {plan.people[i].last_name}",
            email=plan.people[i].email,
            job_title=plan.people[i].job_title,
            team=plan.teams[plan.people[i].team].name,
        )
        for role, i in plan.sign_ins
    )
    return DemoResult(
        organisation=plan.organisation,
        people=len(plan.people),
        teams=len(plan.teams),
        left=sum(1 for p in plan.people if p.end_date is not None),
        hr=sum(1 for p in plan.people if p.is_hr),
        password=DEMO_PASSWORD,
        sign_ins=sign_ins,
        large_team_manager_email=plan.people[largest].email,
        large_team_size=reports[largest],
        seconds=time.perf_counter() - started,
    )


def seed_demo_organisation(
    *, seed: int = 1, today: datetime.date | None = None, progress: Progress | None = None
) -> DemoResult:
    """Zuiderzee Logistiek B.V.: 60 people to try Stip with. Dates are relative to `today`."""
    started = time.perf_counter()
    plan = _demo_plan(seed=seed, today=today or timezone.localdate())
    with transaction.atomic():
        return _write(plan, seed=seed, progress=progress, started=started)


def seed_generated_organisation(
    *,
    people: int,
    seed: int,
    as_of: datetime.date = GENERATED_AS_OF,
    progress: Progress | None = None,
) -> DemoResult:
    """A deterministic organisation of `people` (1 to 100,000); the same seed, the same data."""
    if not 1 <= people <= MAX_PEOPLE:
        raise ValueError(f"The number of people must be between 1 and {MAX_PEOPLE:,}.")
    started = time.perf_counter()
    plan = _Generator(people=people, seed=seed, as_of=as_of).build()
    if progress:
        progress("planned", people, people)
    with transaction.atomic():
        return _write(plan, seed=seed, progress=progress, started=started)


def demo_sign_ins() -> list[DemoSignIn]:
    """The demo organisation's sign-ins that exist in this database (for `make run` to print)."""
    plan = _demo_plan(seed=1, today=timezone.localdate())
    wanted = {plan.people[i].email: (role, plan.people[i]) for role, i in plan.sign_ins}
    present = set(
        User.objects.filter(email__in=wanted, is_active=True).values_list("email", flat=True)
    )
    return [
        DemoSignIn(
            role=role,
            name=f"{person.first_name} {person.last_name}",
            email=email,
            job_title=person.job_title,
            team=plan.teams[person.team].name,
        )
        for email, (role, person) in wanted.items()
        if email in present
    ]
