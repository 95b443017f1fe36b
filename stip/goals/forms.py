"""The goal pages' forms. They parse what a person typed; the services decide what is allowed
and valid, and `apply_errors` puts the services' messages next to the fields they name."""

import copy
import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.forms.utils import ErrorDict
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from stip.core import paging, renderers
from stip.core.policies import built_once, is_hr_or_admin, person_of
from stip.core.rows import labels
from stip.goals import queries, services
from stip.goals.models import Goal, KeyResult
from stip.people.models import Person, Team
from stip.people.queries import teams_for_filter

MAX_KEY_RESULTS = 5
# Options a search picker offers at a time besides the one chosen: suggestions before anyone
# types, then what matches. Never the whole list: 12,762 teams or 20,000 goals at 100,000 people.
PICKER_OPTIONS = 20
# Letters to type before a picker searches.
PICKER_MIN_SEARCH = 2
# Words of a search that count; each must match.
SEARCH_WORDS = 5


class QuickCopy:
    """A form field copied for each form (`BaseForm.__init__` deep-copies the class's fields)
    as `Field.__deepcopy__` and `ChoiceField.__deepcopy__` copy it, without `copy.copy`'s
    protocol for any object and a deep copy of each choice: the goal form's five key results
    spent 0.25 ms copying their thirty fields, five times what this takes. The list of choices
    is copied, not each choice in it: a pair of value and label that no form changes."""

    def __deepcopy__(self, memo):
        result = _copied(self)
        memo[id(self)] = result
        result.widget = widget = _copied(self.widget)
        widget.attrs = self.widget.attrs.copy()
        if "_choices" in widget.__dict__:
            widget._choices = copy.copy(widget._choices)
        if "_choices" in result.__dict__:
            result._choices = copy.copy(result._choices)
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


def _copied(thing):
    copied = object.__new__(type(thing))
    copied.__dict__.update(thing.__dict__)
    return copied


class CharField(QuickCopy, forms.CharField):
    pass


class ChoiceField(QuickCopy, forms.ChoiceField):
    widget = renderers.Select


class DateField(QuickCopy, forms.DateField):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PeriodFilterForm(forms.Form):
    """The period filter of the goal lists: last, this and next quarter, the years, all."""

    # Any key `parse_period` reads is accepted (an unknown one means this quarter): a stale
    # link must not make the whole filter invalid.
    period = forms.CharField(label=_("Period"), required=False, widget=forms.Select)

    def __init__(self, data=None, **kwargs):
        chosen = queries.parse_period((data or {}).get("period"))
        if data is not None and data.get("period") != chosen.key:
            # The select shows the period the page is for ("2026-q4", none or nonsense alike).
            data = data.copy()
            data["period"] = chosen.key
        super().__init__(data, **kwargs)
        choices = [(p.key, p.label) for p in queries.period_choices()]
        if chosen.key not in dict(choices):
            # A period reached by a link (say 2024-Q2) is offered too, so the form shows it.
            choices.insert(0, (chosen.key, chosen.label))
        self.fields["period"].widget.choices = choices
        self.fields["period"].initial = chosen.key

    def chosen_period(self) -> queries.PeriodChoice:
        raw = self.data.get("period") if self.is_bound else None
        return queries.parse_period(raw)


class TeamPageForm(PeriodFilterForm):
    weeks = forms.IntegerField(
        label=_("No update for (weeks)"),
        min_value=1,
        max_value=52,
        required=False,
        widget=forms.NumberInput(attrs={"class": "narrow"}),
    )

    def __init__(self, data=None, **kwargs):
        if data is not None and not data.get("weeks"):
            # The box shows the number of weeks the list is for.
            data = data.copy()
            data["weeks"] = str(queries.STALE_AFTER_WEEKS)
        super().__init__(data, **kwargs)
        self.fields["weeks"].initial = queries.STALE_AFTER_WEEKS

    def chosen_weeks(self) -> int:
        if self.is_valid() and self.cleaned_data.get("weeks"):
            return self.cleaned_data["weeks"]
        return queries.STALE_AFTER_WEEKS


class SearchForm(PeriodFilterForm):
    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Goal.Status.choices],
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("Any level")), *Goal.Level.choices]
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("All teams"),
    )
    # "me" or a person's public id, from "My goals" or a profile's "Goals" link.
    owner = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)

    field_order = ["q", "period", "status", "level", "team"]

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        chosen = (self.data.get("team") or "").strip() if self.is_bound else ""
        self.fields["team"].queryset = teams_for_filter(_uuid_or_none(chosen))


class Searchable:
    """A form that a picker's search can send back without JavaScript (the "Search" button
    posts it, with "search" set): it is shown again as typed, and nothing is judged yet."""

    def __init__(self, *args, searching: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.searching = searching

    def full_clean(self):
        if self.searching:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()


class KeyResultForm(Searchable, forms.Form):
    """One key result; values are typed as people write them ("1.234,5", "€ 40", "12%")."""

    title = CharField(label=_("Key result"), required=False, max_length=200)
    unit = ChoiceField(
        label=_("Unit"), choices=KeyResult.Unit.choices, initial=KeyResult.Unit.NUMBER
    )
    start_value = CharField(label=_("Start"), required=False, max_length=30)
    target_value = CharField(label=_("Target"), required=False, max_length=30)
    current_value = CharField(
        label=_("Now"),
        required=False,
        max_length=30,
        help_text=_("Leave empty to start at the start value."),
    )
    weight = CharField(label=_("Weight"), required=False, max_length=10, initial="1")

    VALUE_FIELDS = ("start_value", "target_value", "current_value")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*self.VALUE_FIELDS, "weight"):
            self.fields[name].widget.attrs.update(inputmode="decimal", autocomplete="off")

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(name, "").strip() for name in ("title", *self.VALUE_FIELDS))

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        unit = data.get("unit") or KeyResult.Unit.NUMBER
        for name in self.VALUE_FIELDS:
            raw = data.get(name, "").strip()
            if not raw:
                if name != "current_value":
                    self.add_error(name, _("Enter a value."))
                data[name] = None
                continue
            try:
                data[name] = services.parse_value(raw, unit=unit)
            except ValidationError as error:
                self.add_error(name, error)
        raw_weight = data.get("weight", "").strip()
        try:
            data["weight"] = (
                services.parse_value(raw_weight, unit=KeyResult.Unit.NUMBER)
                if raw_weight
                else Decimal(1)
            )
        except ValidationError as error:
            self.add_error("weight", error)
        return data

    def to_input(self) -> services.KeyResultInput:
        data = self.cleaned_data
        return services.KeyResultInput(
            title=data["title"],
            unit=data["unit"],
            start_value=data["start_value"],
            target_value=data["target_value"],
            current_value=data["current_value"],
            weight=data["weight"],
        )


class BaseKeyResultFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        # The rows are a table: each input names its column and row for screen readers.
        form = super()._construct_form(i, **kwargs)
        for name, field in form.fields.items():
            field.widget.attrs["aria-label"] = f"{self._labels[name]} ({i + 1})"
        return form

    @cached_property
    def _labels(self) -> dict[str, str]:
        """The columns' labels, translated once for the five rows."""
        return {name: str(field.label) for name, field in self.form.base_fields.items()}

    def filled(self) -> list[tuple[int, KeyResultForm]]:
        """The rows someone filled in, with their position in the form."""
        return [
            (index, form)
            for index, form in enumerate(self.forms)
            if form.has_changed() and hasattr(form, "cleaned_data") and not form.is_blank()
        ]


KeyResultFormSet = forms.formset_factory(
    KeyResultForm,
    formset=BaseKeyResultFormSet,
    extra=MAX_KEY_RESULTS,
    max_num=MAX_KEY_RESULTS,
    absolute_max=MAX_KEY_RESULTS,
    validate_max=True,
)


# What the goal form reads of whom a goal can be for (`owner_choices`): the option's value and
# name, and the path (the goals up the owner's management chain are offered to contribute to).
OWNER_FIELDS = ("pk", "public_id", "first_name", "last_name", "path")
OWNER_FIELDS_AS_READ = ("id", "public_id", "first_name", "last_name", "path")


def owner_choices(actor, *, extra: Person | None = None):
    """Whom a goal can be for on this form: me, my direct reports, and the person the form was
    opened for (a manager further up or HR, coming from that person's profile). Never the whole
    organisation: that would be 100,000 options."""
    me = person_of(actor)
    condition = Q(pk=me.pk) | Q(manager=me) if me is not None else Q(pk__in=[])
    people = Person.objects.current().filter(condition)
    if extra is not None:
        people = people | Person.objects.filter(pk=extra.pk)
    # The path: the goals up the owner's management chain are offered to contribute to.
    return people.only("public_id", "first_name", "last_name", "path").order_by(
        "last_name", "first_name", "pk"
    )


def team_choices(actor):
    """The teams the actor may set goals for: all for HR, else the teams of people they manage.

    Built once for the request's user object while what it reads of them stays the same
    (`built_once`): the team goal's form asks three times (`views._may_create`, the form's
    field, its picker), and building the rule's subquery cost 0.4 ms each time."""
    me = person_of(actor)
    key = (is_hr_or_admin(actor), me and (me.pk, me.path))
    return built_once(actor, "goals.team_choices", key, lambda: _team_choices(actor, me))


def sets_team_goals(actor) -> bool:
    """Whether `team_choices(actor)` has a team, asked of the people rather than the teams:
    someone current below the actor who is in a team. Asked of the teams, SQLite tested team
    after team for someone below the actor: 3.8 ms at 10,000 people for someone who manages
    nobody, 0.9 ms for a manager (0.6 and 0.5 ms this way)."""
    if is_hr_or_admin(actor):
        return Team.objects.exists()
    me = person_of(actor)
    if me is None or not me.path:
        return False
    return Person.objects.current().under(me).filter(team__isnull=False).exists()


def _team_choices(actor, me: Person | None):
    teams = Team.objects.only("public_id", "name").order_by("name")
    if is_hr_or_admin(actor):
        return teams
    if me is None or not me.path:
        return teams.none()
    led = (
        Person.objects.current()
        .filter(team=OuterRef("pk"), path__startswith=me.path)
        .exclude(pk=me.pk)
    )
    return teams.filter(Exists(led))


def goals_to_align_with(actor, *, goal: Goal | None = None):
    """The goals a goal may contribute to, as far as its form can tell: those the actor may see,
    but not the goal itself. The service checks the rest (that the owner may see it too, and
    that it makes no loop)."""
    goals = Goal.objects.visible_to(actor)
    if goal is not None:
        goals = goals.exclude(pk=goal.pk)
    return goals


# Search pickers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One choice of a search picker: the public id the form takes, the name, and a line that
    tells it apart from others of the same name."""

    value: str
    label: str
    meta: str = ""


@dataclass(frozen=True)
class Picker:
    """What a search picker shows (`core/_picker.html`): the choice made, then at most
    PICKER_OPTIONS suggestions or matches of what was typed, and a hint."""

    name: str
    chosen: Option | None
    options: list[Option]
    q: str = ""
    hint: str = ""
    # The choice of nothing, for a field that may stay empty ("— No goal —").
    empty_label: str = ""


class PublicIdField(forms.ModelChoiceField):
    """One object by public id, chosen with a search picker; the queryset is what may be
    chosen. Anything else, a malformed id included, is answered with `invalid_choice`."""

    # Drawn by core/_picker.html, never by its widget: not a select of the whole queryset, and
    # not a hidden input either (the form's hidden fields are written out with its errors).
    widget = forms.TextInput

    def __init__(self, *, queryset, **kwargs):
        super().__init__(queryset=queryset, to_field_name="public_id", **kwargs)

    # The value that stands for `kept`: the object chosen before, which the actor may not see.
    KEEP = "keep"
    kept = None

    def to_python(self, value):
        if value == self.KEEP and self.kept is not None:
            return self.kept
        if value not in self.empty_values and _uuid_or_none(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def _searched(q: str | None) -> str:
    """What was typed in a picker's search box, as searched: tidied, or "" when too short."""
    q = " ".join((q or "").split())[:100]
    return q if len(q) >= PICKER_MIN_SEARCH else ""


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def teams_to_pick(actor):
    """`team_choices` with what the picker shows: the team above tells teams of the same kind
    apart ("Orderpicking Almere" in Logistics or in Returns)."""
    return (
        team_choices(actor)
        .select_related("parent")
        .only("public_id", "name", "path", "parent__name")
    )


def team_picker(actor, *, chosen: Team | None, q: str = "") -> Picker:
    """The team of a team goal: the team chosen, then the teams whose name holds every word
    typed or, before any typing, the actor's own teams (theirs and their direct reports').
    One query, however many teams there are."""
    searched = _searched(q)
    teams = teams_to_pick(actor)
    if chosen is not None:
        teams = teams.exclude(pk=chosen.pk)
    if searched:
        # In name order, which the name's unique index serves: the search stops at the 20th
        # match. (Names that start with the words first made it sort every match: 3 ms of SQL
        # for HR's search for "service" at 100,000 people, 987 teams.)
        for word in searched.split()[:SEARCH_WORDS]:
            teams = teams.filter(name__icontains=word)
        teams = _within_a_small_branch(actor, teams)
    else:
        me = person_of(actor)
        if me is None:
            teams = teams.none()
        else:
            reports = Person.objects.current().filter(manager=me).values("team")
            teams = teams.filter(Q(pk=me.team_id) | Q(pk__in=reports))
    found = [_team_option(team) for team in teams[:PICKER_OPTIONS]]
    hint = ""
    if searched and not found:
        hint = _("No team you set goals for matches “%(q)s”.") % {"q": searched}
    elif not found and chosen is None:
        hint = _("Type part of the team's name to find it.")
    return Picker(
        "team",
        chosen=_team_option(chosen) if chosen is not None else None,
        options=found,
        q=q or "",
        hint=hint,
    )


# A branch of the organisation up to this many people is small: its teams are looked up from
# its people (`_within_a_small_branch`).
SMALL_BRANCH = 2000


def _within_a_small_branch(actor, teams):
    """`teams`, for a manager of a small branch, read from the teams of the people in it.

    `team_choices` tests each team for someone in it under the manager. Searched in name order,
    that tested every team whose name matches until 20 passed: for a manager of 133 people, 987
    teams for "service" at 100,000 people (10 ms). The teams of the people under them are a few
    (0.9 ms). For the top of the organisation it is the other way round (2.5 ms against 77 ms,
    reading every person), so the branch is counted first, up to SMALL_BRANCH people: one
    query that reads no further than that (docs/performance.md, finding 8)."""
    me = person_of(actor)
    if is_hr_or_admin(actor) or me is None or not me.path:
        return teams
    below = Person.objects.current().under(me)
    if paging.count_up_to(below, SMALL_BRANCH) > SMALL_BRANCH:
        return teams
    return teams.filter(pk__in=below.values("team"))


def _team_option(team: Team) -> Option:
    return Option(str(team.public_id), team.name, team.parent.name if team.parent_id else "")


def parent_picker(
    actor,
    *,
    chosen: Goal | None,
    q: str = "",
    goal: Goal | None = None,
    owner: Person | None = None,
    team: Team | None = None,
    start: datetime.date,
    end: datetime.date,
    kept: bool = False,
) -> Picker:
    """The goal this one contributes to: the goal chosen, then the open goals of the period that
    it most likely contributes to, whose title or team holds every word typed. Those are the
    organisation's goals; the goals of the teams of the owner's (else the actor's) management
    chain, and of the goal's team and the teams above it; and the personal goals up that chain.
    Strategic, organisation and team goals first.

    One query, which the goals' level, team and owner indexes serve: the list of every goal one
    may see that it replaced read all of the period's goals (17-21 ms of SQL at 10,000 people,
    250-380 ms at 100,000)."""
    searched = _searched(q)
    people: set[int] = set()
    for person in (owner, person_of(actor)):
        if person is not None and person.path:
            people.update(_path_ids(person.path))
    teams = set(_path_ids(team.path)) if team is not None and team.path else set()
    # The chain's teams as values, not a subquery: PostgreSQL then reads the three kinds of
    # goal from their indexes (a BitmapOr) instead of scanning every goal (37 → 0.9 ms at
    # 10,000 people).
    if people:
        chain = Person.objects.filter(pk__in=people).order_by().values_list("team", flat=True)
        teams.update(t for t in chain if t)
    near = Q(level=Goal.Level.ORGANISATION) | Q(team__in=teams) | Q(owner__in=people)
    goals = goals_to_align_with(actor, goal=goal).open().in_period(start, end).filter(near)
    if chosen is not None:
        goals = goals.exclude(pk=chosen.pk)
    for word in searched.split()[:SEARCH_WORDS]:
        goals = goals.filter(Q(title__icontains=word) | Q(team__name__icontains=word))
    # What an option shows (`_goal_option`), and no other column: as values, not goals with
    # their owner and team (a third of the query's time, for 20 rows). The generated column
    # `level_rank` (organisation, team, personal) sorts the levels as the tree does.
    goals = goals.order_by("-is_strategic", "level_rank", "end_date", "title", "pk")
    words = _option_words()
    found = [
        _goal_option(*row, words=words)
        for row in goals.values_list(*GOAL_OPTION_FIELDS)[:PICKER_OPTIONS]
    ]
    hint = ""
    if searched and not found:
        hint = _("No goal matches “%(q)s”.") % {"q": searched}
    if chosen is not None and kept and chosen.pk == getattr(goal, "parent_id", None):
        # The goal it contributes to, which the actor may not see: neither its title nor its
        # public id is shown.
        shown = Option(PublicIdField.KEEP, _("A goal you cannot see"), _("stays as it is"))
    else:
        shown = _goal_option_of(chosen) if chosen is not None else None
    return Picker(
        "parent",
        chosen=shown,
        options=found,
        q=q or "",
        hint=hint,
        empty_label=_("— No goal —"),
    )


# What a goal's option shows (`_goal_option`).
GOAL_OPTION_FIELDS = (
    "public_id",
    "title",
    "level",
    "is_strategic",
    "team__name",
    "owner__first_name",
    "owner__last_name",
)


def _goal_option(
    public_id, title, level, is_strategic, team_name, first_name, last_name, *, words=None
):
    """A goal's option, from its `GOAL_OPTION_FIELDS`: its level, and the team or the person
    whose goal it is, to tell goals of the same title apart. `words` are `_option_words()`,
    translated once for a picker's options."""
    words = words or _option_words()
    meta = [words[level]]
    if level == Goal.Level.TEAM and team_name is not None:
        meta.append(team_name)
    elif level == Goal.Level.PERSONAL and first_name is not None:
        meta.append(Person.name_of(first_name, last_name))
    if is_strategic:
        meta.append(words["strategic"])
    return Option(str(public_id), title, " · ".join(meta))


def _option_words() -> dict[str, str]:
    """The levels' names and "Strategic", in the reader's language."""
    return {**labels(Goal.Level), "strategic": str(_("Strategic"))}


def _goal_option_of(goal: Goal) -> Option:
    team, owner = goal.team if goal.team_id else None, goal.owner if goal.owner_id else None
    return _goal_option(
        goal.public_id,
        goal.title,
        goal.level,
        goal.is_strategic,
        team and team.name,
        owner and owner.first_name,
        owner and owner.last_name,
    )


class GoalForm(Searchable, forms.Form):
    """Create (with its first key results, in `KeyResultFormSet`) or edit a goal.

    The team and the goal it contributes to are chosen with search pickers (`team_picker`,
    `parent_picker`); the fields take public ids and accept what the choices always accepted:
    a team the actor sets goals for, a goal they may see."""

    DEFAULT = ""

    title = CharField(label=_("Title"), max_length=200)
    description = CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why this goal matters, and how you will know it is reached."),
    )
    owner = forms.ModelChoiceField(
        label=_("Whose goal"),
        queryset=Person.objects.none(),
        to_field_name="public_id",
        widget=renderers.Select,
    )
    team = PublicIdField(
        label=_("Team"),
        queryset=Team.objects.none(),
        error_messages={
            "required": _("Choose the team this goal belongs to."),
            "invalid_choice": _("Choose a team you set goals for."),
        },
    )
    kind = ChoiceField(label=_("Kind"), choices=Goal.Kind.choices)
    visibility = ChoiceField(label=_("Who can see it"), required=False)
    period = ChoiceField(
        label=_("Period"), choices=Goal.Period.choices, initial=Goal.Period.QUARTER
    )
    start_date = DateField(label=_("Start date"), required=False, widget=DateInput())
    end_date = DateField(label=_("Due date"), required=False, widget=DateInput())
    parent = PublicIdField(
        label=_("Contributes to"),
        queryset=Goal.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a goal you can see.")},
    )
    progress_mode = ChoiceField(label=_("Progress"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data=None,
        *,
        actor,
        level: str,
        goal: Goal | None = None,
        owner: Person | None = None,
        team: Team | None = None,
        parent: Goal | None = None,
        today: datetime.date | None = None,
        searching: bool = False,
    ):
        self.actor = actor
        self.level = level
        self.goal = goal
        today = today or timezone.localdate()
        quarter = queries.quarter_of(today)
        if goal is not None:
            initial = {
                "title": goal.title,
                "description": goal.description,
                "kind": goal.kind,
                "visibility": goal.visibility,
                "period": goal.period,
                "start_date": goal.start_date,
                "end_date": goal.end_date,
                "parent": goal.parent.public_id if goal.parent_id else None,
                "progress_mode": goal.progress_mode,
                "version": goal.version,
            }
        else:
            initial = {
                "kind": Goal.Kind.OBJECTIVE,
                "period": Goal.Period.QUARTER,
                "start_date": quarter.start,
                "end_date": quarter.end,
                "team": team.public_id if team else None,
                "parent": parent.public_id if parent else None,
            }
            if (for_whom := owner or person_of(actor)) is not None:
                initial["owner"] = for_whom.public_id
        super().__init__(data, initial=initial, searching=searching)
        self.today = today
        fields = self.fields

        self.only_owner = None
        # Whom the goal can be for, as `OWNER_FIELDS` values.
        self.owners: list[tuple] = []
        if goal is not None or level != Goal.Level.PERSONAL:
            del fields["owner"]
        else:
            fields["owner"].queryset = owner_choices(actor, extra=owner)
            # As values: a person each of a manager's 130 reports took 1.0 ms to build for
            # the 0.2 ms their query takes.
            self.owners = list(fields["owner"].queryset.values_list(*OWNER_FIELDS))
            # The options from the people just read: the field's own choices would read them
            # again.
            fields["owner"].choices = [
                (str(public_id), Person.name_of(first, last))
                for _pk, public_id, first, last, _path in self.owners
            ]
            if len(self.owners) == 1:
                # Nobody else to choose: say whose goal it is rather than offer a choice of one.
                self.only_owner = self._owner(self.owners[0])
                fields["owner"].widget = forms.HiddenInput()
        if goal is not None or level != Goal.Level.TEAM:
            del fields["team"]
        else:
            fields["team"].queryset = teams_to_pick(actor)
        if goal is None:
            del fields["version"]

        if level != Goal.Level.PERSONAL:
            fields["kind"].choices = [c for c in Goal.Kind.choices if c[0] != Goal.Kind.DEVELOPMENT]

        if level == Goal.Level.ORGANISATION:
            del fields["visibility"]
        elif level == Goal.Level.TEAM:
            fields["visibility"].choices = [
                (Goal.Visibility.TEAM, _("The team and its managers")),
                (Goal.Visibility.ORGANISATION, Goal.Visibility.ORGANISATION.label),
            ]
            fields["visibility"].initial = Goal.Visibility.TEAM
        else:
            choices = list(Goal.Visibility.choices)
            if goal is None:
                choices.insert(
                    0,
                    (
                        self.DEFAULT,
                        _("Standard: the team; private for a development goal"),
                    ),
                )
            fields["visibility"].choices = choices

        fields["progress_mode"].choices = [
            (self.DEFAULT, _("Standard: key results for an objective or KPI, else by hand")),
            *Goal.ProgressMode.choices,
        ]

        fields["parent"].queryset = goals_to_align_with(actor, goal=goal).select_related(
            "owner", "team"
        )
        # The goal this one contributes to, when the editor may not see it: offered as "keep"
        # (its public id is not written into the page), so that saving does not drop it.
        self.visible_parent: Goal | None = None
        if goal is not None and goal.parent_id:
            self.visible_parent = fields["parent"].queryset.filter(pk=goal.parent_id).first()
            if self.visible_parent is None:
                fields["parent"].kept = goal.parent
                self.initial["parent"] = PublicIdField.KEEP

    # The pickers -----------------------------------------------------------------------------

    def _chosen(self, name: str):
        """The object chosen in a picker: as cleaned, else looked up among those the field
        accepts (one query), so that the choice stays on show when the form comes back."""
        if name in getattr(self, "cleaned_data", {}):
            return self.cleaned_data[name]
        raw = self.data.get(name) if self.is_bound else self.initial.get(name)
        field = self.fields[name]
        if raw == PublicIdField.KEEP:
            return field.kept
        public_id = _uuid_or_none(raw) if raw else None
        if public_id is None:
            return None
        if name == "parent" and self.visible_parent and self.visible_parent.public_id == public_id:
            return self.visible_parent
        return field.queryset.filter(public_id=public_id).first()

    def _typed(self, name: str) -> str:
        """What was typed in a picker's search box (`<name>_q`), which is no field of the form."""
        return (self.data.get(f"{name}_q") or "") if self.is_bound else ""

    @cached_property
    def chosen_team(self) -> Team | None:
        if "team" not in self.fields:
            return self.goal.team if self.goal is not None else None
        return self._chosen("team")

    @cached_property
    def team_picker(self) -> Picker:
        return team_picker(self.actor, chosen=self.chosen_team, q=self._typed("team"))

    def _owner(self, values: tuple) -> Person:
        """One of `owners` as the person their query would have read."""
        return Person.from_db(self.fields["owner"].queryset.db, OWNER_FIELDS_AS_READ, values)

    def _owner_for_parents(self) -> Person | None:
        if self.goal is not None:
            return self.goal.owner
        if "owner" not in self.fields:
            return None
        raw = str(self.data.get("owner") if self.is_bound else self.initial.get("owner"))
        return next((self._owner(row) for row in self.owners if str(row[1]) == raw), None)

    @cached_property
    def parent_picker(self) -> Picker:
        start, end = self._dates_for_parents()
        return parent_picker(
            self.actor,
            chosen=self._chosen("parent"),
            kept=self.fields["parent"].kept is not None,
            q=self._typed("parent"),
            goal=self.goal,
            owner=self._owner_for_parents(),
            team=self.chosen_team,
            start=start,
            end=end,
        )

    def _dates_for_parents(self) -> tuple[datetime.date, datetime.date]:
        """The period whose goals are offered: the dates typed, else the goal's or this quarter."""
        fallback = (
            (self.goal.start_date, self.goal.end_date)
            if self.goal is not None
            else (self.initial["start_date"], self.initial["end_date"])
        )
        if not self.is_bound:
            return fallback
        dates = []
        for name, default in zip(("start_date", "end_date"), fallback, strict=True):
            try:
                value = self.fields[name].clean(self.data.get(name))
            except ValidationError:
                value = None
            dates.append(value or default)
        return (dates[0], dates[1]) if dates[0] <= dates[1] else fallback

    # Cleaning -------------------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        period = data.get("period")
        start, end = data.get("start_date"), data.get("end_date")
        if period == Goal.Period.QUARTER and (start is None or end is None):
            quarter = queries.quarter_of(start or end or self.today)
            data["start_date"], data["end_date"] = start or quarter.start, end or quarter.end
        elif period == Goal.Period.YEAR and (start is None or end is None):
            year = (start or end or self.today).year
            data["start_date"] = start or datetime.date(year, 1, 1)
            data["end_date"] = end or datetime.date(year, 12, 31)
        else:
            if start is None and "start_date" not in self.errors:
                self.add_error("start_date", _("Enter the start date."))
            if end is None and "end_date" not in self.errors:
                self.add_error("end_date", _("Enter the due date."))
        if "visibility" in self.fields and not data.get("visibility"):
            if self.level == Goal.Level.TEAM:
                data["visibility"] = Goal.Visibility.TEAM
            elif data.get("kind") == Goal.Kind.DEVELOPMENT:
                data["visibility"] = Goal.Visibility.PRIVATE
            else:
                data["visibility"] = Goal.Visibility.TEAM
        return data

    def goal_fields(self) -> dict:
        """The cleaned values under the names the services take."""
        data = self.cleaned_data
        values = {
            "title": data["title"],
            "description": data.get("description", ""),
            "kind": data["kind"],
            "visibility": data.get("visibility") or Goal.Visibility.ORGANISATION,
            "period": data["period"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "parent": data.get("parent"),
            "progress_mode": data.get("progress_mode")
            or services.default_progress_mode(data["kind"]),
        }
        if self.goal is not None and self.goal.level == Goal.Level.ORGANISATION:
            values["visibility"] = Goal.Visibility.ORGANISATION
        return values


def _uuid_or_none(raw):
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


class ProgressForm(forms.Form):
    """A progress update: each key result's new value, or the percentage set by hand."""

    status = forms.ChoiceField(
        label=_("How is it going?"),
        choices=[(s.value, s.label) for s in Goal.OPEN_STATUSES],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What happened, what helps, what blocks you."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, goal: Goal, key_results: list[KeyResult]):
        self.goal = goal
        self.key_results = key_results
        initial = {
            "status": goal.status if goal.status in Goal.OPEN_STATUSES else Goal.Status.ON_TRACK,
            "version": goal.version,
        }
        super().__init__(data, initial=initial)
        self.value_fields = []
        for result in key_results:
            name = value_field_name(result)
            if result.unit == KeyResult.Unit.YES_NO:
                self.fields[name] = forms.ChoiceField(
                    label=result.title,
                    choices=[("0", _("Not yet")), ("1", _("Yes"))],
                    initial="1" if result.current_value else "0",
                    widget=forms.RadioSelect,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=result.title,
                    required=False,
                    max_length=30,
                    initial=editable_value(result.current_value, result.unit),
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                )
            self.value_fields.append((result, name))
        self.manual = goal.progress_mode == Goal.ProgressMode.MANUAL
        if self.manual and goal.kind == Goal.Kind.BINARY:
            self.fields["progress"] = forms.ChoiceField(
                label=_("Done?"),
                choices=[("0", _("Not done yet")), ("100", _("Done"))],
                initial="100" if goal.progress >= 100 else "0",
                widget=forms.RadioSelect,
            )
        elif self.manual:
            self.fields["progress"] = forms.CharField(
                label=_("Progress (%)"),
                max_length=10,
                initial=editable_value(goal.progress, KeyResult.Unit.PERCENT),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
        self.order_fields(
            [name for _r, name in self.value_fields] + ["progress", "status", "comment"]
        )

    @property
    def value_rows(self):
        """(key result, its bound field) pairs, for the template."""
        return [(result, self[name]) for result, name in self.value_fields]

    def clean(self):
        data = super().clean()
        values = {}
        for result, name in self.value_fields:
            raw = (self.data.get(name) or "").strip() if self.is_bound else ""
            if name in self.errors:
                continue
            if not raw:
                self.add_error(name, _("Enter a value."))
                continue
            try:
                values[str(result.public_id)] = services.parse_value(raw, unit=result.unit)
            except ValidationError as error:
                self.add_error(name, error)
        data["values"] = values
        if "progress" in self.fields and "progress" not in self.errors:
            try:
                data["progress"] = services.parse_value(
                    data.get("progress", ""), unit=KeyResult.Unit.PERCENT
                )
            except ValidationError as error:
                self.add_error("progress", error)
        return data


def value_field_name(result: KeyResult) -> str:
    return f"value_{result.public_id.hex}"


def editable_value(value: Decimal, unit: str) -> str:
    """A value as a person would type it back in their language: "12,5" in Dutch, no grouping."""
    if unit == KeyResult.Unit.YES_NO:
        return "1" if value else "0"
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    text = formats.number_format(value, decimal_pos=places, use_l10n=True)
    if places and text[-1] == "0":
        text = text[:-1]
    return text


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(s.value, s.label) for s in Goal.CLOSED_STATUSES],
        widget=forms.RadioSelect,
    )
    reflection = forms.CharField(
        label=_("Reflection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What went well, what did not, what you learned."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CarryOverForm(forms.Form):
    reflection = forms.CharField(
        label=_("Reflection on this period"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Add a comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def apply_errors(error: ValidationError, form: forms.Form, formset=None, rows=()) -> None:
    """Put a service's ValidationError next to the fields it names.

    `key_results.<i>.<field>` goes to the formset row that held the i-th filled-in key result
    (`rows` maps i to the row); `values.<key result id>` to that key result's field; a name the
    form does not have becomes a message at the top of the form.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        parts = name.split(".")
        if parts[0] == "key_results" and formset is not None and len(parts) == 3:
            index = int(parts[1])
            row = formset.forms[rows[index]] if index < len(rows) else None
            if row is not None and parts[2] in row.fields:
                for message in messages:
                    row.add_error(parts[2], message)
                continue
        if parts[0] == "values" and len(parts) == 2:
            target = f"value_{parts[1].replace('-', '')}"
            if target in form.fields:
                for message in messages:
                    form.add_error(target, message)
                continue
        field = name if name in form.fields else None
        for message in messages:
            form.add_error(field, message)
