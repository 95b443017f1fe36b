import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from stip.api.auth import AccessTokenAuth, SessionAuth
from stip.api.errors import ApiError
from stip.core.models import AccessToken
from stip.core.services import access_token_create, access_token_revoke

ME = "/api/v1/people/me"

pytestmark = pytest.mark.django_db


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def assert_not_authenticated(response):
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["detail"]
    assert body["errors"] == []
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_accepts_the_browser_session(client, personas):
    client.force_login(personas.employee.user)

    response = client.get(ME)

    assert response.status_code == 200
    assert response.json()["id"] == str(personas.employee.public_id)


def test_it_accepts_a_personal_access_token(client, personas):
    _token, secret = access_token_create(user=personas.manager.user, name="Script")

    response = client.get(ME, headers=bearer(secret))

    assert response.status_code == 200
    assert response.json()["id"] == str(personas.manager.public_id)


def test_it_refuses_a_request_without_credentials(client, personas):
    assert_not_authenticated(client.get(ME))


def test_it_refuses_an_unknown_token(client, personas):
    assert_not_authenticated(client.get(ME, headers=bearer(AccessToken.new_secret())))
    assert_not_authenticated(client.get(ME, headers=bearer("not-a-stip-token")))
    assert_not_authenticated(client.get(ME, headers={"Authorization": "Bearer"}))


def test_it_refuses_a_revoked_token(client, personas):
    token, secret = access_token_create(user=personas.employee.user, name="Old laptop")
    access_token_revoke(token=token, actor=personas.employee.user)

    assert_not_authenticated(client.get(ME, headers=bearer(secret)))


def test_it_refuses_the_token_of_someone_who_has_left(client, personas):
    _token, secret = access_token_create(user=personas.leaver.user, name="Script")

    assert_not_authenticated(client.get(ME, headers=bearer(secret)))


def test_it_refuses_the_token_of_a_deactivated_account(client, personas):
    _token, secret = access_token_create(user=personas.peer.user, name="Script")
    personas.peer.user.is_active = False
    personas.peer.user.save(update_fields=["is_active"])

    assert_not_authenticated(client.get(ME, headers=bearer(secret)))


def test_it_refuses_the_session_of_someone_who_has_left(client, personas):
    client.force_login(personas.leaver.user)

    assert_not_authenticated(client.get(ME))


def test_a_bad_token_is_refused_even_with_a_session(client, personas):
    client.force_login(personas.employee.user)

    assert_not_authenticated(client.get(ME, headers=bearer(AccessToken.new_secret())))


def test_another_authorization_scheme_leaves_the_session_in_charge(client, personas):
    # A proxy's Basic authentication in front of Stip must not break the browser.
    client.force_login(personas.employee.user)

    response = client.get(ME, headers={"Authorization": "Basic dXNlcjpwYXNz"})

    assert response.status_code == 200


def test_it_records_when_a_token_was_last_used_at_most_once_a_minute(client, personas):
    token, secret = access_token_create(user=personas.employee.user, name="Script")
    start = datetime.datetime(2030, 3, 4, 9, 0, tzinfo=datetime.UTC)

    with time_machine.travel(start, tick=False):
        client.get(ME, headers=bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == start

    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        client.get(ME, headers=bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == start

    later = start + datetime.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        client.get(ME, headers=bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == later


def test_a_token_costs_one_query_when_recently_used(client, personas, django_assert_num_queries):
    token, secret = access_token_create(user=personas.employee.user, name="Script")
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    request = RequestFactory().get(ME, headers=bearer(secret))
    request.user = AnonymousUser()

    # The token with its user and person, in one join; no write.
    with django_assert_num_queries(1):
        user = AccessTokenAuth()(request)

    assert user == personas.employee.user
    assert request.user == personas.employee.user


class TestSessionCsrf:
    """Unsafe methods from the browser need the CSRF token, as a form POST does."""

    def post(self, user, **headers):
        request = RequestFactory().post("/api/v1/anything", headers=headers)
        request.user = user
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "session"
        return request

    def test_it_refuses_an_unsafe_request_without_the_csrf_token(self, personas):
        request = self.post(personas.employee.user)

        with pytest.raises(ApiError) as error:
            SessionAuth()(request)

        assert error.value.status_code == 403
        assert error.value.code == "csrf_failed"

    def test_it_accepts_an_unsafe_request_with_the_csrf_token(self, personas):
        secret = "a" * 32
        request = self.post(personas.employee.user, **{"X-CSRFToken": secret})
        request.COOKIES[settings.CSRF_COOKIE_NAME] = secret

        assert SessionAuth()(request) == personas.employee.user

    def test_an_anonymous_unsafe_request_is_unauthenticated_not_forbidden(self, personas):
        assert SessionAuth()(self.post(AnonymousUser())) is None
