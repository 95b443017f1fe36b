"""The feedback rows of the benchmark's generated organisation (bench/data.py): a year of use.

Per person and year: a few pieces of feedback given and received, mostly within the team and
between managers and their reports (some for the managers' eyes too, some about a company
value), replies to some and helpful marks on others; now and then a request for feedback,
answered, declined or still open, and managers asking about their reports; managers' notes
about their reports, a few shared with HR; praise on the wall, with reactions from the team and
beyond; and for a few percent of the people a 360° round (closed and released, closed, or
open), answered from every perspective.

The 360° answers are stored as `services.round_answer` stores them (docs/architecture.md,
"Anonymity of 360° answers"): an anonymous response has no author and no time, a round's
responses are written in the order of their random token (so their ids say nothing about who
answered), and a participant row says only that its person answered or declined.

The personas get what their pages need: feedback between the employee and their manager with a
thread of replies, the manager's shared request about the employee, notes about the employee, a
released round about the employee that the manager started, a released round about the manager
that their reports answered, and an open round the manager started in which the employee is
still asked.
"""

import datetime
import math
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from bench.data import DataContext, Staff, backdated
from stip.feedback.models import (
    Answer,
    CompanyValue,
    Feedback,
    FeedbackReply,
    FeedbackRequest,
    ManagerNote,
    Participant,
    Perspective,
    Praise,
    Question,
    QuestionSet,
    RatingLevel,
    RatingScale,
    Reaction,
    RequestRecipient,
    Response,
    Round,
)
from stip.people.demo import GENERATED_DOMAIN
from stip.people.models import Person

# A year of use.
HISTORY_DAYS = 365
# People planned (and written) at a time: the plans of one chunk are all that is in memory.
CHUNK = 2000

# What a person does in a year, on average; `generate` scales them to the rows asked for.
FEEDBACK_GIVEN = 3.0
# ... and a manager, per direct report.
FEEDBACK_TO_REPORT = 1.3
REQUESTS_MADE = 0.6
REQUESTS_ABOUT_REPORT = 0.1
NOTES_ABOUT_REPORT = 0.9
PRAISE_GIVEN = 2.9
REACTIONS_PER_PRAISE = 3.4
# The share of the people a 360° round is about.
ROUND_SHARE = 0.03
# The rows a person accounts for at these rates (tuned on the generated organisation).
ROWS_PER_PERSON_AT_RATES = 23.9

# The company value praise may no longer name: HR took it out of use this many days ago.
RETIRED_DAYS_AGO = 200
# The first question set was replaced by the current one this many days ago.
OLD_SET_DAYS_AGO = 240

ENGLISH = "en"
DUTCH = "nl"


# --- The texts -------------------------------------------------------------------------------

# key, English name, Dutch name, English description, Dutch description, active.
VALUES = (
    ("together", "Stronger together", "Samen sterker",
     "We help each other, beyond the borders of our own team.",
     "We helpen elkaar, over de grenzen van ons team heen.", True),
    ("customer", "Customer first", "Klant voorop",
     "We do what we promise: on the agreed day, within the time window.",
     "We doen wat we beloven: op de afgesproken dag, binnen het tijdvenster.", True),
    ("honest", "Honest and open", "Eerlijk en open",
     "We say what we see, even when it is uncomfortable.",
     "We zeggen wat we zien, ook als het ongemakkelijk is.", True),
    ("better", "Better every day", "Elke dag beter",
     "A little smarter, safer and leaner every day.",
     "Elke dag een beetje slimmer, veiliger en zuiniger.", True),
    ("safe", "Safe at work", "Veilig werken",
     "Everyone goes home safe: we speak up when something is not right.",
     "Iedereen gaat veilig naar huis: we spreken elkaar aan als iets niet klopt.", True),
    ("enterprising", "Enterprising", "Ondernemend",
     "We see chances and take them.", "We zien kansen en pakken ze.", False),
)  # fmt: skip
ACTIVE_VALUES = tuple(key for key, *_rest, active in VALUES if active)
# How often each value in use is named: "Stronger together" most of all.
VALUE_WEIGHTS = (30, 25, 15, 20, 10)
# The value the praise wall's filter is benchmarked with (the most named).
BUSIEST_VALUE = "together"

# What feedback and praise are about, per language; the same index is the same topic.
_TOPICS = {
    ENGLISH: (
        "the handover to the night shift", "the route planning for the northern region",
        "the preparation for the customer meeting", "the new checklist for returns",
        "the extra late shift on Friday", "the stock count in hall 3",
        "the help for the new colleagues", "the clear update in the stand-up",
        "the peak week before the holidays", "the analysis of the delivery times",
        "the safety round on the loading docks", "the training on the new scanners",
        "the call with the angry customer", "the cleanup of the master data",
        "the quarterly figures for the management team", "the pilot with electric vans",
    ),
    DUTCH: (
        "de overdracht aan de nachtploeg", "de ritplanning voor regio Noord",
        "de voorbereiding op het klantgesprek", "de nieuwe checklist voor retouren",
        "de extra late dienst van vrijdag", "de voorraadtelling in hal 3",
        "de hulp aan de nieuwe collega's", "de heldere update in de ochtendstart",
        "de piekweek voor de feestdagen", "de analyse van de levertijden",
        "de veiligheidsronde langs de docks", "de training voor de nieuwe scanners",
        "het gesprek met die boze klant", "het opschonen van de stamgegevens",
        "de kwartaalcijfers voor het MT", "de proef met de elektrische bestelbusjes",
    ),
}  # fmt: skip
_PRAISING = {
    ENGLISH: ("Thanks for {topic}!", "Great work on {topic}.", "Well done on {topic}.",
              "I really appreciated {topic}.", "Nice job with {topic}."),
    DUTCH: ("Dank je wel voor {topic}!", "Sterk werk bij {topic}.", "Goed gedaan: {topic}.",
            "Ik waardeerde echt {topic}.", "Complimenten voor {topic}."),
}  # fmt: skip
_EFFECTS = {
    ENGLISH: ("", "It made a real difference.", "The whole team noticed.", "Keep it up!",
              "Let's share this with the other sites.", "The customer mentioned it too."),
    DUTCH: ("", "Het maakte echt verschil.", "Het hele team merkte het.", "Ga zo door!",
            "Laten we dit delen met de andere vestigingen.", "De klant noemde het ook."),
}  # fmt: skip
_TIPS = {
    ENGLISH: (
        "Tip: share the planning with the warehouse a day earlier.",
        "Tip: sum up what was agreed at the end of the meeting.",
        "Ask for help sooner when the work piles up; we are happy to step in.",
        "Feel free to speak up more in the team meeting: your ideas are good.",
        "Could you let me know earlier when a delivery slips? Then I can warn the customer.",
        "Try to keep the updates short: the main point first, the details after.",
    ),
    DUTCH: (
        "Tip: deel de planning een dag eerder met het magazijn.",
        "Tip: vat aan het eind van het overleg samen wat we hebben afgesproken.",
        "Vraag eerder om hulp als het werk zich opstapelt; we springen graag bij.",
        "Geef in het teamoverleg vaker je mening: je hebt goede ideeën.",
        "Laat je het eerder weten als een levering schuift? Dan kan ik de klant waarschuwen.",
        "Houd de updates kort: eerst de hoofdzaak, dan de details.",
    ),
}  # fmt: skip
_REPLIES = {
    ENGLISH: ("Thanks, good to hear!", "Good tip, I'll take it on board.",
              "Thanks! Shall we talk about it in our next 1:1?", "Glad it helped.",
              "Fair point, I'll share it earlier from now on.", "Thank you, that means a lot."),
    DUTCH: ("Dank je, fijn om te horen!", "Goede tip, neem ik mee.",
            "Dank! Zullen we het in ons volgende 1-op-1 bespreken?", "Fijn dat het hielp.",
            "Terecht punt, ik deel het voortaan eerder.", "Dank je, dat waardeer ik echt."),
}  # fmt: skip
_QUESTIONS = {
    ENGLISH: ("How did {topic} go, in your eyes? What could be better?",
              "What should I keep doing, and what should I change, in {topic}?",
              "Any feedback on my part in {topic}?"),
    DUTCH: ("Hoe ging {topic} volgens jou? Wat kan beter?",
            "Waar moet ik mee doorgaan, en wat moet anders, bij {topic}?",
            "Heb je feedback op mijn rol bij {topic}?"),
}  # fmt: skip
_QUESTIONS_ABOUT = {
    ENGLISH: ("How do you experience working with {name}?",
              "How did {name} do in {topic}?",
              "What should {name} keep doing, and what could {name} do better?"),
    DUTCH: ("Hoe ervaren jullie de samenwerking met {name}?",
            "Hoe deed {name} het bij {topic}?",
            "Waar moet {name} mee doorgaan, en wat kan {name} beter doen?"),
}  # fmt: skip
_NOTES = {
    ENGLISH: ("{name} is ready for more responsibility: let {name} lead the next project.",
              "Keep an eye on the workload; {name} rarely says no.",
              "Discuss a training in planning with {name} at the next 1:1.",
              "{name} handled {topic} very well.",
              "{name} was late on Mondays more often; raise it in the next 1:1.",
              "Talked with {name} about the next step; check again in three months.",
              "Colleagues mention that {name} is quick to help; mention it in the review."),
    DUTCH: ("{name} is klaar voor meer verantwoordelijkheid: laat {name} het nieuwe project "
            "trekken.",
            "Let op de werkdruk; {name} zegt niet snel nee.",
            "Een training plannen bespreken met {name} in het volgende 1-op-1.",
            "{name} heeft {topic} heel goed aangepakt.",
            "{name} is maandag vaker te laat; in het volgende 1-op-1 bespreken.",
            "Met {name} over de volgende stap gesproken; over drie maanden weer checken.",
            "Collega's noemen dat {name} snel bijspringt; meenemen in de beoordeling."),
}  # fmt: skip
# Open 360° answers: what to keep doing, what to do better.
_KEEP = {
    ENGLISH: ("Always willing to think along about a difficult problem.",
              "Very structured and calm under pressure.", "Clear agreements with everyone.",
              "Keeps the overview when everything comes at once.",
              "Shares knowledge without being asked.", "Reliable: what is promised happens."),
    DUTCH: ("Altijd bereid om mee te denken over een lastig probleem.",
            "Heel gestructureerd en rustig onder druk.", "Heldere afspraken met iedereen.",
            "Houdt het overzicht als alles tegelijk komt.",
            "Deelt kennis zonder dat je erom vraagt.", "Betrouwbaar: wat is toegezegd, gebeurt."),
}  # fmt: skip
_IMPROVE = {
    ENGLISH: ("Delegate more; does a lot alone.", "Share the planning earlier in the day.",
              "Say no more often to last-minute requests.", "Give feedback more often.",
              "Let people know sooner when something shifts."),
    DUTCH: ("Meer delegeren; doet veel zelf.", "De planning eerder op de dag delen.",
            "Vaker nee zeggen tegen verzoeken op het laatste moment.",
            "Vaker feedback geven.", "Eerder laten weten als er iets schuift."),
}  # fmt: skip

# (English, Dutch) labels of the scales' levels, from 1 up.
FREQUENCY = (("Rarely", "Zelden"), ("Sometimes", "Soms"), ("Regularly", "Regelmatig"),
             ("Often", "Vaak"), ("Always", "Altijd"))  # fmt: skip
AGREEMENT = (("Strongly disagree", "Helemaal oneens"), ("Disagree", "Oneens"),
             ("Neutral", "Neutraal"), ("Agree", "Eens"),
             ("Strongly agree", "Helemaal eens"))  # fmt: skip
# Question sets: key, English name, Dutch name, active, scale, rated (en, nl), open (en, nl).
QUESTION_SETS = (
    ("current", "360° feedback", "360°-feedback", True, "frequency",
     (("Shares knowledge and helps colleagues", "Deelt kennis en helpt collega's"),
      ("Communicates clearly and on time", "Communiceert helder en op tijd"),
      ("Puts the customer first", "Zet de klant voorop"),
      ("Takes ownership", "Neemt eigenaarschap"),
      ("Works safely and speaks up", "Werkt veilig en spreekt anderen aan")),
     (("What should they keep doing?", "Waar moet diegene vooral mee doorgaan?"),
      ("What could they do better?", "Wat kan diegene beter doen?"))),
    ("leadership", "Leadership 360°", "Leiderschap 360°", True, "agreement",
     (("Gives clear direction", "Geeft duidelijk richting"),
      ("Listens and asks questions", "Luistert en stelt vragen"),
      ("Gives useful feedback", "Geeft bruikbare feedback"),
      ("Helps the team grow", "Helpt het team groeien"),
      ("Keeps promises", "Komt afspraken na"),
      ("Is approachable", "Is goed benaderbaar")),
     (("What should they keep doing as a leader?", "Waar moet diegene als leidinggevende mee "
                                                    "doorgaan?"),
      ("What could they do better as a leader?", "Wat kan diegene als leidinggevende beter "
                                                  "doen?"))),
    ("old", "360° feedback (first version)", "360°-feedback (eerste versie)", False, "frequency",
     (("Works well with others", "Werkt goed samen"),
      ("Communicates clearly", "Communiceert helder"),
      ("Delivers on time", "Levert op tijd"),
      ("Takes initiative", "Neemt initiatief")),
     (("What would you like to tell them?", "Wat wil je diegene meegeven?"),)),
)  # fmt: skip


# --- The organisation as the plans need it ---------------------------------------------------


class _World:
    """Who works with whom and when, read once; and the moments rows happen at."""

    def __init__(self, ctx: DataContext):
        self.ctx = ctx
        self.today = ctx.today
        self.tz = timezone.localtime(ctx.now).tzinfo
        # The year of use ends when the day of the run begins, whatever its hour: the same seed
        # gives the same rows all day long (a row planned "in the future" would change them).
        self.now = datetime.datetime.combine(ctx.today, datetime.time(), tzinfo=self.tz)
        self.last_day = ctx.today - datetime.timedelta(days=1)
        self.first_day = ctx.today - datetime.timedelta(days=HISTORY_DAYS)
        self.by_id = {person.id: person for person in ctx.staff}
        # Everyone who reported to a manager, leavers included: the team they worked in.
        self.team: dict[int, list[Staff]] = defaultdict(list)
        for person in ctx.staff:
            if person.manager_id is not None:
                self.team[person.manager_id].append(person)
        self.names: dict[int, str] = {}
        self.english: set[int] = set()
        for pk, first_name, language in Person.objects.values_list(
            "pk", "first_name", "user__language"
        ):
            self.names[pk] = first_name
            if language == ENGLISH:
                self.english.add(pk)
        # People who worked here at some time in the year.
        self.active = [person for person in ctx.staff if self.window(person)]
        self.current = [person for person in ctx.staff if person.current]
        self.hr = [person for person in self.current if person.is_hr]

    def window(self, *people: Staff) -> tuple[datetime.date, datetime.date] | None:
        """The days of the year on which all of `people` worked here."""
        start = max(self.first_day, *(p.start_date or self.first_day for p in people))
        end = min(self.last_day, *(p.end_date or self.last_day for p in people))
        return (start, end) if start <= end else None

    def share_of_year(self, person: Staff) -> float:
        window = self.window(person)
        return 0.0 if window is None else ((window[1] - window[0]).days + 1) / HISTORY_DAYS

    def works_on(self, person: Staff, day: datetime.date) -> bool:
        return (person.start_date or day) <= day and (
            person.end_date is None or day <= person.end_date
        )

    def day(self, rng: random.Random, window: tuple[datetime.date, datetime.date]) -> datetime.date:
        """A day in `window`, mostly a working day."""
        start, end = window
        day = start + datetime.timedelta(days=rng.randint(0, (end - start).days))
        if day.weekday() >= 5 and rng.random() < 0.9:
            friday = day - datetime.timedelta(days=day.weekday() - 4)
            if friday >= start:
                day = friday
        return day

    def moment(self, rng: random.Random, day: datetime.date) -> datetime.datetime:
        """A time in working hours on `day`, before the year of use ends."""
        at = datetime.time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
        at = datetime.datetime.combine(day, at, tzinfo=self.tz)
        return min(at, self.now - datetime.timedelta(minutes=1))

    def later(
        self, rng: random.Random, at: datetime.datetime, hours: float, *, by: Staff
    ) -> datetime.datetime | None:
        """Up to `hours` after `at`, if that has passed and `by` still works here then."""
        then = at + datetime.timedelta(minutes=rng.randint(10, max(10, int(hours * 60))))
        if then > self.now or (by.end_date is not None and then.date() > by.end_date):
            return None
        return then

    def language(self, *people: Staff) -> str:
        return ENGLISH if any(person.id in self.english for person in people) else DUTCH

    def name(self, person: Staff) -> str:
        return self.names.get(person.id, "")

    def colleague(self, rng: random.Random, person: Staff) -> Staff:
        """Whom `person` gives feedback or praise: mostly their team and their manager, or a
        report, sometimes anyone in the organisation."""
        roll = rng.random()
        siblings = self.team.get(person.manager_id, []) if person.manager_id else []
        reports = self.team.get(person.id, [])
        if roll < 0.5 and len(siblings) > 1:
            return rng.choice(siblings)
        if roll < 0.62 and person.manager_id is not None:
            return self.by_id[person.manager_id]
        if roll < 0.72 and reports:
            return rng.choice(reports)
        return rng.choice(self.active)


def _poisson(rng: random.Random, mean: float) -> int:
    """A count with the given mean (Knuth's method; a normal approximation for large means)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


# --- Plans: what one chunk of people did, before it is written -------------------------------


@dataclass(slots=True)
class _Reply:
    author: int
    text: str
    at: datetime.datetime


@dataclass(slots=True)
class _Feedback:
    author: int
    recipient: int
    text: str
    visibility: str
    value: str
    at: datetime.datetime
    helpful_at: datetime.datetime | None = None
    request: int | None = None  # the index of its request in the chunk's plan
    replies: list[_Reply] = field(default_factory=list)


@dataclass(slots=True)
class _Request:
    requester: int
    subject: int
    question: str
    at: datetime.datetime
    due_date: datetime.date | None
    # (respondent, status, when it was answered or declined)
    recipients: list[tuple[int, str, datetime.datetime]] = field(default_factory=list)
    shared_at: datetime.datetime | None = None


@dataclass(slots=True)
class _Note:
    author: int
    subject: int
    text: str
    at: datetime.datetime
    shared_at: datetime.datetime | None


@dataclass(slots=True)
class _Praise:
    author: int
    recipient: int
    value: str
    text: str
    at: datetime.datetime
    reactions: list[tuple[int, str]]


@dataclass(slots=True)
class _Plan:
    feedback: list[_Feedback] = field(default_factory=list)
    requests: list[_Request] = field(default_factory=list)
    notes: list[_Note] = field(default_factory=list)
    praise: list[_Praise] = field(default_factory=list)


class _Texts:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def topic(self, language: str) -> str:
        return self.rng.choice(_TOPICS[language])

    def feedback(self, language: str) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return rng.choice(_TIPS[language])
        text = rng.choice(_PRAISING[language]).format(topic=self.topic(language))
        effect = rng.choice(_EFFECTS[language])
        return f"{text} {effect}".strip()

    def praise(self, language: str) -> str:
        rng = self.rng
        text = rng.choice(_PRAISING[language]).format(topic=self.topic(language))
        return f"{text} {rng.choice(_EFFECTS[language])}".strip()

    def reply(self, language: str) -> str:
        return self.rng.choice(_REPLIES[language])

    def question(self, language: str, *, about: str = "") -> str:
        templates = _QUESTIONS_ABOUT[language] if about else _QUESTIONS[language]
        return self.rng.choice(templates).format(name=about, topic=self.topic(language))

    def note(self, language: str, name: str) -> str:
        return self.rng.choice(_NOTES[language]).format(name=name, topic=self.topic(language))


class _Planner:
    """Plans the rows of feedback, requests, notes and praise, person by person."""

    def __init__(self, world: _World, rng: random.Random, scale: float):
        self.world = world
        self.rng = rng
        self.texts = _Texts(rng)
        self.scale = scale
        self.retired_on = world.today - datetime.timedelta(days=RETIRED_DAYS_AGO)

    def value(self, day: datetime.date, chance: float) -> str:
        if self.rng.random() >= chance:
            return ""
        if day < self.retired_on and self.rng.random() < 0.12:
            return "enterprising"
        return self.rng.choices(ACTIVE_VALUES, weights=VALUE_WEIGHTS)[0]

    # Feedback -------------------------------------------------------------------------------

    def feedback(self, plan: _Plan, author: Staff, recipient: Staff, *, manages: bool) -> None:
        world, rng = self.world, self.rng
        if author.id == recipient.id:
            return
        window = world.window(author, recipient)
        if window is None:
            return
        day = world.day(rng, window)
        language = world.language(author, recipient)
        visibility = (
            Feedback.Visibility.RECIPIENT_AND_MANAGER
            if not manages and rng.random() < 0.35
            else Feedback.Visibility.RECIPIENT
        )
        item = _Feedback(
            author=author.id,
            recipient=recipient.id,
            text=self.texts.feedback(language),
            visibility=visibility,
            value=self.value(day, 0.3),
            at=world.moment(rng, day),
        )
        if rng.random() < 0.3:
            item.helpful_at = world.later(rng, item.at, 72, by=recipient)
        if rng.random() < 0.22:
            self.replies(item, author, recipient, language, rng.choice((1, 1, 1, 2, 2, 3, 4)))
        plan.feedback.append(item)

    def replies(
        self, item: _Feedback, author: Staff, recipient: Staff, language: str, count: int
    ) -> None:
        at = item.at
        for n in range(count):
            writer = recipient if n % 2 == 0 else author
            at = self.world.later(self.rng, at, 48, by=writer)
            if at is None:
                return
            item.replies.append(_Reply(writer.id, self.texts.reply(language), at))

    def given_by(self, plan: _Plan, person: Staff) -> None:
        world, rng = self.world, self.rng
        share = world.share_of_year(person)
        for _ in range(_poisson(rng, FEEDBACK_GIVEN * self.scale * share)):
            self.feedback(plan, person, world.colleague(rng, person), manages=False)
        for report in world.team.get(person.id, []):
            together = world.window(person, report)
            if together is None:
                continue
            share = ((together[1] - together[0]).days + 1) / HISTORY_DAYS
            for _ in range(_poisson(rng, FEEDBACK_TO_REPORT * self.scale * share)):
                self.feedback(plan, person, report, manages=True)

    # Requests -------------------------------------------------------------------------------

    def request(self, plan: _Plan, requester: Staff, subject: Staff) -> None:
        world, rng = self.world, self.rng
        window = world.window(requester, subject)
        if window is None:
            return
        day = world.day(rng, window)
        at = world.moment(rng, day)
        candidates = [p for p in world.team.get(subject.manager_id, []) if p.id != subject.id]
        if subject.manager_id is not None and subject.manager_id != requester.id:
            candidates.append(world.by_id[subject.manager_id])
        wanted = rng.randint(2, 5)
        chosen: dict[int, Staff] = {}
        for _ in range(3 * wanted):
            if len(chosen) >= wanted:
                break
            person = rng.choice(candidates) if candidates and rng.random() < 0.75 else None
            person = person or rng.choice(world.active)
            if person.id not in (requester.id, subject.id) and world.works_on(person, day):
                chosen[person.id] = person
        if not chosen:
            return
        about = requester.id != subject.id
        language = world.language(requester, subject)
        request = _Request(
            requester=requester.id,
            subject=subject.id,
            question=self.texts.question(language, about=world.name(subject) if about else ""),
            at=at,
            due_date=day + datetime.timedelta(days=rng.randint(7, 14))
            if rng.random() < 0.65
            else None,
        )
        index = len(plan.requests)
        age = (world.today - day).days
        answer_chance, decline_chance = (0.6, 0.1) if age > 21 else (0.3, 0.05)
        last_answer = None
        for person in chosen.values():
            roll = rng.random()
            if roll < answer_chance + decline_chance:
                then = world.later(rng, at, 24 * min(max(age, 1), 10), by=person)
                if then is not None and world.works_on(subject, then.date()):
                    if roll < answer_chance:
                        request.recipients.append(
                            (person.id, RequestRecipient.Status.ANSWERED, then)
                        )
                        plan.feedback.append(
                            _Feedback(
                                author=person.id,
                                recipient=subject.id,
                                text=self.texts.feedback(world.language(person, subject)),
                                visibility=Feedback.Visibility.RECIPIENT_AND_MANAGER
                                if not about and rng.random() < 0.2
                                else Feedback.Visibility.RECIPIENT,
                                value=self.value(day, 0.15),
                                at=then,
                                request=index,
                            )
                        )
                        last_answer = max(last_answer or then, then)
                    else:
                        request.recipients.append(
                            (person.id, RequestRecipient.Status.DECLINED, then)
                        )
                    continue
            request.recipients.append((person.id, RequestRecipient.Status.PENDING, at))
        if about and last_answer is not None and rng.random() < 0.6:
            request.shared_at = world.later(rng, last_answer, 24 * 5, by=requester)
        plan.requests.append(request)

    def requests_of(self, plan: _Plan, person: Staff) -> None:
        world, rng = self.world, self.rng
        share = world.share_of_year(person)
        for _ in range(_poisson(rng, REQUESTS_MADE * self.scale * share)):
            self.request(plan, person, person)
        for report in world.team.get(person.id, []):
            if rng.random() < REQUESTS_ABOUT_REPORT * self.scale:
                self.request(plan, person, report)

    # Notes ----------------------------------------------------------------------------------

    def note(self, plan: _Plan, author: Staff, subject: Staff) -> None:
        world, rng = self.world, self.rng
        window = world.window(author, subject)
        if window is None:
            return
        at = world.moment(rng, world.day(rng, window))
        shared = world.later(rng, at, 24 * 10, by=author) if rng.random() < 0.12 else None
        text = self.texts.note(world.language(author), world.name(subject))
        plan.notes.append(_Note(author.id, subject.id, text, at, shared))

    def notes_of(self, plan: _Plan, manager: Staff) -> None:
        world, rng = self.world, self.rng
        above = world.by_id.get(manager.manager_id) if manager.manager_id else None
        for report in world.team.get(manager.id, []):
            together = world.window(manager, report)
            if together is None:
                continue
            share = ((together[1] - together[0]).days + 1) / HISTORY_DAYS
            for _ in range(_poisson(rng, NOTES_ABOUT_REPORT * self.scale * share)):
                self.note(plan, manager, report)
            if above is not None and rng.random() < 0.08 * self.scale:
                self.note(plan, above, report)

    # Praise ---------------------------------------------------------------------------------

    def praise(self, plan: _Plan, author: Staff, recipient: Staff) -> None:
        world, rng = self.world, self.rng
        if author.id == recipient.id:
            return
        window = world.window(author, recipient)
        if window is None:
            return
        day = world.day(rng, window)
        team = world.team.get(recipient.manager_id, []) if recipient.manager_id else []
        reactions: set[tuple[int, str]] = set()
        for _ in range(_poisson(rng, REACTIONS_PER_PRAISE)):
            person = rng.choice(team) if team and rng.random() < 0.6 else rng.choice(world.active)
            if person.id != author.id and world.works_on(person, day):
                reactions.add((person.id, _reaction_kind(rng)))
        plan.praise.append(
            _Praise(
                author=author.id,
                recipient=recipient.id,
                value=self.value(day, 0.85),
                text=self.texts.praise(world.language(author, recipient)),
                at=world.moment(rng, day),
                reactions=sorted(reactions),
            )
        )

    def praise_by(self, plan: _Plan, person: Staff) -> None:
        world, rng = self.world, self.rng
        share = world.share_of_year(person)
        for _ in range(_poisson(rng, PRAISE_GIVEN * self.scale * share)):
            self.praise(plan, person, world.colleague(rng, person))


def _reaction_kind(rng: random.Random) -> str:
    kinds = (Reaction.Kind.APPLAUSE, Reaction.Kind.HEART, Reaction.Kind.PARTY, Reaction.Kind.STAR)
    return rng.choices(kinds, weights=(40, 25, 20, 15))[0]


# --- Writing ---------------------------------------------------------------------------------


class _Writer:
    """Writes plans in bulk, with deterministic public ids per model."""

    def __init__(self, ctx: DataContext, values: dict[str, int]):
        self.ctx = ctx
        self.values = values
        self.makers: dict[str, Callable[[], uuid.UUID]] = {}
        self.written = 0

    def public_id(self, model: type) -> uuid.UUID:
        name = f"feedback-{model.__name__}"
        if name not in self.makers:
            self.makers[name] = self.ctx.public_ids(name)
        return self.makers[name]()

    def insert(self, model: type, objects: Iterable, *, count: int | None = None) -> None:
        """Insert `objects`; given their `count`, numbered with ids reserved up front first, so
        that bulk_create need not read each new row's id back (a third of a small row's time
        on SQLite)."""
        if count is not None:
            objects = _numbered(objects, self.ctx.reserve_ids(model, count))
        self.written += self.ctx.insert(model, objects)

    def plan(self, plan: _Plan) -> None:
        ctx = self.ctx
        request_ids = ctx.reserve_ids(FeedbackRequest, len(plan.requests))
        self.insert(
            FeedbackRequest,
            (
                FeedbackRequest(
                    id=pk,
                    public_id=self.public_id(FeedbackRequest),
                    requester_id=r.requester,
                    subject_id=r.subject,
                    question=r.question,
                    due_date=r.due_date,
                    shared_with_subject_at=r.shared_at,
                    created_at=r.at,
                    updated_at=r.shared_at or r.at,
                )
                for pk, r in zip(request_ids, plan.requests, strict=True)
            ),
        )
        self.insert(
            RequestRecipient,
            (
                RequestRecipient(
                    request_id=pk,
                    respondent_id=person,
                    status=status,
                    created_at=r.at,
                    updated_at=at,
                )
                for pk, r in zip(request_ids, plan.requests, strict=True)
                for person, status, at in r.recipients
            ),
            count=sum(len(r.recipients) for r in plan.requests),
        )
        feedback_ids = ctx.reserve_ids(Feedback, len(plan.feedback))
        self.insert(
            Feedback,
            (
                Feedback(
                    id=pk,
                    public_id=self.public_id(Feedback),
                    author_id=f.author,
                    recipient_id=f.recipient,
                    text=f.text,
                    visibility=f.visibility,
                    value_id=self.values.get(f.value),
                    request_id=None if f.request is None else request_ids[f.request],
                    helpful_at=f.helpful_at,
                    created_at=f.at,
                    updated_at=f.helpful_at or f.at,
                )
                for pk, f in zip(feedback_ids, plan.feedback, strict=True)
            ),
        )
        self.insert(
            FeedbackReply,
            (
                FeedbackReply(
                    public_id=self.public_id(FeedbackReply),
                    feedback_id=pk,
                    author_id=reply.author,
                    text=reply.text,
                    created_at=reply.at,
                    updated_at=reply.at,
                )
                for pk, f in zip(feedback_ids, plan.feedback, strict=True)
                for reply in f.replies
            ),
            count=sum(len(f.replies) for f in plan.feedback),
        )
        self.insert(
            ManagerNote,
            (
                ManagerNote(
                    public_id=self.public_id(ManagerNote),
                    author_id=n.author,
                    subject_id=n.subject,
                    text=n.text,
                    shared_with_hr_at=n.shared_at,
                    created_at=n.at,
                    updated_at=n.shared_at or n.at,
                )
                for n in plan.notes
            ),
            count=len(plan.notes),
        )
        praise_ids = ctx.reserve_ids(Praise, len(plan.praise))
        self.insert(
            Praise,
            (
                Praise(
                    id=pk,
                    public_id=self.public_id(Praise),
                    author_id=p.author,
                    recipient_id=p.recipient,
                    value_id=self.values.get(p.value),
                    text=p.text,
                    created_at=p.at,
                    updated_at=p.at,
                )
                for pk, p in zip(praise_ids, plan.praise, strict=True)
            ),
        )
        self.insert(
            Reaction,
            (
                Reaction(praise_id=pk, person_id=person, kind=kind)
                for pk, p in zip(praise_ids, plan.praise, strict=True)
                for person, kind in p.reactions
            ),
            count=sum(len(p.reactions) for p in plan.praise),
        )


def _numbered(objects: Iterable, ids: list[int]) -> Iterator:
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        yield obj


# --- The catalogues: values, scales, question sets ------------------------------------------


@dataclass
class _Catalogues:
    values: dict[str, int]
    # key → (question set id, [(question id, kind, scale levels)])
    sets: dict[str, tuple[int, list[tuple[int, str, int]]]]


def _catalogues(ctx: DataContext, world: _World, writer: _Writer) -> _Catalogues:
    """HR's values, scales and question sets, dated to the start of the year of use."""
    start = world.now - datetime.timedelta(days=HISTORY_DAYS + 14)
    value_ids = ctx.reserve_ids(CompanyValue, len(VALUES))
    writer.insert(
        CompanyValue,
        (
            CompanyValue(
                id=pk,
                public_id=value_public_id(key),
                name_en=name_en,
                name_nl=name_nl,
                description_en=description_en,
                description_nl=description_nl,
                active=active,
                position=position,
                created_at=start,
                updated_at=start
                if active
                else world.now - datetime.timedelta(days=RETIRED_DAYS_AGO),
            )
            for position, (
                pk,
                (key, name_en, name_nl, description_en, description_nl, active),
            ) in enumerate(zip(value_ids, VALUES, strict=True))
        ),
    )
    scales = {"frequency": FREQUENCY, "agreement": AGREEMENT}
    scale_ids = dict(zip(scales, ctx.reserve_ids(RatingScale, len(scales)), strict=True))
    writer.insert(
        RatingScale,
        (
            RatingScale(
                id=scale_ids[key],
                public_id=writer.public_id(RatingScale),
                name_en=name_en,
                name_nl=name_nl,
                created_at=start,
                updated_at=start,
            )
            for key, name_en, name_nl in (
                ("frequency", "Frequency", "Frequentie"),
                ("agreement", "Agreement", "Mate van instemming"),
            )
        ),
    )
    writer.insert(
        RatingLevel,
        (
            RatingLevel(scale_id=scale_ids[key], value=n, name_en=en, name_nl=nl)
            for key, levels in scales.items()
            for n, (en, nl) in enumerate(levels, start=1)
        ),
    )
    set_ids = dict(
        zip(
            (s[0] for s in QUESTION_SETS),
            ctx.reserve_ids(QuestionSet, len(QUESTION_SETS)),
            strict=True,
        )
    )
    writer.insert(
        QuestionSet,
        (
            QuestionSet(
                id=set_ids[key],
                public_id=writer.public_id(QuestionSet),
                name_en=name_en,
                name_nl=name_nl,
                active=active,
                created_at=start,
                updated_at=start,
            )
            for key, name_en, name_nl, active, *_rest in QUESTION_SETS
        ),
    )
    rows = []
    for key, _en, _nl, _active, scale, rated, open_questions in QUESTION_SETS:
        questions = [(Question.Kind.RATING, en, nl, scale) for en, nl in rated]
        questions += [(Question.Kind.OPEN, en, nl, None) for en, nl in open_questions]
        rows += [(key, *question, position) for position, question in enumerate(questions)]
    question_ids = ctx.reserve_ids(Question, len(rows))
    writer.insert(
        Question,
        (
            Question(
                id=pk,
                question_set_id=set_ids[key],
                kind=kind,
                text_en=text_en,
                text_nl=text_nl,
                scale_id=scale_ids[scale] if scale else None,
                position=position,
            )
            for pk, (key, kind, text_en, text_nl, scale, position) in zip(
                question_ids, rows, strict=True
            )
        ),
    )
    sets: dict[str, tuple[int, list[tuple[int, str, int]]]] = {
        key: (set_ids[key], []) for key in set_ids
    }
    for pk, (key, kind, _en, _nl, scale, _position) in zip(question_ids, rows, strict=True):
        sets[key][1].append((pk, kind, len(scales[scale]) if scale else 0))
    return _Catalogues(
        values={key: pk for pk, (key, *_rest) in zip(value_ids, VALUES, strict=True)}, sets=sets
    )


def value_public_id(key: str) -> uuid.UUID:
    """A company value's public id, the same whatever the seed and the size of the
    organisation, so that the praise wall's value filter has one URL (bench/pages.py)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://stip.example/bench/values/{key}")


# The praise wall filtered by its busiest value, as bench/pages.py requests it.
BUSIEST_VALUE_QUERY = f"value={value_public_id(BUSIEST_VALUE)}"


# --- 360° rounds -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Participant:
    person: int
    perspective: str
    answered: bool = False
    declined: bool = False


@dataclass(slots=True)
class _Round:
    subject: int
    started_by: int
    question_set: str
    at: datetime.datetime
    closes_on: datetime.date
    closed_at: datetime.datetime | None
    released_at: datetime.datetime | None
    anonymous: str
    participants: list[_Participant]
    # The subject's typical rating, on a scale of 5.
    level: float

    @property
    def status(self) -> str:
        return Round.Status.OPEN if self.closed_at is None else Round.Status.CLOSED


ANONYMOUS = "peer,report"
ALL_ANONYMOUS = "other,peer,report"


class _RoundPlanner:
    def __init__(self, world: _World, rng: random.Random, catalogues: _Catalogues):
        self.world = world
        self.rng = rng
        self.catalogues = catalogues
        self.old_set_until = world.today - datetime.timedelta(days=OLD_SET_DAYS_AGO)

    def asked(
        self, people: list[Staff], day: datetime.date, count: int, taken: set[int]
    ) -> list[Staff]:
        """Up to `count` of `people` who worked here on `day`, not asked yet."""
        candidates = [
            p for p in people if p.id not in taken and self.world.works_on(p, day) and p.current
        ]
        chosen = self.rng.sample(candidates, min(count, len(candidates)))
        taken.update(p.id for p in chosen)
        return chosen

    def round(
        self,
        subject: Staff,
        *,
        started_by: Staff,
        day: datetime.date,
        open_days: int,
        closed: bool,
        released: bool,
        peers: int,
        reports: int,
        others: int,
        anonymous: str = ANONYMOUS,
        question_set: str = "",
        must_ask: tuple[tuple[Staff, str], ...] = (),
    ) -> _Round:
        world, rng = self.world, self.rng
        at = world.moment(rng, day)
        closes_on = day + datetime.timedelta(days=open_days)
        closed_at = released_at = None
        if closed:
            if rng.random() < 0.6:
                # `close_due_rounds`, the night after the closing date.
                closed_at = datetime.datetime.combine(
                    closes_on + datetime.timedelta(days=1),
                    datetime.time(2, rng.randint(0, 59)),
                    tzinfo=world.tz,
                )
            else:
                closed_at = world.moment(rng, closes_on)
            closed_at = min(closed_at, world.now - datetime.timedelta(minutes=1))
            if released:
                released_at = world.later(rng, closed_at, 24 * 7, by=started_by)
        manager = world.by_id.get(subject.manager_id) if subject.manager_id else None
        taken = {subject.id}
        participants = [_Participant(subject.id, Perspective.SELF)]
        if manager is not None and manager.current:
            participants.append(_Participant(manager.id, Perspective.MANAGER))
            taken.add(manager.id)
        for person, perspective in must_ask:
            if person.id not in taken:
                participants.append(_Participant(person.id, perspective))
                taken.add(person.id)
        siblings = world.team.get(subject.manager_id, []) if manager is not None else []
        for perspective, people, count in (
            (Perspective.PEER, siblings, peers),
            (Perspective.REPORT, world.team.get(subject.id, []), reports),
            (
                Perspective.OTHER,
                rng.sample(world.current, min(len(world.current), 4 * others)),
                others,
            ),
        ):
            participants += [
                _Participant(p.id, perspective) for p in self.asked(people, day, count, taken)
            ]
        if not question_set:
            if day < self.old_set_until and rng.random() < 0.7:
                question_set = "old"
            elif world.team.get(subject.id) and rng.random() < 0.5:
                question_set = "leadership"
            else:
                question_set = "current"
        round_ = _Round(
            subject=subject.id,
            started_by=started_by.id,
            question_set=question_set,
            at=at,
            closes_on=closes_on,
            closed_at=closed_at,
            released_at=released_at,
            anonymous=anonymous,
            participants=participants,
            level=rng.uniform(3.0, 4.4),
        )
        self.answer(round_)
        return round_

    def answer(self, round_: _Round) -> None:
        """Who answered and who declined: nearly everyone named, most colleagues; in an open
        round, fewer the more time is left."""
        rng = self.rng
        if round_.closed_at is None:
            elapsed = (self.world.today - round_.at.date()).days
            progress = elapsed / max(1, (round_.closes_on - round_.at.date()).days)
        else:
            progress = 1.0
        for participant in round_.participants:
            if participant.perspective == Perspective.SELF:
                chance = 0.95
            elif participant.perspective == Perspective.MANAGER:
                chance = 0.9
            else:
                chance = 0.78
            roll = rng.random()
            if roll < chance * (0.25 + 0.75 * progress):
                participant.answered = True
            elif roll > 1 - 0.05 * progress:
                participant.declined = True

    def random_rounds(self, count: int, exclude: set[int]) -> list[_Round]:
        world, rng = self.world, self.rng
        candidates = [p for p in world.current if p.manager_id is not None and p.id not in exclude]
        rounds = []
        for subject in rng.sample(candidates, min(count, len(candidates))):
            manager = world.by_id[subject.manager_id]
            roll = rng.random()
            if roll < 0.65:
                starter = manager
            elif roll < 0.9 or not world.hr:
                starter = subject
            else:
                starter = rng.choice(world.hr)
            open_days = rng.randint(14, 21)
            if rng.random() < 0.2:
                day = world.today - datetime.timedelta(days=rng.randint(1, open_days - 2))
                day = max(day, subject.start_date or day)
                closed = False
            else:
                start = max(world.first_day, subject.start_date or world.first_day)
                latest = world.today - datetime.timedelta(days=open_days + 1)
                if start > latest:
                    continue
                day = world.day(rng, (start, latest))
                closed = True
            rounds.append(
                self.round(
                    subject,
                    started_by=starter,
                    day=day,
                    open_days=open_days,
                    closed=closed,
                    released=rng.random() < 0.75,
                    peers=rng.randint(3, 7),
                    reports=rng.randint(3, 10),
                    others=rng.choice((0, 0, 1, 2, 3)),
                    anonymous=ALL_ANONYMOUS if rng.random() < 0.2 else ANONYMOUS,
                )
            )
        return rounds


def _rating(rng: random.Random, level: float, perspective: str, levels: int) -> int:
    # People rate themselves a little lower than their colleagues do.
    bias = -0.3 if perspective == Perspective.SELF else 0.0
    return max(1, min(levels, round(rng.gauss(level + bias, 0.8))))


def _write_rounds(
    ctx: DataContext, writer: _Writer, world: _World, rounds: list[_Round], catalogues: _Catalogues
) -> None:
    rng = ctx.rng("feedback-answers")
    round_ids = ctx.reserve_ids(Round, len(rounds))
    writer.insert(
        Round,
        (
            Round(
                id=pk,
                public_id=writer.public_id(Round),
                subject_id=r.subject,
                started_by_id=r.started_by,
                question_set_id=catalogues.sets[r.question_set][0],
                status=r.status,
                closes_on=r.closes_on,
                closed_at=r.closed_at,
                released_at=r.released_at,
                anonymous_perspectives=r.anonymous,
                created_at=r.at,
                updated_at=r.released_at or r.closed_at or r.at,
            )
            for pk, r in zip(round_ids, rounds, strict=True)
        ),
    )
    writer.insert(
        Participant,
        (
            Participant(
                round_id=pk,
                person_id=p.person,
                perspective=p.perspective,
                answered=p.answered,
                declined=p.declined,
            )
            for pk, r in zip(round_ids, rounds, strict=True)
            for p in r.participants
        ),
        count=sum(len(r.participants) for r in rounds),
    )
    # As `services.round_answer` stores them: the perspective, the author only when named, no
    # time; and written per round in the order of their random token, so that their ids do not
    # follow the order of the participants.
    responses: list[_Response] = []
    for pk, r in zip(round_ids, rounds, strict=True):
        anonymous = set(r.anonymous.split(","))
        questions = catalogues.sets[r.question_set][1]
        responses += sorted(
            (
                _Response(
                    round_id=pk,
                    perspective=p.perspective,
                    author=None if p.perspective in anonymous else p.person,
                    token=uuid.UUID(int=rng.getrandbits(128), version=4),
                    answers=_answers(rng, world, r, p.perspective, questions),
                )
                for p in r.participants
                if p.answered
            ),
            key=lambda response: response.token,
        )
    response_ids = ctx.reserve_ids(Response, len(responses))
    writer.insert(
        Response,
        (
            Response(
                id=pk,
                round_id=response.round_id,
                perspective=response.perspective,
                author_id=response.author,
                token=response.token,
            )
            for pk, response in zip(response_ids, responses, strict=True)
        ),
    )
    writer.insert(
        Answer,
        (
            Answer(response_id=pk, question_id=question, rating=rating, text=text)
            for pk, response in zip(response_ids, responses, strict=True)
            for question, rating, text in response.answers
        ),
        count=sum(len(response.answers) for response in responses),
    )


@dataclass(frozen=True, slots=True)
class _Response:
    round_id: int
    perspective: str
    author: int | None
    token: uuid.UUID
    # (question, rating or None, text)
    answers: list[tuple[int, int | None, str]]


def _answers(
    rng: random.Random,
    world: _World,
    round_: _Round,
    perspective: str,
    questions: list[tuple[int, str, int]],
) -> list[tuple[int, int | None, str]]:
    """One response's answers: most questions rated, about half the open ones answered."""
    # In the subject's language, whoever writes: a comment in the one colleague's own
    # language would give them away.
    language = world.language(world.by_id[round_.subject])
    answers, first_open = [], True
    for question, kind, levels in questions:
        if kind == Question.Kind.RATING:
            if rng.random() < 0.92:
                answers.append((question, _rating(rng, round_.level, perspective, levels), ""))
            continue
        texts = _KEEP[language] if first_open else _IMPROVE[language]
        first_open = False
        if rng.random() < 0.55:
            answers.append((question, None, rng.choice(texts)))
    if not answers:
        # A response answers at least one question; every set starts with a rating.
        question, _kind, levels = questions[0]
        answers.append((question, _rating(rng, round_.level, perspective, levels), ""))
    return answers


# --- The personas ----------------------------------------------------------------------------


def _weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _days_ago(world: _World, days: int, *people: Staff) -> datetime.date:
    """The working day `days` ago, or the first day all of `people` worked here."""
    window = world.window(*people)
    day = _weekday(world.today - datetime.timedelta(days=days))
    return day if window is None else min(max(day, window[0]), window[1])


def _persona_plan(world: _World, planner: _Planner, employee: Staff, manager: Staff) -> _Plan:
    """The employee's and their manager's feedback that the benchmarked pages show: a thread
    of replies, the manager's request about the employee (answered and shared), the
    employee's own request, and the manager's notes."""
    rng, texts = planner.rng, planner.texts
    plan = _Plan()
    language = world.language(manager, employee)
    thread = _Feedback(
        author=manager.id,
        recipient=employee.id,
        text=texts.feedback(language),
        visibility=Feedback.Visibility.RECIPIENT,
        value=BUSIEST_VALUE,
        at=world.moment(rng, _days_ago(world, 45, manager, employee)),
    )
    planner.replies(thread, manager, employee, language, 6)
    plan.feedback.append(thread)
    plan.feedback.append(
        _Feedback(
            author=employee.id,
            recipient=manager.id,
            text=texts.feedback(language),
            visibility=Feedback.Visibility.RECIPIENT,
            value="",
            at=world.moment(rng, _days_ago(world, 30, manager, employee)),
        )
    )
    colleagues = [p for p in world.team[manager.id] if p.current and p.id != employee.id]
    for requester, days, respondents in (
        (manager, 40, colleagues[:5]),
        (employee, 20, [manager, *colleagues[5:8]]),
    ):
        day = _days_ago(world, days, manager, employee)
        at = world.moment(rng, day)
        about = requester.id != employee.id
        request = _Request(
            requester=requester.id,
            subject=employee.id,
            question=texts.question(language, about=world.name(employee) if about else ""),
            at=at,
            due_date=day + datetime.timedelta(days=14),
        )
        index = len(plan.requests)
        # All but the last two answer; the one before last declines, the last has not yet.
        asked = [p for p in respondents if world.works_on(p, day)]
        for n, person in enumerate(asked):
            then = min(at + datetime.timedelta(hours=5 + 20 * n), world.now)
            if n == len(asked) - 1 and n >= 2:
                request.recipients.append((person.id, RequestRecipient.Status.PENDING, at))
            elif n == len(asked) - 2 and n >= 1:
                request.recipients.append((person.id, RequestRecipient.Status.DECLINED, then))
            else:
                request.recipients.append((person.id, RequestRecipient.Status.ANSWERED, then))
                plan.feedback.append(
                    _Feedback(
                        author=person.id,
                        recipient=employee.id,
                        text=texts.feedback(world.language(person, employee)),
                        visibility=Feedback.Visibility.RECIPIENT,
                        value="",
                        at=then,
                        request=index,
                    )
                )
                if about:
                    request.shared_at = min(then + datetime.timedelta(days=2), world.now)
        plan.requests.append(request)
    for n in range(6):
        at = world.moment(rng, _days_ago(world, 20 + 55 * n, manager, employee))
        shared = min(at + datetime.timedelta(days=3), world.now) if n in (1, 3) else None
        text = texts.note(world.language(manager), world.name(employee))
        plan.notes.append(_Note(manager.id, employee.id, text, at, shared))
    return plan


def _a_year_of(world: _World, planner: _Planner, plan: _Plan, person: Staff) -> None:
    """What every persona's lists show at any size of the organisation: feedback given and
    received, praise received, a request of their own and one they answered. (The benchmark
    compares a page's queries at two sizes, and an empty list skips a query.)"""
    colleagues = [
        p for p in world.team.get(person.manager_id, []) if p.current and p.id != person.id
    ]
    if person.manager_id is not None:
        colleagues.append(world.by_id[person.manager_id])
    if not colleagues:
        return
    rng, texts = planner.rng, planner.texts
    colleague = colleagues[0]
    language = world.language(person, colleague)
    for days, author, recipient in ((50, person, colleague), (35, colleague, person)):
        at = world.moment(rng, _days_ago(world, days, person, colleague))
        text = texts.feedback(language)
        plan.feedback.append(
            _Feedback(author.id, recipient.id, text, Feedback.Visibility.RECIPIENT, "", at)
        )
    reactions = [(p.id, _reaction_kind(rng)) for p in colleagues[1:4]]
    at = world.moment(rng, _days_ago(world, 10, person, colleague))
    text = texts.praise(language)
    plan.praise.append(_Praise(colleague.id, person.id, BUSIEST_VALUE, text, at, reactions))
    for requester, respondent in ((person, colleague), (colleague, person)):
        day = _days_ago(world, 25, person, colleague)
        at = world.moment(rng, day)
        due = day + datetime.timedelta(days=14)
        request = _Request(requester.id, requester.id, texts.question(language), at, due)
        then = min(at + datetime.timedelta(hours=6), world.now)
        request.recipients.append((respondent.id, RequestRecipient.Status.ANSWERED, then))
        plan.feedback.append(
            _Feedback(
                author=respondent.id,
                recipient=requester.id,
                text=texts.feedback(language),
                visibility=Feedback.Visibility.RECIPIENT,
                value="",
                at=then,
                request=len(plan.requests),
            )
        )
        plan.requests.append(request)


def _persona_rounds(world: _World, planner: _RoundPlanner, employee: Staff, manager: Staff):
    """A released round about the employee that the manager started; a released round about
    the manager with their reports (the employee among them); and an open round the manager
    started about another report, in which the employee has not answered yet."""
    rounds = []
    about_employee = planner.round(
        employee,
        started_by=manager,
        day=_days_ago(world, 60, employee),
        open_days=14,
        closed=True,
        released=True,
        peers=7,
        reports=0,
        others=3,
        anonymous=ALL_ANONYMOUS,
        question_set="current",
    )
    for participant in about_employee.participants:
        participant.answered, participant.declined = True, False
    # One peer did not get round to it.
    last_peer = next(
        (p for p in reversed(about_employee.participants) if p.perspective == Perspective.PEER),
        None,
    )
    if last_peer is not None:
        last_peer.answered = False
    rounds.append(about_employee)
    above = world.by_id.get(manager.manager_id) if manager.manager_id else None
    about_manager = planner.round(
        manager,
        started_by=above or manager,
        day=_days_ago(world, 120, manager),
        open_days=21,
        closed=True,
        released=True,
        peers=5,
        reports=20,
        others=2,
        question_set="leadership",
        must_ask=((employee, Perspective.REPORT),),
    )
    for participant in about_manager.participants:
        if participant.person == employee.id:
            participant.answered, participant.declined = True, False
    rounds.append(about_manager)
    colleague = next((p for p in world.team[manager.id] if p.current and p.id != employee.id), None)
    if colleague is not None:
        open_round = planner.round(
            colleague,
            started_by=manager,
            day=_days_ago(world, 5, colleague),
            open_days=14,
            closed=False,
            released=False,
            peers=7,
            reports=0,
            others=2,
            question_set="current",
            must_ask=((employee, Perspective.PEER),),
        )
        open_round.closes_on = max(open_round.closes_on, world.today + datetime.timedelta(days=7))
        for participant in open_round.participants:
            if participant.person == employee.id:
                participant.answered, participant.declined = False, False
        rounds.append(open_round)
    return rounds


def _personas(ctx: DataContext, world: _World) -> tuple[Staff | None, Staff | None]:
    employee = world.by_id.get(ctx.personas.get("employee", 0))
    manager = world.by_id.get(ctx.personas.get("manager", 0))
    if employee is None or manager is None or employee.manager_id != manager.id:
        return None, None
    return employee, manager


# --- The entry points ------------------------------------------------------------------------


def generate(ctx: DataContext, rows: int) -> int:
    """About `rows` rows of a year of feedback, praise and 360° rounds; returns how many."""
    world = _World(ctx)
    scale = rows / (ROWS_PER_PERSON_AT_RATES * max(1, len(ctx.staff)))
    stamped = (
        CompanyValue,
        RatingScale,
        QuestionSet,
        FeedbackRequest,
        RequestRecipient,
        Feedback,
        FeedbackReply,
        ManagerNote,
        Praise,
        Round,
    )
    with backdated(*stamped):
        writer = _Writer(ctx, {})
        catalogues = _catalogues(ctx, world, writer)
        writer.values = catalogues.values
        planner = _Planner(world, ctx.rng("feedback"), scale)
        for start in range(0, len(ctx.staff), CHUNK):
            plan = _Plan()
            for person in ctx.staff[start : start + CHUNK]:
                planner.given_by(plan, person)
                planner.requests_of(plan, person)
                planner.notes_of(plan, person)
                planner.praise_by(plan, person)
            writer.plan(plan)
        round_planner = _RoundPlanner(world, ctx.rng("feedback-rounds"), catalogues)
        rounds: list[_Round] = []
        employee, manager = _personas(ctx, world)
        if employee is not None and manager is not None:
            persona_planner = _Planner(world, ctx.rng("feedback-personas"), scale)
            plan = _persona_plan(world, persona_planner, employee, manager)
            for role in ("employee", "manager", "hr"):
                if (person := world.by_id.get(ctx.personas.get(role, 0))) is not None:
                    _a_year_of(world, persona_planner, plan, person)
            writer.plan(plan)
            rounds = _persona_rounds(world, round_planner, employee, manager)
        count = round(ROUND_SHARE * scale * len(world.current))
        rounds += round_planner.random_rounds(count, exclude={r.subject for r in rounds})
        _write_rounds(ctx, writer, world, rounds, catalogues)
    # Each value's praise, which the services count as they go (the values page and the wall
    # read it): one statement for all of them.
    praised = Praise.objects.filter(value=OuterRef("pk")).order_by().values("value")
    CompanyValue.objects.update(
        praise_count=Coalesce(Subquery(praised.annotate(n=Count("pk")).values("n")), 0)
    )
    return writer.written


def _persona(role: str) -> Person:
    return Person.objects.get(user__email=f"{role}@{GENERATED_DOMAIN}")


def objects() -> dict[str, Any]:
    """The objects the feedback pages name: the busiest each of their personas may see."""
    employee, manager = _persona("employee"), _persona("manager")
    return {
        # Between the employee and their manager: the longest thread of replies.
        "feedback": Feedback.objects.filter(author=manager, recipient=employee, request=None)
        .annotate(replies_count=Count("replies"))
        .order_by("-replies_count", "-created_at", "-pk")
        .first(),
        # The manager's request about the employee, shared with them: the most people asked.
        "feedback_request": FeedbackRequest.objects.filter(
            requester=manager, subject=employee, shared_with_subject_at__isnull=False
        )
        .annotate(asked=Count("recipients"))
        .order_by("-asked", "-created_at", "-pk")
        .first(),
        # The manager's report with the most notes about them, some of them shared with HR.
        "noted_report": Person.objects.current()
        .filter(manager=manager)
        .annotate(
            notes=Count("manager_notes"),
            shared=Count("manager_notes", filter=Q(manager_notes__shared_with_hr_at__isnull=False)),
        )
        .filter(shared__gt=0)
        .order_by("-notes", "pk")
        .first(),
        "round_released": Round.objects.filter(subject=employee, released_at__isnull=False)
        .order_by("-created_at", "-pk")
        .first(),
        "round_of_manager": Round.objects.filter(subject=manager, status=Round.Status.CLOSED)
        .annotate(answers=Count("responses"))
        .order_by("-answers", "-pk")
        .first(),
        "round_open": Round.objects.filter(
            Q(started_by=manager) & Q(participants__person=employee),
            status=Round.Status.OPEN,
        )
        .order_by("-created_at", "-pk")
        .first(),
        "value": CompanyValue.objects.annotate(praised=Count("praise"))
        .order_by("-praised", "pk")
        .first(),
        "question_set": QuestionSet.objects.filter(active=True)
        .annotate(questions_count=Count("questions"))
        .order_by("-questions_count", "pk")
        .first(),
    }
