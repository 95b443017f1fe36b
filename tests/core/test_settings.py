"""Settings come from the environment and fail loudly on a bad value."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "production-secret-that-is-long-and-random-0123456789",
    "DATABASE_URL": "sqlite:////tmp/stip-check-deploy.sqlite3",
    "ALLOWED_HOSTS": "stip.example.nl",
    "CSRF_TRUSTED_ORIGINS": "https://stip.example.nl",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_SSL_REDIRECT": "true",
    "STIP_BEHIND_TLS_PROXY": "true",
}


def run_manage(*args, env):
    ignored = {"PYTEST_VERSION", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("EMAIL_PORT", "abc", "EMAIL_PORT must be a whole number, not 'abc'."),
        ("DEBUG", "maybe", "DEBUG must be true or false, not 'maybe'."),
        ("STIP_ANONYMITY_MINIMUM", "2", "STIP_ANONYMITY_MINIMUM must be at least 3, not 2."),
    ],
)
def test_a_bad_value_stops_start_up_with_its_name(name, value, message):
    result = run_manage("check", env={**PRODUCTION, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_needs_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_with_production_values():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
