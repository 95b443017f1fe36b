"""The machinery of the permission matrix: rows, expected answers, and the check.

Each app lists its rows in `tests/<app>/matrix_rows.py` (`PAGE_ROWS`, `API_ROWS`);
`tests/test_permission_matrix.py` collects them and fails when a route has no row.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

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
UNAUTHORIZED = 401


@dataclass
class Row:
    name: str  # the URL name (pages) or "METHOD /api/v1/path/{id}" (API), plus an optional note
    url: Callable[[Personas], str]
    expected: dict[str, object]
    method: str = "get"
    data: Callable[[Personas], dict] = field(default=lambda p: {})
    # Send `data` as a JSON body (the API's writes) rather than as a form.
    json: bool = False

    @property
    def route(self) -> str:
        return self.name.split(" (")[0]


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


def api_everyone(signed_in):
    return everyone(signed_in, anonymous=UNAUTHORIZED)


def api_only(allowed, yes, no=NOT_FOUND):
    return only(allowed, yes, no=no, anonymous=UNAUTHORIZED)


def url(name, **kwargs):
    return lambda p: reverse(name, kwargs={k: v(p) for k, v in kwargs.items()} or None)


def path(template: str, **kwargs):
    return lambda p: template.format(**{k: v(p) for k, v in kwargs.items()})


def public_id(attr):
    return lambda p: getattr(p, attr).public_id


def check(client, personas: Personas, row: Row, role: str) -> None:
    client.logout()
    person = personas.get(role)
    if person is not None:
        client.force_login(person.user)
    target = row.url(personas)
    if row.json:
        response = getattr(client, row.method)(
            target, row.data(personas), content_type="application/json"
        )
    else:
        response = getattr(client, row.method)(target, row.data(personas))
    expected = row.expected[role]
    where = (row.name, role, response.status_code)
    if expected == LOGIN:
        assert response.status_code == 302, where
        assert response.url.startswith(reverse("core:login")), (*where, response.url)
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302, where
        assert response.url.startswith(reverse("admin:login")), (*where, response.url)
    elif expected == FOUND:
        assert response.status_code == 302, where
        assert not response.url.startswith(reverse("core:login")), (*where, response.url)
    else:
        assert response.status_code == expected, where
        if (
            row.name.split(" ")[1:2]
            and row.name.split(" ")[1].startswith("/api/")
            and expected >= 400
        ):
            # API errors share one body shape.
            assert set(response.json()) >= {"detail", "code", "errors"}, where
