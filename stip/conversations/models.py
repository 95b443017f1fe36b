"""Conversations: 1:1 series, meetings with their agenda, notes and action items, and the formal
Dutch conversations with their written reports.

Two walls run through these models (see docs/architecture.md):
- a meeting, and all it holds, belongs to its two participants; HR and administrators do not
  see it (`policies.meetings_visible_to`); a private note to its author alone;
- what is said in a development conversation reaches a formal report only as a `ReportQuote`,
  copied deliberately by the manager and logged.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from stip.core.models import PublicModel, TimeStampedModel
from stip.goals.models import Goal
from stip.people.models import Person

MAX_TEXT = 20_000
MAX_LINE = 500


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")


class MeetingKind(models.TextChoices):
    ONE_ON_ONE = "one_on_one", _("1:1")
    AD_HOC = "ad_hoc", _("Conversation")
    # Translators: the Dutch "functioneringsgesprek": two-way, about development, no rating.
    PERFORMANCE = "performance", _("Performance conversation")
    # Translators: the Dutch "beoordelingsgesprek": a formal judgement on a scale.
    APPRAISAL = "appraisal", _("Appraisal")


# Development conversations: their notes stay out of every judgement (the wall).
DEVELOPMENT_KINDS = (MeetingKind.ONE_ON_ONE, MeetingKind.AD_HOC, MeetingKind.PERFORMANCE)
# Conversations with a written report the employee acknowledges.
FORMAL_KINDS = (MeetingKind.PERFORMANCE, MeetingKind.APPRAISAL)
# What HR's overview counts as "a 1:1 held".
CHECK_IN_KINDS = (MeetingKind.ONE_ON_ONE, MeetingKind.AD_HOC)


def _in_reader_language(english: str, dutch: str) -> str:
    return dutch if (get_language() or "en").startswith("nl") and dutch else english


class CheckInTemplate(PublicModel):
    """Questions the employee answers before a meeting: the organisation's (set by HR, no
    owner) or one manager's own. Formal conversations use a template of their kind."""

    class Kind(models.TextChoices):
        CHECK_IN = "check_in", _("1:1 check-in")
        PERFORMANCE = "performance", _("Performance conversation")
        APPRAISAL = "appraisal", _("Appraisal")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("for"), max_length=20, choices=Kind.choices, default=Kind.CHECK_IN)
    # None: the organisation's template, kept by HR.
    owner = models.ForeignKey(
        Person,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checkin_templates",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("question template")
        verbose_name_plural = _("question templates")
        ordering = ["kind", "name", "pk"]
        indexes = [
            # The templates offered to one manager: the organisation's (owner NULL) and theirs.
            models.Index(fields=["owner", "kind"], name="conv_template_owner_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_organisation(self) -> bool:
        return self.owner_id is None


class CheckInQuestion(TimeStampedModel):
    """One question of a template. Never deleted once answered: a changed template archives
    the questions it drops, so earlier answers keep their question."""

    template = models.ForeignKey(
        CheckInTemplate,
        verbose_name=_("template"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    text = models.CharField(_("question"), max_length=MAX_LINE)
    position = models.PositiveSmallIntegerField(default=0)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["template", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class RatingScale(PublicModel):
    """The scale an appraisal is judged on, defined by HR. Once a report uses it, its levels
    are fixed (`RatingLevel` is PROTECTed by reports); HR makes a new scale instead."""

    name = models.CharField(_("name"), max_length=120)
    is_default = models.BooleanField(_("default for new appraisals"), default=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating scale")
        verbose_name_plural = _("rating scales")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="conversations_ratingscale_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RatingLevel(models.Model):
    """One labelled level of a scale, in both languages ("3 — Meets expectations")."""

    scale = models.ForeignKey(
        RatingScale, verbose_name=_("scale"), on_delete=models.CASCADE, related_name="levels"
    )
    value = models.PositiveSmallIntegerField(_("value"))
    name_en = models.CharField(_("label (English)"), max_length=120)
    name_nl = models.CharField(_("label (Dutch)"), max_length=120)

    class Meta:
        verbose_name = _("rating level")
        verbose_name_plural = _("rating levels")
        ordering = ["scale", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["scale", "value"], name="conversations_ratinglevel_value_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} — {self.name}"

    @property
    def name(self) -> str:
        return _in_reader_language(self.name_en, self.name_nl)


class SeriesQuerySet(models.QuerySet):
    def visible_to(self, user):
        from stip.conversations.policies import series_visible_to

        return series_visible_to(self, user)

    def active(self):
        return self.filter(active=True)


class Series(PublicModel):
    """A recurring 1:1 between a manager and one report: its rhythm and the next date."""

    manager = models.ForeignKey(
        Person, verbose_name=_("manager"), on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey(
        Person, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="+"
    )
    cadence = models.CharField(_("how often"), max_length=10, choices=Cadence.choices)
    next_date = models.DateField(_("next 1:1"))
    time_of_day = models.TimeField(_("time"), default=datetime.time(10, 0))
    checkin_template = models.ForeignKey(
        CheckInTemplate,
        verbose_name=_("check-in questions"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("1:1 series")
        verbose_name_plural = _("1:1 series")
        ordering = ["next_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["manager", "employee"],
                condition=Q(active=True),
                name="conversations_series_one_active_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(manager=F("employee")), name="conversations_series_two_people"
            ),
        ]
        indexes = [
            # My series as the employee (and the pair look-up: employee first, then manager).
            models.Index(fields=["employee", "manager"], name="conv_series_employee_manager"),
            # A manager's series; the overdue ones (next_date passed) among them.
            models.Index(fields=["manager", "active", "next_date"], name="conv_series_mgr_next"),
        ]

    def __str__(self) -> str:
        return f"{self.manager} – {self.employee}"


# The columns a list of meetings reads (`MeetingQuerySet.for_lists`).
LIST_FIELDS = (
    "public_id",
    "kind",
    "title",
    "scheduled_for",
    "held_at",
    "series__public_id",
    *(
        f"{person}__{field}"
        for person in ("manager", "employee")
        for field in ("public_id", "first_name", "last_name")
    ),
)


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        from stip.conversations.policies import meetings_visible_to

        return meetings_visible_to(self, user)

    def of_pair(self, manager_id: int, employee_id: int):
        return self.filter(manager_id=manager_id, employee_id=employee_id)

    def with_people(self):
        return self.select_related("manager", "employee", "series")

    def for_lists(self):
        """What a list row shows: the two people's names and the series. Not their accounts
        nor the columns no row reads: on a page of 45 meetings, building those objects cost
        more than the queries."""
        return self.select_related("manager", "employee", "series").only(*LIST_FIELDS)


class Meeting(PublicModel):
    """One conversation between a manager and one of their reports: a 1:1 of a series, an
    ad-hoc conversation, or a formal performance conversation or appraisal."""

    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    # The two participants. PROTECT: a conversation outlives neither person's record.
    manager = models.ForeignKey(
        Person, verbose_name=_("manager"), on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey(
        Person, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    scheduled_for = models.DateTimeField(_("when"))
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checkin_template = models.ForeignKey(
        CheckInTemplate,
        verbose_name=_("questions"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rating_scale = models.ForeignKey(
        RatingScale,
        verbose_name=_("rating scale"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set when a version of its report is shared (`services.report_share`), and never unset: a
    # correction leaves the shared version readable. HR's list of reports walks the
    # conversations that have one, newest first (`conv_meeting_shared_when`), rather than every
    # conversation outside a series, past the drafts and the conversations without a report.
    has_shared_report = models.BooleanField(_("report shared"), default=False, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-scheduled_for", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(manager=F("employee")), name="conversations_meeting_two_people"
            ),
            models.CheckConstraint(
                condition=(Q(kind="one_on_one") & Q(series__isnull=False))
                | (~Q(kind="one_on_one") & Q(series__isnull=True)),
                name="conversations_meeting_series_iff_one_on_one",
            ),
            models.CheckConstraint(
                condition=Q(kind="appraisal") | Q(rating_scale__isnull=True),
                name="conversations_meeting_scale_only_for_appraisal",
            ),
        ]
        indexes = [
            # My meetings as the employee; a pair's meetings in order (the previous meeting,
            # carried-over action items): employee, then manager, then time.
            models.Index(
                fields=["employee", "manager", "scheduled_for"], name="conv_meeting_pair_when"
            ),
            # My meetings as the manager, upcoming and past.
            models.Index(fields=["manager", "scheduled_for"], name="conv_meeting_mgr_when"),
            # HR's overview: 1:1s a manager held in the last 90 days, and the last one; with
            # the kind, both are read from the index alone.
            models.Index(fields=["manager", "held_at", "kind"], name="conv_meeting_mgr_held_kind"),
            # A series' meetings, newest first; and, with no series, the ad-hoc and formal
            # conversations newest first (the id comes with every SQLite index): the API's list
            # of reports walks them and stops after a page.
            models.Index(fields=["series", "scheduled_for"], name="conv_meeting_series_when"),
            # HR's list of reports: the conversations with a shared report, newest first.
            models.Index(
                fields=["scheduled_for", "id"],
                condition=Q(has_shared_report=True),
                name="conv_meeting_shared_when",
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.scheduled_for:%Y-%m-%d}"
        return f"{self.get_kind_display()} {self.manager} – {self.employee}, {when}"

    @property
    def is_held(self) -> bool:
        return self.held_at is not None

    @property
    def is_formal(self) -> bool:
        return self.kind in FORMAL_KINDS

    @property
    def is_development(self) -> bool:
        return self.kind in DEVELOPMENT_KINDS


class AgendaItem(PublicModel):
    """A point on a meeting's agenda: a talking point someone added, or one of the default
    points materialised when the meeting was planned (the report's goals, the strategic goals,
    the check-in questions) so that the agenda is stable and can be ordered. Default points
    cannot be removed."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Talking point")
        GOAL = "goal", _("Open goal")
        GOAL_CHANGED = "goal_changed", _("Goal whose status changed")
        STRATEGIC_GOAL = "strategic_goal", _("Strategic goal")
        QUESTION = "question", _("Check-in question")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="agenda"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # For goals and questions: their title or text when the meeting was planned.
    text = models.CharField(_("talking point"), max_length=MAX_LINE)
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    question = models.ForeignKey(
        CheckInQuestion,
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveIntegerField(default=0)
    discussed_at = models.DateTimeField(_("discussed"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="question") | Q(question__isnull=False),
                name="conversations_agendaitem_question_has_question",
            ),
            models.CheckConstraint(
                condition=Q(source="manual") | Q(author__isnull=True),
                name="conversations_agendaitem_defaults_have_no_author",
            ),
        ]
        indexes = [
            # A meeting's agenda in order.
            models.Index(fields=["meeting", "position"], name="conv_agenda_meeting_position"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_default(self) -> bool:
        return self.source != self.Source.MANUAL


class CheckInAnswer(TimeStampedModel):
    """The employee's answer to one check-in question, before the meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        CheckInQuestion, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("answer"), max_length=MAX_TEXT, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "question"], name="conversations_answer_one_per_question"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class SharedNote(TimeStampedModel):
    """The notes both participants see and edit: one per meeting, created with it. `version`
    is bumped by every save; a save based on an older version is refused (NoteConflict)."""

    meeting = models.OneToOneField(
        Meeting,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="shared_note",
    )
    text = models.TextField(_("shared notes"), max_length=MAX_TEXT, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last saved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("shared notes")
        verbose_name_plural = _("shared notes")

    def __str__(self) -> str:
        return f"{self.meeting_id} v{self.version}"


class SharedNoteRevision(models.Model):
    """The history of the shared notes: the text after each save. Never changed."""

    note = models.ForeignKey(
        SharedNote, verbose_name=_("notes"), on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("saved"))
    text = models.TextField(max_length=MAX_TEXT, blank=True)

    class Meta:
        verbose_name = _("notes revision")
        verbose_name_plural = _("notes revisions")
        ordering = ["note", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["note", "version"], name="conversations_revision_one_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.note_id} v{self.version}"


class PrivateNoteQuerySet(models.QuerySet):
    def of(self, user):
        """The only way to read private notes: the caller's own."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(author=user)


class PrivateNote(TimeStampedModel):
    """A note visible to its author alone: not to the other participant, not to HR, not to
    administrators, in no export. Read only through `PrivateNote.objects.of(user)`; no service
    writes an audit entry for it (an entry would tell the log's readers that it exists)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="+"
    )
    # CASCADE: erasing an account erases the notes only that person could ever read.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    text = models.TextField(_("private note"), max_length=MAX_TEXT, blank=True)

    objects = PrivateNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "author"], name="conversations_privatenote_one_per_author"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.author_id}"


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)


class ActionItem(PublicModel):
    """Something one of the two participants will do, by a date. It carries over: the pair's
    later meetings show it until it is done (a query, `queries.action_items_for`, not copies)."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("agreed in"),
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    owner = models.ForeignKey(
        Person, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(_("action"), max_length=MAX_LINE)
    due_date = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "created_at", "pk"]
        indexes = [
            # A meeting's own items, and (joined to the pair's meetings) the carried-over ones.
            models.Index(fields=["meeting", "done_at"], name="conv_action_meeting_done"),
            # The home page's "overdue action items": mine, open, due before today.
            models.Index(
                fields=["owner", "due_date"],
                condition=Q(done_at__isnull=True),
                name="conv_action_owner_open_due",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class FormalReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        from stip.conversations.policies import reports_visible_to

        return reports_visible_to(self, user)

    def current(self):
        """The latest version of each report (not superseded by a correction)."""
        return self.filter(superseded_by__isnull=True)


class FormalReportManager(models.Manager.from_queryset(FormalReportQuerySet)):
    def visible_to(self, user):
        """Every report `user` may read: `FormalReportQuerySet.visible_to` on the whole
        table, built once a request (`policies.all_reports_visible_to`)."""
        from stip.conversations.policies import all_reports_visible_to

        return all_reports_visible_to(self.get_queryset(), user)


class FormalReport(PublicModel):
    """The written report of a performance conversation or an appraisal. The manager writes
    and shares it; the employee responds and acknowledges it. After sharing it is never
    edited in place: a correction is a new version (`supersedes`), shared and acknowledged
    anew, with an audit entry."""

    # PROTECT: a judged record; the conversation cannot go while its report exists.
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("conversation"), on_delete=models.PROTECT, related_name="reports"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(pgettext_lazy("a written report", "report"), max_length=MAX_TEXT)
    rating = models.ForeignKey(
        RatingLevel,
        verbose_name=_("overall judgement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    shared_at = models.DateTimeField(_("shared"), null=True, blank=True)
    employee_response = models.TextField(_("response"), max_length=MAX_TEXT, blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    objects = FormalReportManager()

    class Meta:
        verbose_name = pgettext_lazy("a written report", "report")
        verbose_name_plural = _("reports")
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "version"], name="conversations_report_one_per_version"
            ),
            models.CheckConstraint(
                condition=(Q(version=1) & Q(supersedes__isnull=True))
                | (Q(version__gt=1) & Q(supersedes__isnull=False)),
                name="conversations_report_corrections_supersede",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(shared_at__isnull=False),
                name="conversations_report_acknowledged_after_shared",
            ),
            models.CheckConstraint(
                condition=Q(responded_at__isnull=True) | Q(shared_at__isnull=False),
                name="conversations_report_responded_after_shared",
            ),
        ]
        indexes = [
            # The list of reports: each conversation's reports and whether they are shared,
            # read from the index alone. HR's count (every shared report) reads no report row,
            # and the shared reports about someone come without one either.
            models.Index(fields=["meeting", "shared_at"], name="conv_report_meeting_shared"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} v{self.version}"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    @property
    def is_locked(self) -> bool:
        """Acknowledged: nothing about this version changes any more."""
        return self.acknowledged_at is not None


class ReportQuote(TimeStampedModel):
    """A passage the manager deliberately copied from a development conversation into a formal
    report: the only way across the wall, kept with its source and logged."""

    report = models.ForeignKey(
        FormalReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="quotes"
    )
    source_meeting = models.ForeignKey(
        Meeting, verbose_name=_("quoted from"), on_delete=models.PROTECT, related_name="+"
    )
    passage = models.TextField(_("passage"), max_length=MAX_TEXT)
    quoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("quoted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("quoted passage")
        verbose_name_plural = _("quoted passages")
        ordering = ["report", "created_at", "pk"]

    def __str__(self) -> str:
        return self.passage[:60]


class OverviewRank(models.Model):
    """HR's overview of 1:1s in its "fewest first" order, as counted at `counted_at`: each
    manager's place.

    The order needs every manager's count of the last 90 days, and that window slides every
    day, so no count can be kept up to date as 1:1s are held; counting them all when HR asks
    reads every manager's meetings, more the larger the organisation. So the order is counted
    in the background (`services.overview_count`), again when it is an hour old and HR looks,
    and a page reads its managers in `position` order from this table. Each row's figures
    are counted when the page is shown.
    """

    manager = models.OneToOneField(
        Person,
        verbose_name=_("manager"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="overview_rank",
    )
    # Unique: its index is the order a page of the overview walks.
    position = models.PositiveIntegerField(_("position"), unique=True)
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("place in the 1:1 overview")
        verbose_name_plural = _("places in the 1:1 overview")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.position}: {self.manager_id}"
