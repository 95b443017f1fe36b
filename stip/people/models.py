import datetime

from django.conf import settings
from django.db import connections, models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stip.core.models import Language, PublicModel


class Team(PublicModel):
    """A team or department. Teams form a tree, kept as a materialised path for cheap subtrees."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "/<root id>/…/<own id>/": a team's subtree is every team whose path starts with its own.
    path = models.CharField(max_length=1000, blank=True, default="")

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        indexes = [
            # Subtree look-ups: path LIKE '/1/7/%'.
            models.Index(fields=["path"], name="people_team_path"),
        ]

    def __str__(self) -> str:
        return self.name


# Columns a person card (and the API's person) never reads; reading one anyway costs a query.
CARD_DEFERRED = (
    "created_at",
    "updated_at",
    "team__created_at",
    "team__updated_at",
    "manager__created_at",
    "manager__updated_at",
    "manager__employee_number",
    "manager__job_level",
    "manager__start_date",
)
# What the profile and the API read of the account: its e-mail address.
ACCOUNT_DEFERRED = ("user__password", "user__last_login", "user__date_joined")


class PersonQuerySet(models.QuerySet):
    def current(self):
        """People who work here today: active and not past their end date. Both are the
        person's own columns, so that counting them reads one index (`people_person_current`),
        not the people and their accounts; the date is compared here, never stored, so that
        someone whose last day has passed stops being current at midnight without a write."""
        today = timezone.localdate()
        return self.filter(Q(is_active=True), Q(end_date__isnull=True) | Q(end_date__gte=today))

    def and_below(self, person: "Person"):
        """`person` and everyone in their reporting line below them, at any depth: a prefix of
        the materialised path, which the path index serves. SQLite is asked for the prefix as a
        range: its LIKE ignores case, so that no index serves `path LIKE '/1/7/%'` and every
        person was read (7-10 ms at 100,000 people, in every list that asked)."""
        if person.path and connections[self.db].vendor == "sqlite":
            # Every path under "/1/7/" sorts from it up to "/1/70", the next string of its length.
            after = person.path[:-1] + chr(ord(person.path[-1]) + 1)
            return self.filter(path__gte=person.path, path__lt=after)
        return self.filter(path__startswith=person.path)

    def under(self, person: "Person"):
        """Everyone in `person`'s reporting line below them, at any depth: one query."""
        return self.and_below(person).exclude(pk=person.pk)

    def visible_to(self, user):
        from stip.people.policies import people_visible_to

        return people_visible_to(self, user)

    def with_card(self, *, manager: bool = True):
        """What a list row or card shows: name, job, team and manager without extra queries,
        and without the columns no card shows (a list of 50 cards spent more time turning
        timestamps, password hashes and accounts into Python than running its SQL). Without
        the manager's join (`manager=False`) for lists that do not show the manager (a card
        does not) or know them already (someone's `reports`)."""
        if manager:
            return self.select_related("team", "manager").defer(*CARD_DEFERRED)
        return self.select_related("team").defer(
            *(name for name in CARD_DEFERRED if not name.startswith("manager__"))
        )

    def with_account(self):
        """With the account's e-mail address, for the profile and the API."""
        return self.select_related("user").defer(*ACCOUNT_DEFERRED)

    def with_report_count(self):
        direct = Person.objects.current().filter(manager=models.OuterRef("pk"))
        return self.annotate(
            report_count=models.Subquery(
                direct.order_by().values("manager").annotate(n=models.Count("pk")).values("n")[:1],
                output_field=models.IntegerField(),
            )
        )


class Person(PublicModel):
    """Someone in the organisation: their job, team and place in the reporting line."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="person",
    )
    employee_number = models.CharField(_("employee number"), max_length=50, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=150)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    # "/<top id>/…/<manager id>/<own id>/": the management chain as a materialised path, so
    # "is A under B" is a string prefix test and "everyone under B" one indexed query.
    path = models.CharField(max_length=2000, blank=True, default="")
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    job_level = models.CharField(_("job level"), max_length=50, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_hr = models.BooleanField(_("HR"), default=False)
    # A copy of `user.is_active`, written with it wherever accounts are activated or
    # deactivated (the import; the demo organisations), so that `current()` needs no join with
    # the accounts: that join made every count of the people who work here scan both tables.
    is_active = models.BooleanField(_("active"), default=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="people_person_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(manager=F("pk")), name="people_person_not_own_manager"
            ),
        ]
        indexes = [
            # Everyone under a manager: path LIKE '/1/7/%'.
            models.Index(fields=["path"], name="people_person_path"),
            # The directory's default order and name search.
            models.Index(fields=["last_name", "first_name"], name="people_person_name"),
            # `current()` and its counts, the directory's and the API's, with or without a name
            # search: read from this index alone, so it holds what they test. `is_active` is
            # among its columns too, as SQLite does not take a partial index's condition for a
            # column it holds.
            models.Index(
                fields=["last_name", "first_name", "end_date", "is_active"],
                condition=Q(is_active=True),
                name="people_person_current",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return self.name_of(self.first_name, self.last_name)

    @staticmethod
    def name_of(first_name: str, last_name: str) -> str:
        """A person's full name from their names (`full_name`, for rows read as values)."""
        return f"{first_name} {last_name}".strip()

    @property
    def initials(self) -> str:
        return self.initials_of(self.first_name, self.last_name)

    @staticmethod
    def initials_of(first_name: str, last_name: str) -> str:
        """A person's initials from their names (`initials`, for rows read as values)."""
        return (first_name[:1] + last_name.split()[-1][:1]).upper() if last_name else ""

    @property
    def has_left(self) -> bool:
        return self.left_by(self.end_date, timezone.localdate())

    @staticmethod
    def left_by(end_date: datetime.date | None, today: datetime.date) -> bool:
        """Whether someone with this last day has left by `today` (`has_left`, for rows)."""
        return end_date is not None and end_date < today

    @property
    def is_current(self) -> bool:
        """Whether they work here today: the one-person form of `current()`."""
        return self.is_active and not self.has_left

    def is_under(self, other: "Person") -> bool:
        """Whether `other` is in this person's management chain (above them)."""
        return other.pk != self.pk and self.path.startswith(other.path) and bool(other.path)

    @property
    def chain_ids(self) -> list[int]:
        """The ids of this person's managers, top first (not including the person)."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]


class ImportJob(PublicModel):
    """One upload of the organisation's CSV, validated and applied by a background task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        VALIDATING = "validating", _("Checking the file")
        WRITING = "writing", _("Saving")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Not imported: the file has errors")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filename = models.CharField(_("file"), max_length=255, blank=True)
    content = models.TextField()
    deactivate_missing = models.BooleanField(_("deactivate people missing from the file"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename or str(self.public_id)

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.REJECTED, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


# Re-exported so that `from stip.people.models import Language` reads naturally.
__all__ = ["ImportJob", "Language", "Person", "Team"]
