import pytest

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
