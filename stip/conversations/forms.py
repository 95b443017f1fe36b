"""The conversation pages' forms. They parse what a person typed; the services decide what is
allowed and valid, and `apply_errors` (the goals app's) puts the services' messages next to the
fields they name."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stip.conversations import queries
from stip.conversations.models import (
    MAX_LINE,
    MAX_TEXT,
    Cadence,
    CheckInTemplate,
    MeetingKind,
    RatingLevel,
    RatingScale,
)
from stip.conversations.services import LevelInput
from stip.goals.forms import DateInput
from stip.people.models import Person


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def _when(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def _template_field(label):
    return forms.ModelChoiceField(
        label=label,
        queryset=CheckInTemplate.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— The standard questions for this kind —"),
    )


class SeriesForm(forms.Form):
    """Start 1:1s with a direct report (a manager) or with one's manager (an employee)."""

    # A manager chooses among all their direct reports (129 in the benchmark): one loop.
    employee = forms.ModelChoiceField(
        label=_("With"),
        queryset=Person.objects.none(),
        to_field_name="public_id",
        empty_label=_("— Choose someone —"),
    )
    cadence = forms.ChoiceField(
        label=_("How often"),
        choices=Cadence.choices,
        initial=Cadence.BIWEEKLY,
        widget=forms.RadioSelect,
    )
    next_date = forms.DateField(label=_("First 1:1"), widget=DateInput())
    time_of_day = forms.TimeField(label=_("Time"), widget=TimeInput(), initial=datetime.time(10, 0))
    checkin_template = _template_field(_("Check-in questions"))

    def __init__(self, data=None, *, people, manager: Person | None, initial_person=None):
        super().__init__(
            data,
            initial={
                "next_date": _tomorrow(),
                "employee": initial_person.public_id if initial_person else None,
            },
        )
        self.fields["employee"].queryset = people
        self.fields["employee"].label_from_instance = lambda p: p.full_name
        if manager is not None:
            self.fields["checkin_template"].queryset = queries.templates_for(
                manager, kind=CheckInTemplate.Kind.CHECK_IN
            )
            default = queries.default_template(manager, kind=CheckInTemplate.Kind.CHECK_IN)
            if default is not None:
                self.fields["checkin_template"].initial = default.public_id
        else:
            del self.fields["checkin_template"]


class SeriesEditForm(forms.Form):
    cadence = forms.ChoiceField(
        label=_("How often"), choices=Cadence.choices, widget=forms.RadioSelect
    )
    next_date = forms.DateField(label=_("Next 1:1"), widget=DateInput())
    time_of_day = forms.TimeField(label=_("Time"), widget=TimeInput())


class MeetingForm(forms.Form):
    """Plan an ad-hoc conversation (either side) or a formal one (the manager)."""

    kind = forms.ChoiceField(label=_("Kind of conversation"))
    person = forms.ModelChoiceField(
        label=_("With"),
        queryset=Person.objects.none(),
        to_field_name="public_id",
        empty_label=_("— Choose someone —"),
    )
    day = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput(), initial=datetime.time(10, 0))
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Optional, e.g. “Functioneringsgesprek 2026”."),
    )
    checkin_template = _template_field(_("Questions to prepare"))
    rating_scale = forms.ModelChoiceField(
        label=_("Rating scale"),
        queryset=RatingScale.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— The organisation's default scale —"),
        help_text=_("For an appraisal only."),
    )

    def __init__(self, data=None, *, kinds, people, me: Person, kind=None, person=None):
        super().__init__(
            data,
            initial={
                "day": _tomorrow(),
                "kind": kind or MeetingKind.AD_HOC,
                "person": person.public_id if person else None,
            },
        )
        self.me = me
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: p.full_name
        # Questions: the manager's offer (mine when I plan as the manager; when I plan with my
        # manager, the organisation's check-in questions only).
        self.fields["checkin_template"].queryset = CheckInTemplate.objects.filter(
            archived_at__isnull=True
        ).filter(owner__isnull=True) | CheckInTemplate.objects.filter(
            archived_at__isnull=True, owner=me
        )
        self.fields["checkin_template"].label_from_instance = lambda t: (
            f"{t.name} ({t.get_kind_display()})"
        )
        scales = RatingScale.objects.filter(archived_at__isnull=True).order_by("name")
        self.fields["rating_scale"].queryset = scales

    def clean(self):
        data = super().clean()
        template = data.get("checkin_template")
        kind = data.get("kind")
        expected = {
            MeetingKind.PERFORMANCE: CheckInTemplate.Kind.PERFORMANCE,
            MeetingKind.APPRAISAL: CheckInTemplate.Kind.APPRAISAL,
        }.get(kind, CheckInTemplate.Kind.CHECK_IN)
        if template is not None and template.kind != expected:
            self.add_error(
                "checkin_template", _("Those questions are for another kind of conversation.")
            )
        return data

    def scheduled_for(self) -> datetime.datetime:
        return _when(self.cleaned_data["day"], self.cleaned_data["time"])


class RescheduleForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput())

    def scheduled_for(self) -> datetime.datetime:
        return _when(self.cleaned_data["day"], self.cleaned_data["time"])


class AgendaItemForm(forms.Form):
    """On the meeting page with other forms: ids of its own (`auto_id`), names unchanged."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="agenda_%s", **kwargs)

    text = forms.CharField(
        label=_("Add a talking point"),
        max_length=MAX_LINE,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class CheckInForm(forms.Form):
    """One text box per question on the meeting's agenda (`question_<id>`)."""

    def __init__(self, data=None, *, items, answers):
        super().__init__(data)
        self.rows = []
        for item in items:
            name = f"question_{item.question_id}"
            answer = answers.get(item.question_id)
            self.fields[name] = forms.CharField(
                label=item.text,
                required=False,
                max_length=MAX_TEXT,
                initial=answer.text if answer else "",
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.rows.append((item, self[name], answer))

    def answers(self) -> dict[int, str]:
        return {
            int(name.removeprefix("question_")): value for name, value in self.cleaned_data.items()
        }


class SharedNoteForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="notes_%s", **kwargs)

    text = forms.CharField(
        label=_("Shared notes"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PrivateNoteForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="private_%s", **kwargs)

    text = forms.CharField(
        label=_("My private note"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=MAX_LINE)
    owner = forms.ChoiceField(label=_("Who"))
    due_date = forms.DateField(label=_("Due"), required=False, widget=DateInput())

    def __init__(self, data=None, *, meeting, me):
        super().__init__(
            data, initial={"owner": str(me.public_id) if me else ""}, auto_id="action_%s"
        )
        self.people = {str(p.public_id): p for p in (meeting.employee, meeting.manager)}
        self.fields["owner"].choices = [(key, p.full_name) for key, p in self.people.items()]

    def chosen_owner(self) -> Person:
        return self.people[self.cleaned_data["owner"]]


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("Report"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 16}),
    )
    rating = forms.ModelChoiceField(
        label=_("Overall judgement"),
        queryset=RatingLevel.objects.none(),
        required=False,
        empty_label=_("— Not decided yet —"),
        widget=forms.RadioSelect,
    )

    def __init__(self, data=None, *, meeting, initial=None):
        super().__init__(data, initial=initial)
        if meeting.kind == MeetingKind.APPRAISAL and meeting.rating_scale_id:
            self.fields["rating"].queryset = RatingLevel.objects.filter(
                scale_id=meeting.rating_scale_id
            ).order_by("value")
            self.fields["rating"].label_from_instance = lambda level: str(level)
        else:
            del self.fields["rating"]


class CorrectionForm(ReportForm):
    reason = forms.CharField(
        label=_("Why the correction"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the new version and shown to everyone who reads the report."),
    )


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Your response"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What you agree or disagree with, in your own words. It is kept with the report."
        ),
    )


class QuoteForm(forms.Form):
    passage = forms.CharField(
        label=_("Passage to quote"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Copy the words exactly as they stand in the notes above. They are added to the "
            "report marked as a quote with their source, and the copy is logged."
        ),
    )


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("For"), choices=CheckInTemplate.Kind.choices)
    questions = forms.CharField(
        label=_("Questions"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One question per line."),
    )

    def __init__(self, data=None, *, template=None, organisation_choice=False, **kwargs):
        initial = kwargs.pop("initial", {})
        if template is not None:
            initial |= {
                "name": template.name,
                "kind": template.kind,
                "questions": "\n".join(
                    q.text for q in template.questions.filter(archived_at__isnull=True)
                ),
            }
        super().__init__(data, initial=initial, **kwargs)
        if template is not None:
            del self.fields["kind"]
        if organisation_choice:
            self.fields["organisation"] = forms.BooleanField(
                label=_("For the whole organisation (HR)"), required=False, initial=True
            )

    def lines(self) -> list[str]:
        return self.cleaned_data["questions"].splitlines()


class ScaleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    levels = forms.CharField(
        label=_("Levels"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One level per line: value | English label | Dutch label, e.g. "
            "“3 | Meets expectations | Voldoet aan de verwachtingen”."
        ),
    )
    is_default = forms.BooleanField(label=_("Default for new appraisals"), required=False)

    def __init__(self, data=None, *, scale=None):
        initial = {}
        if scale is not None:
            initial = {
                "name": scale.name,
                "is_default": scale.is_default,
                "levels": "\n".join(
                    f"{lvl.value} | {lvl.name_en} | {lvl.name_nl}" for lvl in scale.levels.all()
                ),
            }
        super().__init__(data, initial=initial)

    def clean_levels(self) -> list[LevelInput]:
        levels = []
        for number, line in enumerate(self.cleaned_data["levels"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 3 or not parts[0].isdigit():
                raise ValidationError(
                    _("Line %(line)s: write value | English label | Dutch label.")
                    % {"line": number}
                )
            levels.append(LevelInput(int(parts[0]), parts[1], parts[2]))
        return levels


class OverviewForm(forms.Form):
    q = forms.CharField(label=_("Manager's name"), required=False, max_length=100)
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("name", _("By name")), ("fewest", _("Fewest 1:1s first"))],
    )
