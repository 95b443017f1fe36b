"""Feedback, requests, praise and 360° rounds.

Anonymity is a property of storage: an anonymous 360° response row has no link to the person
who wrote it and no time of its own (see `Response` and `Participant`, and docs/architecture.md).
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from stip.core.models import PublicModel, TimeStampedModel
from stip.goals.models import Goal
from stip.people.models import Person

MAX_TEXT = 5000


class BilingualName(models.Model):
    """A name HR keeps in both languages; shown in the reader's language."""

    name_en = models.CharField(_("name (English)"), max_length=120)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_nl if (get_language() or "en").startswith("nl") else self.name_en


class CompanyValue(PublicModel, BilingualName):
    description_en = models.TextField(_("description (English)"), blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    # How much praise names the value, counted by `services.praise_give` as it writes the praise
    # (no service deletes praise or changes its value, and the value protects its praise): the
    # values page counted each value's praise on the whole wall, 7 ms of SQL at 100,000 people.
    praise_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("company value")
        verbose_name_plural = _("company values")
        ordering = ["position", "name_en", "pk"]

    @property
    def description(self) -> str:
        return (
            self.description_nl
            if (get_language() or "en").startswith("nl")
            else self.description_en
        )


class FeedbackRequest(PublicModel):
    """Someone asks chosen colleagues for feedback about themselves, or a manager about a report."""

    requester = models.ForeignKey(
        Person, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        Person,
        verbose_name=_("about"),
        on_delete=models.PROTECT,
        related_name="feedback_requests_about",
    )
    question = models.TextField(_("question"), max_length=MAX_TEXT)
    due_date = models.DateField(_("answer by"), null=True, blank=True)
    # A manager's request about a report: the answers reach the report only once shared.
    shared_with_subject_at = models.DateTimeField(_("shared with the subject"), null=True)

    class Meta:
        verbose_name = _("feedback request")
        verbose_name_plural = _("feedback requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # "Requests I made", newest first.
            models.Index(fields=["requester", "created_at"], name="feedback_req_requester"),
            # "Requests about a person".
            models.Index(fields=["subject", "created_at"], name="feedback_req_subject"),
        ]

    def __str__(self) -> str:
        return self.question[:60]

    @property
    def is_about_someone_else(self) -> bool:
        return self.requester_id != self.subject_id


class RequestRecipient(TimeStampedModel):
    """One person asked in a request, and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ANSWERED = "answered", _("Answered")
        DECLINED = "declined", _("Declined")

    request = models.ForeignKey(
        FeedbackRequest, on_delete=models.CASCADE, related_name="recipients"
    )
    respondent = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="feedback_requests_received"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)

    class Meta:
        ordering = ["request", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "respondent"], name="feedback_recipient_once_per_request"
            ),
        ]
        indexes = [
            # Open requests on the respondent's home page.
            models.Index(fields=["respondent", "status"], name="feedback_recipient_open"),
        ]

    def __str__(self) -> str:
        return f"{self.respondent} ({self.status})"


class Feedback(PublicModel):
    """Feedback from one person to another, given freely or in answer to a request."""

    class Visibility(models.TextChoices):
        RECIPIENT = "recipient", _("Only the recipient")
        RECIPIENT_AND_MANAGER = "recipient_and_manager", _("The recipient and their managers")

    author = models.ForeignKey(
        Person, verbose_name=_("from"), on_delete=models.PROTECT, related_name="feedback_given"
    )
    recipient = models.ForeignKey(
        Person, verbose_name=_("to"), on_delete=models.PROTECT, related_name="feedback_received"
    )
    text = models.TextField(_("feedback"), max_length=MAX_TEXT)
    visibility = models.CharField(
        _("who sees it"),
        max_length=30,
        choices=Visibility.choices,
        default=Visibility.RECIPIENT,
    )
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("about the goal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    value = models.ForeignKey(
        CompanyValue,
        verbose_name=_("company value"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    request = models.ForeignKey(
        FeedbackRequest,
        verbose_name=_("in answer to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answers",
    )
    helpful_at = models.DateTimeField(_("marked helpful"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(author=F("recipient")), name="feedback_feedback_not_to_self"
            ),
        ]
        indexes = [
            # Feedback a person received / gave, newest first.
            models.Index(fields=["recipient", "created_at"], name="feedback_received_at"),
            models.Index(fields=["author", "created_at"], name="feedback_given_at"),
        ]

    def __str__(self) -> str:
        return f"{self.author} → {self.recipient}"


class FeedbackReply(PublicModel):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("reply"), max_length=MAX_TEXT)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # A feedback's replies in order.
            models.Index(fields=["feedback", "created_at"], name="feedback_reply_at"),
        ]

    def __str__(self) -> str:
        return self.text[:50]


class ManagerNote(PublicModel):
    """A manager's note about a report: the management chain above the report sees it, the
    report never does, HR only once the manager shares it."""

    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="manager_notes")
    text = models.TextField(_("note"), max_length=MAX_TEXT)
    shared_with_hr_at = models.DateTimeField(_("shared with HR"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The notes about one person, newest first.
            models.Index(fields=["subject", "created_at"], name="feedback_note_subject"),
        ]

    def __str__(self) -> str:
        return self.text[:50]


class Praise(PublicModel):
    """Public recognition on the wall, tied to one of the company's values."""

    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="praise_given")
    recipient = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="praise_received")
    value = models.ForeignKey(
        CompanyValue,
        verbose_name=_("company value"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="praise",
    )
    text = models.TextField(_("praise"), max_length=MAX_TEXT)

    class Meta:
        verbose_name = _("praise")
        verbose_name_plural = _("praise")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(author=F("recipient")), name="feedback_praise_not_to_self"
            ),
        ]
        indexes = [
            # The wall, newest first; and a person's praise on their profile.
            models.Index(fields=["created_at"], name="feedback_praise_wall"),
            models.Index(fields=["recipient", "created_at"], name="feedback_praise_recipient"),
            # The wall filtered by a company value, newest first (without it, every praise of
            # the value was sorted for one page: 4.7 of the page's SQL ms at 10,000 people).
            models.Index(fields=["value", "created_at"], name="feedback_praise_value"),
        ]

    def __str__(self) -> str:
        return f"{self.author} → {self.recipient}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        APPLAUSE = "applause", "👏"
        HEART = "heart", "❤️"
        STAR = "star", "⭐"
        PARTY = "party", "🎉"

    praise = models.ForeignKey(Praise, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["praise", "person", "kind"], name="feedback_reaction_once"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


# --- 360° feedback ---------------------------------------------------------------------------


class RatingScale(PublicModel, BilingualName):
    """A labelled scale, e.g. 1 "Rarely" … 5 "Always". HR keeps them."""

    class Meta:
        verbose_name = _("rating scale")
        verbose_name_plural = _("rating scales")


class RatingLevel(BilingualName):
    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["scale", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="feedback_level_unique_value"),
        ]


class QuestionSet(PublicModel, BilingualName):
    """A 360° template: rating questions on labelled scales and open questions."""

    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("question set")
        verbose_name_plural = _("question sets")
        ordering = ["name_en", "pk"]


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating")
        OPEN = "open", _("Open question")

    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.CASCADE, related_name="questions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text_en = models.CharField(_("question (English)"), max_length=300)
    text_nl = models.CharField(_("question (Dutch)"), max_length=300)
    scale = models.ForeignKey(RatingScale, null=True, blank=True, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question_set", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="open", scale__isnull=True)
                | Q(kind="rating", scale__isnull=False),
                name="feedback_question_scale_for_ratings",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self.text_nl if (get_language() or "en").startswith("nl") else self.text_en


class Perspective(models.TextChoices):
    SELF = "self", _("Self")
    MANAGER = "manager", _("Manager")
    PEER = "peer", _("Peers")
    REPORT = "report", _("Direct reports")
    OTHER = "other", _("Others")


class Round(PublicModel):
    """A 360° round about one person."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed")

    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="rounds_about")
    started_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closes_on = models.DateField(_("closes on"))
    closed_at = models.DateTimeField(null=True, blank=True)
    # The subject reads the result once it is released to them (closing comes first, see
    # `services.round_close`), unless they started the round themselves.
    released_at = models.DateTimeField(null=True, blank=True)
    # Perspectives whose answers are anonymous ("peer,report" by default).
    anonymous_perspectives = models.CharField(max_length=60, default="peer,report")

    class Meta:
        verbose_name = _("360° round")
        verbose_name_plural = _("360° rounds")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The rounds about a person.
            models.Index(fields=["subject", "created_at"], name="feedback_round_subject"),
            # Every round, newest first: HR's list of rounds (page and API).
            models.Index(fields=["created_at"], name="feedback_round_newest"),
        ]

    def __str__(self) -> str:
        return str(self.subject)

    def is_anonymous(self, perspective: str) -> bool:
        return perspective in self.anonymous_perspectives.split(",")


class Participant(models.Model):
    """Who was asked in a round, from which perspective, and whether they answered.

    Deliberately without timestamps or a link to the response: this row says *that* someone
    answered (to stop a second answer and to remind the others), never *what* or *when*.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    perspective = models.CharField(max_length=10, choices=Perspective.choices)
    answered = models.BooleanField(default=False)
    declined = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="feedback_participant_once"),
        ]
        indexes = [
            # Open 360° questions on a respondent's home page.
            models.Index(fields=["person", "answered"], name="feedback_participant_open"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.perspective})"


class Response(models.Model):
    """One set of answers in a round.

    An anonymous response keeps only its perspective: no author, no time. A named one (self,
    manager, or a perspective the round made named) keeps its author. Ordering by the random
    `token`, never by id, so that the order of answers reveals nothing either.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    perspective = models.CharField(max_length=10, choices=Perspective.choices)
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token = models.UUIDField(unique=True)

    class Meta:
        ordering = ["round", "token"]
        indexes = [
            # A round's responses per perspective (the result).
            models.Index(fields=["round", "perspective"], name="feedback_response_round"),
        ]

    def __str__(self) -> str:
        return self.get_perspective_display()


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=MAX_TEXT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="feedback_answer_once_per_question"
            ),
        ]

    def __str__(self) -> str:
        return str(self.rating) if self.rating is not None else self.text[:50]
