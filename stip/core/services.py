"""Changes to accounts: language, access tokens."""

from django.db import transaction
from django.utils import timezone

from stip.core.audit import audit_record
from stip.core.models import AccessToken, Language, User


def user_set_language(*, user: User, language: str) -> User:
    if language not in Language.values:
        raise ValueError(f"Unknown language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def access_token_create(*, user: User, name: str) -> tuple[AccessToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    secret = AccessToken.new_secret()
    token = AccessToken.objects.create(
        user=user, name=name.strip(), digest=AccessToken.digest_of(secret), hint=secret[:9]
    )
    audit_record(actor=user, action="core.access_token_created", obj=token, after={"name": name})
    return token, secret


@transaction.atomic
def access_token_revoke(*, token: AccessToken, actor: User) -> AccessToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="core.access_token_revoked", obj=token)
    return token
