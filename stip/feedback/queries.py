"""Shared reads about feedback, praise and 360° rounds, always through the policies."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum, Value

from stip.core.querysets import reused
from stip.feedback import policies
from stip.feedback.anonymity import Plan, plan_groups
from stip.feedback.models import (
    Answer,
    CompanyValue,
    Feedback,
    FeedbackRequest,
    ManagerNote,
    Participant,
    Perspective,
    Praise,
    Question,
    Reaction,
    RequestRecipient,
    Response,
    Round,
)
from stip.people.models import Person, Team

# The columns of two people a row of a list links to by name.
AUTHOR_AND_RECIPIENT = (
    "author__public_id",
    "author__first_name",
    "author__last_name",
    "recipient__public_id",
    "recipient__first_name",
    "recipient__last_name",
)
# What a row of feedback in a list shows (`_feedback_items.html`): its goal and request are
# only on its own page. Every column of the six tables joined cost a page of 25 rows more
# Python than its SQL.
FEEDBACK_ROW = (
    "public_id",
    "created_at",
    "text",
    "visibility",
    "helpful_at",
    "request",
    *AUTHOR_AND_RECIPIENT,
    "value__name_en",
    "value__name_nl",
)


def _feedback(user):
    return policies.feedback_visible_to(Feedback.objects.all(), user).select_related(
        "author", "recipient", "value", "goal", "request"
    )


def _feedback_rows(user):
    return (
        policies.feedback_visible_to(Feedback.objects.all(), user)
        .select_related("author", "recipient", "value")
        .only(*FEEDBACK_ROW)
    )


def feedback_received(user, person: Person):
    return _feedback_rows(user).filter(recipient=person).order_by("-created_at", "-pk")


def feedback_given(user, person: Person):
    return _feedback_rows(user).filter(author=person).order_by("-created_at", "-pk")


def feedback_detail(user, public_id):
    return _feedback(user).get(public_id=public_id)


def manager_notes_about(user, person: Person):
    return (
        policies.manager_notes_visible_to(ManagerNote.objects.all(), user)
        .filter(subject=person)
        .select_related("author")
        .order_by("-created_at", "-pk")
    )


def requests_made(user, person: Person):
    """Requests `person` made (visible to `user`), with their answer counts."""
    return (
        policies.requests_visible_to(FeedbackRequest.objects.all(), user)
        .filter(requester=person)
        .select_related("subject")
        .annotate(
            asked=Count("recipients", distinct=True),
            answered=Count(
                "recipients",
                filter=Q(recipients__status=RequestRecipient.Status.ANSWERED),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-pk")
    )


# What a row of a list of requests shows (`_request_items.html`).
REQUEST_ROW = (
    "public_id",
    "created_at",
    "question",
    "due_date",
    "shared_with_subject_at",
    "requester__first_name",
    "requester__last_name",
    "subject__first_name",
    "subject__last_name",
)


def requests_of(user, person: Person):
    """Requests `person` made or that are about them, as far as `user` may see them: their own
    requests, a manager's about them once shared, and those `user` asked or is asked in."""
    return (
        policies.requests_visible_to(FeedbackRequest.objects.all(), user)
        .filter(Q(requester=person) | Q(subject=person))
        .select_related("requester", "subject")
        .only(*REQUEST_ROW)
        .annotate(
            asked=Count("recipients", distinct=True),
            answered=Count(
                "recipients",
                filter=Q(recipients__status=RequestRecipient.Status.ANSWERED),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-pk")
    )


def request_answers(user, request: FeedbackRequest):
    """The answers to a request that `user` may read (the requester all, a respondent theirs)."""
    return _feedback_rows(user).filter(request=request).order_by("created_at", "pk")


def requests_to_answer(person: Person):
    """Open requests waiting for `person`'s answer (the home page's card shows them), as the
    card reads them: values, not requests with their requester and subject built (two thirds of
    the query's time for its five rows)."""
    return _requests_to_answer().filter(respondent=person, status=RequestRecipient.Status.PENDING)


@reused
def _requests_to_answer():
    return RequestRecipient.objects.values(
        *(
            f"request__{column}"
            for column in (
                "public_id",
                "question",
                "due_date",
                "requester_id",
                "subject_id",
                "requester__first_name",
                "requester__last_name",
                "subject__first_name",
                "subject__last_name",
            )
        )
    ).order_by("request__due_date", "pk")


def rounds_to_answer(person: Person):
    """Open 360° rounds `person` has still to answer (the home page's card), as values."""
    return _rounds_to_answer().filter(
        person=person, answered=False, declined=False, round__status=Round.Status.OPEN
    )


@reused
def _rounds_to_answer():
    return Participant.objects.values(
        "perspective",
        "round__public_id",
        "round__closes_on",
        "round__subject__first_name",
        "round__subject__last_name",
    ).order_by("round__closes_on", "pk")


# What a card of praise shows, on the pages and in the API: every column of the five tables
# joined cost a page of 25 cards more Python than its SQL.
PRAISE_CARD = (
    "public_id",
    "text",
    "created_at",
    *AUTHOR_AND_RECIPIENT,
    "recipient__team__name",
    "value__public_id",
    "value__name_en",
    "value__name_nl",
)


def _praise_cards(praise):
    return praise.select_related("author", "recipient__team", "value").only(*PRAISE_CARD)


def praise_wall(user, *, team: Team | None = None, value: CompanyValue | None = None):
    praise = _praise_cards(policies.praise_visible_to(Praise.objects.all(), user))
    if team is not None:
        praise = praise.filter(recipient__team__path__startswith=team.path)
    if value is not None:
        praise = praise.filter(value=value)
    return praise.order_by("-created_at", "-pk")


def praise_between(praise, start: int, end: int):
    """The praise of `praise` (the wall as `praise_wall` filters it) from `start` up to `end` in
    its order, found by their ids first: the ids from the order's index alone, then those rows
    with their people and values. Asked in one, an OFFSET read the people of every praise it
    skipped (7 ms for page 40 at 100,000 people, 0.1 ms this way)."""
    ids = praise.values("pk")[start:end]
    return _praise_cards(Praise.objects.filter(pk__in=ids)).order_by("-created_at", "-pk")


def praise_for(user, person: Person):
    return praise_wall(user).filter(recipient=person)


def reactions_to(
    praise_ids, person: Person | None
) -> tuple[dict[int, dict[str, int]], set[tuple[int, str]]]:
    """For one page of praise: how many of each reaction every praise has, {praise id: {kind:
    count}}, and the reactions `person` gave, {(praise id, kind)}. One query."""
    counts: dict[int, dict[str, int]] = {}
    mine: set[tuple[int, str]] = set()
    given = Count("pk", filter=Q(person=person)) if person is not None else Value(0)
    rows = (
        Reaction.objects.filter(praise_id__in=list(praise_ids))
        .values("praise_id", "kind")
        .annotate(n=Count("pk"), given=given)
    )
    for row in rows:
        counts.setdefault(row["praise_id"], {})[row["kind"]] = row["n"]
        if row["given"]:
            mine.add((row["praise_id"], row["kind"]))
    return counts, mine


def rounds(user):
    return policies.rounds_visible_to(Round.objects.all(), user).select_related(
        "subject", "started_by", "question_set"
    )


def round_rows(user):
    """Rounds for a list (`_round_items.html`): only what a row shows."""
    return (
        policies.rounds_visible_to(Round.objects.all(), user)
        .select_related("subject", "question_set")
        .only(
            "public_id",
            "status",
            "closes_on",
            "subject__first_name",
            "subject__last_name",
            "question_set__name_en",
            "question_set__name_nl",
        )
    )


def participation(round_: Round) -> dict[str, dict[str, int]]:
    """{perspective: {"asked": n, "answered": n}}: counts only, never who."""
    result: dict[str, dict[str, int]] = {}
    rows = (
        Participant.objects.filter(round=round_)
        .values("perspective")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(answered=True)))
    )
    for row in rows:
        result[row["perspective"]] = {"asked": row["asked"], "answered": row["answered"]}
    return result


@dataclass
class QuestionResult:
    question: Question
    # {group key: average}, only for the groups shown; "overall" over the shown groups only.
    averages: dict[str, Decimal] = field(default_factory=dict)
    overall: Decimal | None = None
    # {group key: [texts]}, sorted by text so that order reveals nothing.
    comments: dict[str, list[str]] = field(default_factory=dict)
    # Anonymous groups shown for the round whose ratings of this question are too few to show
    # (a rating may be left out): no average of theirs here, nor in "overall".
    withheld: list[str] = field(default_factory=list)


@dataclass
class RoundResult:
    round: Round
    plan: Plan
    questions: list[QuestionResult]
    # Names of the people in named perspectives (self, manager) who answered, by group key.
    named: dict[str, list[str]]


def _average(total: int, count: int) -> Decimal:
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def round_result(round_: Round) -> RoundResult:
    """The aggregated result of a closed round, obeying the anonymity rule (see anonymity.py).

    Four queries whatever the number of answers: counts per perspective, rating sums per
    perspective and question, the comments of the shown groups, the named authors.
    """
    counts = {
        row["perspective"]: row["n"]
        for row in Response.objects.filter(round=round_)
        .values("perspective")
        .annotate(n=Count("pk"))
    }
    plan = plan_groups(counts, anonymous=[p for p in Perspective.values if round_.is_anonymous(p)])
    group_of = {p: g.key for g in plan.shown for p in g.perspectives}
    questions = list(round_.question_set.questions.select_related("scale").order_by("position"))
    results = {q.pk: QuestionResult(question=q) for q in questions}
    sums: dict[tuple[int, str], list[int]] = {}
    for row in (
        Answer.objects.filter(response__round=round_, rating__isnull=False)
        .values("question_id", "response__perspective")
        .annotate(total=Sum("rating"), n=Count("pk"))
    ):
        group = group_of.get(row["response__perspective"])
        if group is None:
            continue  # a hidden group: never summed into anything shown
        pair = sums.setdefault((row["question_id"], group), [0, 0])
        pair[0] += row["total"]
        pair[1] += row["n"]
    anonymous_groups = {g.key for g in plan.shown if g.anonymous}
    for (question_id, group), (total, n) in sums.items():
        if question_id not in results or not n:
            continue
        if group in anonymous_groups and n < plan.minimum:
            # Three peers answered but one rated this question: their "average" would be that
            # one rating. The minimum holds per question, not only per round.
            results[question_id].withheld.append(group)
            continue
        results[question_id].averages[group] = _average(total, n)
    for question_id, result in results.items():
        pairs = [sums[(question_id, key)] for key in result.averages]
        total = sum(p[0] for p in pairs)
        n = sum(p[1] for p in pairs)
        result.overall = _average(total, n) if n else None
    shown_perspectives = list(group_of)
    for row in (
        Answer.objects.filter(
            response__round=round_,
            response__perspective__in=shown_perspectives,
            question__kind=Question.Kind.OPEN,
        )
        .exclude(text="")
        .values("question_id", "response__perspective", "text")
        .order_by("text")
    ):
        group = group_of[row["response__perspective"]]
        results[row["question_id"]].comments.setdefault(group, []).append(row["text"])
    named: dict[str, list[str]] = {}
    for response in (
        Response.objects.filter(round=round_, author__isnull=False)
        .select_related("author")
        .order_by("author__last_name", "author__first_name")
    ):
        named.setdefault(response.perspective, []).append(response.author.full_name)
    return RoundResult(
        round=round_, plan=plan, questions=[results[q.pk] for q in questions], named=named
    )
