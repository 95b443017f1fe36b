from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from stip.core import auth
from stip.core.models import Language


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _("That e-mail address and password do not match an account."),
        "inactive": _("This account can no longer sign in."),
    }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        address = auth.client_address(self.request) if self.request else None
        if email:
            wait = auth.signin_wait_minutes(email=email, address=address)
            if wait:
                raise forms.ValidationError(
                    ngettext(
                        "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
                        "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
                        wait,
                    )
                    % {"minutes": wait},
                    code="throttled",
                )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if email:
                auth.signin_failed(email=email, address=address)
            raise
        auth.signin_succeeded(email=email)
        return cleaned


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    next = forms.CharField(required=False)


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Say what the token is for, e.g. “HR reporting script”."),
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Also reaches people who were imported and never chose a password, but not leavers."""

    def get_users(self, email):
        from stip.core.auth import StipBackend
        from stip.core.models import User

        backend = StipBackend()
        candidates = User.objects.select_related("person").filter(
            email__iexact=email.strip(), is_active=True
        )
        return [user for user in candidates if backend.user_can_authenticate(user)]
