"""Every URL and API operation × every persona → the answer they get.

A route without a row here fails `test_every_route_has_a_row`: adding a page means deciding,
here, who may open it. Invisible things answer 404, so that ids reveal nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from stip.core import services as core_services
from tests.personas import Personas

ROLES = (
    "anonymous",
    "employee",
    "manager",
    "director",
    "peer",
    "hr",
    "admin",
    "outsider",
    "leaver",
)
SIGNED_IN = ("employee", "manager", "director", "peer", "hr", "admin", "outsider")

OK = 200
FOUND = 302  # a redirect after a successful POST, or for a signed-in user away from sign-in
LOGIN = "login"  # a redirect to the sign-in page
ADMIN_LOGIN = "admin-login"
NOT_FOUND = 404
NOT_ALLOWED = 405
UNAUTHORIZED = 401


@dataclass
class Row:
    name: str
    url: Callable[[Personas], str]
    expected: dict[str, object]
    method: str = "get"
    data: Callable[[Personas], dict] = field(default=lambda p: {})
    headers: dict = field(default_factory=dict)


def everyone(signed_in, *, anonymous=LOGIN, leaver=None):
    """Signed-in personas get `signed_in`; people who have left are treated as signed out."""
    answers = dict.fromkeys(SIGNED_IN, signed_in)
    answers["anonymous"] = anonymous
    answers["leaver"] = anonymous if leaver is None else leaver
    return answers


def only(allowed: tuple[str, ...], yes, no=NOT_FOUND, anonymous=LOGIN):
    answers = {role: (yes if role in allowed else no) for role in SIGNED_IN}
    answers["anonymous"] = anonymous
    answers["leaver"] = anonymous
    return answers


def url(name, **kwargs):
    return lambda p: reverse(name, kwargs={k: v(p) for k, v in kwargs.items()})


def public_id(attr):
    return lambda p: getattr(p, attr).public_id


def own_token(p):
    # The employee's token: only the employee may revoke it; everyone else gets 404.
    token, _secret = core_services.access_token_create(user=p.employee.user, name="script")
    return token.public_id


def import_job(p):
    from stip.people.models import ImportJob

    return ImportJob.objects.create(content="", deactivate_missing=False).public_id


PAGE_ROWS = [
    Row("home", url("home"), everyone(OK)),
    Row("core:login", url("core:login"), everyone(FOUND, anonymous=OK, leaver=OK)),
    Row("core:logout", url("core:logout"), everyone(LOGIN), method="post"),
    Row("core:password_reset", url("core:password_reset"), everyone(OK, anonymous=OK)),
    Row("core:password_reset_done", url("core:password_reset_done"), everyone(OK, anonymous=OK)),
    Row(
        "core:password_reset_confirm",
        url("core:password_reset_confirm", uidb64=lambda p: "MQ", token=lambda p: "bad-token"),
        everyone(OK, anonymous=OK),
    ),
    Row(
        "core:password_reset_complete",
        url("core:password_reset_complete"),
        everyone(OK, anonymous=OK),
    ),
    Row(
        "core:set_language",
        url("core:set_language"),
        everyone(FOUND, anonymous=FOUND),
        method="post",
        data=lambda p: {"language": "en", "next": "/"},
    ),
    Row(
        "core:access_token_create",
        url("core:access_token_create"),
        everyone(FOUND),
        method="post",
        data=lambda p: {"name": "matrix"},
    ),
    Row(
        "core:access_token_revoke",
        url("core:access_token_revoke", public_id=own_token),
        only(("employee",), FOUND),
        method="post",
    ),
    Row("people:directory", url("people:directory"), everyone(OK)),
    Row("people:me", url("people:me"), everyone(OK)),
    Row("people:org_chart", url("people:org_chart"), everyone(OK)),
    Row("people:import", url("people:import"), only(("hr", "admin"), OK)),
    Row(
        "people:import_detail",
        url("people:import_detail", public_id=import_job),
        only(("hr", "admin"), OK),
    ),
    Row("people:profile", url("people:profile", public_id=public_id("employee")), everyone(OK)),
    Row(
        "people:profile (left)",
        url("people:profile", public_id=public_id("leaver")),
        only(("hr", "admin"), OK),
    ),
    Row(
        "people:org_chart_children",
        url("people:org_chart_children", public_id=public_id("manager")),
        everyone(OK),
    ),
    Row(
        "people:hr_role",
        url("people:hr_role", public_id=public_id("peer")),
        only(("hr", "admin"), FOUND),
        method="post",
        data=lambda p: {"grant": "1"},
    ),
    Row(
        "people:hr_role (own)",
        url("people:hr_role", public_id=public_id("hr")),
        only(("admin",), FOUND),
        method="post",
        data=lambda p: {"grant": "0"},
    ),
    Row(
        "admin:index",
        url("admin:index"),
        only(("admin",), OK, no=ADMIN_LOGIN, anonymous=ADMIN_LOGIN),
    ),
]

# URL names covered elsewhere: the Django admin (technical support only, guarded by is_staff;
# `admin:index` stands for it above) and the API (one row per OpenAPI operation below).
SKIPPED_NAMESPACES = ("admin", "api")


def _route_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in SKIPPED_NAMESPACES:
                continue
            yield from _route_names(
                pattern.url_patterns, f"{prefix}{namespace}:" if namespace else prefix
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name


def test_every_route_has_a_row():
    covered = {row.name.split(" ")[0] for row in PAGE_ROWS}
    missing = sorted(set(_route_names(get_resolver().url_patterns)) - covered)
    assert missing == [], f"Add rows to the permission matrix for: {missing}"


def test_every_row_names_every_role():
    for row in PAGE_ROWS:
        assert set(row.expected) == set(ROLES), row.name


def _check(client, personas, row: Row, role: str):
    client.logout()
    person = personas.get(role)
    if person is not None:
        client.force_login(person.user)
    target = row.url(personas)
    response = getattr(client, row.method)(target, row.data(personas), **row.headers)
    expected = row.expected[role]
    if expected == LOGIN:
        assert response.status_code == 302, (row.name, role, response.status_code)
        assert response.url.startswith(reverse("core:login")), (row.name, role, response.url)
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302, (row.name, role, response.status_code)
        assert response.url.startswith(reverse("admin:login")), (row.name, role, response.url)
    elif expected == FOUND:
        assert response.status_code == 302, (row.name, role, response.status_code)
        assert not response.url.startswith(reverse("core:login")), (row.name, role)
    else:
        assert response.status_code == expected, (row.name, role, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("row", PAGE_ROWS, ids=lambda row: row.name)
@pytest.mark.parametrize("role", ROLES)
def test_page_permissions(client, personas, row, role):
    _check(client, personas, row, role)
