"""Conversations made the way the pages make them: through the services, by the personas."""

import datetime

from django.utils import timezone

from stip.conversations import services
from stip.conversations.models import CheckInTemplate, MeetingKind, RatingScale
from stip.conversations.services import LevelInput

QUESTIONS = ["What went well?", "What blocks you?", "What do you need from me?"]


def at(days: int = 1, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def check_in_template(personas, *, kind=CheckInTemplate.Kind.CHECK_IN, questions=QUESTIONS):
    return services.checkin_template_create(
        actor=personas.hr.user,
        name=f"Organisation {kind}",
        kind=kind,
        questions=list(questions),
        organisation=True,
    )


def rating_scale(personas) -> RatingScale:
    return services.rating_scale_save(
        actor=personas.hr.user,
        name="Five points",
        is_default=True,
        levels=[
            LevelInput(1, "Unsatisfactory", "Onvoldoende"),
            LevelInput(2, "Needs improvement", "Matig"),
            LevelInput(3, "Meets expectations", "Voldoet aan de verwachtingen"),
            LevelInput(4, "Exceeds expectations", "Overtreft de verwachtingen"),
            LevelInput(5, "Outstanding", "Uitstekend"),
        ],
    )


def series(personas, *, days: int = 1, **kwargs):
    """Mark's 1:1s with Eva, every two weeks, the first one planned `days` from today."""
    defaults = {
        "actor": personas.manager.user,
        "manager": personas.manager,
        "employee": personas.employee,
        "cadence": "biweekly",
        "next_date": timezone.localdate() + datetime.timedelta(days=days),
    }
    return services.series_start(**(defaults | kwargs))


def planned(series_):
    return series_.meetings.filter(held_at__isnull=True).get()


def meeting(personas, *, kind=MeetingKind.AD_HOC, days: int = 1, **kwargs):
    """A conversation between Mark (manager) and Eva, planned by Mark."""
    defaults = {
        "actor": personas.manager.user,
        "kind": kind,
        "manager": personas.manager,
        "employee": personas.employee,
        "scheduled_for": at(days),
    }
    return services.meeting_create(**(defaults | kwargs))


def report(personas, *, kind=MeetingKind.PERFORMANCE, shared=True, text=None, rating=None):
    """A formal conversation with its report, written (and shared) by Mark."""
    if kind == MeetingKind.APPRAISAL and not RatingScale.objects.exists():
        rating_scale(personas)
    formal = meeting(personas, kind=kind, days=-1)
    if kind == MeetingKind.APPRAISAL and rating is None:
        rating = formal.rating_scale.levels.get(value=3)
    written = services.report_write(
        meeting=formal,
        actor=personas.manager.user,
        text=text or "Eva planned every Almere route on time and wants to learn SQL.",
        rating=rating,
    )
    if shared:
        written = services.report_share(report=written, actor=personas.manager.user)
    return written
