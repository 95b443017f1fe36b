"""Who may see and do what with feedback, praise and 360° rounds. Pages and API share these.

- Feedback: its author and recipient; the recipient's management chain when the author chose
  "the recipient and their managers". An answer to a manager's request about a report: the
  manager who asked (and their chain), the report only once the manager shares the answers.
- Manager notes: the management chain above the report; never the report; HR once shared.
- Praise: everyone signed in (it is public recognition).
- 360° rounds: the subject, who started it, the subject's management chain and HR see the round;
  the result only once the round is closed, and the subject only once it is released to them.
  Respondents see their own invitation. Nobody, HR and administrators included, can see who
  wrote an anonymous answer: it is not stored.
"""

from django.db.models import Exists, OuterRef, Q

from stip.core.policies import is_hr, is_hr_or_admin, person_of
from stip.people.models import Person


def _viewer(user) -> Person | None:
    person = person_of(user)
    return person if person is not None and person.path else None


def feedback_visible_to(queryset, user):
    from stip.feedback.models import Feedback

    viewer = _viewer(user)
    if viewer is None:
        return queryset.none()
    # Given freely, asked for by the recipient, or asked about them by a manager who shared it.
    reaches_recipient = (
        Q(request__isnull=True)
        | Q(request__requester=viewer)
        | Q(request__shared_with_subject_at__isnull=False)
    )
    above_recipient = Q(recipient__path__startswith=viewer.path) & ~Q(recipient=viewer)
    return queryset.filter(
        Q(author=viewer)
        | (Q(recipient=viewer) & reaches_recipient)
        | (Q(visibility=Feedback.Visibility.RECIPIENT_AND_MANAGER) & above_recipient)
        | Q(request__requester=viewer)
    )


def can_view_feedback(user, feedback) -> bool:
    return feedback_visible_to(type(feedback).objects.filter(pk=feedback.pk), user).exists()


def can_give_feedback(user, recipient: Person) -> bool:
    viewer = person_of(user)
    return viewer is not None and viewer.pk != recipient.pk and not recipient.has_left


def _reaches_recipient(feedback) -> bool:
    """The one-object form of `reaches_recipient` above: an answer to a manager's request about
    the recipient reaches them only once shared. (`feedback.request` is joined by the queries.)"""
    request = feedback.request if feedback.request_id else None
    return (
        request is None
        or request.requester_id == feedback.recipient_id
        or request.shared_with_subject_at is not None
    )


def can_reply_feedback(user, feedback) -> bool:
    viewer = person_of(user)
    if viewer is None:
        return False
    if viewer.pk == feedback.author_id:
        return True
    return viewer.pk == feedback.recipient_id and _reaches_recipient(feedback)


def can_mark_helpful(user, feedback) -> bool:
    viewer = person_of(user)
    return (
        viewer is not None and viewer.pk == feedback.recipient_id and _reaches_recipient(feedback)
    )


def manager_notes_visible_to(queryset, user):
    viewer = _viewer(user)
    if viewer is None:
        return queryset.none()
    condition = Q(subject__path__startswith=viewer.path) & ~Q(subject=viewer)
    if is_hr(user):
        condition |= Q(shared_with_hr_at__isnull=False) & ~Q(subject=viewer)
    return queryset.filter(condition)


def can_write_manager_note(user, subject: Person) -> bool:
    viewer = _viewer(user)
    return viewer is not None and subject.is_under(viewer)


def can_share_manager_note(user, note) -> bool:
    viewer = person_of(user)
    return viewer is not None and note.author_id == viewer.pk


def praise_visible_to(queryset, user):
    if user is None or not user.is_authenticated:
        return queryset.none()
    return queryset


def can_give_praise(user, recipient: Person) -> bool:
    return can_give_feedback(user, recipient)


def requests_visible_to(queryset, user):
    """Requests the viewer made, is asked in, or that are about them and shared."""
    from stip.feedback.models import RequestRecipient

    viewer = _viewer(user)
    if viewer is None:
        return queryset.none()
    asked = Exists(RequestRecipient.objects.filter(request=OuterRef("pk"), respondent=viewer))
    return queryset.filter(
        Q(requester=viewer)
        | asked
        | (Q(subject=viewer) & (Q(requester=viewer) | Q(shared_with_subject_at__isnull=False)))
    )


def can_request_feedback_about(user, subject: Person) -> bool:
    """About yourself, or (managers) about someone in your reporting line."""
    viewer = _viewer(user)
    return viewer is not None and (viewer.pk == subject.pk or subject.is_under(viewer))


def can_share_request(user, request) -> bool:
    viewer = person_of(user)
    return (
        viewer is not None and request.requester_id == viewer.pk and request.is_about_someone_else
    )


def rounds_visible_to(queryset, user):
    from stip.feedback.models import Participant

    if user is None or not user.is_authenticated:
        return queryset.none()
    if is_hr_or_admin(user):
        return queryset
    viewer = _viewer(user)
    if viewer is None:
        return queryset.none()
    # Three look-ups on indexes joined by OR: about the viewer or someone under them, started by
    # them, or asked of them. Asked of every round with its subject joined, as before, the
    # rounds one may see were found by reading them all (11 ms at 100,000 people).
    invited = Participant.objects.filter(person=viewer).values("round")
    return queryset.filter(
        Q(subject__in=Person.objects.db_manager(queryset.db).and_below(viewer).values("pk"))
        | Q(started_by=viewer)
        | Q(pk__in=invited)
    )


def can_start_round(user, subject: Person) -> bool:
    """The person themselves, their management chain, or HR."""
    if is_hr(user):
        return True
    viewer = _viewer(user)
    return viewer is not None and (viewer.pk == subject.pk or subject.is_under(viewer))


def can_manage_round(user, round_) -> bool:
    """Close or release a round: who started it, the subject's chain, HR."""
    if is_hr(user):
        return True
    viewer = _viewer(user)
    return viewer is not None and (
        viewer.pk == round_.started_by_id or round_.subject.is_under(viewer)
    )


def can_view_result(user, round_) -> bool:
    """The aggregated result, once the round is closed (before that it could be compared with
    a later state to single out one answer). The subject once it is released to them (closing
    and releasing are two steps, so the manager can read it first), or once closed when they
    started the round themselves."""
    from stip.feedback.models import Round

    if round_.status != Round.Status.CLOSED:
        return False
    if is_hr_or_admin(user):
        return True
    viewer = _viewer(user)
    if viewer is None:
        return False
    if viewer.pk == round_.started_by_id:
        return True
    if viewer.pk == round_.subject_id:
        return round_.released_at is not None
    return round_.subject.is_under(viewer)


def can_manage_values(user) -> bool:
    return is_hr_or_admin(user)


def can_manage_question_sets(user) -> bool:
    return is_hr_or_admin(user)
