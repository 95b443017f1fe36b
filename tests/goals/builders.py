from django.utils import timezone

from stip.goals import services
from stip.goals.models import Goal
from stip.goals.queries import quarter_of


def create_goal(actor, *, level=Goal.Level.PERSONAL, owner=None, team=None, **kwargs):
    """A goal made the way the pages make it: through the service, by `actor`, this quarter."""
    quarter = quarter_of(timezone.localdate())
    defaults = {
        "actor": actor.user,
        "level": level,
        "owner": owner or (actor if level == Goal.Level.PERSONAL else None),
        "team": team,
        "title": "Plan the routes for Almere",
        "kind": Goal.Kind.MILESTONE,
        "visibility": Goal.Visibility.TEAM,
        "period": Goal.Period.QUARTER,
        "start_date": quarter.start,
        "end_date": quarter.end,
    }
    return services.goal_create(**(defaults | kwargs))
