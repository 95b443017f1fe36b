import datetime

from django.utils import timezone

from stip.feedback import services
from stip.feedback.models import Question


def question_set(hr):
    scale = services.rating_scale_create(
        actor=hr.user,
        name_en="Frequency",
        name_nl="Frequentie",
        levels=[
            ("Rarely", "Zelden"),
            ("Sometimes", "Soms"),
            ("Often", "Vaak"),
            ("Always", "Altijd"),
        ],
    )
    return services.question_set_create(
        actor=hr.user,
        name_en="Collaboration",
        name_nl="Samenwerking",
        questions=[
            {
                "kind": Question.Kind.RATING,
                "text_en": "Shares knowledge",
                "text_nl": "Deelt kennis",
                "scale": scale,
            },
            {
                "kind": Question.Kind.OPEN,
                "text_en": "What should they keep doing?",
                "text_nl": "Waar moet diegene mee doorgaan?",
            },
        ],
    )


def start_round(personas, *, peers, reports=(), subject=None, starter=None):
    subject = subject or personas.employee
    starter = starter or personas.manager
    return services.round_start(
        actor=starter.user,
        subject=subject,
        question_set=question_set(personas.hr),
        closes_on=timezone.localdate() + datetime.timedelta(days=14),
        respondents={"peer": peers, "report": reports},
    )


def answer(round_, person, rating, text=""):
    rating_q, open_q = list(round_.question_set.questions.order_by("position"))
    services.round_answer(
        round_=round_,
        respondent=person.user,
        ratings={rating_q.pk: rating},
        texts={open_q.pk: text},
    )
