"""Template helpers for feedback, usable from other apps' templates without importing feedback
there (`{% load feedback_tags %}`): the home page's "feedback you are asked for" card and the
praise on a person's profile."""

from django import template

from stip.core.policies import person_of
from stip.feedback.queries import praise_for, requests_to_answer, rounds_to_answer

register = template.Library()

ON_HOME = 5
PRAISE_ON_PROFILE = 5


@register.inclusion_tag("feedback/_to_answer_card.html", takes_context=True)
def feedback_to_answer_card(context, limit: int = ON_HOME):
    """Open feedback requests and open 360° questions waiting for the viewer: two queries, at
    most `limit` rows of each (one more only says that there are more)."""
    request = context["request"]
    me = person_of(request.user)
    if me is None:
        return {"requests": [], "rounds": []}
    requests = list(requests_to_answer(me)[: limit + 1])
    rounds = list(rounds_to_answer(me)[: limit + 1])
    return {
        "requests": requests[:limit],
        "rounds": rounds[:limit],
        "more": len(requests) > limit or len(rounds) > limit,
        "request": request,
    }


@register.inclusion_tag("feedback/_praise_received.html", takes_context=True)
def praise_received_card(context, person):
    """The newest praise `person` received: one query."""
    request = context["request"]
    praise = list(praise_for(request.user, person)[: PRAISE_ON_PROFILE + 1])
    me = person_of(request.user)
    return {
        "person": person,
        "praise": praise[:PRAISE_ON_PROFILE],
        "more": len(praise) > PRAISE_ON_PROFILE,
        "can_praise": me is not None and me.pk != person.pk and not person.has_left,
        "request": request,
    }
