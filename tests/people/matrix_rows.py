from stip.people.models import ImportJob
from tests.matrix import (
    ADMIN_LOGIN,
    FOUND,
    NOT_FOUND,
    OK,
    Row,
    api_everyone,
    api_only,
    everyone,
    only,
    path,
    public_id,
    url,
)


def import_job(p):
    return ImportJob.objects.create(content="", deactivate_missing=False).public_id


PAGE_ROWS = [
    Row("home", url("home"), everyone(OK)),
    Row("people:directory", url("people:directory"), everyone(OK)),
    Row("people:me", url("people:me"), everyone(OK)),
    Row("people:org_chart", url("people:org_chart"), everyone(OK)),
    Row("people:import", url("people:import"), only(("hr", "admin"), OK)),
    Row(
        "people:import_detail",
        url("people:import_detail", public_id=import_job),
        only(("hr", "admin"), OK),
    ),
    Row(
        "people:import_errors",
        url("people:import_errors", public_id=import_job),
        only(("hr", "admin"), OK),
    ),
    Row("people:profile", url("people:profile", public_id=public_id("employee")), everyone(OK)),
    Row(
        "people:profile (someone who left)",
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
        "people:hr_role (their own)",
        url("people:hr_role", public_id=public_id("hr")),
        only(("admin",), FOUND),
        method="post",
        data=lambda p: {"grant": "0"},
    ),
    # The Django admin is for technical support; `admin:index` stands for all of it.
    Row(
        "admin:index",
        url("admin:index"),
        only(("admin",), OK, no=ADMIN_LOGIN, anonymous=ADMIN_LOGIN),
    ),
]

# People without a Person record (an administrator account) get 404 from /people/me; every
# persona here has one.
API_ROWS = [
    Row("GET /api/v1/people", path("/api/v1/people"), api_everyone(OK)),
    Row("GET /api/v1/people/me", path("/api/v1/people/me"), api_everyone(OK)),
    Row(
        "GET /api/v1/people/{id}",
        path("/api/v1/people/{id}", id=public_id("employee")),
        api_everyone(OK),
    ),
    Row(
        "GET /api/v1/people/{id} (someone who left)",
        path("/api/v1/people/{id}", id=public_id("leaver")),
        api_only(("hr", "admin"), OK),
    ),
    Row(
        "GET /api/v1/people/{id}/reports",
        path("/api/v1/people/{id}/reports", id=public_id("manager")),
        api_everyone(OK),
    ),
    Row(
        "GET /api/v1/people/{id}/reports (someone who left)",
        path("/api/v1/people/{id}/reports", id=public_id("leaver")),
        api_only(("hr", "admin"), OK, no=NOT_FOUND),
    ),
    Row("GET /api/v1/teams", path("/api/v1/teams"), api_everyone(OK)),
    Row(
        "GET /api/v1/teams/{id}",
        path("/api/v1/teams/{id}", id=public_id("planning")),
        api_everyone(OK),
    ),
]
