"""Who is calling: a personal access token, or the browser's session.

Both end with `request.user` set to the caller, so that endpoints pass `request.user` to the
same `visible_to(user)` querysets and `can_…(user, obj)` policies as the pages. A failed check
answers 401 through the API's error handlers.
"""

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from stip.api.errors import ApiError
from stip.core.auth import StipBackend
from stip.core.models import AccessToken, User

# `last_used_at` is for people reviewing their tokens, not an access log: writing it on every
# request would turn each read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


class AccessTokenAuth(HttpBearer):
    """`Authorization: Bearer stip_…`, a token created on the profile page."""

    openapi_description = (
        "A personal access token, created on your profile page under “API tokens”: "
        "`Authorization: Bearer stip_…`."
    )

    def __call__(self, request: HttpRequest) -> User | None:
        scheme, _space, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            # No token (or another scheme, e.g. a proxy's Basic auth): the session may decide.
            return None
        user = self.authenticate(request, token)
        if user is None:
            # A token was sent and is wrong: say so rather than fall back to the session.
            raise AuthenticationError
        return user

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token.startswith(AccessToken.PREFIX):
            return None
        try:
            access_token = (
                AccessToken.objects.active()
                .select_related("user__person")
                .get(digest=AccessToken.digest_of(token))
            )
        except AccessToken.DoesNotExist:
            return None
        user = access_token.user
        # The same rule as signing in: inactive accounts and people who have left are refused.
        if not StipBackend().user_can_authenticate(user):
            return None
        now = timezone.now()
        if access_token.last_used_at is None or now - access_token.last_used_at >= (
            LAST_USED_PRECISION
        ):
            AccessToken.objects.filter(pk=access_token.pk).update(last_used_at=now)
        request.user = user
        if user.language:
            # What UserLanguageMiddleware does for a session, which it could not know of here.
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return user


class SessionAuth(APIKeyCookie):
    """The browser's Django session, as used by the pages; unsafe methods need the CSRF token
    (the `X-CSRFToken` header), exactly as a form POST does."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The session of a browser signed in to Stip."

    def __call__(self, request: HttpRequest) -> User | None:
        # An anonymous request is "not authenticated" (401), not "CSRF failed" (403).
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise ApiError(
                403,
                _("The CSRF token is missing or wrong. Reload the page and try again."),
                code="csrf_failed",
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        # StipBackend.get_user already refused inactive accounts and people who have left.
        return request.user


# Every operation's authentication, tried in this order.
AUTH = [AccessTokenAuth(), SessionAuth()]
