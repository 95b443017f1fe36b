"""The feedback pages' forms. They parse what a person typed; the services decide what is allowed
and valid, and `apply_errors` puts the services' messages next to the fields they name.

People are chosen with a search (`_picker.html`): the form fields take public ids, and the
choices are never rendered as one long list (that would be 100,000 options)."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stip.core.policies import person_of
from stip.feedback.models import (
    MAX_TEXT,
    CompanyValue,
    Feedback,
    Perspective,
    Question,
    QuestionSet,
    RatingScale,
)
from stip.goals import queries as goal_queries
from stip.goals.models import Goal
from stip.people.models import Person

# How many of the recipient's goals the "about the goal" list offers, open ones first.
GOAL_CHOICES = 100
# How many people one picker keeps chosen (a request or a perspective of a 360° round).
MAX_CHOSEN = 50
MAX_LEVELS = 7
MAX_QUESTIONS = 10


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def parse_uuid(raw) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def people_to_choose(actor):
    """Whom a picker accepts: people who work here (and whom the actor may see)."""
    return Person.objects.visible_to(actor).current()


def chosen_people(actor, raw_ids) -> list[Person]:
    """The people behind the public ids a picker holds, in name order: one query."""
    ids = [i for i in (parse_uuid(raw) for raw in list(raw_ids)[:MAX_CHOSEN]) if i]
    if not ids:
        return []
    return list(
        people_to_choose(actor)
        .filter(public_id__in=ids)
        .select_related("team")
        .order_by("last_name", "first_name", "pk")
    )


class PersonField(forms.ModelChoiceField):
    """One person, by public id, chosen with the search picker."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Person.objects.none())
        super().__init__(to_field_name="public_id", widget=forms.HiddenInput, **kwargs)
        self.error_messages["invalid_choice"] = _("Choose someone who works here.")
        self.error_messages["required"] = _("Choose a person.")


class PeopleField(forms.ModelMultipleChoiceField):
    """Several people, by public id, chosen with the search picker."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Person.objects.none())
        super().__init__(to_field_name="public_id", **kwargs)
        self.error_messages["invalid_choice"] = _("Choose people who work here.")
        self.error_messages["invalid_pk_value"] = _("Choose people who work here.")

    def clean(self, value):
        if value and len(value) > MAX_CHOSEN:
            raise ValidationError(
                _("Choose at most %(limit)d people.") % {"limit": MAX_CHOSEN}, code="too_many"
            )
        return super().clean(value)


def _text(label, *, rows=5, required=False, help_text=""):
    # Not `required` nor `max_length` here: the service says what is wrong, in its words.
    return forms.CharField(
        label=label,
        required=required,
        strip=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": MAX_TEXT + 1000}),
    )


def value_choices():
    return CompanyValue.objects.filter(active=True).order_by("position", "name_en", "pk")


class FeedbackForm(forms.Form):
    recipient = PersonField(label=_("To"))
    text = _text(
        _("Your feedback"),
        rows=7,
        help_text=_("Be specific: what happened, what it did, what could be next."),
    )
    visibility = forms.ChoiceField(
        label=_("Who sees it"),
        choices=Feedback.Visibility.choices,
        initial=Feedback.Visibility.RECIPIENT,
        widget=forms.RadioSelect,
    )
    goal = forms.ModelChoiceField(
        label=_("About a goal (optional)"),
        queryset=Goal.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— No goal —"),
    )
    value = forms.ModelChoiceField(
        label=_("Company value (optional)"),
        queryset=CompanyValue.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— No value —"),
    )

    def __init__(self, data=None, *, actor, recipient: Person | None = None):
        initial = {"recipient": recipient.public_id} if recipient is not None else {}
        super().__init__(data, initial=initial)
        self.actor = actor
        me = person_of(actor)
        people = people_to_choose(actor)
        if me is not None:
            people = people.exclude(pk=me.pk)
        self.fields["recipient"].queryset = people
        self.fields["value"].queryset = value_choices()
        self.recipient = recipient
        if self.is_bound:
            chosen = chosen_people(actor, [data.get("recipient", "")])
            self.recipient = chosen[0] if chosen else None
        self.set_goal_choices(self.recipient)

    def set_goal_choices(self, recipient: Person | None) -> None:
        field = self.fields["goal"]
        if recipient is None:
            field.queryset = Goal.objects.none()
            field.choices = [("", _("— Choose the person first —"))]
            return
        goals = goal_queries.goals_of(
            self.actor, recipient, period=goal_queries.parse_period("all")
        )
        field.queryset = goals
        field.choices = [("", _("— No goal —"))] + [
            (g.public_id, g.title) for g in goals[:GOAL_CHOICES]
        ]

    @property
    def chosen(self) -> list[Person]:
        return [self.recipient] if self.recipient is not None else []


class AnswerForm(forms.Form):
    """An answer to a feedback request: feedback to its subject."""

    text = _text(_("Your answer"), rows=7)
    visibility = forms.ChoiceField(
        label=_("Who else sees it"),
        choices=Feedback.Visibility.choices,
        initial=Feedback.Visibility.RECIPIENT,
        widget=forms.RadioSelect,
    )


class TextForm(forms.Form):
    text = _text(_("Text"), rows=3)

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["text"].label = label


def subject_choices(actor, *, extra: Person | None = None):
    """Whom a request or a round can be about on this form: me, my direct reports, and the
    person the form was opened for. Never the whole reporting line: a director's would be
    thousands of options."""
    me = person_of(actor)
    condition = Q(pk=me.pk) | Q(manager=me) if me is not None else Q(pk__in=[])
    if extra is not None:
        condition |= Q(pk=extra.pk)
    return (
        Person.objects.visible_to(actor)
        .current()
        .filter(condition)
        .only("public_id", "first_name", "last_name")
        .order_by("last_name", "first_name", "pk")
    )


class SubjectLabelMixin:
    def label_subject(self, field_name: str, me: Person | None) -> None:
        field = self.fields[field_name]
        field.label_from_instance = lambda p: (
            _("Me (%(name)s)") % {"name": p.full_name}
            if me is not None and p.pk == me.pk
            else p.full_name
        )


class RequestForm(SubjectLabelMixin, forms.Form):
    # Left out, the request is about the one who asks.
    subject = forms.ModelChoiceField(
        label=_("Feedback about"),
        queryset=Person.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=None,
    )
    question = _text(
        _("What would you like to know?"),
        rows=4,
        help_text=_("For example: “How did I do in the client meeting on Tuesday?”"),
    )
    due_date = forms.DateField(label=_("Answer by (optional)"), required=False, widget=DateInput())
    respondents = PeopleField(label=_("Whom do you ask?"), required=False)

    def __init__(self, data=None, *, actor, about: Person | None = None):
        me = person_of(actor)
        subject = about or me
        initial = {"subject": subject.public_id} if subject is not None else {}
        super().__init__(data, initial=initial)
        self.actor = actor
        self.fields["subject"].queryset = subject_choices(actor, extra=about)
        self.label_subject("subject", me)
        self.fields["respondents"].queryset = people_to_choose(actor)
        self.chosen = chosen_people(actor, data.getlist("respondents")) if self.is_bound else []
        self.me = me

    def clean_subject(self):
        return self.cleaned_data.get("subject") or self.me


class PraiseForm(forms.Form):
    recipient = PersonField(label=_("Who do you want to praise?"))
    value = forms.ModelChoiceField(
        label=_("Which company value did they show?"),
        queryset=CompanyValue.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("— No particular value —"),
    )
    text = _text(_("What did they do?"), rows=4)

    def __init__(self, data=None, *, actor, recipient: Person | None = None):
        initial = {"recipient": recipient.public_id} if recipient is not None else {}
        super().__init__(data, initial=initial)
        me = person_of(actor)
        people = people_to_choose(actor)
        if me is not None:
            people = people.exclude(pk=me.pk)
        self.fields["recipient"].queryset = people
        self.fields["value"].queryset = value_choices()
        self.recipient = recipient
        if self.is_bound:
            chosen = chosen_people(actor, [data.get("recipient", "")])
            self.recipient = chosen[0] if chosen else None

    @property
    def chosen(self) -> list[Person]:
        return [self.recipient] if self.recipient is not None else []


class PraiseFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=None,
        to_field_name="public_id",
        required=False,
        empty_label=_("All teams"),
    )
    value = forms.ModelChoiceField(
        label=_("Company value"),
        queryset=None,
        to_field_name="public_id",
        required=False,
        empty_label=_("All values"),
    )

    def __init__(self, *args, **kwargs):
        from stip.people.queries import teams_for_filter

        super().__init__(*args, **kwargs)
        chosen = parse_uuid(self.data.get("team")) if self.is_bound else None
        self.fields["team"].queryset = teams_for_filter(chosen)
        # Inactive values too: old praise can still be found by the value it was given for.
        self.fields["value"].queryset = CompanyValue.objects.order_by("-active", "position", "pk")


class ValueForm(forms.Form):
    name_en = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    name_nl = forms.CharField(label=_("Name (Dutch)"), max_length=120, required=False)
    description_en = forms.CharField(
        label=_("Description (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_nl = forms.CharField(
        label=_("Description (Dutch)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class QuestionSetForm(forms.Form):
    name_en = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    name_nl = forms.CharField(label=_("Name (Dutch)"), max_length=120, required=False)
    scale = forms.ModelChoiceField(
        label=_("Rating scale"),
        queryset=RatingScale.objects.order_by("name_en", "pk"),
        to_field_name="public_id",
        required=False,
        empty_label=_("A new scale, with the levels below"),
    )
    scale_name_en = forms.CharField(
        label=_("New scale's name (English)"), max_length=120, required=False
    )
    scale_name_nl = forms.CharField(
        label=_("New scale's name (Dutch)"), max_length=120, required=False
    )


class LevelForm(forms.Form):
    label_en = forms.CharField(label=_("Label (English)"), max_length=120, required=False)
    label_nl = forms.CharField(label=_("Label (Dutch)"), max_length=120, required=False)

    def filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("label_en", "").strip() or data.get("label_nl", "").strip())


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Question.Kind.choices,
        initial=Question.Kind.RATING,
    )
    text_en = forms.CharField(label=_("Question (English)"), max_length=300, required=False)
    text_nl = forms.CharField(label=_("Question (Dutch)"), max_length=300, required=False)

    def filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("text_en", "").strip() or data.get("text_nl", "").strip())


class _RowFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        # The rows are a table: each input names its column and row for screen readers.
        form = super()._construct_form(i, **kwargs)
        for field in form.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label} ({i + 1})"
        return form

    def filled(self) -> list[tuple[int, forms.Form]]:
        return [(i, f) for i, f in enumerate(self.forms) if f.is_valid() and f.filled()]


LevelFormSet = forms.formset_factory(
    LevelForm,
    formset=_RowFormSet,
    extra=MAX_LEVELS,
    max_num=MAX_LEVELS,
    absolute_max=MAX_LEVELS,
)
QuestionFormSet = forms.formset_factory(
    QuestionForm,
    formset=_RowFormSet,
    extra=MAX_QUESTIONS,
    max_num=MAX_QUESTIONS,
    absolute_max=MAX_QUESTIONS,
)


# The perspectives someone chooses respondents for; self and manager are added by the service.
CHOSEN_PERSPECTIVES = (Perspective.PEER, Perspective.REPORT, Perspective.OTHER)


class RoundForm(SubjectLabelMixin, forms.Form):
    subject = forms.ModelChoiceField(
        label=_("360° feedback about"),
        queryset=Person.objects.none(),
        to_field_name="public_id",
    )
    question_set = forms.ModelChoiceField(
        label=_("Questions"),
        queryset=QuestionSet.objects.none(),
        to_field_name="public_id",
        empty_label=_("— Choose a question set —"),
    )
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput())
    peer = PeopleField(label=_("Peers"), required=False)
    report = PeopleField(label=_("Direct reports"), required=False)
    other = PeopleField(label=_("Others"), required=False)
    anonymous = forms.MultipleChoiceField(
        label=_("Anonymous answers from"),
        choices=[(p, Perspective(p).label) for p in CHOSEN_PERSPECTIVES],
        initial=[Perspective.PEER, Perspective.REPORT],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Anonymous answers are stored without their author and shown only as an average "
            "of at least three people. The self-evaluation and the manager's answers are always "
            "named."
        ),
    )

    def __init__(self, data=None, *, actor, about: Person | None = None, reports=()):
        me = person_of(actor)
        subject = about or me
        initial = {}
        if subject is not None:
            initial["subject"] = subject.public_id
        super().__init__(data, initial=initial)
        self.actor = actor
        self.fields["subject"].queryset = subject_choices(actor, extra=about)
        self.label_subject("subject", me)
        self.fields["question_set"].queryset = QuestionSet.objects.filter(active=True).order_by(
            "name_en", "pk"
        )
        for name in CHOSEN_PERSPECTIVES:
            self.fields[name].queryset = people_to_choose(actor)
        if self.is_bound:
            self.chosen = {
                name: chosen_people(actor, data.getlist(name)) for name in CHOSEN_PERSPECTIVES
            }
        else:
            self.chosen = {name: [] for name in CHOSEN_PERSPECTIVES}
            # The subject's direct reports are the obvious "reports" to ask.
            self.chosen[Perspective.REPORT] = list(reports)

    @property
    def pickers(self):
        return [(self[name], self.chosen[name]) for name in CHOSEN_PERSPECTIVES]


class RoundAnswerForm(forms.Form):
    """One field per question: the labelled levels as radio buttons, or a text box."""

    def __init__(self, data=None, *, questions: list[Question], levels: dict[int, list]):
        super().__init__(data)
        self.questions = questions
        for question in questions:
            if question.kind == Question.Kind.RATING:
                self.fields[f"rating_{question.pk}"] = forms.TypedChoiceField(
                    label=question.text,
                    choices=[
                        (level.value, f"{level.value} · {level.name}")
                        for level in levels.get(question.scale_id, [])
                    ],
                    coerce=int,
                    required=False,
                    widget=forms.RadioSelect,
                )
            else:
                self.fields[f"text_{question.pk}"] = _text(question.text, rows=4)

    def ratings(self) -> dict[int, int]:
        data = self.cleaned_data
        return {
            q.pk: data[f"rating_{q.pk}"]
            for q in self.questions
            if q.kind == Question.Kind.RATING and data.get(f"rating_{q.pk}") not in (None, "")
        }

    def texts(self) -> dict[int, str]:
        data = self.cleaned_data
        return {
            q.pk: data.get(f"text_{q.pk}", "")
            for q in self.questions
            if q.kind == Question.Kind.OPEN
        }

    @property
    def rows(self):
        return [
            (q, self[f"rating_{q.pk}"] if q.kind == Question.Kind.RATING else self[f"text_{q.pk}"])
            for q in self.questions
        ]


def apply_errors(error: ValidationError, form: forms.Form, formsets=None) -> None:
    """Put a service's ValidationError next to the fields it names.

    `<rows>.<i>.<field>` goes to the i-th filled-in row of the formset named `<rows>`
    (`formsets` maps the name to (formset, [row index of the i-th filled row])); a name the
    form does not have becomes a message at the top of the form.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        parts = name.split(".")
        if formsets and parts[0] in formsets and len(parts) == 3:
            formset, rows = formsets[parts[0]]
            index = int(parts[1])
            row = formset.forms[rows[index]] if index < len(rows) else None
            field = {"scale": None}.get(parts[2], parts[2])
            if row is not None and (field is None or field in row.fields):
                for message in messages:
                    row.add_error(field, message)
                continue
        field = name if name in form.fields else None
        for message in messages:
            form.add_error(field, message)
