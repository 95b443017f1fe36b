import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from stip.core.models import AuditEntry
from stip.feedback import policies, queries, services
from stip.feedback.models import (
    CompanyValue,
    Feedback,
    Participant,
    Praise,
    QuestionSet,
    Response,
)
from tests.factories import PersonFactory
from tests.feedback.builders import answer, start_round

pytestmark = pytest.mark.django_db


def colleagues(personas, n):
    return PersonFactory.create_batch(n, manager=personas.manager, team=personas.planning)


def test_an_anonymous_answer_is_stored_without_its_author_or_time(personas):
    peers = colleagues(personas, 3)
    round_ = start_round(personas, peers=peers)
    answer(round_, peers[0], 3, "Always helps out")
    response = Response.objects.get(perspective="peer")
    assert response.author_id is None
    assert not hasattr(response, "created_at")
    participant = Participant.objects.get(round=round_, person=peers[0])
    assert participant.answered
    assert not hasattr(participant, "updated_at")
    # No audit entry names who answered.
    assert not AuditEntry.objects.filter(actor=peers[0].user).exists()


def test_self_and_manager_answers_are_named(personas):
    round_ = start_round(personas, peers=colleagues(personas, 3))
    answer(round_, personas.employee, 4)
    answer(round_, personas.manager, 3)
    named = dict(Response.objects.values_list("perspective", "author"))
    assert named == {"self": personas.employee.pk, "manager": personas.manager.pk}


def test_nobody_answers_twice_or_after_closing(personas):
    peers = colleagues(personas, 3)
    round_ = start_round(personas, peers=peers)
    answer(round_, peers[0], 3)
    with pytest.raises(ValidationError):
        answer(round_, peers[0], 2)
    services.round_close(round_=round_, actor=personas.manager.user)
    with pytest.raises(ValidationError):
        answer(round_, peers[1], 2)
    with pytest.raises(PermissionDenied):
        answer(round_, personas.outsider, 2)


def test_two_peer_answers_show_no_peer_section_and_no_overall_that_contains_them(personas):
    peers = colleagues(personas, 3)
    round_ = start_round(personas, peers=peers)
    answer(round_, personas.employee, 4)
    answer(round_, peers[0], 1, "Shares too little")
    answer(round_, peers[1], 1)
    services.round_close(round_=round_, actor=personas.manager.user)
    result = queries.round_result(round_)
    assert result.plan.hidden == ("peer",)
    question = result.questions[0]
    assert "peer" not in question.averages
    # The overall average is over what is shown (self: 4), never including the hidden peers.
    assert question.overall == 4
    assert result.questions[1].comments == {}


def test_three_peer_answers_show_averages_and_comments_without_names(personas):
    peers = colleagues(personas, 3)
    round_ = start_round(personas, peers=peers)
    for peer, rating, text in zip(peers, (2, 3, 4), ("b", "a", "c"), strict=True):
        answer(round_, peer, rating, text)
    services.round_close(round_=round_, actor=personas.manager.user, release=True)
    result = queries.round_result(round_)
    assert result.questions[0].averages["peer"] == 3
    # Sorted by text, never in the order they were given.
    assert result.questions[1].comments["peer"] == ["a", "b", "c"]
    assert "peer" not in result.named


def test_results_only_once_closed_and_for_the_subject_once_released(personas):
    round_ = start_round(personas, peers=colleagues(personas, 3))
    assert not policies.can_view_result(personas.manager.user, round_)
    round_ = services.round_close(round_=round_, actor=personas.manager.user)
    for persona in ("manager", "director", "hr", "admin"):
        assert policies.can_view_result(getattr(personas, persona).user, round_), persona
    for persona in ("employee", "peer", "outsider"):
        assert not policies.can_view_result(getattr(personas, persona).user, round_), persona
    round_ = services.round_close(round_=round_, actor=personas.manager.user, release=True)
    assert policies.can_view_result(personas.employee.user, round_)
    assert not policies.can_view_result(personas.peer.user, round_)
    assert AuditEntry.objects.filter(action="feedback.round_released").count() == 1


def test_a_round_past_its_closing_date_takes_no_answers(personas):
    peers = colleagues(personas, 3)
    round_ = start_round(personas, peers=peers)
    after = round_.closes_on + datetime.timedelta(days=1)
    with time_machine.travel(after), pytest.raises(ValidationError) as error:
        answer(round_, peers[0], 3)
    assert "closed" in str(error.value)


def test_a_manager_who_left_is_not_asked(personas):
    report_of_leaver = PersonFactory(manager=personas.leaver, team=personas.planning)
    round_ = start_round(
        personas, peers=colleagues(personas, 1), subject=report_of_leaver, starter=personas.hr
    )
    assert Participant.objects.filter(round=round_).count() == 2  # self and the peer
    assert not Participant.objects.filter(round=round_, person=personas.leaver).exists()


def test_reply_and_helpful_need_the_answer_to_reach_the_recipient(personas):
    request = services.feedback_request_create(
        requester=personas.manager.user,
        subject=personas.employee,
        question="How does Eva run the planning meeting?",
        respondents=[personas.peer],
    )
    feedback = services.feedback_give(
        author=personas.peer.user, recipient=personas.employee, text="Clear", request=request
    )
    assert not policies.can_reply_feedback(personas.employee.user, feedback)
    assert not policies.can_mark_helpful(personas.employee.user, feedback)
    assert policies.can_reply_feedback(personas.peer.user, feedback)
    services.feedback_request_share(request=request, actor=personas.manager.user)
    feedback = Feedback.objects.select_related("request").get(pk=feedback.pk)
    assert policies.can_reply_feedback(personas.employee.user, feedback)
    assert policies.can_mark_helpful(personas.employee.user, feedback)


def test_a_question_set_needs_both_languages(personas):
    with pytest.raises(ValidationError) as error:
        services.question_set_create(
            actor=personas.hr.user,
            name_en="Leadership",
            name_nl="",
            questions=[{"kind": "open", "text_en": "What works?", "text_nl": " "}],
        )
    assert set(error.value.message_dict) == {"name_nl", "questions.0.text_nl"}
    assert not QuestionSet.objects.exists()


def test_empty_and_overlong_feedback_is_refused(personas):
    with pytest.raises(ValidationError) as error:
        services.feedback_give(author=personas.peer.user, recipient=personas.employee, text="   ")
    assert "empty feedback" in str(error.value)
    with pytest.raises(ValidationError):
        services.feedback_give(
            author=personas.peer.user, recipient=personas.employee, text="x" * 5001
        )
    assert not Feedback.objects.exists()


def test_answers_to_a_managers_request_reach_the_report_only_once_shared(personas):
    request = services.feedback_request_create(
        requester=personas.manager.user,
        subject=personas.employee,
        question="How does Eva run the planning meeting?",
        respondents=[personas.peer],
    )
    feedback = services.feedback_give(
        author=personas.peer.user,
        recipient=personas.employee,
        text="Clear and short",
        request=request,
    )

    def sees(persona):
        return (
            queries.feedback_received(persona.user, personas.employee)
            .filter(pk=feedback.pk)
            .exists()
        )

    assert sees(personas.manager) and sees(personas.peer)
    assert not sees(personas.employee)
    assert not sees(personas.hr)
    services.feedback_request_share(request=request, actor=personas.manager.user)
    assert sees(personas.employee)


def test_manager_notes_are_never_for_the_report_and_for_hr_only_when_shared(personas):
    note = services.manager_note_write(
        author=personas.manager.user, subject=personas.employee, text="Ready for more planning work"
    )

    def sees(persona):
        return (
            queries.manager_notes_about(persona.user, personas.employee).filter(pk=note.pk).exists()
        )

    assert sees(personas.manager) and sees(personas.director)
    assert not sees(personas.employee) and not sees(personas.peer) and not sees(personas.hr)
    services.manager_note_share(note=note, actor=personas.manager.user)
    assert sees(personas.hr) and not sees(personas.employee)


def test_each_value_counts_its_praise_and_editing_the_value_keeps_the_count(personas):
    own_it = services.value_save(actor=personas.hr.user, name_en="Own it", name_nl="Eigenaarschap")
    # HR opened the value's form before the praise below was given.
    opened = CompanyValue.objects.get(pk=own_it.pk)
    for recipient in (personas.employee, personas.manager):
        services.praise_give(
            author=personas.peer.user, recipient=recipient, text="Thanks!", value=own_it
        )
    services.praise_give(author=personas.peer.user, recipient=personas.employee, text="Thanks!")
    services.value_save(
        actor=personas.hr.user, value=opened, name_en="Own it", name_nl="Eigen verantwoordelijkheid"
    )
    own_it.refresh_from_db()
    assert own_it.name_nl == "Eigen verantwoordelijkheid"
    assert own_it.praise_count == 2 == Praise.objects.filter(value=own_it).count()
