"""Feedback, requests, manager notes, praise, company values and 360° rounds, under the same
rules as the pages.

Reads go through the feedback policies and queries; every change goes through a service. How
the services' refusals answer:

- something the caller may not see, or an id that does not exist: 404 — feedback, a request,
  a note, a round (and a round's result until `policies.can_view_result` allows it);
- something the caller sees but may not act on (a colleague's feedback they may read but not
  mark helpful, a round they see but may not close, HR's catalogues for anyone else): 403,
  `permission_denied`;
- a service's ValidationError: 422, one entry per field, named as in the request.

Anonymous 360° answers cannot be read back, not even by whoever wrote them: answering answers
204, a round shows participation counts only, and its result is `queries.round_result` as it
is, groups below the anonymity minimum left out (see `anonymity.py`).
"""

import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from stip.api.errors import error_responses, invalid, renamed_errors
from stip.api.pagination import Page, PageIn, UncountedPage, paginate, uncounted_page
from stip.api.schemas import PublicOut
from stip.core.policies import is_hr, person_of
from stip.feedback import policies, queries, services
from stip.feedback.anonymity import MERGED, anonymity_minimum
from stip.feedback.models import (
    MAX_TEXT,
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
    Round,
)
from stip.goals.models import Goal
from stip.people import policies as people_policies
from stip.people.api import PersonRef
from stip.people.models import Person, Team

router = Router(tags=["feedback"])

# Values in the API as in the database; named for the OpenAPI schema.
FeedbackVisibility = StrEnum("FeedbackVisibility", {m.name: m.value for m in Feedback.Visibility})
RequestStatus = StrEnum("RequestStatus", {m.name: m.value for m in RequestRecipient.Status})
ReactionKind = StrEnum("ReactionKind", {m.name: m.value for m in Reaction.Kind})
RoundStatus = StrEnum("RoundStatus", {m.name: m.value for m in Round.Status})
QuestionKind = StrEnum("QuestionKind", {m.name: m.value for m in Question.Kind})
PerspectiveName = StrEnum("PerspectiveName", {m.name: m.value for m in Perspective})

# The perspectives a round may keep anonymous: the subject and the manager always answer named.
AnonymousPerspective = Literal["peer", "report", "other"]

TEXT = Field(max_length=MAX_TEXT)
# Answers to open questions: the service says "keep it under 5000 characters" in its own
# words; the schema only bounds what it reads.
AnswerText = Annotated[str, Field(max_length=2 * MAX_TEXT)]


# --- References ------------------------------------------------------------------------------


class GoalRef(PublicOut):
    title: str


class ValueRef(PublicOut):
    name: str = Field(description="In your language.")


class QuestionSetRef(PublicOut):
    name: str = Field(description="In your language.")


# --- Feedback --------------------------------------------------------------------------------


class ReplyOut(PublicOut):
    author: PersonRef
    text: str
    created_at: datetime.datetime


class FeedbackOut(PublicOut):
    author: PersonRef
    recipient: PersonRef
    text: str
    visibility: FeedbackVisibility = Field(
        description="`recipient`: the recipient only; `recipient_and_manager`: also their "
        "management chain."
    )
    goal: GoalRef | None = Field(
        description="The goal it is about; null when there is none or you may not see it."
    )
    value: ValueRef | None = Field(description="The company value it is about.")
    request_id: UUID | None = Field(
        description="The request it answers; null when there is none or you may not see it."
    )
    helpful: bool = Field(description="The recipient marked it helpful.")
    reply_count: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_goal(obj: Feedback) -> Goal | None:
        # `goal_visible` is annotated by `_feedback`: no query per row.
        return obj.goal if obj.goal_id and getattr(obj, "goal_visible", False) else None

    @staticmethod
    def resolve_request_id(obj: Feedback) -> UUID | None:
        if obj.request_id is None or not getattr(obj, "request_visible", False):
            return None
        return obj.request.public_id

    @staticmethod
    def resolve_helpful(obj: Feedback) -> bool:
        return obj.helpful_at is not None


class FeedbackDetailOut(FeedbackOut):
    replies: list[ReplyOut] = Field(description="Oldest first.")
    can_reply: bool
    can_mark_helpful: bool

    @staticmethod
    def resolve_replies(obj: Feedback) -> list[FeedbackReply]:
        return list(obj.replies.all())

    @staticmethod
    def resolve_can_reply(obj: Feedback, context) -> bool:
        return policies.can_reply_feedback(context["request"].user, obj)

    @staticmethod
    def resolve_can_mark_helpful(obj: Feedback, context) -> bool:
        return policies.can_mark_helpful(context["request"].user, obj)


class FeedbackFilters(Schema):
    person: str = Field("me", max_length=36, description="A person's id, or `me`.")
    direction: Literal["received", "given"] = Field(
        "received", description="Feedback the person received, or gave."
    )


class FeedbackIn(Schema):
    recipient: UUID | None = Field(
        None, description="A person's id; left out when answering a request (its subject)."
    )
    text: str = TEXT
    visibility: FeedbackVisibility = FeedbackVisibility.RECIPIENT
    goal: UUID | None = Field(None, description="A goal you may see.")
    value: UUID | None = Field(None, description="A company value.")
    request: UUID | None = Field(None, description="The id of a request you were asked in.")


class ReplyIn(Schema):
    text: str = TEXT


class HelpfulIn(Schema):
    helpful: bool = True


# --- Requests --------------------------------------------------------------------------------


class RequestOut(PublicOut):
    requester: PersonRef
    subject: PersonRef = Field(description="Who the feedback is about.")
    question: str
    due_date: datetime.date | None
    shared_with_subject_at: datetime.datetime | None = Field(
        description="For a manager's request about a report: when the answers were shared "
        "with the report."
    )
    asked: int = Field(description="How many people were asked.")
    answered: int = Field(description="How many of them answered.")
    my_status: RequestStatus | None = Field(
        description="Your answer, when you were asked; null otherwise."
    )
    created_at: datetime.datetime


class RecipientOut(Schema):
    person: PersonRef
    status: RequestStatus

    @staticmethod
    def resolve_person(obj: RequestRecipient) -> Person:
        return obj.respondent


class RequestDetailOut(RequestOut):
    answers: list[FeedbackOut] = Field(description="The answers you may read, oldest first.")
    recipients: list[RecipientOut] | None = Field(
        description="Who was asked and what became of it: for whoever made the request; null "
        "for anyone else."
    )

    @staticmethod
    def resolve_answers(obj: FeedbackRequest) -> list[Feedback]:
        return obj.answers_visible

    @staticmethod
    def resolve_recipients(obj: FeedbackRequest) -> list[RequestRecipient] | None:
        return obj.recipients_visible


class RequestFilters(Schema):
    role: Literal["made", "asked"] = Field(
        "made", description="Requests you made, or requests you were asked to answer."
    )
    status: RequestStatus | None = Field(
        None, description="With `role=asked`: only those you answered, declined, or not yet."
    )


class RequestIn(Schema):
    subject: UUID | None = Field(
        None, description="Who the feedback is about: yourself if left out, or a report's id."
    )
    question: str = TEXT
    respondents: list[UUID] = Field(max_length=50, description="The people to ask.")
    due_date: datetime.date | None = None


# --- Manager notes ---------------------------------------------------------------------------


class NoteOut(PublicOut):
    author: PersonRef
    subject: PersonRef
    text: str
    shared_with_hr_at: datetime.datetime | None
    created_at: datetime.datetime


class NoteIn(Schema):
    text: str = TEXT


# --- Praise and values -----------------------------------------------------------------------


class PraiseOut(PublicOut):
    author: PersonRef
    recipient: PersonRef
    value: ValueRef | None
    text: str
    reactions: dict[ReactionKind, int] = Field(description="How many of each reaction.")
    my_reactions: list[ReactionKind] = Field(description="The reactions you gave.")
    created_at: datetime.datetime

    @staticmethod
    def resolve_reactions(obj: Praise) -> dict[str, int]:
        counts = obj.reaction_counts
        return {kind: counts.get(kind, 0) for kind in Reaction.Kind.values}

    @staticmethod
    def resolve_my_reactions(obj: Praise) -> list[str]:
        return [kind for kind in Reaction.Kind.values if kind in obj.mine]


class PraiseFilters(Schema):
    team: UUID | None = Field(
        None, description="A team's id: praise for its members, sub-teams included."
    )
    value: UUID | None = Field(None, description="A company value's id.")
    recipient: str | None = Field(None, max_length=36, description="A person's id, or `me`.")


class PraiseIn(Schema):
    recipient: UUID
    text: str = TEXT
    value: UUID | None = None


class ReactionIn(Schema):
    reacted: bool | None = Field(
        None,
        description="true: your reaction is there afterwards; false: it is not. Left "
        "out (or no body): the reaction is toggled.",
    )


class ValueOut(PublicOut):
    name: str = Field(description="In your language.")
    name_en: str
    name_nl: str
    description: str = Field(description="In your language.")
    description_en: str
    description_nl: str
    active: bool = Field(description="Inactive values stay on old praise but take no new.")


class ValueFilters(Schema):
    active: bool | None = None


class ValueIn(Schema):
    name_en: str = Field(max_length=120)
    name_nl: str = Field(max_length=120)
    description_en: str = Field("", max_length=2000)
    description_nl: str = Field("", max_length=2000)
    active: bool = True


class ValuePatchIn(Schema):
    name_en: str = Field(None, max_length=120)
    name_nl: str = Field(None, max_length=120)
    description_en: str = Field(None, max_length=2000)
    description_nl: str = Field(None, max_length=2000)
    active: bool = None


# --- Scales and question sets ----------------------------------------------------------------


class LevelOut(Schema):
    value: int
    name: str = Field(description="In your language.")
    name_en: str
    name_nl: str


class ScaleOut(PublicOut):
    name: str = Field(description="In your language.")
    name_en: str
    name_nl: str
    levels: list[LevelOut] = Field(description="From the lowest value up.")

    @staticmethod
    def resolve_levels(obj: RatingScale) -> list[RatingLevel]:
        return list(obj.levels.all())


class LevelIn(Schema):
    name_en: str = Field(max_length=120)
    name_nl: str = Field(max_length=120)


class ScaleIn(Schema):
    name_en: str = Field(max_length=120)
    name_nl: str = Field(max_length=120)
    levels: list[LevelIn] = Field(max_length=10, description="From the lowest up: 1, 2, …")


class QuestionOut(Schema):
    number: int = Field(description="1, 2, …: how answers name the question.")
    kind: QuestionKind
    text: str = Field(description="In your language.")
    text_en: str
    text_nl: str
    scale: ScaleOut | None = Field(description="For a rating question.")

    @staticmethod
    def resolve_number(obj: Question) -> int:
        return obj.number


class QuestionSetOut(PublicOut):
    name: str = Field(description="In your language.")
    name_en: str
    name_nl: str
    active: bool
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj: QuestionSet) -> list[Question]:
        return _numbered(obj.questions.all())


class QuestionSetFilters(Schema):
    active: bool | None = None


class QuestionIn(Schema):
    kind: QuestionKind
    text_en: str = Field(max_length=300)
    text_nl: str = Field(max_length=300)
    scale: UUID | None = Field(None, description="A rating scale's id, for a rating question.")


class QuestionSetIn(Schema):
    name_en: str = Field(max_length=120)
    name_nl: str = Field(max_length=120)
    questions: list[QuestionIn] = Field(max_length=50)


# --- 360° rounds -----------------------------------------------------------------------------


class InvitationOut(Schema):
    perspective: PerspectiveName
    answered: bool
    declined: bool


class RoundOut(PublicOut):
    subject: PersonRef
    started_by: PersonRef
    question_set: QuestionSetRef
    status: RoundStatus
    closes_on: datetime.date
    closed_at: datetime.datetime | None
    released_at: datetime.datetime | None = Field(
        description="When the result was released to the subject."
    )
    anonymous_perspectives: list[PerspectiveName]
    invitation: InvitationOut | None = Field(
        description="Your own invitation to answer, if you were asked."
    )
    can_manage: bool = Field(description="You may close and release it.")
    result_available: bool = Field(description="You may read the result (GET …/result).")

    @staticmethod
    def resolve_anonymous_perspectives(obj: Round) -> list[str]:
        return [p for p in Perspective.values if obj.is_anonymous(p)]

    @staticmethod
    def resolve_invitation(obj: Round) -> dict[str, Any] | None:
        # Annotated by `_rounds`: no query per row.
        if obj.my_perspective is None:
            return None
        return {
            "perspective": obj.my_perspective,
            "answered": bool(obj.my_answered),
            "declined": bool(obj.my_declined),
        }

    @staticmethod
    def resolve_can_manage(obj: Round, context) -> bool:
        return policies.can_manage_round(context["request"].user, obj)

    @staticmethod
    def resolve_result_available(obj: Round, context) -> bool:
        return policies.can_view_result(context["request"].user, obj)


class ParticipationOut(Schema):
    perspective: PerspectiveName
    label: str
    asked: int
    answered: int


class RoundDetailOut(RoundOut):
    participation: list[ParticipationOut] = Field(
        description="How many were asked and answered, per perspective: counts, never who. "
        "For the subject and whoever may close the round; empty for anyone else."
    )
    minimum: int = Field(description="The fewest answers an anonymous group is shown with.")
    questions: list[QuestionOut]


class RoundFilters(Schema):
    subject: str | None = Field(None, max_length=36, description="A person's id, or `me`.")
    status: RoundStatus | None = None
    invited: bool | None = Field(None, description="true: only rounds you were asked to answer.")


class RespondentsIn(Schema):
    manager: list[UUID] = Field([], max_length=10)
    peer: list[UUID] = Field([], max_length=50)
    report: list[UUID] = Field([], max_length=50)
    other: list[UUID] = Field([], max_length=50)


class RoundIn(Schema):
    subject: UUID | None = Field(None, description="A person's id; yourself if left out.")
    question_set: UUID
    closes_on: datetime.date
    respondents: RespondentsIn = Field(
        description="Whom to ask, per perspective. The subject (self) and their manager are "
        "always asked."
    )
    anonymous_perspectives: list[AnonymousPerspective] = Field(
        ["peer", "report"], description="Whose answers are stored without their name."
    )


class AnswersIn(Schema):
    ratings: dict[int, int] = Field(
        {}, description="{question number: level value} for rating questions; any may be left out."
    )
    texts: dict[int, AnswerText] = Field(
        {}, description="{question number: text} for open questions."
    )


class RoundCloseIn(Schema):
    release: bool = Field(False, description="Also let the subject read the result now.")


class GroupOut(Schema):
    key: str = Field(description="A perspective, or `merged` for small groups shown together.")
    label: str
    perspectives: list[PerspectiveName]
    count: int = Field(description="How many answered in this group.")
    anonymous: bool
    authors: list[str] = Field(
        description="Who answered, for a named group; always empty for an anonymous one."
    )


class HiddenOut(Schema):
    perspective: PerspectiveName
    label: str


class QuestionResultOut(Schema):
    number: int
    kind: QuestionKind
    text: str
    averages: dict[str, float] = Field(description="{group key: average rating}.")
    overall: float | None = Field(description="Over the averages shown here only.")
    comments: dict[str, list[str]] = Field(description="{group key: answers}, in text order.")
    withheld: list[str] = Field(
        description="Anonymous groups too few of whom rated this question: no average."
    )


class ResultOut(Schema):
    round: RoundOut
    minimum: int
    groups: list[GroupOut]
    hidden: list[HiddenOut] = Field(
        description="Anonymous perspectives with too few answers: not shown, nor counted in "
        "any figure."
    )
    hidden_note: str | None
    questions: list[QuestionResultOut]


# --- Helpers ---------------------------------------------------------------------------------


def _me(request: HttpRequest, field: str, *, source: str = "query") -> Person:
    me = person_of(request.user)
    if me is None:
        raise invalid(field, _("Your account has no employee record."), source=source)
    return me


def _person(request: HttpRequest, value: str | UUID | None, field: str, *, source: str = "query"):
    """A person the caller may see, by id or `me`; a 422 on `field` otherwise."""
    if value is None or (isinstance(value, str) and value.lower() == "me"):
        return _me(request, field, source=source)
    try:
        public_id = value if isinstance(value, UUID) else UUID(value)
    except ValueError:
        raise invalid(field, _("Enter a valid UUID or “me”."), source=source) from None
    person = Person.objects.visible_to(request.user).filter(public_id=public_id).first()
    if person is None:
        raise invalid(field, _("There is no person with this id."), source=source)
    return person


def _people(request: HttpRequest, ids: list[UUID], field: str) -> list[Person]:
    found = {
        p.public_id: p
        for p in Person.objects.visible_to(request.user)
        .select_related("manager")
        .filter(public_id__in=ids)
    }
    if set(ids) - set(found):
        raise invalid(field, _("There is no person with this id."), source="body")
    return [found[i] for i in dict.fromkeys(ids)]


def _value_ref(public_id: UUID | None, *, source: str = "body") -> CompanyValue | None:
    if public_id is None:
        return None
    value = CompanyValue.objects.filter(public_id=public_id).first()
    if value is None:
        raise invalid("value", _("There is no company value with this id."), source=source)
    return value


# What `FeedbackOut` shows of the feedback and the rows joined to it, and what the policies
# ask of its request: reading every column of six tables cost a page of 50 more than the rest
# of its Python (16 timestamps a row turned into datetimes).
FEEDBACK_OUT = (
    "public_id",
    "created_at",
    "text",
    "visibility",
    "helpful_at",
    *queries.AUTHOR_AND_RECIPIENT,
    "goal__public_id",
    "goal__title",
    "value__public_id",
    "value__name_en",
    "value__name_nl",
    "request__public_id",
    "request__requester",
    "request__shared_with_subject_at",
)


def _feedback(user) -> QuerySet:
    """Feedback the caller may read, with whether they may see its goal and its request (a
    hidden goal or request must not leak, not even its id) and its reply count: one query."""
    replies = (
        FeedbackReply.objects.filter(feedback=OuterRef("pk"))
        .order_by()
        .values("feedback")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        policies.feedback_visible_to(Feedback.objects.all(), user)
        .select_related("author", "recipient", "value", "goal", "request")
        .only(*FEEDBACK_OUT)
        .annotate(
            goal_visible=Exists(Goal.objects.visible_to(user).filter(pk=OuterRef("goal_id"))),
            request_visible=Exists(
                policies.requests_visible_to(FeedbackRequest.objects.all(), user).filter(
                    pk=OuterRef("request_id")
                )
            ),
            reply_count=Coalesce(Subquery(replies, output_field=IntegerField()), Value(0)),
        )
    )


def _feedback_detail(request: HttpRequest, public_id: UUID) -> Feedback:
    replies = FeedbackReply.objects.select_related("author").order_by("created_at", "pk")
    feedback = (
        _feedback(request.user)
        .prefetch_related(Prefetch("replies", queryset=replies))
        .filter(public_id=public_id)
        .first()
    )
    if feedback is None:
        raise Http404
    return feedback


def _visible_feedback(request: HttpRequest, public_id: UUID) -> Feedback:
    """Feedback the caller may read (for a service to act on), or 404."""
    feedback = (
        policies.feedback_visible_to(Feedback.objects.all(), request.user)
        .select_related("request")
        .filter(public_id=public_id)
        .first()
    )
    if feedback is None:
        raise Http404
    return feedback


def _requests(request: HttpRequest) -> QuerySet:
    """Requests the caller may see, with their counts and the caller's own answer."""
    me = person_of(request.user)
    mine = RequestRecipient.objects.filter(request=OuterRef("pk"), respondent=me)
    return (
        policies.requests_visible_to(FeedbackRequest.objects.all(), request.user)
        .select_related("requester", "subject")
        .annotate(
            asked=Count("recipients", distinct=True),
            answered=Count(
                "recipients",
                filter=Q(recipients__status=RequestRecipient.Status.ANSWERED),
                distinct=True,
            ),
            my_status=Subquery(mine.values("status")[:1]),
        )
    )


def _request_detail(request: HttpRequest, public_id: UUID) -> FeedbackRequest:
    feedback_request = _requests(request).filter(public_id=public_id).first()
    if feedback_request is None:
        raise Http404
    feedback_request.answers_visible = list(
        _feedback(request.user).filter(request=feedback_request).order_by("created_at", "pk")
    )
    feedback_request.recipients_visible = None
    me = person_of(request.user)
    if me is not None and feedback_request.requester_id == me.pk:
        feedback_request.recipients_visible = list(
            feedback_request.recipients.select_related("respondent").order_by(
                "respondent__last_name", "respondent__first_name", "pk"
            )
        )
    return feedback_request


def _visible_request(request: HttpRequest, public_id: UUID) -> FeedbackRequest:
    feedback_request = (
        policies.requests_visible_to(FeedbackRequest.objects.all(), request.user)
        .filter(public_id=public_id)
        .first()
    )
    if feedback_request is None:
        raise Http404
    return feedback_request


def _praise(request: HttpRequest, page: dict[str, Any]) -> dict[str, Any]:
    """Reaction counts and the caller's own reactions for one page of praise: one query."""
    ids = [praise.pk for praise in page["results"]]
    counts, mine = queries.reactions_to(ids, person_of(request.user))
    for praise in page["results"]:
        praise.reaction_counts = counts.get(praise.pk, {})
        praise.mine = {kind for praise_id, kind in mine if praise_id == praise.pk}
    return page


def _one_praise(request: HttpRequest, public_id: UUID) -> Praise:
    praise = queries.praise_wall(request.user).filter(public_id=public_id).first()
    if praise is None:
        raise Http404
    return _praise(request, {"results": [praise]})["results"][0]


def _numbered(questions) -> list[Question]:
    """Questions in their order, numbered from 1: answers name them by number (a question has
    no public id, and its database key is not for the API)."""
    ordered = sorted(questions, key=lambda q: (q.position, q.pk))
    for number, question in enumerate(ordered, start=1):
        question.number = number
    return ordered


def _question_sets() -> QuerySet:
    levels = RatingLevel.objects.order_by("value")
    return QuestionSet.objects.prefetch_related(
        Prefetch("questions", queryset=Question.objects.select_related("scale")),
        Prefetch("questions__scale__levels", queryset=levels),
    )


def _rounds(request: HttpRequest) -> QuerySet:
    """Rounds the caller may see, with their own invitation (perspective, answered, declined)
    as subqueries: no query per row."""
    me = person_of(request.user)
    invitation = Participant.objects.filter(round=OuterRef("pk"), person=me)
    return queries.rounds(request.user).annotate(
        my_perspective=Subquery(invitation.values("perspective")[:1]),
        my_answered=Subquery(invitation.values("answered")[:1]),
        my_declined=Subquery(invitation.values("declined")[:1]),
    )


def _visible_round(request: HttpRequest, public_id: UUID) -> Round:
    round_ = _rounds(request).filter(public_id=public_id).first()
    if round_ is None:
        raise Http404
    return round_


def _round_detail(request: HttpRequest, public_id: UUID) -> Round:
    round_ = _visible_round(request, public_id)
    round_.participation = []
    # As on the page: for whoever may close the round and for its subject, not for the others
    # asked, who see their own invitation.
    me = person_of(request.user)
    if policies.can_manage_round(request.user, round_) or (
        me is not None and me.pk == round_.subject_id
    ):
        participation = queries.participation(round_)
        round_.participation = [
            {"perspective": p, "label": str(label), **participation[p]}
            for p, label in Perspective.choices
            if p in participation
        ]
    round_.minimum = anonymity_minimum()
    levels = RatingLevel.objects.order_by("value")
    round_.questions = _numbered(
        round_.question_set.questions.select_related("scale").prefetch_related(
            Prefetch("scale__levels", queryset=levels)
        )
    )
    return round_


def _label(perspective: str) -> str:
    return str(Perspective(perspective).label)


def _result(round_: Round) -> dict[str, Any]:
    """`queries.round_result` as JSON, nothing added: the groups it shows, with their counts,
    the names only of named groups; the perspectives it hides, with the minimum."""
    result = queries.round_result(round_)
    plan = result.plan
    groups = []
    # In the perspectives' own order (self, manager, peers, …), a merged group last.
    order = {p: n for n, p in enumerate(Perspective.values)}
    for group in sorted(plan.shown, key=lambda g: order.get(g.key, len(order))):
        labels = [_label(p) for p in group.perspectives]
        groups.append(
            {
                "key": group.key,
                "label": (
                    _("Together: %(perspectives)s") % {"perspectives": ", ".join(labels)}
                    if group.key == MERGED
                    else labels[0]
                ),
                "perspectives": list(group.perspectives),
                "count": group.count,
                "anonymous": group.anonymous,
                "authors": [] if group.anonymous else result.named.get(group.key, []),
            }
        )
    hidden_note = None
    if plan.hidden:
        hidden_note = _(
            "Fewer than %(minimum)d people answered as %(perspectives)s. To keep their answers "
            "anonymous, they are not shown and not counted in any figure."
        ) % {"minimum": plan.minimum, "perspectives": ", ".join(_label(p) for p in plan.hidden)}
    numbers = {q.pk: n for n, q in enumerate(_numbered(r.question for r in result.questions), 1)}
    return {
        "round": round_,
        "minimum": plan.minimum,
        "groups": groups,
        "hidden": [{"perspective": p, "label": _label(p)} for p in plan.hidden],
        "hidden_note": hidden_note,
        "questions": [
            {
                "number": numbers[item.question.pk],
                "kind": item.question.kind,
                "text": item.question.text,
                "averages": {key: _number(avg) for key, avg in item.averages.items()},
                "overall": None if item.overall is None else _number(item.overall),
                "comments": item.comments,
                "withheld": item.withheld,
            }
            for item in sorted(result.questions, key=lambda r: numbers[r.question.pk])
        ],
    }


def _number(value: Decimal) -> float:
    return float(value)


# --- Feedback --------------------------------------------------------------------------------
# The static paths (/feedback/requests, /feedback/notes) come before /feedback/{id}, which
# would otherwise take "requests" for an id.


@router.get(
    "/feedback/requests",
    response={200: Page[RequestOut], **error_responses(401, 422)},
    summary="List feedback requests",
)
def request_list(request: HttpRequest, filters: Query[RequestFilters], pagination: Query[PageIn]):
    """Requests you made (`role=made`, the default) or were asked to answer (`role=asked`),
    newest first."""
    me = person_of(request.user)
    requests = _requests(request)
    if filters.role == "made":
        requests = requests.filter(requester=me)
    else:
        # The caller's invitations first (`feedback_recipient_open`), then their requests by
        # key: as a correlated EXISTS, SQLite checked every request of the organisation.
        asked = RequestRecipient.objects.filter(respondent=me)
        if filters.status is not None:
            asked = asked.filter(status=filters.status)
        requests = requests.filter(pk__in=asked.values("request"))
    return paginate(request, requests.order_by("-created_at", "-pk"), pagination)


@router.post(
    "/feedback/requests",
    response={201: RequestDetailOut, **error_responses(401, 403, 422)},
    summary="Ask for feedback",
)
def request_create(request: HttpRequest, payload: RequestIn):
    """About yourself, or (managers) about someone in your reporting line: then the answers
    reach that person only once you share them. 403 for anyone else."""
    subject = _person(request, payload.subject, "subject", source="body")
    created = services.feedback_request_create(
        requester=request.user,
        subject=subject,
        question=payload.question,
        respondents=_people(request, payload.respondents, "respondents"),
        due_date=payload.due_date,
    )
    return 201, _request_detail(request, created.public_id)


@router.get(
    "/feedback/requests/{id}",
    response={200: RequestDetailOut, **error_responses(401, 404, 422)},
    summary="One feedback request",
)
def request_detail(request: HttpRequest, id: UUID) -> FeedbackRequest:
    """With the answers you may read: all of them if you asked, your own if you were asked, all
    of them when it is about you and was shared with you."""
    return _request_detail(request, id)


@router.post(
    "/feedback/requests/{id}/decline",
    response={200: RequestDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Decline to answer a request",
)
def request_decline(request: HttpRequest, id: UUID) -> FeedbackRequest:
    """403 when you were not asked; 422 when you answered or declined already."""
    try:
        services.feedback_request_decline(
            request=_visible_request(request, id), respondent=request.user
        )
    except ValidationError as error:
        raise renamed_errors(error, {"status": None}) from None
    return _request_detail(request, id)


@router.post(
    "/feedback/requests/{id}/share",
    response={200: RequestDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Share the answers with the person they are about",
)
def request_share(request: HttpRequest, id: UUID) -> FeedbackRequest:
    """For a manager's request about a report; only whoever made it shares it (403 otherwise)."""
    services.feedback_request_share(request=_visible_request(request, id), actor=request.user)
    return _request_detail(request, id)


@router.post(
    "/feedback/notes/{id}/share",
    response={200: NoteOut, **error_responses(401, 403, 404, 422)},
    summary="Share a manager note with HR",
)
def note_share(request: HttpRequest, id: UUID) -> ManagerNote:
    """Only its author shares a note (403 for the rest of the chain). Sharing twice changes
    nothing."""
    note = (
        policies.manager_notes_visible_to(ManagerNote.objects.all(), request.user)
        .select_related("author", "subject")
        .filter(public_id=id)
        .first()
    )
    if note is None:
        raise Http404
    return services.manager_note_share(note=note, actor=request.user)


@router.get(
    "/feedback",
    response={200: Page[FeedbackOut], **error_responses(401, 422)},
    summary="List feedback",
)
def feedback_list(request: HttpRequest, filters: Query[FeedbackFilters], pagination: Query[PageIn]):
    """The feedback a person received (or gave) that you may read, newest first: your own,
    and what reaches you as their manager or as the author."""
    person = _person(request, filters.person, "person")
    feedback = _feedback(request.user)
    if filters.direction == "received":
        feedback = feedback.filter(recipient=person)
    else:
        feedback = feedback.filter(author=person)
    return paginate(request, feedback.order_by("-created_at", "-pk"), pagination)


@router.post(
    "/feedback",
    response={201: FeedbackDetailOut, **error_responses(401, 403, 422)},
    summary="Give feedback",
)
def feedback_create(request: HttpRequest, payload: FeedbackIn):
    """To a colleague, or in answer to a request you were asked in (`request`; the recipient is
    then the person it is about). 403 for feedback to yourself, to someone who left, or for a
    request you were not asked in."""
    user = request.user
    answering = None
    if payload.request is not None:
        answering = (
            policies.requests_visible_to(FeedbackRequest.objects.all(), user)
            .select_related("subject")
            .filter(public_id=payload.request)
            .first()
        )
        if answering is None:
            raise invalid("request", _("There is no request with this id."), source="body")
    if answering is not None:
        recipient = answering.subject
        if payload.recipient is not None and payload.recipient != recipient.public_id:
            raise invalid(
                "recipient",
                _("An answer to a request goes to the person it is about."),
                source="body",
            )
    elif payload.recipient is None:
        raise invalid("recipient", _("This field is required."), source="body")
    else:
        recipient = _person(request, payload.recipient, "recipient", source="body")
    goal = None
    if payload.goal is not None:
        goal = Goal.objects.visible_to(user).filter(public_id=payload.goal).first()
        if goal is None:
            raise invalid("goal", _("There is no goal with this id."), source="body")
    feedback = services.feedback_give(
        author=user,
        recipient=recipient,
        text=payload.text,
        visibility=payload.visibility.value,
        goal=goal,
        value=_value_ref(payload.value),
        request=answering,
    )
    return 201, _feedback_detail(request, feedback.public_id)


@router.get(
    "/feedback/{id}",
    response={200: FeedbackDetailOut, **error_responses(401, 404, 422)},
    summary="One piece of feedback",
)
def feedback_detail(request: HttpRequest, id: UUID) -> Feedback:
    """With its replies, oldest first."""
    return _feedback_detail(request, id)


@router.post(
    "/feedback/{id}/replies",
    response={201: ReplyOut, **error_responses(401, 403, 404, 422)},
    summary="Reply to feedback",
)
def feedback_reply(request: HttpRequest, id: UUID, payload: ReplyIn):
    """Its author and its recipient talk it over; a manager who may read it may not reply
    (403)."""
    reply = services.feedback_reply(
        feedback=_visible_feedback(request, id), author=request.user, text=payload.text
    )
    return 201, FeedbackReply.objects.select_related("author").get(pk=reply.pk)


@router.put(
    "/feedback/{id}/helpful",
    response={200: FeedbackDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Mark feedback helpful, or not",
)
def feedback_helpful(request: HttpRequest, id: UUID, payload: HelpfulIn) -> Feedback:
    """The recipient only (403 for anyone else who may read it)."""
    services.feedback_mark_helpful(
        feedback=_visible_feedback(request, id), actor=request.user, helpful=payload.helpful
    )
    return _feedback_detail(request, id)


# --- Manager notes ---------------------------------------------------------------------------


def _notes_subject(request: HttpRequest, public_id: UUID) -> Person:
    subject = Person.objects.visible_to(request.user).filter(public_id=public_id).first()
    if subject is None:
        raise Http404
    return subject


@router.get(
    "/people/{id}/notes",
    response={200: Page[NoteOut], **error_responses(401, 403, 404, 422)},
    summary="Manager notes about a person",
)
def note_list(request: HttpRequest, id: UUID, pagination: Query[PageIn]):
    """For the person's management chain; for HR, the notes shared with HR. Never for the
    person themselves: 403 for them and for everyone else who may see the person."""
    subject = _notes_subject(request, id)
    user = request.user
    me = person_of(user)
    hr_reads_shared = is_hr(user) and me is not None and me.pk != subject.pk
    if not (policies.can_write_manager_note(user, subject) or hr_reads_shared):
        raise PermissionDenied
    notes = queries.manager_notes_about(user, subject).select_related("subject")
    return paginate(request, notes, pagination)


@router.post(
    "/people/{id}/notes",
    response={201: NoteOut, **error_responses(401, 403, 404, 422)},
    summary="Write a manager note",
)
def note_create(request: HttpRequest, id: UUID, payload: NoteIn):
    """About someone in your reporting line (403 for anyone else)."""
    note = services.manager_note_write(
        author=request.user, subject=_notes_subject(request, id), text=payload.text
    )
    return 201, ManagerNote.objects.select_related("author", "subject").get(pk=note.pk)


# --- Praise ----------------------------------------------------------------------------------


@router.get(
    "/praise",
    response={200: UncountedPage[PraiseOut], **error_responses(401, 422)},
    tags=["praise"],
    summary="The praise wall",
)
def praise_list(request: HttpRequest, filters: Query[PraiseFilters], pagination: Query[PageIn]):
    """Everyone's praise, newest first, with reaction counts. `count` is given for one
    recipient's praise (`?recipient=`) and is null otherwise: counting would read every praise
    of the organisation."""
    team = None
    if filters.team is not None:
        teams = people_policies.teams_visible_to(Team.objects.all(), request.user)
        team = teams.filter(public_id=filters.team).first()
        if team is None:
            raise invalid("team", _("There is no team with this id."))
    value = _value_ref(filters.value, source="query")
    praise = queries.praise_wall(request.user, team=team, value=value)
    if filters.recipient is not None:
        praise = praise.filter(recipient=_person(request, filters.recipient, "recipient"))
        return _praise(request, paginate(request, praise, pagination))
    return _praise(request, uncounted_page(request, praise, pagination))


@router.post(
    "/praise",
    response={201: PraiseOut, **error_responses(401, 403, 422)},
    tags=["praise"],
    summary="Praise a colleague",
)
def praise_create(request: HttpRequest, payload: PraiseIn):
    """On the wall for everyone to see, optionally for one of the company's values. 403 for
    praise of yourself."""
    praise = services.praise_give(
        author=request.user,
        recipient=_person(request, payload.recipient, "recipient", source="body"),
        text=payload.text,
        value=_value_ref(payload.value),
    )
    return 201, _one_praise(request, praise.public_id)


@router.put(
    "/praise/{id}/reactions/{kind}",
    response={200: PraiseOut, **error_responses(401, 404, 422)},
    tags=["praise"],
    summary="React to praise",
)
def praise_react(
    request: HttpRequest, id: UUID, kind: ReactionKind, payload: ReactionIn | None = None
) -> Praise:
    """Toggles your reaction of this kind; with `{"reacted": true}` (or false) sets it, so
    that sending it twice changes nothing."""
    praise = _one_praise(request, id)
    wanted = payload.reacted if payload is not None else None
    if wanted is None or wanted != (kind.value in praise.mine):
        services.praise_react(praise=praise, person=request.user, kind=kind.value)
    return _one_praise(request, id)


# --- Company values --------------------------------------------------------------------------


@router.get(
    "/values",
    response={200: Page[ValueOut], **error_responses(401, 422)},
    tags=["praise"],
    summary="The company's values",
)
def value_list(request: HttpRequest, filters: Query[ValueFilters], pagination: Query[PageIn]):
    values = CompanyValue.objects.order_by("position", "name_en", "pk")
    if filters.active is not None:
        values = values.filter(active=filters.active)
    return paginate(request, values, pagination)


@router.post(
    "/values",
    response={201: ValueOut, **error_responses(401, 403, 422)},
    tags=["praise"],
    summary="Add a company value",
)
def value_create(request: HttpRequest, payload: ValueIn):
    """HR and administrators only (403 for anyone else)."""
    return 201, services.value_save(actor=request.user, **payload.dict())


@router.patch(
    "/values/{id}",
    response={200: ValueOut, **error_responses(401, 403, 404, 422)},
    tags=["praise"],
    summary="Change a company value",
)
def value_edit(request: HttpRequest, id: UUID, payload: ValuePatchIn) -> CompanyValue:
    """Send only the fields to change; `active: false` retires a value. HR and administrators
    only (403 for anyone else)."""
    value = CompanyValue.objects.filter(public_id=id).first()
    if value is None:
        raise Http404
    current = {
        "name_en": value.name_en,
        "name_nl": value.name_nl,
        "description_en": value.description_en,
        "description_nl": value.description_nl,
        "active": value.active,
    }
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.value_save(actor=request.user, value=value, **(current | changes))


# --- Rating scales and question sets ---------------------------------------------------------


@router.get(
    "/rating-scales",
    response={200: Page[ScaleOut], **error_responses(401, 422)},
    tags=["360"],
    summary="Rating scales",
)
def scale_list(request: HttpRequest, pagination: Query[PageIn]):
    levels = RatingLevel.objects.order_by("value")
    scales = RatingScale.objects.prefetch_related(Prefetch("levels", queryset=levels))
    return paginate(request, scales.order_by("name_en", "pk"), pagination)


@router.post(
    "/rating-scales",
    response={201: ScaleOut, **error_responses(401, 403, 422)},
    tags=["360"],
    summary="Add a rating scale",
)
def scale_create(request: HttpRequest, payload: ScaleIn):
    """Levels from the lowest up, valued 1, 2, …; HR and administrators only."""
    scale = services.rating_scale_create(
        actor=request.user,
        name_en=payload.name_en,
        name_nl=payload.name_nl,
        levels=[(level.name_en, level.name_nl) for level in payload.levels],
    )
    return 201, RatingScale.objects.prefetch_related("levels").get(pk=scale.pk)


@router.get(
    "/question-sets",
    response={200: Page[QuestionSetOut], **error_responses(401, 422)},
    tags=["360"],
    summary="360° question sets",
)
def question_set_list(
    request: HttpRequest, filters: Query[QuestionSetFilters], pagination: Query[PageIn]
):
    """The templates a round may use, with their questions and scales."""
    sets = _question_sets().order_by("name_en", "pk")
    if filters.active is not None:
        sets = sets.filter(active=filters.active)
    return paginate(request, sets, pagination)


@router.post(
    "/question-sets",
    response={201: QuestionSetOut, **error_responses(401, 403, 422)},
    tags=["360"],
    summary="Add a question set",
)
def question_set_create(request: HttpRequest, payload: QuestionSetIn):
    """Rating questions on a scale (`scale`: a rating scale's id) and open questions, in both
    languages. HR and administrators only (403 for anyone else)."""
    scale_ids = {q.scale for q in payload.questions if q.scale is not None}
    scales = {s.public_id: s for s in RatingScale.objects.filter(public_id__in=scale_ids)}
    questions = []
    for number, item in enumerate(payload.questions):
        if item.scale is not None and item.scale not in scales:
            raise invalid(
                f"questions.{number}.scale",
                _("There is no rating scale with this id."),
                source="body",
            )
        questions.append(
            {
                "kind": item.kind.value,
                "text_en": item.text_en,
                "text_nl": item.text_nl,
                "scale": scales.get(item.scale),
            }
        )
    created = services.question_set_create(
        actor=request.user, name_en=payload.name_en, name_nl=payload.name_nl, questions=questions
    )
    return 201, _question_sets().get(pk=created.pk)


# --- 360° rounds -----------------------------------------------------------------------------


@router.get(
    "/rounds",
    response={200: Page[RoundOut], **error_responses(401, 422)},
    tags=["360"],
    summary="List 360° rounds",
)
def round_list(request: HttpRequest, filters: Query[RoundFilters], pagination: Query[PageIn]):
    """The rounds you may see, newest first: about you, started by you, about someone in your
    reporting line, or that you were asked to answer (HR: all)."""
    rounds = _rounds(request)
    if filters.subject is not None:
        rounds = rounds.filter(subject=_person(request, filters.subject, "subject"))
    if filters.status is not None:
        rounds = rounds.filter(status=filters.status)
    if filters.invited is not None:
        rounds = rounds.filter(my_perspective__isnull=not filters.invited)
    return paginate(request, rounds.order_by("-created_at", "-pk"), pagination)


@router.post(
    "/rounds",
    response={201: RoundDetailOut, **error_responses(401, 403, 422)},
    tags=["360"],
    summary="Start a 360° round",
)
def round_create(request: HttpRequest, payload: RoundIn):
    """About yourself, someone in your reporting line, or (HR) anyone: 403 otherwise."""
    subject = _person(request, payload.subject, "subject", source="body")
    question_set = QuestionSet.objects.filter(public_id=payload.question_set).first()
    if question_set is None:
        raise invalid("question_set", _("There is no question set with this id."), source="body")
    respondents = {
        perspective: _people(request, ids, f"respondents.{perspective}")
        for perspective, ids in payload.respondents.dict().items()
        if ids
    }
    created = services.round_start(
        actor=request.user,
        subject=subject,
        question_set=question_set,
        closes_on=payload.closes_on,
        respondents=respondents,
        anonymous_perspectives=payload.anonymous_perspectives,
    )
    return 201, _round_detail(request, created.public_id)


@router.get(
    "/rounds/{id}",
    response={200: RoundDetailOut, **error_responses(401, 404, 422)},
    tags=["360"],
    summary="One 360° round",
)
def round_detail(request: HttpRequest, id: UUID) -> Round:
    """With its questions and how many answered per perspective: counts, never who."""
    return _round_detail(request, id)


@router.post(
    "/rounds/{id}/answers",
    response={204: None, **error_responses(401, 403, 404, 422)},
    tags=["360"],
    summary="Answer a 360° round",
)
def round_answer(request: HttpRequest, id: UUID, payload: AnswersIn):
    """Ratings and texts by question number; any question may be left out, but not all.
    An anonymous answer is stored without your name and time, so it cannot be shown back,
    not even to you: the answer is 204. 403 when you were not asked; 422 for a second answer,
    a closed round, or a rating that is not one of the scale's levels."""
    round_ = _visible_round(request, id)
    questions = _numbered(round_.question_set.questions.all())
    by_number = {q.number: q for q in questions}
    errors: dict[str, list[str]] = {}
    for field, numbers in (("ratings", payload.ratings), ("texts", payload.texts)):
        for number in numbers:
            if number not in by_number:
                errors[f"{field}.{number}"] = [_("This round has no question with this number.")]
    if errors:
        raise ValidationError(errors)
    names: dict[str, str | None] = {"round": None}
    for q in questions:
        names[f"rating_{q.pk}"] = f"ratings.{q.number}"
        names[f"text_{q.pk}"] = f"texts.{q.number}"
    try:
        services.round_answer(
            round_=round_,
            respondent=request.user,
            ratings={by_number[n].pk: rating for n, rating in payload.ratings.items()},
            texts={by_number[n].pk: text for n, text in payload.texts.items()},
        )
    except ValidationError as error:
        raise renamed_errors(error, names) from None
    return 204, None


@router.post(
    "/rounds/{id}/decline",
    response={204: None, **error_responses(401, 403, 404, 422)},
    tags=["360"],
    summary="Decline to answer a 360° round",
)
def round_decline(request: HttpRequest, id: UUID):
    """403 when you were not asked; 422 when you answered already or the round is closed."""
    try:
        services.round_decline(round_=_visible_round(request, id), respondent=request.user)
    except ValidationError as error:
        raise renamed_errors(error, {"round": None}) from None
    return 204, None


@router.post(
    "/rounds/{id}/close",
    response={200: RoundDetailOut, **error_responses(401, 403, 404, 422)},
    tags=["360"],
    summary="Close a 360° round",
)
def round_close(request: HttpRequest, id: UUID, payload: RoundCloseIn | None = None) -> Round:
    """No more answers; the result can be read by whoever started the round, the subject's
    management chain and HR. With `release: true` the subject may read it too (a closed round
    may be released later by closing it again with `release`). Who started the round, the
    subject's chain and HR close it: 403 for anyone else."""
    release = payload.release if payload is not None else False
    services.round_close(round_=_visible_round(request, id), actor=request.user, release=release)
    return _round_detail(request, id)


@router.get(
    "/rounds/{id}/result",
    response={200: ResultOut, **error_responses(401, 404, 422)},
    tags=["360"],
    summary="The result of a 360° round",
)
def round_result(request: HttpRequest, id: UUID) -> dict[str, Any]:
    """Averages and comments per group, for a closed round only, and for the subject only once
    released: 404 until then, and for anyone else. Anonymous groups with fewer answers than the
    minimum are merged or left out (`hidden`), and left out of every figure; names are given
    for named groups (self, manager) only."""
    round_ = _visible_round(request, id)
    if not policies.can_view_result(request.user, round_):
        raise Http404
    return _result(round_)
