"""One error body for every error the API answers.

    {"detail": "<a translated sentence>", "code": "<machine code>", "errors": [...]}

`errors` lists one {"field", "message"} per invalid field and is empty for every other error.
Endpoints raise `Http404` (or let `.get()` raise `DoesNotExist`), `ApiError` for anything else;
ninja raises its own `ValidationError` and `AuthenticationError`. The handlers below turn each
into the body above, so that no endpoint builds an error response by hand.
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger("django.request")

# Where ninja says a bad value came from: the first element of an error's `loc`.
_SOURCES = {"path", "query", "header", "cookie", "body", "form", "file"}

_CODES_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "throttled",
}


class ErrorItem(Schema):
    field: str | None = None
    message: str


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[ErrorItem] = []


class ApiError(HttpError):
    """An error with a translated message and a machine code, e.g.
    `raise ApiError(409, _("Someone else changed this goal."), code="stale")`."""

    def __init__(self, status_code: int, message: str, *, code: str | None = None) -> None:
        super().__init__(status_code, message)
        self.code = code or _CODES_BY_STATUS.get(status_code, "error")


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error part of an operation's `response=`, so that the schema documents each one:
    `response={200: PersonOut, **error_responses(401, 404, 422)}`."""
    return dict.fromkeys(statuses, ErrorOut)


def error_body(detail: str, code: str, errors: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    return {"detail": str(detail), "code": code, "errors": list(errors)}


def renamed_errors(
    error: DjangoValidationError, names: dict[str, str | None]
) -> DjangoValidationError:
    """A service's field names → the request's (`None`: about the request as a whole)."""
    renamed: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        name = names.get(field, field)
        renamed.setdefault(NON_FIELD_ERRORS if name is None else name, []).extend(messages)
    return DjangoValidationError(renamed)


def invalid(field: str, message: str, *, source: str = "query") -> ValidationError:
    """A validation error about one field, found by the endpoint rather than by the schema
    (an unknown team id in a filter, say); raise it and it answers like any other 422."""
    return ValidationError([{"loc": (source, field), "type": "stip", "msg": str(message)}])


def field_name(loc: Iterable[Any]) -> str | None:
    """`("query", "page_size")` → "page_size"; `("body", "payload", "title")` → "title";
    `("body", "payload", "items", 0, "name")` → "items.0.name"."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # A body schema is nested under the endpoint's parameter name, which the client
        # never sees: strip it.
        if source in {"body", "form"} and len(parts) > 1:
            parts.pop(0)
    return ".".join(str(part) for part in parts) or None


def error_message(error: dict[str, Any]) -> str:
    """A translated sentence for one of pydantic's error types. The wording reuses Django's own
    form messages where they exist, so that Dutch works from Django's catalogue."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"float_parsing", "float_type", "decimal_parsing", "decimal_type", "finite_number"}:
        return _("Enter a number.")
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt"))
        if kind == "less_than":
            return _("Ensure this value is less than %(limit_value)s.") % {"limit_value": limit}
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": limit
        }
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt"))
        if kind == "greater_than":
            return _("Ensure this value is greater than %(limit_value)s.") % {"limit_value": limit}
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": limit
        }
    if kind == "string_too_long":
        limit = ctx.get("max_length", 0)
        return ngettext(
            "Ensure this value has at most %(limit_value)d character.",
            "Ensure this value has at most %(limit_value)d characters.",
            limit,
        ) % {"limit_value": limit}
    if kind == "string_too_short":
        limit = ctx.get("min_length", 0)
        return ngettext(
            "Ensure this value has at least %(limit_value)d character.",
            "Ensure this value has at least %(limit_value)d characters.",
            limit,
        ) % {"limit_value": limit}
    if kind in {"uuid_parsing", "uuid_type", "uuid_version"}:
        return _("Enter a valid UUID.")
    if kind in {"date_parsing", "date_type", "date_from_datetime_parsing"}:
        return _("Enter a valid date.")
    if kind in {"datetime_parsing", "datetime_type", "datetime_from_date_parsing"}:
        return _("Enter a valid date/time.")
    if kind in {"literal_error", "enum"}:
        return _("Select a valid choice. %(value)s is not one of the available choices.") % {
            "value": ctx.get("expected", "")
        }
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind == "value_error" and "error" in ctx:
        # A validator's own message, translated where it was raised.
        return str(ctx["error"])
    if kind == "stip":
        return str(error.get("msg", ""))
    return _("Enter a valid value.")


def validation_errors(raw: Iterable[Any]) -> list[dict[str, Any]]:
    """ninja's list of pydantic errors → one {"field", "message"} per field, first error wins."""
    by_field: dict[str | None, str] = {}
    for error in raw:
        if isinstance(error, dict) and "loc" in error:
            by_field.setdefault(field_name(error["loc"]), error_message(error))
        elif isinstance(error, dict):
            # ninja's cursor pagination raises {"<field>": "<message>"}.
            for field, message in error.items():
                by_field.setdefault(str(field), str(message))
    return [{"field": field, "message": message} for field, message in by_field.items()]


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request, status, detail, code, errors=(), headers=None) -> HttpResponse:
        response = api.create_response(request, error_body(detail, code, errors), status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(
            request, 422, _("The request is not valid."), "invalid", validation_errors(exc.errors)
        )

    @api.exception_handler(DjangoValidationError)
    def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError):
        # Services validate with Django's ValidationError; the API answers it like its own.
        if hasattr(exc, "error_dict"):
            pairs = [
                (None if field == NON_FIELD_ERRORS else field, message)
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            pairs = [(None, message) for message in exc.messages]
        errors: dict[str | None, str] = {}
        for field, message in pairs:
            errors.setdefault(field, message)
        return respond(
            request,
            422,
            _("The request is not valid."),
            "invalid",
            [{"field": field, "message": message} for field, message in errors.items()],
        )

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, exc: AuthenticationError):
        return respond(
            request,
            401,
            _("Sign in, or send a valid personal access token as “Authorization: Bearer …”."),
            "not_authenticated",
            headers={"WWW-Authenticate": 'Bearer realm="Stip API"'},
        )

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 404, _("Not found."), "not_found")

    api.add_exception_handler(ObjectDoesNotExist, on_not_found)

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(
            request, 403, _("You do not have permission to do this."), "permission_denied"
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = getattr(exc, "code", None) or _CODES_BY_STATUS.get(exc.status_code, "error")
        return respond(request, exc.status_code, str(exc), code)

    @api.exception_handler(Exception)
    def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        if settings.DEBUG:
            raise exc
        # What Django does for a view's unhandled exception: log it with the request and tell
        # the listeners (error reporting, the test client), then answer in the API's own shape.
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        got_request_exception.send(sender=None, request=request)
        return respond(
            request, 500, _("Something went wrong on our side. Please try again."), "server_error"
        )
