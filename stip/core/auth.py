"""Sign-in: e-mail and password, people who have left shut out, guessing throttled."""

import math
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from stip.core.models import SignInFailure


class StipBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or "").strip().lower()
        if not email or password is None:
            return None
        User = get_user_model()
        try:
            user = User.objects.select_related("person").get(email=email)
        except User.DoesNotExist:
            # Spend the time of a hash anyway, so that timing does not reveal who exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user) -> bool:
        if not user.is_active:
            return False
        person = getattr(user, "person", None)
        return person is None or not person.has_left

    def get_user(self, user_id):
        # The Person comes along: every page needs it, and it decides whether the session holds.
        User = get_user_model()
        try:
            user = User.objects.select_related("person").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def client_address(request) -> str | None:
    """The client's address, taking the configured number of trusted proxies into account."""
    proxies = settings.STIP_TRUSTED_PROXIES
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def signin_wait_minutes(*, email: str, address: str | None) -> int:
    """Minutes until another attempt is allowed; 0 when signing in is allowed now."""
    window = timedelta(minutes=settings.STIP_SIGNIN_WINDOW_MINUTES)
    since = timezone.now() - window
    recent = SignInFailure.objects.filter(at__gte=since)
    checks = [
        (recent.filter(email=email.strip().lower()), settings.STIP_SIGNIN_MAX_FAILURES_PER_ACCOUNT)
    ]
    if address:
        checks.append(
            (recent.filter(address=address), settings.STIP_SIGNIN_MAX_FAILURES_PER_ADDRESS)
        )
    wait = 0
    for failures, limit in checks:
        times = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            # Allowed again once the oldest of the last `limit` failures leaves the window.
            free_at = times[-1] + window
            wait = max(wait, math.ceil((free_at - timezone.now()).total_seconds() / 60))
    return wait


def signin_failed(*, email: str, address: str | None) -> None:
    SignInFailure.objects.create(email=email.strip().lower()[:254], address=address)
    SignInFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()


def signin_succeeded(*, email: str) -> None:
    SignInFailure.objects.filter(email=email.strip().lower()).delete()
