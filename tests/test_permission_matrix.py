"""Every URL and API operation, for every persona: → the answer they get.

A route without a row here fails `test_every_route_has_a_row`: adding a page or an endpoint
means deciding, in its app's `matrix_rows.py`, who may use it. Invisible things answer 404.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import tests
from stip.api.api import api
from tests.matrix import ROLES, check


def _collect(kind: str):
    rows = []
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.endswith(".matrix_rows"):
            rows += getattr(importlib.import_module(module.name), kind)
    return rows


PAGE_ROWS = _collect("PAGE_ROWS")
API_ROWS = _collect("API_ROWS")

# The API's own routes (operations, schema, docs) are matched against the OpenAPI schema below;
# the Django admin's hundreds of routes are represented by `admin:index`.
SKIPPED_NAMESPACES = {"admin", "api"}
# Public by design: the OpenAPI schema and its docs page describe the API, not anyone's data.
PUBLIC_API_ROUTES = {"api:openapi-json", "api:openapi-view"}


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


def _api_operations():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    for route, operations in schema["paths"].items():
        for method in operations:
            yield f"{method.upper()} {route.rstrip('/')}"


def test_every_route_has_a_row():
    covered = {row.route for row in PAGE_ROWS} | {"admin:index"}
    missing = sorted(set(_route_names(get_resolver().url_patterns)) - covered)
    assert missing == [], f"Add rows to the permission matrix for: {missing}"


def test_every_api_operation_has_a_row():
    covered = {row.route for row in API_ROWS}
    operations = set(_api_operations())
    assert operations, "the OpenAPI schema lists no operation"
    assert sorted(operations - covered) == [], "Add API rows to the permission matrix"


def test_every_row_names_every_role():
    for row in PAGE_ROWS + API_ROWS:
        assert set(row.expected) == set(ROLES), row.name


@pytest.mark.parametrize("route", sorted(PUBLIC_API_ROUTES))
def test_the_api_description_is_public(client, db, route):
    from django.urls import reverse

    assert client.get(reverse(route)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("row", PAGE_ROWS, ids=lambda row: row.name)
@pytest.mark.parametrize("role", ROLES)
def test_page_permissions(client, personas, row, role):
    check(client, personas, row, role)


@pytest.mark.django_db
@pytest.mark.parametrize("row", API_ROWS, ids=lambda row: row.name)
@pytest.mark.parametrize("role", ROLES)
def test_api_permissions(client, personas, row, role):
    check(client, personas, row, role)
