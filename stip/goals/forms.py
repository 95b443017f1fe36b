"""The goal pages' forms. They parse what a person typed; the services decide what is allowed
and valid, and `apply_errors` puts the services' messages next to the fields they name."""

import datetime
import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from stip.core.policies import is_hr_or_admin, person_of
from stip.goals import queries, services
from stip.goals.models import Goal, KeyResult
from stip.people.models import Person, Team

# How many goals the "contributes to" list offers; the most relevant first.
PARENT_CHOICES = 200
MAX_KEY_RESULTS = 5


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


class OptionsSelect(forms.Select):
    """A select that writes its options in one loop of its own template. Django's includes a
    template per option: HR's choice of every team (1,175 at 10,000 people) took 62 ms to
    render that way, 37 ms in one loop."""

    template_name = "goals/widgets/select.html"


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
        # As the directory does: the top two levels of the team tree (a filter includes the
        # teams below), plus the team asked for. Every team as an <option> was more than half
        # of the page's time at 10,000 people (1,175 teams).
        offered = Q(parent__isnull=True) | Q(parent__parent__isnull=True)
        chosen = (self.data.get("team") or "").strip() if self.is_bound else ""
        if chosen_id := _uuid_or_none(chosen):
            offered |= Q(public_id=chosen_id)
        self.fields["team"].queryset = (
            Team.objects.filter(offered).only("public_id", "name").order_by("name")
        )


class KeyResultForm(forms.Form):
    """One key result; values are typed as people write them ("1.234,5", "€ 40", "12%")."""

    title = forms.CharField(label=_("Key result"), required=False, max_length=200)
    unit = forms.ChoiceField(
        label=_("Unit"), choices=KeyResult.Unit.choices, initial=KeyResult.Unit.NUMBER
    )
    start_value = forms.CharField(label=_("Start"), required=False, max_length=30)
    target_value = forms.CharField(label=_("Target"), required=False, max_length=30)
    current_value = forms.CharField(
        label=_("Now"),
        required=False,
        max_length=30,
        help_text=_("Leave empty to start at the start value."),
    )
    weight = forms.CharField(label=_("Weight"), required=False, max_length=10, initial="1")

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
        for field in form.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label} ({i + 1})"
        return form

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


def owner_choices(actor, *, extra: Person | None = None):
    """Whom a goal can be for on this form: me, my direct reports, and the person the form was
    opened for (a manager further up or HR, coming from that person's profile). Never the whole
    organisation: that would be 100,000 options."""
    me = person_of(actor)
    condition = Q(pk=me.pk) | Q(manager=me) if me is not None else Q(pk__in=[])
    people = Person.objects.current().filter(condition)
    if extra is not None:
        people = people | Person.objects.filter(pk=extra.pk)
    return people.only("public_id", "first_name", "last_name").order_by(
        "last_name", "first_name", "pk"
    )


def team_choices(actor):
    """The teams the actor may set goals for: all for HR, else the teams of people they manage."""
    teams = Team.objects.only("public_id", "name").order_by("name")
    if is_hr_or_admin(actor):
        return teams
    me = person_of(actor)
    if me is None or not me.path:
        return teams.none()
    led = (
        Person.objects.current()
        .filter(team=OuterRef("pk"), path__startswith=me.path)
        .exclude(pk=me.pk)
    )
    return teams.filter(Exists(led))


class GoalForm(forms.Form):
    """Create (with its first key results, in `KeyResultFormSet`) or edit a goal."""

    DEFAULT = ""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why this goal matters, and how you will know it is reached."),
    )
    owner = forms.ModelChoiceField(
        label=_("Whose goal"),
        queryset=Person.objects.none(),
        to_field_name="public_id",
        widget=OptionsSelect,
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        to_field_name="public_id",
        widget=OptionsSelect,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Goal.Kind.choices)
    visibility = forms.ChoiceField(label=_("Who can see it"), required=False)
    period = forms.ChoiceField(
        label=_("Period"), choices=Goal.Period.choices, initial=Goal.Period.QUARTER
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    parent = forms.ModelChoiceField(
        label=_("Contributes to"),
        queryset=Goal.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— No goal —"),
        widget=OptionsSelect,
    )
    progress_mode = forms.ChoiceField(label=_("Progress"), required=False)
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
        super().__init__(data, initial=initial)
        self.today = today
        fields = self.fields

        self.only_owner = None
        if goal is not None or level != Goal.Level.PERSONAL:
            del fields["owner"]
        else:
            fields["owner"].queryset = owner_choices(actor, extra=owner)
            people = list(fields["owner"].queryset)
            if len(people) == 1:
                # Nobody else to choose: say whose goal it is rather than offer a choice of one.
                self.only_owner = people[0]
                fields["owner"].widget = forms.HiddenInput()
        if goal is not None or level != Goal.Level.TEAM:
            del fields["team"]
        else:
            fields["team"].queryset = team_choices(actor)
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

        fields["parent"].queryset = self._parent_queryset()
        fields["parent"].choices = self._parent_choices(selected=parent)

    # Contributes to -------------------------------------------------------------------------

    def _parent_queryset(self):
        goals = Goal.objects.visible_to(self.actor)
        if self.goal is not None:
            goals = goals.exclude(pk=self.goal.pk)
        return goals

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

    def _parent_choices(self, *, selected: Goal | None):
        start, end = self._dates_for_parents()
        candidates = (
            self._parent_queryset()
            .open()
            .in_period(start, end)
            .select_related("owner", "team")
            .order_by("-is_strategic", queries.LEVEL_RANK, "end_date", "title", "pk")
        )
        goals = list(candidates[:PARENT_CHOICES])
        # The goal it contributes to now (or was asked for) stays on offer, whatever its period.
        keep = {g.public_id for g in goals}
        wanted = []
        if self.goal is not None and self.goal.parent_id:
            wanted.append(Q(pk=self.goal.parent_id))
        if selected is not None:
            wanted.append(Q(pk=selected.pk))
        if self.is_bound and self.data.get("parent"):
            wanted.append(Q(public_id=_uuid_or_none(self.data.get("parent"))))
        if wanted:
            condition = wanted[0]
            for extra in wanted[1:]:
                condition |= extra
            goals += [
                g
                for g in self._parent_queryset().filter(condition).select_related("owner", "team")
                if g.public_id not in keep
            ]
        groups: dict[str, list] = {level: [] for level in Goal.Level.values}
        for goal in goals:
            groups[goal.level].append((goal.public_id, _parent_label(goal)))
        return [("", _("— No goal —"))] + [
            (Goal.Level(level).label, options) for level, options in groups.items() if options
        ]

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


def _parent_label(goal: Goal) -> str:
    if goal.level == Goal.Level.TEAM and goal.team_id:
        return f"{goal.title} · {goal.team.name}"
    if goal.level == Goal.Level.PERSONAL and goal.owner_id:
        return f"{goal.title} · {goal.owner.full_name}"
    return goal.title


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
