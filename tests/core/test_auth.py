import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from stip.core.models import SignInFailure, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("core:login"), {"username": email, "password": password}, **extra)


def test_it_signs_in_with_email_and_password(client, personas):
    response = sign_in(client, "EMPLOYEE@example.test")
    assert response.status_code == 302
    assert response.url == reverse("home")
    home = client.get(reverse("home")).content.decode()
    assert "Hello, Eva" in home
    assert "Mark Manager" in home  # my manager


def test_a_wrong_password_says_so_and_keeps_the_email(client, personas):
    response = sign_in(client, "employee@example.test", "wrong")
    page = response.content.decode()
    assert response.status_code == 200
    assert "do not match an account" in page
    assert 'value="employee@example.test"' in page
    assert SignInFailure.objects.filter(email="employee@example.test").count() == 1


def test_people_who_have_left_cannot_sign_in(client, personas):
    response = sign_in(client, "leaver@example.test")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_deactivated_people_cannot_sign_in(client, personas):
    User.objects.filter(pk=personas.peer.user_id).update(is_active=False)
    sign_in(client, "peer@example.test")
    assert "_auth_user_id" not in client.session


def test_a_session_ends_when_the_end_date_passes(client, personas):
    client.force_login(personas.peer.user)
    assert client.get(reverse("home")).status_code == 200
    personas.peer.end_date = timezone.localdate() - datetime.timedelta(days=1)
    personas.peer.save()
    assert client.get(reverse("home")).status_code == 302


def test_repeated_failures_are_throttled_per_account(client, personas, settings):
    settings.STIP_SIGNIN_MAX_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        sign_in(client, "employee@example.test", "guess")
    # Even the right password is refused while the account is throttled.
    response = sign_in(client, "employee@example.test")
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session
    with time_machine.travel(
        datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=16)
    ):
        assert sign_in(client, "employee@example.test").status_code == 302


def test_repeated_failures_are_throttled_per_address(client, personas, settings):
    settings.STIP_SIGNIN_MAX_FAILURES_PER_ADDRESS = 4
    for n in range(4):
        sign_in(client, f"nobody{n}@example.test", "guess", REMOTE_ADDR="10.1.2.3")
    response = sign_in(client, "employee@example.test", REMOTE_ADDR="10.1.2.3")
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Another address is not affected.
    assert sign_in(client, "employee@example.test", REMOTE_ADDR="10.9.9.9").status_code == 302


def test_the_throttle_message_is_translated(client, personas, settings):
    settings.STIP_SIGNIN_MAX_FAILURES_PER_ACCOUNT = 1
    sign_in(client, "employee@example.test", "guess")
    response = sign_in(client, "employee@example.test", HTTP_ACCEPT_LANGUAGE="nl")
    assert "Te veel mislukte pogingen om in te loggen" in response.content.decode()


def test_sign_out(client, personas):
    client.force_login(personas.employee.user)
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_by_email(client, personas):
    # Imported people have no password yet: the reset link is how they choose one.
    user = personas.employee.user
    user.set_unusable_password()
    user.save()
    response = client.post(reverse("core:password_reset"), {"email": "employee@example.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["employee@example.test"]
    link = re.search(r"http://testserver(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert response.status_code == 302
    assert sign_in(client, "employee@example.test", "a new long passphrase").status_code == 302


def test_no_reset_mail_for_people_who_have_left(client, personas):
    client.post(reverse("core:password_reset"), {"email": "leaver@example.test"})
    assert mail.outbox == []


def test_language_before_sign_in_follows_the_browser(client, db):
    page = client.get(reverse("core:login"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Inloggen bij Stip" in page
    page = client.get(reverse("core:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in to Stip" in page


def test_the_chosen_language_is_kept_on_the_account(client, personas):
    client.force_login(personas.employee.user)
    client.post(reverse("core:set_language"), {"language": "nl", "next": "/"})
    personas.employee.user.refresh_from_db()
    assert personas.employee.user.language == "nl"
    # The account's choice wins over the browser's.
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Hallo, Eva" in page


def test_language_switch_does_not_redirect_elsewhere(client, personas):
    response = client.post(
        reverse("core:set_language"), {"language": "nl", "next": "https://evil.example/"}
    )
    assert response.url == "/"
