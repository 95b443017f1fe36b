import pytest
from django.utils import translation

from tests.personas import Personas, build_personas


@pytest.fixture
def personas(db) -> Personas:
    return build_personas()


@pytest.fixture
def client_for(client):
    """A test client signed in as a persona (or anonymous for None)."""

    def sign_in(person):
        client.logout()
        if person is not None:
            client.force_login(person.user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English: a request that activated Dutch must not leak into the next."""
    translation.activate("en")
    yield
    translation.deactivate()
