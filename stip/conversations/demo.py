"""Conversations for the demo organisation, Zuiderzee Logistiek B.V.

`extend_demo` runs after the people and their goals exist (`manage.py seed_demo` finds it by
name). HR's catalogue comes first: the organisation's check-in questions and the questions of a
functioneringsgesprek, in Dutch and English, and the rating scale for appraisals. Then every
manager gets 1:1s with each of their direct reports, every week, two weeks or month, the next
one planned within a fortnight. The demo manager, Daan Bakker, has ten weeks of history with
Sanne de Vries (the demo employee) and the rest of his team: held 1:1s with check-in answers,
talking points and goals on the agenda, shared notes, and action items — some done, some still
open and carried over, one overdue —, his private notes (which Sanne never sees, as the demo
shows), a 1:1 with Sanne tomorrow (the home card's reminder), a 1:1 with Lotte that did not
happen, and Sanne's functioneringsgesprek, whose report she responded to and acknowledged.

What goes through the services: the catalogues, every series (and so every planned 1:1), the
private notes, tomorrow's agenda and check-in, and the whole functioneringsgesprek with its
report, so that the audit log has their entries. The held 1:1s of the past are written with
`bulk_create`: a 1:1 belongs to a series, and `series_start` refuses a first date in the past
(`meeting_create` plans only ad-hoc and formal conversations, in the past too). Their rows are
then moved to their moment in the story.

Everything is planned from one `random.Random(seed)`: the same seed and day give the same
conversations.
"""

import dataclasses
import datetime
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from stip.conversations import services
from stip.conversations.models import (
    ActionItem,
    AgendaItem,
    Cadence,
    CheckInAnswer,
    CheckInQuestion,
    CheckInTemplate,
    Meeting,
    MeetingKind,
    Series,
    SharedNote,
    SharedNoteRevision,
)
from stip.conversations.services import LevelInput
from stip.goals.models import Goal
from stip.people.demo import DEMO_ORGANISATION, DemoResult
from stip.people.models import Person

ENGLISH = "en"
# How long a held conversation took, for its `held_at`.
LENGTH = datetime.timedelta(minutes=45)
TIMES = (datetime.time(9, 0), datetime.time(10, 0), datetime.time(11, 0), datetime.time(13, 30))
CADENCES = (Cadence.WEEKLY, Cadence.BIWEEKLY, Cadence.BIWEEKLY, Cadence.MONTHLY)


@dataclass(frozen=True)
class DemoConversationsResult:
    series: int
    meetings: int
    held: int
    agenda_items: int
    action_items: int
    private_notes: int
    reports: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"Added {self.series} 1:1 series and {self.meetings} conversations ({self.held} "
            f"held) with {self.agenda_items} agenda points, {self.action_items} action items, "
            f"{self.private_notes} private notes and {self.reports} acknowledged report, in "
            f"{self.seconds:.1f} s."
        )


# --- HR's catalogue --------------------------------------------------------------------------

# A question is one line: both languages in it, as the organisation asks them.
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
SCALE_NAME = "Beoordelingsschaal / Appraisal scale"
SCALE_LEVELS = (
    ("Unsatisfactory", "Onvoldoende"),
    ("Needs improvement", "Matig"),
    ("Meets expectations", "Goed"),
    ("Exceeds expectations", "Zeer goed"),
    ("Outstanding", "Uitstekend"),
)


# --- Daan's team: ten weeks of 1:1s ----------------------------------------------------------

MANAGER, EMPLOYEE = "manager", "employee"


@dataclass(frozen=True)
class _Action:
    who: str  # MANAGER or EMPLOYEE
    text: str
    due: int | None = None  # days from today (negative: in the past)
    done: int | None = None  # days ago it was done; None: still open


@dataclass(frozen=True)
class _Held:
    days_ago: int
    talking_points: tuple[tuple[str, str], ...]  # (who, text)
    answers: tuple[str, str, str]
    note: str
    actions: tuple[_Action, ...] = ()
    private: str = ""  # the manager's note for himself


@dataclass(frozen=True)
class _Pair:
    first_name: str
    last_name: str
    cadence: str
    time: datetime.time
    next_in: int  # days from today to the planned 1:1 (negative: it did not happen)
    history: tuple[_Held, ...]


_SANNE = _Pair("Sanne", "de Vries", Cadence.BIWEEKLY, datetime.time(10, 0), 1, (
    _Held(70,
          ((EMPLOYEE, "Drukte rond de Black Friday-planning"), (MANAGER, "Inwerken Yasmina")),
          ("De nieuwe ritplanning voor Almere-Oost loopt goed.",
           "Spoedritten die na 15:00 binnenkomen gooien de planning om.",
           "Duidelijkheid over wie spoedritten mag accepteren."),
          "- Spoedritten: na 15:00 accepteert alleen de dienstdoende planner ze.\n"
          "- Sanne helpt Yasmina de eerste twee weken met de Almere-routes.",
          (_Action(EMPLOYEE, "Afspraak over spoedritten op papier zetten", due=-63, done=65),
           _Action(MANAGER, "Rooster voor Yasmina's inwerkweken maken", due=-66, done=66))),
    _Held(56,
          ((EMPLOYEE, "SQL-cursus"),),
          ("Yasmina pakt de Almere-routes snel op.",
           "Ik wil zelf rapportages maken, maar kan geen SQL.",
           "Ruimte in mijn rooster voor een cursus."),
          "- Sanne wil SQL leren om zelf rapportages over de ritten te maken.\n"
          "- Daan vraagt bij HR naar het opleidingsbudget.",
          (_Action(EMPLOYEE, "Offerte SQL-cursus opvragen", due=-5),
           _Action(MANAGER, "Opleidingsbudget navragen bij HR", due=-45, done=47)),
          private="Sanne is klaar voor meer: de winterplanning aan haar geven?"),
    _Held(42,
          ((MANAGER, "Werkdruk in december"),),
          ("Het opleidingsbudget is rond.",
           "De retourritten kosten het magazijn veel uitzoekwerk.",
           "Een extra chauffeur in de piekweken."),
          "- December wordt druk: Sanne plant haar vrije dagen vóór half december.\n"
          "- Retourritten: Sanne maakt een checklist voor het magazijn.",
          (_Action(EMPLOYEE, "Checklist retourritten delen met het magazijn", due=-30, done=31),
           _Action(MANAGER, "Extra chauffeur regelen voor de piekweken", due=10)),
          private="Ze zegt niet snel nee: werkdruk in december in de gaten houden."),
    _Held(28,
          ((EMPLOYEE, "Feedback op mijn presentatie"),),
          ("Mijn presentatie over de ritplanning.",
           "Nog steeds geen offerte voor de SQL-cursus.",
           "Feedback op de presentatie."),
          "- De presentatie over de ritplanning ging goed; volgende keer meer tijd voor vragen.\n"
          "- Het doel Almere-Oost ligt op schema.",
          (_Action(EMPLOYEE, "Presentatie delen met het team Transport", due=-21, done=22),)),
    _Held(14,
          ((EMPLOYEE, "Lelystad erbij?"),),
          ("De checklist voor de retourritten werkt.",
           "Almere-Oost is af; ik zoek een nieuwe uitdaging.",
           "Vertrouwen om Lelystad erbij te nemen."),
          "- Sanne neemt als proef de Lelystad-routes erbij.\n"
          "- De SQL-offerte is er nog niet: Sanne zet er vaart achter.",
          (_Action(EMPLOYEE, "Proef Lelystad-routes opzetten"),),
          private="Schaal 9 bespreken bij de beoordeling in het voorjaar."),
))  # fmt: skip

_PRIYA = _Pair("Priya", "Sharma", Cadence.BIWEEKLY, datetime.time(11, 0), 7, (
    _Held(63, ((EMPLOYEE, "Data quality of the route exports"),),
          ("The new dashboard for on-time deliveries.", "Route exports with missing times.",
           "Access to the TMS database."),
          "- Priya gets read access to the TMS database.\n- Missing times: IT is looking into it.",
          (_Action(MANAGER, "Request TMS read access for Priya", due=-56, done=58),)),
    _Held(49, ((MANAGER, "Dashboard for the management team"),),
          ("Read access works.", "Too many ad-hoc data requests.", "A rule for data requests."),
          "- Data requests go through one shared list, ordered by Daan.",
          (_Action(EMPLOYEE, "Set up the shared list for data requests", due=-42, done=44),)),
    _Held(35, ((EMPLOYEE, "Dutch lessons"),),
          ("The shared list works.", "Meetings in Dutch are hard to follow.",
           "Summaries in English after meetings."),
          "- Daan sends a short English summary after team meetings.\n"
          "- Priya starts Dutch lessons in January.",
          (_Action(MANAGER, "Send English summaries after team meetings"),),
          private="Priya might want to move towards data engineering; ask in spring."),
    _Held(21, ((EMPLOYEE, "Forecast for the peak weeks"),),
          ("The forecast model for December.", "Nothing at the moment.", "Nothing extra."),
          "- The December forecast goes to Operations on Friday.",
          (_Action(EMPLOYEE, "Share the December forecast with Operations", due=-16, done=17),)),
    _Held(7, ((MANAGER, "Next quarter's goals"),),
          ("The forecast was spot on.", "Choosing between two projects.",
           "Help to choose the next project."),
          "- Priya drafts next quarter's goals; we decide in the next 1:1.",
          (_Action(EMPLOYEE, "Draft next quarter's goals", due=7),)),
))  # fmt: skip

_THIJS = _Pair("Thijs", "Meijer", Cadence.MONTHLY, datetime.time(13, 30), 3, (
    _Held(60, ((EMPLOYEE, "Uitleg TMS aan het team"),),
          ("Het nieuwe TMS draait stabiel.", "Collega's vragen veel uitleg.",
           "Tijd om een uitleg te geven."),
          "- Thijs geeft het team een uitleg over het TMS.",
          (_Action(EMPLOYEE, "Uitleg TMS plannen", due=-45, done=46),)),
    _Held(30, ((MANAGER, "Rol als senior planner"),),
          ("De TMS-uitleg viel goed.", "Te weinig tijd voor mijn eigen routes.",
           "Minder vergaderingen."),
          "- Thijs zit voortaan alleen bij het weekoverleg met Transport."),
))  # fmt: skip

# Lotte's last 1:1 was six weeks ago; the one planned last week did not happen.
_LOTTE = _Pair("Lotte", "Kok", Cadence.BIWEEKLY, datetime.time(14, 0), -8, (
    _Held(42, ((EMPLOYEE, "Vakantie in januari"),),
          ("Ik vind mijn weg in de planning.", "De routes in Zeewolde ken ik nog niet.",
           "Een dag meerijden met een chauffeur."),
          "- Lotte rijdt een dag mee op de route Zeewolde.",
          (_Action(MANAGER, "Meerijddag regelen met Transport", due=-35, done=36),)),
))  # fmt: skip

_YASMINA = _Pair("Yasmina", "Bouzid", Cadence.WEEKLY, datetime.time(9, 0), 2, (
    _Held(14, ((EMPLOYEE, "Hoe gaat het inwerken?"),),
          ("Sanne legt alles goed uit.", "Ik weet niet wie ik moet bellen bij pech.",
           "Een lijst met telefoonnummers."),
          "- Daan maakt een lijst met wie je belt bij pech onderweg.",
          (_Action(MANAGER, "Lijst met noodnummers maken", due=-10, done=11),)),
    _Held(7, ((EMPLOYEE, "Almere-routes zelfstandig"),),
          ("Ik plan de Almere-routes nu zelf.", "Niets.", "Af en toe meekijken."),
          "- Yasmina plant Almere zelfstandig; Sanne kijkt de eerste week mee."),
))  # fmt: skip

DAANS_TEAM = (_SANNE, _PRIYA, _THIJS, _LOTTE, _YASMINA)

# Tomorrow's 1:1 with Sanne: prepared by both of them.
TOMORROW_POINTS = ((EMPLOYEE, "Thuiswerken op vrijdag?"), (MANAGER, "Planning kerstperiode"))
TOMORROW_ANSWER = "De proef met de Lelystad-routes loopt."
TOMORROW_PRIVATE = {
    MANAGER: "Vragen hoe het met de SQL-offerte staat, zonder te pushen.",
    EMPLOYEE: "Zelf beginnen over de Lelystad-proef en over thuiswerken.",
}

# Sanne's functioneringsgesprek, three weeks ago.
PERFORMANCE_DAYS_AGO = 21
PERFORMANCE_TITLE = "Functioneringsgesprek 2026"
PERFORMANCE_REPORT = """\
Terugblik
Sanne heeft dit jaar de ritplanning voor Almere-Oost overgenomen; sinds de zomer is die vrijwel \
altijd vóór 16:00 rond. Ze is een vast aanspreekpunt voor de chauffeurs en houdt het overzicht \
als alles tegelijk komt. Yasmina heeft ze goed ingewerkt.

Ontwikkeling
Sanne wil SQL leren om zelf rapportages over de ritten te maken. Het opleidingsbudget is er; \
Sanne kiest een cursus.

Afspraken
- Sanne neemt als proef de Lelystad-routes erbij.
- We letten samen op de werkdruk in december: Sanne zegt eerder nee tegen spoedritten."""
PERFORMANCE_RESPONSE = (
    "Fijn gesprek. Ik begin graag in het voorjaar met de SQL-cursus, en ik hoor over een paar "
    "weken hoe de Lelystad-proef gaat."
)


# --- The story -------------------------------------------------------------------------------


class _Story:
    def __init__(self, *, result: DemoResult, seed: int, today: datetime.date):
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        self.today = today
        self.now = timezone.now()
        people = list(Person.objects.select_related("user").order_by("pk"))
        self.current = [p for p in people if p.user.is_active and not _left(p, today)]
        by_email = {p.user.email: p for p in people}
        self.hr = by_email[result.sign_in("hr").email]
        self.sanne = by_email[result.sign_in("employee").email]
        self.daan = by_email[result.sign_in("manager").email]
        self.stamps: dict[type, list[tuple[int, datetime.datetime]]] = defaultdict(list)
        self.private_notes = 0

    def named(self, first: str, last: str) -> Person:
        return next(p for p in self.current if (p.first_name, p.last_name) == (first, last))

    def at(self, days: int, moment: datetime.time) -> datetime.datetime:
        """`moment` on the day `days` from today (negative: ago)."""
        day = self.today + datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, moment))

    def past(self, days_ago: int, moment: datetime.time) -> datetime.datetime:
        """A moment in the past, never later than now (the story may run early in the day)."""
        return min(self.at(-days_ago, moment), self.now - datetime.timedelta(minutes=5))

    def stamp(self, obj, at: datetime.datetime) -> None:
        self.stamps[type(obj)].append((obj.pk, at))

    def private_note(self, meeting: Meeting, person: Person, text: str, at) -> None:
        """Through the service, as its author writes it on the page."""
        note = services.private_note_save(meeting=meeting, actor=person.user, text=text)
        self.stamp(note, at)
        self.private_notes += 1


def _left(person: Person, today: datetime.date) -> bool:
    return person.end_date is not None and person.end_date < today


def _catalogue(story: _Story) -> CheckInTemplate:
    """The organisation's questions and the appraisal scale, kept by HR through the services."""
    hr = story.hr.user
    check_in = services.checkin_template_create(
        actor=hr,
        name=CHECK_IN_NAME,
        kind=CheckInTemplate.Kind.CHECK_IN,
        questions=list(CHECK_IN_QUESTIONS),
        organisation=True,
    )
    services.checkin_template_create(
        actor=hr,
        name=PERFORMANCE_NAME,
        kind=CheckInTemplate.Kind.PERFORMANCE,
        questions=list(PERFORMANCE_QUESTIONS),
        organisation=True,
    )
    services.rating_scale_save(
        actor=hr,
        name=SCALE_NAME,
        is_default=True,
        levels=[LevelInput(value, en, nl) for value, (en, nl) in enumerate(SCALE_LEVELS, start=1)],
    )
    return check_in


def _series(story: _Story) -> dict[int, Series]:
    """1:1s for every current manager with each current direct report, through the service
    (which plans the first one). Daan's team as the story has it; the rest from the seed."""
    rng = story.rng
    planned = {p.first_name + " " + p.last_name: p for p in DAANS_TEAM}
    by_pk = {p.pk: p for p in story.current}
    started: dict[int, Series] = {}
    for employee in story.current:
        manager = by_pk.get(employee.manager_id)
        if manager is None:
            continue
        pair = planned.get(employee.full_name) if manager.pk == story.daan.pk else None
        if pair is not None:
            cadence, moment, next_in = pair.cadence, pair.time, max(pair.next_in, 0)
        else:
            cadence, moment = rng.choice(CADENCES), rng.choice(TIMES)
            next_in = rng.randint(1, 14)
        started[employee.pk] = services.series_start(
            actor=manager.user,
            manager=manager,
            employee=employee,
            cadence=cadence,
            next_date=story.today + datetime.timedelta(days=next_in),
            time_of_day=moment,
        )
    return started


def _history(story: _Story, series: dict[int, Series], template: CheckInTemplate) -> None:
    """Daan's held 1:1s of the last ten weeks, written in bulk (see the module's docstring)."""
    daan = story.daan
    questions = list(CheckInQuestion.objects.filter(template=template).order_by("position", "pk"))
    goals = defaultdict(list)
    for goal in Goal.objects.filter(
        owner__manager=daan, closed_at__isnull=True, end_date__gte=story.today
    ).order_by("end_date", "pk"):
        goals[goal.owner_id].append(goal)

    plans, meetings = [], []
    for pair in DAANS_TEAM:
        employee = story.named(pair.first_name, pair.last_name)
        for held in pair.history:
            at = story.past(held.days_ago, pair.time)
            plans.append((pair, employee, held, at))
            meetings.append(
                Meeting(
                    series=series[employee.pk],
                    manager=daan,
                    employee=employee,
                    kind=MeetingKind.ONE_ON_ONE,
                    scheduled_for=at,
                    held_at=at + LENGTH,
                    created_by=daan.user,
                    checkin_template=template,
                )
            )
    meetings = Meeting.objects.bulk_create(meetings)

    agenda, answers, notes, actions = [], [], [], []
    who = {MANAGER: daan}
    for meeting, (_pair, employee, held, at) in zip(meetings, plans, strict=True):
        story.stamp(meeting, at - datetime.timedelta(days=7))
        who[EMPLOYEE] = employee
        items = [
            AgendaItem(meeting=meeting, source=AgendaItem.Source.QUESTION, text=q.text, question=q)
            for q in questions
        ]
        items += [
            AgendaItem(meeting=meeting, source=AgendaItem.Source.GOAL, text=g.title, goal=g)
            for g in goals[employee.pk][:2]
        ]
        items += [
            AgendaItem(
                meeting=meeting,
                source=AgendaItem.Source.MANUAL,
                text=text,
                author=who[person].user,
            )
            for person, text in held.talking_points
        ]
        for position, item in enumerate(items):
            item.position = position
            item.discussed_at = at + datetime.timedelta(minutes=5 * (position + 1))
        agenda += items
        answers += [
            CheckInAnswer(meeting=meeting, question=q, author=employee.user, text=text)
            for q, text in zip(questions, held.answers, strict=True)
        ]
        notes.append(
            SharedNote(meeting=meeting, text=held.note, version=2, updated_by=employee.user)
        )
        actions += [
            ActionItem(
                meeting=meeting,
                owner=who[action.who],
                text=action.text,
                due_date=(
                    story.today + datetime.timedelta(days=action.due)
                    if action.due is not None
                    else None
                ),
                done_at=(
                    story.past(action.done, datetime.time(16, 0))
                    if action.done is not None
                    else None
                ),
                created_by=daan.user,
            )
            for action in held.actions
        ]
    for item in AgendaItem.objects.bulk_create(agenda):
        story.stamp(item, item.meeting.scheduled_for - datetime.timedelta(days=2))
    for answer in CheckInAnswer.objects.bulk_create(answers):
        story.stamp(answer, answer.meeting.scheduled_for - datetime.timedelta(hours=20))
    notes = SharedNote.objects.bulk_create(notes)
    revisions = []
    for note in notes:
        saved = note.meeting.held_at
        story.stamp(note, saved)
        revisions.append(
            SharedNoteRevision(
                note=note, version=2, author=note.updated_by, at=saved, text=note.text
            )
        )
    SharedNoteRevision.objects.bulk_create(revisions)
    for action in ActionItem.objects.bulk_create(actions):
        story.stamp(action, action.meeting.held_at)

    for meeting, (_pair, _employee, held, at) in zip(meetings, plans, strict=True):
        if held.private:
            story.private_note(meeting, daan, held.private, at + LENGTH)
    for pair in DAANS_TEAM:
        employee = story.named(pair.first_name, pair.last_name)
        first = min(held.days_ago for held in pair.history)
        story.stamp(series[employee.pk], story.past(first + 14, datetime.time(9, 0)))


def _tomorrow(story: _Story, series: dict[int, Series]) -> Meeting:
    """Sanne's 1:1 tomorrow: the goals that changed since the last one, a talking point each,
    one of three questions answered, and a private note each."""
    sanne, daan = story.sanne, story.daan
    meeting = Meeting.objects.with_people().get(series=series[sanne.pk], held_at__isnull=True)
    services.agenda_refresh_goals(meeting=meeting, actor=daan.user)
    who = {MANAGER: daan, EMPLOYEE: sanne}
    for person, text in TOMORROW_POINTS:
        services.agenda_item_add(meeting=meeting, actor=who[person].user, text=text)
    first = (
        AgendaItem.objects.filter(meeting=meeting, source=AgendaItem.Source.QUESTION)
        .order_by("position", "pk")
        .first()
    )
    services.checkin_answer(
        meeting=meeting, actor=sanne.user, answers={first.question_id: TOMORROW_ANSWER}
    )
    for person, text in TOMORROW_PRIVATE.items():
        story.private_note(meeting, who[person], text, story.now - datetime.timedelta(hours=2))
    return meeting


def _missed(story: _Story, series: dict[int, Series]) -> None:
    """Lotte's planned 1:1 of last week that did not happen: moved back, through the service,
    so that the series is overdue on Daan's home card."""
    for pair in DAANS_TEAM:
        if pair.next_in >= 0:
            continue
        employee = story.named(pair.first_name, pair.last_name)
        meeting = Meeting.objects.get(series=series[employee.pk], held_at__isnull=True)
        services.meeting_reschedule(
            meeting=meeting, actor=story.daan.user, scheduled_for=story.at(pair.next_in, pair.time)
        )


def _performance(story: _Story) -> int:
    """Sanne's functioneringsgesprek three weeks ago, through the services from planning to
    her acknowledgement, then moved back to when it happened."""
    sanne, daan = story.sanne, story.daan
    at = story.past(PERFORMANCE_DAYS_AGO, datetime.time(14, 0))
    meeting = services.meeting_create(
        actor=daan.user,
        kind=MeetingKind.PERFORMANCE,
        manager=daan,
        employee=sanne,
        scheduled_for=at,
        title=PERFORMANCE_TITLE,
    )
    services.meeting_mark_held(meeting=meeting, actor=daan.user)
    report = services.report_write(meeting=meeting, actor=daan.user, text=PERFORMANCE_REPORT)
    report = services.report_share(report=report, actor=daan.user)
    report = services.report_respond(report=report, actor=sanne.user, response=PERFORMANCE_RESPONSE)
    report = services.report_acknowledge(report=report, actor=sanne.user)
    Meeting.objects.filter(pk=meeting.pk).update(held_at=at + 2 * LENGTH)
    story.stamp(meeting, at - datetime.timedelta(days=14))
    type(report).objects.filter(pk=report.pk).update(
        created_at=at + datetime.timedelta(days=1),
        shared_at=at + datetime.timedelta(days=2),
        responded_at=at + datetime.timedelta(days=4),
        acknowledged_at=at + datetime.timedelta(days=4, hours=1),
        updated_at=at + datetime.timedelta(days=4, hours=1),
    )
    return 1


def _restamp(story: _Story) -> None:
    """Give rows their moment in the story: bulk_create and the services stamp the time of
    writing. One executemany per table."""
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    for model, stamps in story.stamps.items():
        sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {quote('created_at')} = %s, "  # noqa: S608
            f"{quote('updated_at')} = %s WHERE {quote(model._meta.pk.column)} = %s"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(adapt(at), adapt(at), pk) for pk, at in stamps])


def extend_demo(
    *, result: DemoResult, seed: int = 1, today: datetime.date | None = None
) -> DemoConversationsResult | None:
    """Add conversations to the demo organisation that `result` describes; nothing for any
    other."""
    if result.organisation != DEMO_ORGANISATION:
        return None
    started = time.perf_counter()
    with transaction.atomic():
        story = _Story(result=result, seed=seed, today=today or timezone.localdate())
        template = _catalogue(story)
        series = _series(story)
        _history(story, series, template)
        _tomorrow(story, series)
        _missed(story, series)
        reports = _performance(story)
        _restamp(story)
    summary = DemoConversationsResult(
        series=len(series),
        meetings=Meeting.objects.count(),
        held=Meeting.objects.filter(held_at__isnull=False).count(),
        agenda_items=AgendaItem.objects.count(),
        action_items=ActionItem.objects.count(),
        private_notes=story.private_notes,
        reports=reports,
        seconds=0.0,
    )
    return dataclasses.replace(summary, seconds=time.perf_counter() - started)
