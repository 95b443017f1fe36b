from stip.core import services as core_services
from tests.matrix import FOUND, LOGIN, OK, Row, everyone, only, url


def own_token(p):
    # The employee's token: only the employee may revoke it; everyone else gets 404.
    token, _secret = core_services.access_token_create(user=p.employee.user, name="script")
    return token.public_id


PAGE_ROWS = [
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
]

API_ROWS: list[Row] = []
