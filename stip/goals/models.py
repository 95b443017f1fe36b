from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from stip.core.models import PublicModel, TimeStampedModel
from stip.goals.progress import key_result_progress
from stip.people.models import Person, Team

# What a list's row reads of a goal and of its owner, team and aligned-to goal (`for_rows`).
ROW_VALUES = (
    "id",
    "public_id",
    "title",
    "level",
    "kind",
    "visibility",
    "status",
    "progress",
    "is_strategic",
    "end_date",
    "closed_at",
    "last_update_at",
    "owner_id",
    "parent_id",
    "owner__public_id",
    "owner__first_name",
    "owner__last_name",
    "team__name",
    "parent__public_id",
    "parent__title",
)

# What a short list's item reads (`for_items`): no dates but whether it is closed, and not
# the aligned-to goal.
ITEM_VALUES = tuple(
    name
    for name in ROW_VALUES
    if name not in ("visibility", "end_date", "last_update_at") and not name.startswith("parent__")
)


class GoalQuerySet(models.QuerySet):
    def visible_to(self, user):
        from stip.goals.policies import goals_visible_to

        return goals_visible_to(self, user)

    def open(self):
        return self.filter(closed_at__isnull=True).exclude(status=Goal.Status.DROPPED)

    def in_period(self, start, end):
        """Goals whose period overlaps [start, end]."""
        return self.filter(start_date__lte=end, end_date__gte=start)

    def with_card(self):
        """What a list row shows: owner, team and the aligned-to goal without extra queries."""
        return self.select_related("owner__team", "team", "parent")

    def for_rows(self):
        """The goals of a page's list (`goals.views._goal_rows`), as plain values: each row a
        dict of the goal's and its owner's, team's and aligned-to goal's columns that a row
        shows, with the query's annotations. Built as goals with their owner, team and parent,
        50 rows took twice as long to read (docs/performance.md, finding 7)."""
        return self._as_rows(ROW_VALUES)

    def for_items(self):
        """The goals of a short list (`goals_tags.goal_item`: my team's goals, a goal's aligned
        goals): `for_rows` without the dates and the aligned-to goal, which its items do not
        show."""
        return self._as_rows(ITEM_VALUES)

    def _as_rows(self, names):
        return self.select_related(None).values(*names, *self.query.annotations)


class GoalManager(models.Manager.from_queryset(GoalQuerySet)):
    def visible_to(self, user):
        """Every goal `user` may see: `GoalQuerySet.visible_to` on the whole table, built once
        a request (`policies.all_goals_visible_to`)."""
        from stip.goals.policies import all_goals_visible_to

        return all_goals_visible_to(self.get_queryset(), user)


class Goal(PublicModel):
    """A point on the horizon: an organisation's, a team's or one person's goal."""

    class Level(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        TEAM = "team", _("Team")
        PERSONAL = "personal", _("Personal")

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("Objective with key results")
        KPI = "kpi", _("KPI")
        MILESTONE = "milestone", _("Milestone")
        BINARY = "binary", _("Done / not done")
        DEVELOPMENT = "development", _("Development goal")

    class Visibility(models.TextChoices):
        ORGANISATION = "organisation", _("Everyone in the organisation")
        TEAM = "team", _("The team")
        PRIVATE = "private", _("Private: owner, their managers and HR")

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OFF_TRACK = "off_track", _("Off track")
        ACHIEVED = "achieved", _("Achieved")
        MISSED = "missed", _("Missed")
        DROPPED = "dropped", _("Dropped")

    class Period(models.TextChoices):
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")
        CUSTOM = "custom", _("Custom dates")

    class ProgressMode(models.TextChoices):
        KEY_RESULTS = "key_results", _("From the key results")
        MANUAL = "manual", _("Set by hand")
        CHILDREN = "children", _("Rolled up from aligned goals")

    # Statuses a goal may have while it is open, and those that close it.
    OPEN_STATUSES = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK)
    CLOSED_STATUSES = (Status.ACHIEVED, Status.MISSED, Status.DROPPED)

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    owner = models.ForeignKey(
        Person,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="goals",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="goals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    visibility = models.CharField(_("visibility"), max_length=20, choices=Visibility.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ON_TRACK
    )
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("contributes to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    is_strategic = models.BooleanField(_("strategic"), default=False)
    progress_mode = models.CharField(_("progress"), max_length=20, choices=ProgressMode.choices)
    # Stored, recomputed by the services on every change, so lists never compute it per row.
    progress = models.DecimalField(
        _("progress"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    last_update_at = models.DateTimeField(_("last update"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reflection = models.TextField(_("reflection"), blank=True)
    carried_over_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_over_to",
    )
    # Optimistic locking: every change bumps it; a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    # Organisation 0, team 1, personal 2: the order of the alignment tree's levels, which the
    # level's values do not sort in, as a column so that an index can serve it.
    level_rank = models.GeneratedField(
        expression=Case(
            When(level="organisation", then=Value(0)),
            When(level="team", then=Value(1)),
            default=Value(2),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    objects = GoalManager()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["end_date", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="goals_goal_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="goals_goal_progress_0_100",
            ),
            models.CheckConstraint(
                condition=(
                    Q(level="personal", owner__isnull=False, team__isnull=True)
                    | Q(level="team", owner__isnull=True, team__isnull=False)
                    | Q(level="organisation", owner__isnull=True, team__isnull=True)
                ),
                name="goals_goal_owner_matches_level",
            ),
            models.CheckConstraint(
                condition=~Q(kind="development") | Q(level="personal"),
                name="goals_goal_development_is_personal",
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="goals_goal_not_own_parent"),
        ]
        indexes = [
            # My goals / a person's goals in a period.
            models.Index(fields=["owner", "end_date"], name="goals_goal_owner_end"),
            # A team's goals in a period.
            models.Index(fields=["team", "end_date"], name="goals_goal_team_end"),
            # The lists' indexes below end with the primary key, the last key of their order:
            # PostgreSQL then reads a page in the index's order without sorting what matches,
            # which also keeps it from computing each row's subqueries for every match.
            # Goals of one level in a period in their order: organisation goals, and all goals
            # filtered by level (`queries.search`), read until a page is full.
            models.Index(
                fields=["level", "end_date", "title", "id"], name="goals_goal_level_end_title"
            ),
            # All goals and GET /api/v1/goals (`queries.search`): the goals of a period in
            # their order, read until a page is full, so that no page sorts all of them.
            models.Index(fields=["end_date", "title", "id"], name="goals_goal_end_title"),
            # Goals that contribute to none, by level, in a period: the top of the alignment
            # tree (organisation and team goals, `queries.tree_roots`) and the personal goals
            # that are not aligned (`queries.not_aligned`), in their order.
            models.Index(
                fields=["level", "end_date", "title", "id"],
                condition=Q(parent__isnull=True),
                name="goals_goal_unaligned",
            ),
            # One level of the alignment tree: the goals aligned to one goal, in their order
            # (`queries.tree_children`).
            models.Index(
                fields=["parent", "level_rank", "end_date", "title", "id"],
                name="goals_goal_children",
            ),
            # Strategic goals on every home page (`queries.strategic_goals`), in their order: an
            # index on the end date alone lost to goals_goal_end_title on SQLite, which then
            # read every goal of the period for the few strategic ones (31 ms at 10,000
            # people, 290-480 ms at 100,000).
            models.Index(
                fields=["end_date", "title", "id"],
                condition=Q(is_strategic=True),
                name="goals_goal_strategic_end_title",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed(self.closed_at, self.status)

    @classmethod
    def closed(cls, closed_at, status: str) -> bool:
        """Whether a goal with this moment of closing and status is closed (`is_closed`, for a
        list's rows, which are values)."""
        return closed_at is not None or status == cls.Status.DROPPED


class KeyResult(PublicModel):
    """A measurable result of a goal: from a start value towards a target."""

    class Unit(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENT = "percent", _("Percent")
        EURO = "euro", _("Euro")
        YES_NO = "yes_no", _("Yes/no")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Increase")
        DECREASE = "decrease", _("Decrease")

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="key_results"
    )
    title = models.CharField(_("title"), max_length=200)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.NUMBER)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    start_value = models.DecimalField(_("start value"), max_digits=14, decimal_places=2)
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    current_value = models.DecimalField(_("current value"), max_digits=14, decimal_places=2)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal(1))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("key result")
        verbose_name_plural = _("key results")
        ordering = ["goal", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target_value=F("start_value")),
                name="goals_keyresult_target_differs_from_start",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0), name="goals_keyresult_weight_not_negative"
            ),
            models.CheckConstraint(
                condition=(
                    Q(direction="increase", target_value__gt=F("start_value"))
                    | Q(direction="decrease", target_value__lt=F("start_value"))
                ),
                name="goals_keyresult_direction_matches_target",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def progress(self) -> Decimal:
        return key_result_progress(
            start=self.start_value, target=self.target_value, current=self.current_value
        )


class GoalUpdate(TimeStampedModel):
    """One progress update: the history of a goal. Never changed after it is written."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    progress = models.DecimalField(_("progress"), max_digits=5, decimal_places=1)
    status = models.CharField(_("status"), max_length=20, choices=Goal.Status.choices)
    comment = models.TextField(_("comment"), blank=True)
    # [{"key_result": "<public id>", "title": "...", "value": "12.50"}, ...] at the time.
    values = models.JSONField(_("values"), default=list, blank=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A goal's history, newest first; and "last update" per goal.
            models.Index(fields=["goal", "created_at"], name="goals_update_goal_created"),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.progress}%"


class GoalComment(PublicModel):
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(pgettext_lazy("a reaction on a goal", "comment"))

    class Meta:
        verbose_name = pgettext_lazy("a reaction on a goal", "comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            # A goal's comments in order.
            models.Index(fields=["goal", "created_at"], name="goals_comment_goal_created"),
        ]

    def __str__(self) -> str:
        return self.text[:50]
