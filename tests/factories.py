import datetime

import factory
from factory.django import DjangoModelFactory

from stip.core.models import User
from stip.people.models import Person, Team

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    password = factory.django.Password(PASSWORD)
    language = "en"


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    parent = None

    @factory.post_generation
    def set_path(self, create, extracted, **kwargs):
        self.path = (self.parent.path if self.parent else "/") + f"{self.pk}/"
        if create:
            Team.objects.filter(pk=self.pk).update(path=self.path)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    employee_number = factory.Sequence(lambda n: f"E{n:06d}")
    user = factory.SubFactory(
        UserFactory,
        email=factory.LazyAttribute(
            lambda u: f"{u.factory_parent.employee_number.lower()}@example.test"
        ),
    )
    team = None
    manager = None
    job_title = "Planner"
    job_level = "P2"
    start_date = datetime.date(2020, 1, 1)
    # The person's copy of the account's flag (see Person.is_active).
    is_active = factory.SelfAttribute("user.is_active")

    @factory.post_generation
    def set_path(self, create, extracted, **kwargs):
        self.path = (self.manager.path if self.manager else "/") + f"{self.pk}/"
        if create:
            Person.objects.filter(pk=self.pk).update(path=self.path)


class GoalFactory(DjangoModelFactory):
    """A personal goal this quarter; pass level/team for others. Use services in behaviour
    tests: this factory is for building data (lists, query counts)."""

    class Meta:
        model = "goals.Goal"

    title = factory.Sequence(lambda n: f"Goal {n}")
    level = "personal"
    owner = factory.SubFactory(PersonFactory)
    team = None
    kind = "milestone"
    visibility = "organisation"
    period = "quarter"
    progress_mode = "manual"
    start_date = factory.LazyFunction(lambda: _quarter()[0])
    end_date = factory.LazyFunction(lambda: _quarter()[1])


def _quarter():
    from stip.goals.queries import quarter_of

    period = quarter_of(datetime.date.today())  # noqa: DTZ011 (a calendar date is meant)
    return period.start, period.end
