"""Shared reads about feedback, praise and 360° rounds, always through the policies."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

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
    RequestRecipient,
    Response,
    Round,
)
from stip.people.models import Person, Team


def _feedback(user):
    return policies.feedback_visible_to(Feedback.objects.all(), user).select_related(
        "author", "recipient", "value", "goal", "request"
    )


def feedback_received(user, person: Person):
    return _feedback(user).filter(recipient=person).order_by("-created_at", "-pk")


def feedback_given(user, person: Person):
    return _feedback(user).filter(author=person).order_by("-created_at", "-pk")


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


def requests_of(user, person: Person):
    """Requests `person` made or that are about them, as far as `user` may see them: their own
    requests, a manager's about them once shared, and those `user` asked or is asked in."""
    return (
        policies.requests_visible_to(FeedbackRequest.objects.all(), user)
        .filter(Q(requester=person) | Q(subject=person))
        .select_related("requester", "subject")
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
    return _feedback(user).filter(request=request).order_by("created_at", "pk")


def requests_to_answer(person: Person):
    """Open requests waiting for `person`'s answer (the home page shows them)."""
    return (
        RequestRecipient.objects.filter(respondent=person, status=RequestRecipient.Status.PENDING)
        .select_related("request__requester", "request__subject")
        .order_by("request__due_date", "pk")
    )


def rounds_to_answer(person: Person):
    return (
        Participant.objects.filter(
            person=person,
            answered=False,
            declined=False,
            round__status=Round.Status.OPEN,
        )
        .select_related("round__subject")
        .order_by("round__closes_on", "pk")
    )


def praise_wall(user, *, team: Team | None = None, value: CompanyValue | None = None):
    praise = policies.praise_visible_to(Praise.objects.all(), user).select_related(
        "author", "recipient__team", "value"
    )
    if team is not None:
        praise = praise.filter(recipient__team__path__startswith=team.path)
    if value is not None:
        praise = praise.filter(value=value)
    return praise.order_by("-created_at", "-pk")


def praise_for(user, person: Person):
    return praise_wall(user).filter(recipient=person)


def reaction_counts(praise_ids) -> dict[int, dict[str, int]]:
    """{praise id: {kind: count}} for one page of praise: one query."""
    from stip.feedback.models import Reaction

    counts: dict[int, dict[str, int]] = {}
    rows = (
        Reaction.objects.filter(praise_id__in=list(praise_ids))
        .values("praise_id", "kind")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts.setdefault(row["praise_id"], {})[row["kind"]] = row["n"]
    return counts


def my_reactions(person: Person | None, praise_ids) -> set[tuple[int, str]]:
    """{(praise id, kind)} that `person` gave, for one page of praise: one query."""
    from stip.feedback.models import Reaction

    if person is None:
        return set()
    return set(
        Reaction.objects.filter(praise_id__in=list(praise_ids), person=person).values_list(
            "praise_id", "kind"
        )
    )


def rounds(user):
    return policies.rounds_visible_to(Round.objects.all(), user).select_related(
        "subject", "started_by", "question_set"
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
