"""Every change to feedback, requests, praise and 360° rounds.

Each service checks its policy (PermissionDenied), validates (ValidationError per field,
translated) and writes in one transaction. Anonymous 360° answers are written without their
author and without a time, and no audit entry or notification names who answered.
"""

import datetime
import re
import uuid
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from stip.core.audit import audit_record
from stip.feedback import policies
from stip.feedback.models import (
    MAX_TEXT,
    Answer,
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
    Response,
    Round,
)
from stip.goals.policies import can_view_goal
from stip.people.models import Person

# Control characters other than tab and newline have no place in feedback.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str | None, *, field: str = "text", required: bool = True) -> str:
    """Plain text as a person typed it: trimmed, without control characters, within limits.

    Stip never renders feedback as HTML (templates escape it and keep line breaks), so a
    `<script>` or a `javascript:` link is shown as the characters it is, never run.
    """
    cleaned = _CONTROL.sub("", (text or "").replace("\r\n", "\n")).strip()
    if required and not cleaned:
        raise ValidationError({field: [_("Write something first: empty feedback says nothing.")]})
    if len(cleaned) > MAX_TEXT:
        raise ValidationError(
            {
                field: [
                    _("Keep it under %(limit)d characters (now %(length)d).")
                    % {"limit": MAX_TEXT, "length": len(cleaned)}
                ]
            }
        )
    return cleaned


def _person_of(user) -> Person:
    from stip.core.policies import person_of

    person = person_of(user)
    if person is None:
        raise PermissionDenied
    return person


# --- Feedback ------------------------------------------------------------------------------


@transaction.atomic
def feedback_give(
    *,
    author,
    recipient: Person,
    text: str,
    visibility: str = Feedback.Visibility.RECIPIENT,
    goal=None,
    value: CompanyValue | None = None,
    request: FeedbackRequest | None = None,
) -> Feedback:
    """Give feedback; with `request`, in answer to it (the recipient is then its subject)."""
    person = _person_of(author)
    if request is not None:
        recipient = request.subject
    if not policies.can_give_feedback(author, recipient):
        raise PermissionDenied
    text = clean_text(text)
    if visibility not in Feedback.Visibility.values:
        raise ValidationError({"visibility": [_("Choose who sees this feedback.")]})
    if goal is not None and not can_view_goal(author, goal):
        raise ValidationError({"goal": [_("Choose a goal you can see.")]})
    if value is not None and not value.active:
        raise ValidationError({"value": [_("This value is no longer in use.")]})
    recipient_row = None
    if request is not None:
        recipient_row = (
            RequestRecipient.objects.select_for_update(of=("self",))
            .filter(request=request, respondent=person)
            .first()
        )
        if recipient_row is None:
            raise PermissionDenied
        if recipient_row.status != RequestRecipient.Status.PENDING:
            raise ValidationError({"text": [_("You have already answered this request.")]})
    feedback = Feedback.objects.create(
        author=person,
        recipient=recipient,
        text=text,
        visibility=visibility,
        goal=goal,
        value=value,
        request=request,
    )
    if recipient_row is not None:
        recipient_row.status = RequestRecipient.Status.ANSWERED
        recipient_row.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=author,
        action="feedback.given",
        obj=feedback,
        after={"recipient": str(recipient.public_id), "visibility": visibility},
    )
    return feedback


@transaction.atomic
def feedback_reply(*, feedback: Feedback, author, text: str) -> FeedbackReply:
    if not policies.can_reply_feedback(author, feedback):
        raise PermissionDenied
    return FeedbackReply.objects.create(
        feedback=feedback, author=_person_of(author), text=clean_text(text)
    )


@transaction.atomic
def feedback_mark_helpful(*, feedback: Feedback, actor, helpful: bool = True) -> Feedback:
    if not policies.can_mark_helpful(actor, feedback):
        raise PermissionDenied
    feedback.helpful_at = timezone.now() if helpful else None
    feedback.save(update_fields=["helpful_at", "updated_at"])
    return feedback


@transaction.atomic
def manager_note_write(*, author, subject: Person, text: str) -> ManagerNote:
    if not policies.can_write_manager_note(author, subject):
        raise PermissionDenied
    note = ManagerNote.objects.create(
        author=_person_of(author), subject=subject, text=clean_text(text)
    )
    audit_record(actor=author, action="feedback.manager_note_written", obj=note)
    return note


@transaction.atomic
def manager_note_share(*, note: ManagerNote, actor) -> ManagerNote:
    if not policies.can_share_manager_note(actor, note):
        raise PermissionDenied
    if note.shared_with_hr_at is None:
        note.shared_with_hr_at = timezone.now()
        note.save(update_fields=["shared_with_hr_at", "updated_at"])
        audit_record(actor=actor, action="feedback.manager_note_shared_with_hr", obj=note)
    return note


# --- Requests ------------------------------------------------------------------------------


@transaction.atomic
def feedback_request_create(
    *,
    requester,
    subject: Person,
    question: str,
    respondents: Iterable[Person],
    due_date: datetime.date | None = None,
) -> FeedbackRequest:
    person = _person_of(requester)
    if not policies.can_request_feedback_about(requester, subject):
        raise PermissionDenied
    question = clean_text(question, field="question")
    respondents = {p.pk: p for p in respondents if p.pk not in (person.pk, subject.pk)}
    if not respondents:
        raise ValidationError({"respondents": [_("Choose at least one colleague to ask.")]})
    if any(p.has_left for p in respondents.values()):
        raise ValidationError({"respondents": [_("Someone you chose has left.")]})
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": [_("The due date has already passed.")]})
    request = FeedbackRequest.objects.create(
        requester=person, subject=subject, question=question, due_date=due_date
    )
    RequestRecipient.objects.bulk_create(
        RequestRecipient(request=request, respondent=p) for p in respondents.values()
    )
    audit_record(
        actor=requester,
        action="feedback.request_created",
        obj=request,
        after={"subject": str(subject.public_id), "respondents": len(respondents)},
    )
    return request


@transaction.atomic
def feedback_request_decline(*, request: FeedbackRequest, respondent) -> RequestRecipient:
    person = _person_of(respondent)
    row = (
        RequestRecipient.objects.select_for_update(of=("self",))
        .filter(request=request, respondent=person)
        .first()
    )
    if row is None:
        raise PermissionDenied
    if row.status != RequestRecipient.Status.PENDING:
        raise ValidationError({"status": [_("You have already answered this request.")]})
    row.status = RequestRecipient.Status.DECLINED
    row.save(update_fields=["status", "updated_at"])
    return row


@transaction.atomic
def feedback_request_share(*, request: FeedbackRequest, actor) -> FeedbackRequest:
    """A manager lets the report read the answers to a request about them."""
    if not policies.can_share_request(actor, request):
        raise PermissionDenied
    if request.shared_with_subject_at is None:
        request.shared_with_subject_at = timezone.now()
        request.save(update_fields=["shared_with_subject_at", "updated_at"])
        audit_record(actor=actor, action="feedback.request_shared_with_subject", obj=request)
    return request


# --- Praise and values ---------------------------------------------------------------------


@transaction.atomic
def praise_give(
    *, author, recipient: Person, text: str, value: CompanyValue | None = None
) -> Praise:
    if not policies.can_give_praise(author, recipient):
        raise PermissionDenied
    if value is not None and not value.active:
        raise ValidationError({"value": [_("This value is no longer in use.")]})
    praise = Praise.objects.create(
        author=_person_of(author), recipient=recipient, value=value, text=clean_text(text)
    )
    if value is not None:
        CompanyValue.objects.filter(pk=value.pk).update(praise_count=F("praise_count") + 1)
    return praise


@transaction.atomic
def praise_react(*, praise: Praise, person, kind: str) -> bool:
    """Toggle a reaction; True when it is now there."""
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": [_("Unknown reaction.")]})
    me = _person_of(person)
    deleted, _rows = Reaction.objects.filter(praise=praise, person=me, kind=kind).delete()
    if deleted:
        return False
    Reaction.objects.create(praise=praise, person=me, kind=kind)
    return True


@transaction.atomic
def value_save(
    *,
    actor,
    name_en: str,
    name_nl: str,
    description_en: str = "",
    description_nl: str = "",
    active: bool = True,
    value: CompanyValue | None = None,
) -> CompanyValue:
    if not policies.can_manage_values(actor):
        raise PermissionDenied
    errors = {}
    if not name_en.strip():
        errors["name_en"] = [_("Give the value an English name.")]
    if not name_nl.strip():
        errors["name_nl"] = [_("Give the value a Dutch name.")]
    if errors:
        raise ValidationError(errors)
    value = value or CompanyValue(position=CompanyValue.objects.count())
    before = None if value.pk is None else {"name_en": value.name_en, "active": value.active}
    value.name_en, value.name_nl = name_en.strip(), name_nl.strip()
    value.description_en, value.description_nl = description_en.strip(), description_nl.strip()
    value.active = active
    if before is None:
        value.save()
    else:
        # Not `praise_count`: praise given meanwhile counted it in the database.
        value.save(
            update_fields=[
                "name_en",
                "name_nl",
                "description_en",
                "description_nl",
                "active",
                "updated_at",
            ]
        )
    audit_record(
        actor=actor,
        action="feedback.value_saved",
        obj=value,
        before=before,
        after={"name_en": value.name_en, "active": active},
    )
    return value


# --- 360° rounds ---------------------------------------------------------------------------


def _name_errors(name_en: str, name_nl: str) -> dict[str, list[str]]:
    errors = {}
    if not (name_en or "").strip():
        errors["name_en"] = [_("Give it an English name.")]
    if not (name_nl or "").strip():
        errors["name_nl"] = [_("Give it a Dutch name.")]
    return errors


@transaction.atomic
def rating_scale_create(*, actor, name_en: str, name_nl: str, levels: list[tuple[str, str]]):
    """A scale with labelled levels 1…n, each (English label, Dutch label)."""
    if not policies.can_manage_question_sets(actor):
        raise PermissionDenied
    errors = _name_errors(name_en, name_nl)
    levels = [(en.strip(), nl.strip()) for en, nl in levels]
    if len(levels) < 2:
        errors["levels"] = [_("A scale needs at least two levels.")]
    elif not all(en and nl for en, nl in levels):
        errors["levels"] = [_("Label every level in English and in Dutch.")]
    if errors:
        raise ValidationError(errors)
    scale = RatingScale.objects.create(name_en=name_en.strip(), name_nl=name_nl.strip())
    RatingLevel.objects.bulk_create(
        RatingLevel(scale=scale, value=n, name_en=en, name_nl=nl)
        for n, (en, nl) in enumerate(levels, start=1)
    )
    return scale


@transaction.atomic
def question_set_create(*, actor, name_en: str, name_nl: str, questions: list[dict]) -> QuestionSet:
    """questions: [{"kind": "rating"|"open", "text_en", "text_nl", "scale": RatingScale}]"""
    if not policies.can_manage_question_sets(actor):
        raise PermissionDenied
    errors = _name_errors(name_en, name_nl)
    if not questions:
        errors["questions"] = [_("Add at least one question.")]
    for position, data in enumerate(questions):
        kind = data.get("kind")
        if kind not in Question.Kind.values:
            errors[f"questions.{position}.kind"] = [_("Choose a rating or an open question.")]
        elif kind == Question.Kind.RATING and data.get("scale") is None:
            errors[f"questions.{position}.scale"] = [_("Choose a scale.")]
        for field in ("text_en", "text_nl"):
            if not (data.get(field) or "").strip():
                errors[f"questions.{position}.{field}"] = [
                    _("Write the question in English and in Dutch.")
                ]
    if errors:
        raise ValidationError(errors)
    question_set = QuestionSet.objects.create(name_en=name_en.strip(), name_nl=name_nl.strip())
    rows = []
    for position, data in enumerate(questions):
        kind = data["kind"]
        rows.append(
            Question(
                question_set=question_set,
                kind=kind,
                text_en=data["text_en"].strip(),
                text_nl=data["text_nl"].strip(),
                scale=data.get("scale") if kind == Question.Kind.RATING else None,
                position=position,
            )
        )
    Question.objects.bulk_create(rows)
    audit_record(actor=actor, action="feedback.question_set_created", obj=question_set)
    return question_set


@transaction.atomic
def round_start(
    *,
    actor,
    subject: Person,
    question_set: QuestionSet,
    closes_on: datetime.date,
    respondents: Mapping[str, Iterable[Person]],
    anonymous_perspectives: Iterable[str] = (Perspective.PEER, Perspective.REPORT),
) -> Round:
    """Start a 360° round. The subject answers too (self-evaluation), and so does their
    manager unless `respondents` names the manager elsewhere."""
    starter = _person_of(actor)
    if not policies.can_start_round(actor, subject):
        raise PermissionDenied
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": [_("The closing date has already passed.")]})
    if not question_set.active:
        raise ValidationError({"question_set": [_("This question set is no longer in use.")]})
    anonymous = set(anonymous_perspectives) - {Perspective.SELF, Perspective.MANAGER}
    round_ = Round.objects.create(
        subject=subject,
        started_by=starter,
        question_set=question_set,
        closes_on=closes_on,
        anonymous_perspectives=",".join(sorted(anonymous)),
    )
    chosen: dict[int, tuple[Person, str]] = {subject.pk: (subject, Perspective.SELF)}
    if subject.manager_id and not subject.manager.has_left:
        chosen[subject.manager_id] = (subject.manager, Perspective.MANAGER)
    for perspective, people in respondents.items():
        if perspective not in Perspective.values or perspective == Perspective.SELF:
            raise ValidationError({"respondents": [_("Unknown perspective.")]})
        for person in people:
            if person.pk != subject.pk and not person.has_left:
                chosen.setdefault(person.pk, (person, perspective))
    Participant.objects.bulk_create(
        Participant(round=round_, person=person, perspective=perspective)
        for person, perspective in chosen.values()
    )
    audit_record(
        actor=actor,
        action="feedback.round_started",
        obj=round_,
        after={"subject": str(subject.public_id), "participants": len(chosen)},
    )
    return round_


@transaction.atomic
def round_answer(
    *, round_: Round, respondent, ratings: Mapping[int, int], texts: Mapping[int, str]
) -> None:
    """Answer a round. `ratings` and `texts` map question ids to the answers.

    For an anonymous perspective the response is stored without author and time, and the
    participant row only learns `answered = True`: nothing links the two.
    """
    person = _person_of(respondent)
    # The round first, then the participant: answers to one round queue on the round's lock, so
    # the update of all its participants below never waits for a row another answer holds.
    locked_round = Round.objects.select_for_update(of=("self",)).get(pk=round_.pk)
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .filter(round=round_, person=person)
        .first()
    )
    if participant is None:
        raise PermissionDenied
    # Past its closing date a round takes no answers, even before `close_due_rounds` ran.
    if locked_round.status != Round.Status.OPEN or locked_round.closes_on < timezone.localdate():
        raise ValidationError({"round": [_("This round is closed and takes no more answers.")]})
    if participant.answered:
        raise ValidationError({"round": [_("You have already answered this round.")]})
    questions = {q.pk: q for q in locked_round.question_set.questions.select_related("scale")}
    scale_values = {
        scale_id: set(RatingLevel.objects.filter(scale_id=scale_id).values_list("value", flat=True))
        for scale_id in {q.scale_id for q in questions.values() if q.scale_id}
    }
    errors: dict[str, list[str]] = {}
    answers: list[Answer] = []
    for question in questions.values():
        if question.kind == Question.Kind.RATING:
            rating = ratings.get(question.pk)
            if rating is None:
                continue
            if rating not in scale_values[question.scale_id]:
                errors[f"rating_{question.pk}"] = [_("Choose one of the levels.")]
                continue
            answers.append(Answer(question=question, rating=rating))
        else:
            try:
                text = clean_text(texts.get(question.pk), required=False)
            except ValidationError:
                errors[f"text_{question.pk}"] = [
                    _("Keep it under %(limit)d characters.") % {"limit": MAX_TEXT}
                ]
                continue
            if text:
                answers.append(Answer(question=question, text=text))
    if errors:
        raise ValidationError(errors)
    if not answers:
        raise ValidationError({"round": [_("Answer at least one question.")]})
    anonymous = locked_round.is_anonymous(participant.perspective)
    response = Response.objects.create(
        round=locked_round,
        perspective=participant.perspective,
        author=None if anonymous else person,
        token=uuid.uuid4(),
    )
    for answer in answers:
        answer.response = response
    Answer.objects.bulk_create(answers)
    # Every participant row of the round is written, not only the respondent's: PostgreSQL
    # stamps a row with the transaction that last wrote it (`xmin`), which would otherwise be
    # shared by the new response and exactly one participant.
    Participant.objects.filter(round=locked_round).update(
        answered=Case(When(pk=participant.pk, then=Value(True)), default=F("answered"))
    )


@transaction.atomic
def round_decline(*, round_: Round, respondent) -> None:
    """Say no to an invitation. Someone who answered already, or a round that is closed, is
    refused (a ValidationError); someone who was not asked, PermissionDenied."""
    person = _person_of(respondent)
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .filter(round=round_, person=person)
        .first()
    )
    if participant is None:
        raise PermissionDenied
    if participant.answered:
        raise ValidationError({"round": [_("You have already answered this round.")]})
    if round_.status != Round.Status.OPEN:
        raise ValidationError({"round": [_("This round is closed and takes no more answers.")]})
    if not participant.declined:
        Participant.objects.filter(pk=participant.pk).update(declined=True)


@transaction.atomic
def round_close(*, round_: Round, actor, release: bool = False) -> Round:
    """Close the round for answers; with `release`, also show the result to the subject now.
    (Releasing always closes: a result that could still change would let someone compare it
    before and after one more answer.)"""
    if not policies.can_manage_round(actor, round_):
        raise PermissionDenied
    locked = Round.objects.select_for_update(of=("self",)).get(pk=round_.pk)
    now = timezone.now()
    fields = []
    if locked.status == Round.Status.OPEN:
        locked.status = Round.Status.CLOSED
        locked.closed_at = now
        fields += ["status", "closed_at"]
    if release and locked.released_at is None:
        locked.released_at = now
        fields.append("released_at")
    if fields:
        locked.save(update_fields=[*fields, "updated_at"])
        audit_record(
            actor=actor,
            action="feedback.round_released" if release else "feedback.round_closed",
            obj=locked,
        )
    return locked


def close_due_rounds(*, today: datetime.date | None = None) -> int:
    """Close every open round whose closing date has passed (run daily by the worker)."""
    today = today or timezone.localdate()
    return Round.objects.filter(status=Round.Status.OPEN, closes_on__lt=today).update(
        status=Round.Status.CLOSED, closed_at=timezone.now()
    )
