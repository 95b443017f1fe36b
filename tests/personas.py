"""The cast every permission test uses: one small organisation with every role in it.

Operations (director)                 People & Culture (hr)   Finance (outsider)   IT (admin)
  └ Planning: manager
       ├ employee
       ├ peer
       └ leaver (left last year)
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from stip.people.models import Person, Team
from tests.factories import PersonFactory, TeamFactory, UserFactory


@dataclass
class Personas:
    employee: Person
    manager: Person
    director: Person
    peer: Person
    hr: Person
    admin: Person
    outsider: Person
    leaver: Person
    operations: Team
    planning: Team
    finance: Team

    NAMES = ("employee", "manager", "director", "peer", "hr", "admin", "outsider", "leaver")

    def get(self, name: str) -> Person | None:
        return getattr(self, name) if name != "anonymous" else None


def build_personas() -> Personas:
    operations = TeamFactory(name="Operations")
    planning = TeamFactory(name="Planning", parent=operations)
    people_culture = TeamFactory(name="People & Culture")
    finance = TeamFactory(name="Finance")
    it = TeamFactory(name="IT")

    def person(key, first, last, **kwargs):
        if "user" not in kwargs:
            kwargs["user"] = UserFactory(email=f"{key}@example.test")
        return PersonFactory(
            first_name=first, last_name=last, employee_number=key.upper(), **kwargs
        )

    director = person("director", "Diana", "de Directeur", team=operations, job_title="Director")
    manager = person(
        "manager", "Mark", "Manager", team=planning, manager=director, job_title="Team lead"
    )
    employee = person("employee", "Eva", "Employee", team=planning, manager=manager)
    peer = person("peer", "Piet", "Peer", team=planning, manager=manager)
    leaver = person(
        "leaver",
        "Lotte",
        "Leaver",
        team=planning,
        manager=manager,
        end_date=timezone.localdate() - datetime.timedelta(days=365),
    )
    hr = person("hr", "Hanna", "HR", team=people_culture, job_title="HR advisor", is_hr=True)
    outsider = person("outsider", "Otto", "Outsider", team=finance, job_title="Controller")
    admin = person(
        "admin",
        "Ada",
        "Admin",
        team=it,
        job_title="System administrator",
        user=UserFactory(email="admin@example.test", is_staff=True, is_superuser=True),
    )
    return Personas(
        employee=employee,
        manager=manager,
        director=director,
        peer=peer,
        hr=hr,
        admin=admin,
        outsider=outsider,
        leaver=leaver,
        operations=operations,
        planning=planning,
        finance=finance,
    )
