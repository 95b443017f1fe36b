"""Anonymity of stored 360° rounds, proven through every reader.

`test_anonymity.py` proves the grouping rule on counts. Here hypothesis builds whole
organisations and answer sets in the database — random numbers of peers, direct reports and
others asked and answering, ratings that may be left out, comments — answers and closes the
round through the API, and then reads the result back through every way out of Stip: the
query the pages and the API share, the API's result, round detail and round list, the audit log,
and the result page (once the pages exist). For every one of them:

(a) no anonymous respondent's name, e-mail address or public id appears, nor any comment of a
    perspective that is hidden;
(b) every anonymous group shown has at least the minimum of answers, and every average of an
    anonymous group rests on at least the minimum of ratings of that question;
(c) the overall average of a question is the average over the shown averages' ratings only, so
    that no figure minus another figure isolates anything hidden.
"""

import json
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stip.core.models import AuditEntry
from stip.feedback import queries, services
from stip.feedback.anonymity import MERGED
from stip.feedback.models import Participant, Question, Response, Round
from tests.factories import PersonFactory
from tests.feedback.builders import answer, question_set, start_round

pytestmark = pytest.mark.django_db

ANONYMOUS_CANDIDATES = ("peer", "report", "other")
# What the audit log may say about a round: never anything about an answer.
ROUND_ACTIONS = {"feedback.round_started", "feedback.round_closed", "feedback.round_released"}


# --- The scenario ----------------------------------------------------------------------------

# One invited person's answer: (answers at all, rating or None, writes a comment).
invitee = st.tuples(st.booleans(), st.none() | st.integers(1, 4), st.booleans())


@st.composite
def scenarios(draw):
    return {
        "minimum": draw(st.sampled_from((3, 3, 4))),
        "anonymous": draw(st.sets(st.sampled_from(ANONYMOUS_CANDIDATES))),
        "peer": draw(st.lists(invitee, max_size=7)),
        "report": draw(st.lists(invitee, max_size=6)),
        "other": draw(st.lists(invitee, max_size=4)),
        "self": draw(invitee),
        "manager": draw(invitee),
        "release": draw(st.booleans()),
    }


YES = (True, 3, True)
WRITES = (True, None, True)


def _scenario(*, anonymous=frozenset({"peer", "report"}), release=False, **asked):
    return {
        "minimum": 3,
        "anonymous": set(anonymous),
        "peer": [],
        "report": [],
        "other": [],
        "self": YES,
        "manager": YES,
        "release": release,
    } | asked


@dataclass
class Given:
    """One answer as the test gave it, to compare every reader with."""

    person: object
    perspective: str
    rating: int | None
    comment: str | None


def _person(**kwargs):
    # A surname no other text could contain by accident, so that finding it means a leak.
    return PersonFactory(last_name=f"Zq{uuid.uuid4().hex[:10]}", **kwargs)


def _body(item: tuple[bool, int | None, bool]) -> tuple[dict, int | None, str | None]:
    """An answer as JSON for the API: the rating question is 1, the open question 2. An
    answer with neither a rating nor a comment is given a rating (the service refuses an empty
    answer; that refusal is tested elsewhere)."""
    _answers, rating, writes = item
    comment = f"remark-{uuid.uuid4().hex[:12]}" if writes else None
    if rating is None and comment is None:
        rating = 2
    body = {"ratings": {}, "texts": {}}
    if rating is not None:
        body["ratings"]["1"] = rating
    if comment is not None:
        body["texts"]["2"] = comment
    return body, rating, comment


def _average(ratings: list[int]) -> Decimal:
    return (Decimal(sum(ratings)) / Decimal(len(ratings))).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def _page_url(round_: Round) -> str | None:
    """The result page, if the pages have been built: "feedback:round_result"."""
    namespace = get_resolver().namespace_dict.get("feedback")
    if namespace is None:
        return None
    possibilities = namespace[1].reverse_dict.getlist("round_result")
    if not possibilities:
        return None
    [parameter] = possibilities[0][0][0][1]
    try:
        return reverse("feedback:round_result", kwargs={parameter: round_.public_id})
    except NoReverseMatch:
        return None


# --- The property ----------------------------------------------------------------------------


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(scenario=scenarios())
# Always among the examples: two peers and two reports merged; two peers hidden beside three
# reports; three peers of whom two left the rating out; "others" named.
@example(scenario=_scenario(peer=[YES] * 2, report=[YES] * 2))
@example(scenario=_scenario(peer=[YES] * 2, report=[YES] * 3, release=True))
@example(scenario=_scenario(peer=[YES, WRITES, WRITES], other=[YES], anonymous={"peer"}))
def test_no_reader_reveals_an_anonymous_answer(client, personas, scenario):
    with transaction.atomic(), override_settings(STIP_ANONYMITY_MINIMUM=scenario["minimum"]):
        try:
            _check(client, personas, scenario)
        finally:
            transaction.set_rollback(True)


def _check(client, personas, scenario):
    minimum = scenario["minimum"]
    anonymous = scenario["anonymous"]
    audit_before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    # A random organisation: the subject, their manager (under the director), peers beside
    # them, their own reports, others elsewhere.
    boss = _person(manager=personas.director, team=personas.planning)
    subject = _person(manager=boss, team=personas.planning)
    invited = {
        "peer": [_person(manager=boss, team=personas.planning) for _ in scenario["peer"]],
        "report": [_person(manager=subject, team=personas.planning) for _ in scenario["report"]],
        "other": [_person(team=personas.finance) for _ in scenario["other"]],
    }
    client.force_login(boss.user)
    started = client.post(
        "/api/v1/rounds",
        {
            "subject": str(subject.public_id),
            "question_set": str(question_set(personas.hr).public_id),
            "closes_on": str(timezone.localdate()),
            "respondents": {p: [str(x.public_id) for x in people] for p, people in invited.items()},
            "anonymous_perspectives": sorted(anonymous),
        },
        content_type="application/json",
    )
    assert started.status_code == 201, started.content
    round_ = Round.objects.get(public_id=started.json()["id"])
    url = f"/api/v1/rounds/{round_.public_id}"

    # Everyone answers (or not) through the API, each as themselves.
    given_answers: list[Given] = []
    asked = [("self", subject, scenario["self"]), ("manager", boss, scenario["manager"])]
    for perspective in ANONYMOUS_CANDIDATES:
        asked += [
            (perspective, person, item)
            for person, item in zip(invited[perspective], scenario[perspective], strict=True)
        ]
    for perspective, person, item in asked:
        if not item[0]:
            continue
        body, rating, comment = _body(item)
        client.force_login(person.user)
        response = client.post(f"{url}/answers", body, content_type="application/json")
        assert response.status_code == 204, response.content
        given_answers.append(Given(person, perspective, rating, comment))

    client.force_login(boss.user)
    closed = client.post(
        f"{url}/close", {"release": scenario["release"]}, content_type="application/json"
    )
    assert closed.status_code == 200, closed.content
    round_.refresh_from_db()

    # Who must stay unnamed, and what must stay unsaid.
    unnamed = [person for p in anonymous for person in invited[p]]
    secrets = {
        token
        for person in unnamed
        for token in (str(person.public_id), person.last_name, person.full_name, person.user.email)
    }

    # Storage: an anonymous response has no author; a named one has its author.
    stored = {(r.perspective, r.author_id) for r in Response.objects.filter(round=round_)}
    for g in given_answers:
        named = g.perspective not in anonymous
        assert (g.perspective, g.person.pk if named else None) in stored

    # -- The shared query.
    result = queries.round_result(round_)
    _check_plan(result, given_answers, anonymous, minimum)

    # -- Every way out, as everyone who may read it.
    readers = [boss, personas.director, personas.hr]
    if scenario["release"]:
        readers.append(subject)
    outputs: list[str] = []
    for reader in readers:
        client.force_login(reader.user)
        response = client.get(f"{url}/result")
        assert response.status_code == 200, (reader, response.content)
        _check_api_result(response.json(), result)
        outputs.append(response.content.decode())
    for reader in (boss, subject, personas.hr):
        client.force_login(reader.user)
        detail = client.get(url)
        assert detail.status_code == 200
        counts = {p["perspective"]: p["answered"] for p in detail.json()["participation"]}
        for perspective in ANONYMOUS_CANDIDATES:
            answered = sum(1 for g in given_answers if g.perspective == perspective)
            assert counts.get(perspective, 0) == answered
        outputs.append(detail.content.decode())
        outputs.append(
            client.get("/api/v1/rounds", {"subject": str(subject.public_id)}).content.decode()
        )
    entries = AuditEntry.objects.filter(pk__gt=audit_before)
    assert set(entries.values_list("action", flat=True)) <= ROUND_ACTIONS | {
        "feedback.question_set_created"
    }
    assert not entries.filter(actor__in=[person.user for person in unnamed]).exists()
    outputs += [
        json.dumps([e.actor_id, e.action, e.object_type, e.object_id, e.object_repr, e.before,
                    e.after])
        for e in entries
    ]  # fmt: skip
    page = _page_url(round_)
    if page is not None:
        client.force_login(boss.user)
        html = client.get(page)
        assert html.status_code == 200
        outputs.append(html.content.decode())

    # (a) No name, address or id of an anonymous respondent, and no hidden comment, anywhere.
    shown = {p for group in result.plan.shown for p in group.perspectives}
    hidden_comments = {g.comment for g in given_answers if g.comment and g.perspective not in shown}
    for text in outputs:
        for secret in secrets | hidden_comments:
            assert secret not in text
    # The named still have their names, where the result shows them.
    for g in given_answers:
        if g.perspective not in anonymous:
            assert g.person.full_name in result.named[g.perspective]


def _check_plan(result, given_answers: list[Given], anonymous: set[str], minimum: int) -> None:
    plan = result.plan
    assert plan.minimum == minimum
    answered = {}
    for g in given_answers:
        answered.setdefault(g.perspective, []).append(g)
    seen: set[str] = set()
    for group in plan.shown:
        assert not seen & set(group.perspectives)  # disjoint
        seen |= set(group.perspectives)
        assert group.count == sum(len(answered.get(p, [])) for p in group.perspectives)
        assert group.anonymous == any(p in anonymous for p in group.perspectives)
        # (b) Every anonymous group shown reaches the minimum.
        if group.anonymous:
            assert group.count >= minimum
            assert result.named.get(group.key, []) == []
    for perspective in answered:
        assert (perspective in seen) != (perspective in plan.hidden)
        if perspective in plan.hidden:
            assert perspective in anonymous

    [rating_result, open_result] = sorted(
        result.questions, key=lambda r: r.question.kind != Question.Kind.RATING
    )
    by_group = {
        group.key: [g for p in group.perspectives for g in answered.get(p, [])]
        for group in plan.shown
    }
    counted: list[int] = []
    for group in plan.shown:
        ratings = [g.rating for g in by_group[group.key] if g.rating is not None]
        if group.key in rating_result.averages:
            # (b) …and so does every average of an anonymous group, question by question.
            assert not group.anonymous or len(ratings) >= minimum
            assert rating_result.averages[group.key] == _average(ratings)
            counted += ratings
        elif ratings:
            assert group.anonymous and len(ratings) < minimum
            assert group.key in rating_result.withheld
    # (c) The overall is over the averages shown, nothing else: no hidden perspective, no
    # withheld group.
    assert rating_result.overall == (_average(counted) if counted else None)

    for key, texts in open_result.comments.items():
        assert key in by_group
        assert sorted(texts) == texts
        assert sorted(texts) == sorted(g.comment for g in by_group[key] if g.comment)
    assert set(open_result.comments) <= {g.key for g in plan.shown}
    assert MERGED not in result.named


def _check_api_result(body: dict, result) -> None:
    """The API says what the query says: the same groups, figures and names, nothing else."""
    assert body["minimum"] == result.plan.minimum
    assert sorted((g["key"], g["count"], g["anonymous"]) for g in body["groups"]) == sorted(
        (g.key, g.count, g.anonymous) for g in result.plan.shown
    )
    for group in body["groups"]:
        assert group["authors"] == (
            [] if group["anonymous"] else result.named.get(group["key"], [])
        )
    assert [h["perspective"] for h in body["hidden"]] == list(result.plan.hidden)
    by_kind = {item.question.kind: item for item in result.questions}
    for question in body["questions"]:
        expected = by_kind[question["kind"]]
        assert question["averages"] == {k: float(v) for k, v in expected.averages.items()}
        assert question["overall"] == (
            None if expected.overall is None else float(expected.overall)
        )
        assert question["comments"] == expected.comments
        assert question["withheld"] == expected.withheld


# --- Cases worth naming ----------------------------------------------------------------------


def colleagues(personas, n):
    return PersonFactory.create_batch(n, manager=personas.manager, team=personas.planning)


def _rate_only_first(round_, people, rating, text):
    """The first person rates; the others only write."""
    for n, person in enumerate(people):
        if n == 0:
            answer(round_, person, rating, text)
        else:
            _rating_q, open_q = list(round_.question_set.questions.order_by("position"))
            services.round_answer(
                round_=round_, respondent=person.user, ratings={}, texts={open_q.pk: text}
            )


def test_a_question_rated_by_one_of_three_peers_shows_no_peer_average(personas):
    peers = colleagues(personas, 3)
    round_ = start_round(personas, peers=peers)
    _rate_only_first(round_, peers, 1, "Fine")
    answer(round_, personas.manager, 4)
    round_ = services.round_close(round_=round_, actor=personas.manager.user)

    result = queries.round_result(round_)

    [peers_group] = [g for g in result.plan.shown if g.key == "peer"]
    assert peers_group.count == 3  # the group is shown: three peers answered…
    rating = result.questions[0]
    # …but one rating would be that one peer's: no average, and the overall is the manager's.
    assert rating.averages == {"manager": 4}
    assert rating.withheld == ["peer"]
    assert rating.overall == 4
    assert result.questions[1].comments["peer"] == ["Fine", "Fine", "Fine"]


def test_the_api_says_which_groups_were_withheld(client, personas):
    peers = colleagues(personas, 3)
    round_ = start_round(personas, peers=peers)
    _rate_only_first(round_, peers, 1, "Fine")
    services.round_close(round_=round_, actor=personas.manager.user)
    client.force_login(personas.manager.user)

    body = client.get(f"/api/v1/rounds/{round_.public_id}/result").json()

    rating = body["questions"][0]
    assert (rating["averages"], rating["overall"], rating["withheld"]) == ({}, None, ["peer"])


def test_answering_marks_only_the_respondent_and_names_nobody(personas):
    peers = colleagues(personas, 3)
    round_ = start_round(personas, peers=peers)

    answer(round_, peers[1], 3)

    answered = Participant.objects.filter(round=round_, answered=True)
    assert list(answered.values_list("person", flat=True)) == [peers[1].pk]
    assert Response.objects.get().author is None
    assert not AuditEntry.objects.filter(actor=peers[1].user).exists()
