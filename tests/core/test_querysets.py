"""`core.querysets.reused`: a queryset built once per process, copied for every caller."""

import pytest

from stip.core.querysets import reused
from stip.people.models import Person

pytestmark = pytest.mark.django_db


def test_a_reused_queryset_is_built_once_and_each_caller_gets_a_copy(personas):
    builds = []

    @reused
    def everyone():
        builds.append(1)
        return Person.objects.order_by("last_name", "pk")

    first, second = everyone(), everyone()
    assert builds == [1]
    assert first is not second
    # What one caller filters or reads stays with it.
    eva = list(first.filter(pk=personas.employee.pk))
    assert eva == [personas.employee]
    assert len(list(second)) == Person.objects.count() > 1
    # New rows show up: nothing read is kept between calls.
    count = everyone().count()
    Person.objects.filter(pk=personas.peer.pk).delete()
    assert everyone().count() == count - 1
