"""Feedback for the demo organisation, Zuiderzee Logistiek B.V.

`extend_demo` runs after the people and their goals exist (`manage.py seed_demo` finds it by
name). It adds the company's four values in Dutch and English, a rating scale and a 360°
question set, ten weeks of feedback between colleagues and between managers and their reports
(some about a goal or a value, in English where an English speaker is involved, a few replied
to or marked helpful), feedback requests (answered, waiting and declined, and a manager's
request about the demo employee whose answers were shared with her), praise on the wall with
reactions, managers' notes, and two 360° rounds: a finished one about the demo employee, Sanne
de Vries (closed, released, with her own, her manager's, four peers' and three others'
answers), and an open one about her English-speaking colleague in which Sanne is still asked.

Everything is planned from one `random.Random(seed)`: the same seed and day give the same
feedback. HR's catalogues, the requests, one piece of feedback, one note and the rounds go
through the services, so that the audit log has their entries and the anonymous answers are
stored exactly as a real answer is (without author or time); the rest is written with
`bulk_create`, then moved to its moment in the story.
"""

import dataclasses
import datetime
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from stip.feedback import services
from stip.feedback.models import (
    CompanyValue,
    Feedback,
    FeedbackReply,
    ManagerNote,
    Praise,
    Question,
    Reaction,
    Round,
)
from stip.goals.models import Goal
from stip.people.demo import DEMO_ORGANISATION, DemoResult
from stip.people.models import Person

HISTORY_DAYS = 70
ENGLISH = "en"


@dataclass(frozen=True)
class DemoFeedbackResult:
    values: int
    feedback: int
    requests: int
    praise: int
    reactions: int
    notes: int
    rounds: int
    answers: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"Added {self.values} company values, {self.feedback} pieces of feedback, "
            f"{self.requests} feedback requests, {self.praise} praise with {self.reactions} "
            f"reactions, {self.notes} manager notes and {self.rounds} 360° rounds with "
            f"{self.answers} answers, in {self.seconds:.1f} s."
        )


# --- The texts -------------------------------------------------------------------------------

# key, Dutch name, English name, Dutch description, English description.
_VALUES = (
    ("together", "Samen sterker", "Stronger together",
     "We helpen elkaar, over de grenzen van ons team heen.",
     "We help each other, beyond the borders of our own team."),
    ("customer", "Klant voorop", "Customer first",
     "We doen wat we beloven: op de afgesproken dag, binnen het tijdvenster.",
     "We do what we promise: on the agreed day, within the time window."),
    ("honest", "Eerlijk en open", "Honest and open",
     "We zeggen wat we zien, ook als het ongemakkelijk is.",
     "We say what we see, even when it is uncomfortable."),
    ("better", "Elke dag beter", "Better every day",
     "Elke dag een beetje slimmer, veiliger en zuiniger.",
     "A little smarter, safer and leaner every day."),
)  # fmt: skip

# (text, value key or ""), per language.
_FEEDBACK = {
    "nl": (
        ("Je overzicht in de ochtendstart maakt het voor het hele team makkelijker. Dank je!",
         "together"),
        ("Top hoe je die klant met de spoedlevering te woord stond: rustig en duidelijk.",
         "customer"),
        ("Fijn dat je eerlijk zei dat de planning niet haalbaar was; zo konden we op tijd "
         "bijsturen.", "honest"),
        ("Je nieuwe checklist voor de retourritten scheelt echt tijd. Mooi verbeterd!", "better"),
        ("Tip: deel je planning wat eerder met het magazijn, dan kunnen zij beter vooruitkijken.",
         ""),
        ("Dank voor het inspringen vrijdag, zonder jou hadden we het niet gered.", "together"),
        ("In het overleg met Transport mag je vaker je mening geven; je hebt goede ideeën.", ""),
        ("Sterk hoe je die klacht hebt opgepakt en de klant zelf hebt teruggebeld.", "customer"),
    ),
    "en": (
        ("Your morning overview makes the whole team's day easier. Thank you!", "together"),
        ("Great job with the rush delivery customer: calm and clear.", "customer"),
        ("Thanks for saying honestly that the plan wasn't feasible; it let us adjust in time.",
         "honest"),
        ("Your new checklist for return trips really saves time. Nice improvement!", "better"),
        ("Tip: share your plan with the warehouse a bit earlier so they can look ahead.", ""),
        ("Thanks for stepping in on Friday, we couldn't have done it without you.", "together"),
        ("Feel free to speak up more in the Transport meeting; your ideas are good.", ""),
        ("Impressive how you handled that complaint and called the customer back yourself.",
         "customer"),
    ),
}  # fmt: skip

_ABOUT_GOAL = {
    "nl": (
        "Over je doel “{goal}”: goed bezig, je ligt mooi op schema.",
        "Bij “{goal}”: zullen we samen kijken waar het vastloopt?",
    ),
    "en": (
        "About your goal “{goal}”: good work, you're right on track.",
        "On “{goal}”: shall we look together at where it's stuck?",
    ),
}

_REPLIES = {
    "nl": ("Dank je, fijn om te horen!", "Goede tip, neem ik mee."),
    "en": ("Thanks, good to hear!", "Good tip, I'll take it on board."),
}

_PRAISE = {
    "nl": (
        ("Geweldig hoe je de Black Friday-piek hebt opgevangen!", "customer"),
        ("Dank voor je hulp bij de inventarisatie, echt teamwerk.", "together"),
        ("Je eerlijke feedback in de retro hielp ons verder.", "honest"),
        ("Het nieuwe pickproces loopt als een trein dankzij jou.", "better"),
        ("Bedankt voor het inwerken van de nieuwe collega's!", "together"),
        ("Zaterdag nog even die pallets voor de klant geregeld: top!", "customer"),
    ),
    "en": (
        ("Amazing how you handled the Black Friday peak!", "customer"),
        ("Thanks for helping with the stocktake, real teamwork.", "together"),
        ("Your honest feedback in the retro moved us forward.", "honest"),
        ("The new picking process runs like clockwork thanks to you.", "better"),
        ("Thanks for showing the new colleagues the ropes!", "together"),
    ),
}

# 360°: (Dutch, English) for each question; the first four are rated.
_SCALE = (
    ("Zelden", "Rarely"),
    ("Soms", "Sometimes"),
    ("Regelmatig", "Regularly"),
    ("Vaak", "Often"),
    ("Altijd", "Always"),
)
_RATED = (
    ("Deelt kennis en helpt collega's", "Shares knowledge and helps colleagues"),
    ("Communiceert helder en op tijd", "Communicates clearly and on time"),
    ("Zet de klant voorop", "Puts the customer first"),
    ("Neemt eigenaarschap", "Takes ownership"),
)
_OPEN = (
    ("Waar moet diegene vooral mee doorgaan?", "What should they keep doing?"),
    ("Wat kan diegene beter doen?", "What could they do better?"),
)
# What Sanne's colleagues wrote in her round: (keep doing, do better), per answer.
_SANNE_COMMENTS = {
    "peer": (
        ("Altijd bereid om mee te denken over een lastige rit.",
         "Meer delegeren; ze doet veel zelf."),
        # Dutch, like the others: a comment in the one English speaker's language would be
        # hers, whatever the grouping (see docs/architecture.md).
        ("Heel gestructureerd en rustig onder druk.", "De planning eerder op de dag delen."),
        ("Heldere afspraken met de chauffeurs.", ""),
        ("Ze houdt het overzicht als alles tegelijk komt.", "Vaker nee zeggen tegen spoedritten."),
    ),
    "other": (
        ("Duidelijke communicatie richting Transport.", "Eerder laten weten als er iets schuift."),
        ("Fijn aanspreekpunt voor het magazijn.", ""),
        ("Denkt mee met de klantenservice bij vertragingen.", "Iets vaker terugkoppelen."),
    ),
    "self": (("Overzicht houden en rust brengen in de planning.", "Beter delegeren."),),
    "manager": (("Betrouwbaar en oplossingsgericht.", "Zichtbaarder zijn in het MT-overleg."),),
}  # fmt: skip


# --- The story -------------------------------------------------------------------------------


class _Story:
    def __init__(self, *, result: DemoResult, seed: int, today: datetime.date):
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        self.today = today
        self.now = timezone.now()
        people = list(Person.objects.select_related("user", "team").order_by("pk"))
        self.current = [p for p in people if p.end_date is None or p.end_date >= today]
        by_id = {p.pk: p for p in people}
        self.by_email = {p.user.email: p for p in people}
        self.manager_of = {p.pk: by_id.get(p.manager_id) for p in people}
        self.reports: dict[int, list[Person]] = defaultdict(list)
        for person in self.current:
            if person.manager_id:
                self.reports[person.manager_id].append(person)
        self.hr = self.by_email[result.sign_in("hr").email]
        self.sanne = self.by_email[result.sign_in("employee").email]
        self.priya = self.by_email[result.sign_in("employee (English)").email]
        self.daan = self.manager_of[self.sanne.pk]
        self.values: dict[str, CompanyValue] = {}
        self.stamps: dict[type, list[tuple[int, datetime.datetime]]] = defaultdict(list)

    def named(self, first: str, last: str) -> Person:
        return next(p for p in self.current if (p.first_name, p.last_name) == (first, last))

    def peers_of(self, person: Person) -> list[Person]:
        return [p for p in self.reports[person.manager_id] if p.pk != person.pk]

    def language(self, *people: Person) -> str:
        return ENGLISH if any(p.user.language == ENGLISH for p in people) else "nl"

    def moment(self, days_ago: int, *people: Person) -> datetime.datetime:
        """A working hour `days_ago` days back (not before anyone involved started), never in
        the future."""
        day = self.today - datetime.timedelta(days=days_ago)
        starts = [p.start_date for p in people if p.start_date]
        day = max([day, *starts])
        at = timezone.make_aware(
            datetime.datetime.combine(
                day, datetime.time(self.rng.randint(8, 17), self.rng.randint(0, 59))
            )
        )
        return min(at, self.now - datetime.timedelta(minutes=self.rng.randint(5, 50)))

    def stamp(self, obj, at: datetime.datetime) -> None:
        self.stamps[type(obj)].append((obj.pk, at))


def _catalogues(story: _Story) -> None:
    """The values, the scale and the question set, kept by HR through the services."""
    hr = story.hr.user
    for key, nl, en, description_nl, description_en in _VALUES:
        story.values[key] = services.value_save(
            actor=hr,
            name_en=en,
            name_nl=nl,
            description_en=description_en,
            description_nl=description_nl,
        )
    scale = services.rating_scale_create(
        actor=hr, name_en="Frequency", name_nl="Frequentie", levels=[(en, nl) for nl, en in _SCALE]
    )
    questions = [
        {"kind": Question.Kind.RATING, "text_nl": nl, "text_en": en, "scale": scale}
        for nl, en in _RATED
    ] + [{"kind": Question.Kind.OPEN, "text_nl": nl, "text_en": en} for nl, en in _OPEN]
    story.question_set = services.question_set_create(
        actor=hr, name_en="360° feedback", name_nl="360°-feedback", questions=questions
    )


def _pairs(story: _Story) -> list[tuple[Person, Person]]:
    """Who gives feedback to whom: colleagues in one team, managers and their reports both
    ways, and Sanne (the demo employee) both giving and receiving."""
    rng = story.rng
    sanne, daan = story.sanne, story.daan
    colleagues = story.peers_of(sanne)
    pairs = [(daan, sanne), (daan, sanne), (sanne, daan)]
    pairs += [(colleague, sanne) for colleague in colleagues[:3]]
    pairs += [(sanne, colleague) for colleague in colleagues[:2]]
    for manager_id, team in sorted(story.reports.items()):
        manager = next((p for p in story.current if p.pk == manager_id), None)
        if manager is None:
            continue
        pairs += [(manager, report) for report in rng.sample(team, min(2, len(team)))]
        if team and rng.random() < 0.5:
            pairs.append((rng.choice(team), manager))
        if len(team) >= 2:
            for _ in range(min(3, len(team) - 1)):
                author, recipient = rng.sample(team, 2)
                pairs.append((author, recipient))
    return pairs


def _feedback(story: _Story) -> int:
    rng = story.rng
    goals = defaultdict(list)
    for goal in Goal.objects.filter(
        level=Goal.Level.PERSONAL,
        visibility=Goal.Visibility.ORGANISATION,
        closed_at__isnull=True,
        start_date__lte=story.today,
        end_date__gte=story.today,
    ).order_by("pk"):
        goals[goal.owner_id].append(goal)

    rows, moments = [], []
    for author, recipient in _pairs(story):
        language = story.language(author, recipient)
        goal = None
        if goals[recipient.pk] and rng.random() < 0.3:
            goal = rng.choice(goals[recipient.pk])
            text, value = rng.choice(_ABOUT_GOAL[language]).format(goal=goal.title), ""
        else:
            text, value = rng.choice(_FEEDBACK[language])
        manages = story.manager_of.get(recipient.pk) is author
        visibility = (
            Feedback.Visibility.RECIPIENT_AND_MANAGER
            if not manages and rng.random() < 0.4
            else Feedback.Visibility.RECIPIENT
        )
        rows.append(
            Feedback(
                author=author,
                recipient=recipient,
                text=text,
                visibility=visibility,
                goal=goal,
                value=story.values.get(value),
            )
        )
        moments.append(story.moment(rng.randint(1, HISTORY_DAYS), author, recipient))

    # The first, Daan's to Sanne, through the service as he writes it on the page.
    first = rows.pop(0)
    written = [
        services.feedback_give(
            author=first.author.user,
            recipient=first.recipient,
            text=first.text,
            visibility=first.visibility,
            goal=first.goal,
            value=first.value,
        )
    ]
    written += Feedback.objects.bulk_create(rows)
    replies, reply_moments, helpful = [], [], []
    for feedback, at in zip(written, moments, strict=True):
        story.stamp(feedback, at)
        if rng.random() < 0.25:
            language = story.language(feedback.author, feedback.recipient)
            replies.append(
                FeedbackReply(
                    feedback=feedback,
                    author=feedback.recipient,
                    text=rng.choice(_REPLIES[language]),
                )
            )
            reply_moments.append(min(at + datetime.timedelta(hours=rng.randint(1, 30)), story.now))
        if rng.random() < 0.3:
            helpful.append(feedback.pk)
    for reply, at in zip(FeedbackReply.objects.bulk_create(replies), reply_moments, strict=True):
        story.stamp(reply, at)
    Feedback.objects.filter(pk__in=helpful).update(helpful_at=story.now)
    return len(written)


def _requests(story: _Story) -> int:
    """Requests through the services: answered, waiting, declined; and the manager's about
    Sanne, answered and shared with her."""
    sanne, priya, daan = story.sanne, story.priya, story.daan
    thijs = story.named("Thijs", "Meijer")
    lotte = story.named("Lotte", "Kok")
    yasmina = story.named("Yasmina", "Bouzid")
    niels = story.named("Niels", "Koster")
    due = story.today + datetime.timedelta(days=7)
    plans = [
        # requester, subject, question, respondents, answers {person: text}, declined, days ago
        (sanne, sanne,
         "Hoe vonden jullie mijn presentatie over de nieuwe ritplanning? Wat kan beter?",
         [thijs, priya, lotte],
         {thijs: "Duidelijk verhaal; de voorbeelden uit Almere maakten het concreet.",
          priya: "Clear and well prepared. Maybe leave more time for questions."},
         [], 12),
        (priya, priya,
         "How do my calls with customers come across? Anything I should do differently?",
         [sanne, daan],
         {daan: "Friendly and to the point. Summarise the agreement at the end of each call."},
         [], 9),
        (thijs, thijs, "Wat vonden jullie van mijn uitleg over het TMS?", [yasmina, sanne],
         {sanne: "Heel helder, vooral de stap voor de retourritten."}, [yasmina], 20),
        (daan, sanne, "Hoe ervaren jullie Sanne als aanspreekpunt voor de chauffeurs?",
         [thijs, niels],
         {thijs: "Betrouwbaar: als Sanne iets toezegt, gebeurt het.",
          niels: "Rustig en duidelijk, ook als er een rit uitvalt."},
         [], 30),
    ]  # fmt: skip
    for requester, subject, question, respondents, answers, declined, days_ago in plans:
        request = services.feedback_request_create(
            requester=requester.user,
            subject=subject,
            question=question,
            respondents=respondents,
            due_date=due if days_ago < 14 else None,
        )
        asked_at = story.moment(days_ago, requester, *respondents)
        story.stamp(request, asked_at)
        for person, text in answers.items():
            answer = services.feedback_give(
                author=person.user, recipient=subject, text=text, request=request
            )
            story.stamp(answer, min(asked_at + datetime.timedelta(days=2), story.now))
        for person in declined:
            services.feedback_request_decline(request=request, respondent=person.user)
        if requester.pk != subject.pk:
            services.feedback_request_share(request=request, actor=requester.user)
    return len(plans)


def _praise(story: _Story) -> tuple[int, int]:
    rng = story.rng
    rows, moments = [], []
    people = [p for p in story.current if p.user.is_active]
    for _ in range(24):
        author, recipient = rng.sample(people, 2)
        text, value = rng.choice(_PRAISE[story.language(author, recipient)])
        rows.append(
            Praise(author=author, recipient=recipient, text=text, value=story.values[value])
        )
        moments.append(story.moment(rng.randint(0, HISTORY_DAYS), author, recipient))
    sanne_peer = story.peers_of(story.sanne)[0]
    rows.append(
        Praise(
            author=sanne_peer,
            recipient=story.sanne,
            text=_PRAISE[story.language(sanne_peer, story.sanne)][1][0],
            value=story.values["together"],
        )
    )
    moments.append(story.moment(2, sanne_peer))
    praise = Praise.objects.bulk_create(rows)
    # What `services.praise_give` counts as it writes each praise.
    for value, n in Counter(item.value_id for item in praise if item.value_id).items():
        CompanyValue.objects.filter(pk=value).update(praise_count=F("praise_count") + n)
    reactions = []
    for item, at in zip(praise, moments, strict=True):
        story.stamp(item, at)
        reactions += [
            Reaction(praise=item, person=person, kind=rng.choice(Reaction.Kind.values))
            for person in rng.sample(people, rng.randint(0, 6))
            if person.pk != item.author_id
        ]
    Reaction.objects.bulk_create(reactions)
    return len(praise), len(reactions)


def _notes(story: _Story) -> int:
    sanne, daan = story.sanne, story.daan
    marieke = story.manager_of[daan.pk]
    first = services.manager_note_write(
        author=daan.user,
        subject=sanne,
        text="Sanne is klaar voor meer verantwoordelijkheid: laat haar de winterplanning trekken.",
    )
    services.manager_note_share(note=first, actor=daan.user)
    story.stamp(first, story.moment(25, daan))
    rows = [
        ManagerNote(
            author=daan,
            subject=sanne,
            text="Let op de werkdruk in december; ze zegt niet snel nee.",
        ),
        ManagerNote(
            author=marieke,
            subject=daan,
            text="Daan coacht zijn team goed. Bespreken: opleiding leidinggeven in het voorjaar.",
        ),
    ]
    kevin = story.named("Kevin", "de Graaf")
    rows.append(
        ManagerNote(
            author=story.manager_of[kevin.pk],
            subject=kevin,
            text="Kevin is maandag vaker te laat; in het volgende 1-op-1 bespreken.",
        )
    )
    for note in ManagerNote.objects.bulk_create(rows):
        story.stamp(note, story.moment(story.rng.randint(3, 40), note.author))
    return 1 + len(rows)


def _ratings(story: _Story, perspective: str) -> list[int]:
    """Sanne's ratings on the four questions from one answer: mostly often or always."""
    base = {"self": 3, "manager": 4}.get(perspective, 4)
    return [max(1, min(5, base + story.rng.choice((-1, 0, 0, 1)))) for _ in _RATED]


def _answer(story: _Story, round_: Round, person: Person, perspective: str, comments) -> None:
    questions = list(round_.question_set.questions.order_by("position", "pk"))
    rated = [q for q in questions if q.kind == Question.Kind.RATING]
    open_questions = [q for q in questions if q.kind == Question.Kind.OPEN]
    services.round_answer(
        round_=round_,
        respondent=person.user,
        ratings=dict(zip((q.pk for q in rated), _ratings(story, perspective), strict=True)),
        texts={q.pk: text for q, text in zip(open_questions, comments, strict=True) if text},
    )


def _rounds(story: _Story) -> tuple[int, int]:
    """Sanne's finished round, and Priya's that is still open (Sanne is asked in it)."""
    sanne, priya, daan = story.sanne, story.priya, story.daan
    peers = story.peers_of(sanne)
    others = [
        story.named("Niels", "Koster"),
        story.named("Kees", "Vermeulen"),
        story.named("Marloes", "van der Linden"),
    ]
    everyone_anonymous = ("peer", "report", "other")
    # Started with a closing date ahead (a service refuses one in the past), answered, closed
    # and released, then moved back to when it happened.
    finished = services.round_start(
        actor=daan.user,
        subject=sanne,
        question_set=story.question_set,
        closes_on=story.today,
        respondents={"peer": peers, "other": others},
        anonymous_perspectives=everyone_anonymous,
    )
    answers = 0
    respondents = [(sanne, "self"), (daan, "manager")]
    respondents += [(p, "peer") for p in peers] + [(p, "other") for p in others]
    seen: dict[str, int] = defaultdict(int)
    for person, perspective in respondents:
        texts = _SANNE_COMMENTS[perspective]
        _answer(story, finished, person, perspective, texts[seen[perspective] % len(texts)])
        seen[perspective] += 1
        answers += 1
    services.round_close(round_=finished, actor=daan.user)
    services.round_close(round_=finished, actor=daan.user, release=True)
    started = story.moment(42, daan)
    Round.objects.filter(pk=finished.pk).update(
        created_at=started,
        closes_on=story.today - datetime.timedelta(days=21),
        closed_at=story.moment(20),
        released_at=story.moment(16),
        updated_at=story.moment(16),
    )

    open_round = services.round_start(
        actor=daan.user,
        subject=priya,
        question_set=story.question_set,
        closes_on=story.today + datetime.timedelta(days=11),
        respondents={"peer": story.peers_of(priya)},
    )
    story.stamp(open_round, story.moment(3, daan))
    for person in [p for p in story.peers_of(priya) if p.pk != sanne.pk][:2]:
        _answer(story, open_round, person, "peer", ("Very helpful with data questions.", ""))
        answers += 1
    return 2, answers


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
) -> DemoFeedbackResult | None:
    """Add feedback to the demo organisation that `result` describes; nothing for any other."""
    if result.organisation != DEMO_ORGANISATION:
        return None
    started = time.perf_counter()
    with transaction.atomic():
        story = _Story(result=result, seed=seed, today=today or timezone.localdate())
        _catalogues(story)
        _feedback(story)
        requests = _requests(story)
        praise, reactions = _praise(story)
        notes = _notes(story)
        rounds, answers = _rounds(story)
        _restamp(story)
    summary = DemoFeedbackResult(
        values=len(story.values),
        feedback=Feedback.objects.count(),
        requests=requests,
        praise=praise,
        reactions=reactions,
        notes=notes,
        rounds=rounds,
        answers=answers,
        seconds=0.0,
    )
    return dataclasses.replace(summary, seconds=time.perf_counter() - started)
