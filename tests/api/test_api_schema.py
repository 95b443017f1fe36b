import json
import re

import pytest

from stip.api.api import api

pytestmark = pytest.mark.django_db

PEOPLE_PATHS = {
    "/api/v1/people",
    "/api/v1/people/me",
    "/api/v1/people/{id}",
    "/api/v1/people/{id}/reports",
    "/api/v1/teams",
    "/api/v1/teams/{id}",
}


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_openapi_schema_is_served_as_json(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Stip API"
    assert schema["info"]["description"]
    assert set(schema["paths"]) >= PEOPLE_PATHS


def test_every_operation_needs_a_token_or_a_session_and_documents_its_errors():
    # Through JSON, as a client reads it: status codes become strings.
    schema = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    error_ref = "#/components/schemas/ErrorOut"

    for path, method, operation in operations(schema):
        where = f"{method.upper()} {path}"
        assert operation["security"] == [{"AccessTokenAuth": []}, {"SessionAuth": []}], where
        assert "401" in operation["responses"], where
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == error_ref, where
        if "{id}" in path:
            assert "404" in operation["responses"], where
        if operation.get("parameters"):
            assert "422" in operation["responses"], where


def test_the_docs_load_nothing_from_another_site(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert all(asset.startswith("/static/") for asset in assets), assets
    # (A bare "cdn" could occur inside the random CSRF token: look for CDN hosts instead.)
    assert not re.search(r"cdn\.|jsdelivr|unpkg|cdnjs", html.lower())
    assert "://" not in html
