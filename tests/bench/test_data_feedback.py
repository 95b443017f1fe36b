"""The benchmark's feedback rows: about as many as asked, the same on every run, consistent with
what the services would have written (anonymity of 360° answers included), nothing after a
leaver left, and objects for the pages that their personas may see."""

import dataclasses
import datetime
from collections import Counter

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from bench import data, data_feedback
from stip.core.models import User
from stip.feedback import policies, queries
from stip.feedback.anonymity import anonymity_minimum
from stip.feedback.models import (
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
from stip.people.demo import seed_generated_organisation
from stip.people.models import Person

pytestmark = pytest.mark.django_db

PEOPLE = 200
ROWS = PEOPLE * 25

# Children before parents, so that no protected row is still referenced.
MODELS = (
    Answer,
    Response,
    Participant,
    Round,
    Question,
    QuestionSet,
    RatingLevel,
    RatingScale,
    Reaction,
    Praise,
    ManagerNote,
    FeedbackReply,
    Feedback,
    RequestRecipient,
    FeedbackRequest,
    CompanyValue,
)


@pytest.fixture
def ctx():
    organisation = seed_generated_organisation(people=PEOPLE, seed=3)
    return data.context_for(organisation, seed=3)


@pytest.fixture
def written(ctx):
    return data_feedback.generate(ctx, ROWS)


def users() -> dict[str, User]:
    return {
        role: User.objects.get(email=f"{role}@stip.example")
        for role in ("employee", "manager", "hr")
    }


# What the rows say, without their ids and times: the fields compared between two runs.
FINGERPRINT = {
    Feedback: (
        "public_id",
        "author",
        "recipient",
        "text",
        "visibility",
        "value__name_en",
        "request__public_id",
    ),
    FeedbackRequest: ("public_id", "requester", "subject", "question", "due_date"),
    RequestRecipient: ("request__public_id", "respondent", "status"),
    FeedbackReply: ("public_id", "feedback__public_id", "author", "text"),
    ManagerNote: ("public_id", "author", "subject", "text"),
    Praise: ("public_id", "author", "recipient", "value__name_en", "text"),
    Reaction: ("praise__public_id", "person", "kind"),
    Round: ("public_id", "subject", "started_by", "status", "closes_on", "anonymous_perspectives"),
    Participant: ("round__public_id", "person", "perspective", "answered", "declined"),
    Response: ("round__public_id", "perspective", "author", "token"),
    Answer: ("response__token", "question__text_en", "rating", "text"),
}


def fingerprint() -> dict:
    return {
        model.__name__: list(model.objects.order_by("pk").values_list(*fields))
        for model, fields in FINGERPRINT.items()
    }


def test_it_writes_about_the_rows_asked_for(written):
    counted = sum(model.objects.count() for model in MODELS)

    assert counted == written
    assert 0.85 * ROWS <= written <= 1.15 * ROWS
    # Every kind of row is there.
    assert all(model.objects.exists() for model in MODELS)


def test_the_same_seed_gives_the_same_rows_all_day(ctx, written):
    first = fingerprint()
    for model in MODELS:
        model.objects.all().delete()
    early = timezone.make_aware(datetime.datetime.combine(ctx.today, datetime.time(0, 5)))

    again = data_feedback.generate(dataclasses.replace(ctx, now=early), ROWS)

    assert again == written
    assert fingerprint() == first


def test_values_and_question_sets_in_both_languages(written):
    values = CompanyValue.objects.all()
    assert 4 <= values.filter(active=True).count() <= 6
    assert all(value.name_en and value.name_nl and value.description_nl for value in values)
    assert values.filter(public_id=data_feedback.value_public_id(data_feedback.BUSIEST_VALUE))
    assert all(q.text_en and q.text_nl for q in Question.objects.all())
    for scale in RatingScale.objects.all():
        assert list(scale.levels.values_list("value", flat=True)) == [1, 2, 3, 4, 5]
    assert QuestionSet.objects.filter(active=False).exists()


def test_feedback_answers_and_replies_agree_with_the_services(written):
    answered = RequestRecipient.objects.filter(status=RequestRecipient.Status.ANSWERED)
    answers = Feedback.objects.filter(request__isnull=False)
    assert answers.count() == answered.count()
    assert not answers.exclude(recipient=F("request__subject")).exists()
    pairs = set(answered.values_list("request", "respondent"))
    assert set(answers.values_list("request", "author")) == pairs
    assert not RequestRecipient.objects.filter(
        Q(respondent=F("request__requester")) | Q(respondent=F("request__subject"))
    ).exists()
    # Shared only by a manager who asked about someone else, once someone answered.
    shared = FeedbackRequest.objects.filter(shared_with_subject_at__isnull=False)
    assert not shared.filter(requester=F("subject")).exists()
    assert all(r.answers.exists() for r in shared)
    # Replies by the feedback's author or recipient, after it; marks of helpfulness only by
    # a recipient the feedback reaches.
    assert not FeedbackReply.objects.exclude(
        Q(author=F("feedback__author")) | Q(author=F("feedback__recipient"))
    ).exists()
    assert not FeedbackReply.objects.filter(created_at__lt=F("feedback__created_at")).exists()
    helpful = Feedback.objects.filter(helpful_at__isnull=False)
    assert helpful.exists()
    assert not helpful.filter(helpful_at__lt=F("created_at")).exists()
    for feedback in helpful.select_related("request", "recipient__user"):
        assert policies.can_mark_helpful(feedback.recipient.user, feedback)
    visibilities = Counter(Feedback.objects.values_list("visibility", flat=True))
    assert set(visibilities) == set(Feedback.Visibility.values)
    assert Feedback.objects.filter(value__isnull=False).exists()


def test_notes_are_written_by_the_chain_and_praise_has_reactions(written):
    for note in ManagerNote.objects.select_related("author", "subject"):
        assert note.subject.is_under(note.author)
    assert ManagerNote.objects.filter(shared_with_hr_at__isnull=False).exists()
    assert not Reaction.objects.filter(person=F("praise__author")).exists()
    reacted = Praise.objects.annotate(n=Count("reactions")).filter(n__gt=0).count()
    assert reacted > Praise.objects.count() / 2
    days = Praise.objects.dates("created_at", "month")
    assert len(days) >= 12


def test_each_value_knows_its_praise_as_the_services_count_it(written):
    values = CompanyValue.objects.annotate(praised=Count("praise"))
    assert sum(value.praised for value in values) == Praise.objects.exclude(value=None).count() > 0
    assert all(value.praise_count == value.praised for value in values)


def test_nothing_is_dated_in_the_future(ctx, written):
    for model in (
        FeedbackRequest,
        RequestRecipient,
        Feedback,
        FeedbackReply,
        ManagerNote,
        Praise,
        Round,
    ):
        assert not model.objects.filter(created_at__gt=ctx.now).exists(), model
        assert not model.objects.filter(updated_at__gt=ctx.now).exists(), model
        assert not model.objects.filter(updated_at__lt=F("created_at")).exists(), model
    assert not Round.objects.filter(released_at__gt=ctx.now).exists()


def test_leavers_get_nothing_after_they_left(ctx, written):
    leavers = [person for person in ctx.staff if person.end_date is not None]
    assert leavers
    for person in leavers:
        after = {"created_at__date__gt": person.end_date}
        assert not Feedback.objects.filter(
            Q(author=person.id) | Q(recipient=person.id), **after
        ).exists()
        assert not FeedbackReply.objects.filter(author=person.id, **after).exists()
        assert not FeedbackRequest.objects.filter(
            Q(requester=person.id) | Q(subject=person.id), **after
        ).exists()
        assert not RequestRecipient.objects.filter(
            respondent=person.id, updated_at__date__gt=person.end_date
        ).exists()
        assert not ManagerNote.objects.filter(
            Q(author=person.id) | Q(subject=person.id), **after
        ).exists()
        assert not Praise.objects.filter(
            Q(author=person.id) | Q(recipient=person.id), **after
        ).exists()
        assert not Reaction.objects.filter(
            person=person.id, praise__created_at__date__gt=person.end_date
        ).exists()
        assert not Participant.objects.filter(
            person=person.id, round__created_at__date__gt=person.end_date
        ).exists()


def test_360_answers_are_stored_as_the_services_store_them(ctx, written):
    rounds = Round.objects.select_related("question_set")
    assert {r.status for r in rounds} == {Round.Status.OPEN, Round.Status.CLOSED}
    assert rounds.filter(released_at__isnull=False).exists()
    assert rounds.filter(status=Round.Status.CLOSED, released_at__isnull=True).exists()
    assert not rounds.filter(status=Round.Status.OPEN, closes_on__lt=ctx.today).exists()
    assert not rounds.filter(status=Round.Status.OPEN, closed_at__isnull=False).exists()
    assert not rounds.filter(status=Round.Status.CLOSED, closed_at__isnull=True).exists()
    assert not rounds.filter(released_at__lt=F("closed_at")).exists()
    assert not Participant.objects.filter(answered=True, declined=True).exists()
    perspectives = set(Participant.objects.values_list("perspective", flat=True))
    assert perspectives == set(Perspective.values)
    minimum = anonymity_minimum()
    for round_ in rounds:
        participants = list(round_.participants.all())
        assert [p.person_id for p in participants if p.perspective == Perspective.SELF] == [
            round_.subject_id
        ]
        answered = Counter(p.perspective for p in participants if p.answered)
        responses = list(round_.responses.order_by("pk"))
        assert Counter(r.perspective for r in responses) == answered
        # Ids follow the random token, not the participants (nor anyone's moment of answering).
        assert [r.token for r in responses] == sorted(r.token for r in responses)
        named = {(p.person_id, p.perspective) for p in participants if p.answered}
        for response in responses:
            if round_.is_anonymous(response.perspective):
                assert response.author_id is None
            else:
                assert (response.author_id, response.perspective) in named
        questions = {q.pk: q for q in round_.question_set.questions.all()}
        for response in responses:
            answers = list(response.answers.all())
            assert answers
            for answer in answers:
                question = questions[answer.question_id]
                if question.kind == Question.Kind.RATING:
                    assert 1 <= answer.rating <= 5 and answer.text == ""
                else:
                    assert answer.rating is None and answer.text
        if round_.status == Round.Status.CLOSED:
            result = queries.round_result(round_)
            assert all(g.count >= minimum for g in result.plan.shown if g.anonymous)


def test_the_pages_objects_are_there_for_their_personas(ctx, written):
    people = users()
    employee, manager, hr = people["employee"], people["manager"], people["hr"]
    found = data_feedback.objects()

    assert all(obj is not None for obj in found.values()), found
    feedback = found["feedback"]
    for user in (employee, manager):
        assert policies.can_view_feedback(user, feedback)
    assert feedback.replies.count() >= 4
    request = found["feedback_request"]
    for user in (employee, manager):
        assert policies.requests_visible_to(FeedbackRequest.objects.filter(pk=request.pk), user)
    assert request.answers.count() >= 2
    report = found["noted_report"]
    assert policies.can_write_manager_note(manager, report)
    assert queries.manager_notes_about(manager, report).count() >= 6
    assert queries.manager_notes_about(hr, report).exists()
    for key, result_for in (
        ("round_released", (employee, manager, hr)),
        ("round_of_manager", (manager, hr)),
        ("round_open", ()),
    ):
        round_ = found[key]
        for user in (employee, manager, hr):
            assert policies.rounds_visible_to(Round.objects.filter(pk=round_.pk), user), key
            assert policies.can_view_result(user, round_) == (user in result_for), (key, user)
    released = found["round_released"]
    assert released.subject == employee.person
    result = queries.round_result(released)
    assert {g.key for g in result.plan.shown} >= {Perspective.SELF, Perspective.PEER}
    invitation = found["round_open"].participants.get(person=employee.person)
    assert not invitation.answered and not invitation.declined
    assert found["round_open"].closes_on >= ctx.today
    assert found["value"].active and found["value"].praise.exists()
    assert found["question_set"].active
    # Every persona's lists have rows, so that their pages run the same queries at any size.
    for user in (employee, manager, hr):
        me = user.person
        assert Feedback.objects.filter(author=me).exists()
        assert Feedback.objects.filter(recipient=me, request=None).exists()
        assert FeedbackRequest.objects.filter(requester=me).exists()
        assert RequestRecipient.objects.filter(respondent=me).exists()
        assert Praise.objects.filter(recipient=me).exists()
    # The manager persona meets a manager's year: feedback to most of their reports.
    reports = Person.objects.current().filter(manager=manager.person)
    given = Feedback.objects.filter(author=manager.person, recipient__in=reports)
    assert given.values("recipient").distinct().count() > reports.count() / 2


def test_the_dates_are_relative_to_the_day_of_the_run(ctx, written):
    newest = Praise.objects.order_by("-created_at").first().created_at
    oldest = Praise.objects.order_by("created_at").first().created_at
    assert ctx.now - newest < datetime.timedelta(days=7)
    assert timezone.localdate(oldest) >= ctx.today - datetime.timedelta(days=365)
