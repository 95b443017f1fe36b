"""Every error, whoever raises it, answers with the same body."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.testing import TestClient

from stip.api.errors import ApiError, install_error_handlers
from stip.people.models import Person


class ItemIn(Schema):
    title: str
    count: int


def scratch_api():
    api = NinjaAPI(urls_namespace="scratch")
    install_error_handlers(api)

    @api.post("/items")
    def item_create(request, payload: ItemIn):
        return {}

    @api.get("/conflict")
    def conflict(request):
        raise ApiError(409, "Someone else changed this.", code="stale")

    @api.get("/forbidden")
    def forbidden(request):
        raise PermissionDenied

    @api.get("/missing")
    def missing(request):
        raise Http404

    @api.get("/does-not-exist")
    def does_not_exist(request):
        return Person.objects.get(employee_number="NOBODY")

    @api.get("/service-says-no")
    def service_says_no(request):
        raise DjangoValidationError({"title": ["Too short."], "__all__": ["Not now."]})

    @api.get("/broken")
    def broken(request):
        raise RuntimeError("a bug")

    return TestClient(api)


@pytest.fixture
def client():
    return scratch_api()


def test_a_body_validation_error_names_the_fields_as_the_client_sent_them(client):
    response = client.post("/items", json={"count": "many"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "The request is not valid.",
        "code": "invalid",
        "errors": [
            {"field": "title", "message": "This field is required."},
            {"field": "count", "message": "Enter a whole number."},
        ],
    }


def test_an_api_error_keeps_its_code(client):
    response = client.get("/conflict")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Someone else changed this.",
        "code": "stale",
        "errors": [],
    }


def test_permission_denied_is_403(client):
    response = client.get("/forbidden")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/missing", "/does-not-exist"])
def test_not_found_is_404(client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": []}


def test_a_services_validation_error_is_422(client):
    response = client.get("/service-says-no")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "title", "message": "Too short."},
        {"field": None, "message": "Not now."},
    ]


def test_a_bug_answers_500_in_the_same_shape(client, caplog):
    response = client.get("/broken")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "a bug" not in response.content.decode()
    assert "Internal Server Error: /broken" in caplog.text
