from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stip.core import services
from stip.core.forms import AccessTokenForm, LanguageForm, PasswordResetForm, SignInForm
from stip.core.models import AccessToken


class SignInView(auth_views.LoginView):
    template_name = "core/signin.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "core/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "core/email/password_reset.txt"
    subject_template_name = "core/email/password_reset_subject.txt"
    success_url = reverse_lazy("core:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "core/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/password_reset_confirm.html"
    success_url = reverse_lazy("core:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "core/password_reset_complete.html"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Choose Dutch or English: kept on the account when signed in, in a cookie otherwise."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        translation.activate(language)
        response.set_cookie(
            "django_language", language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response


@login_required
@require_POST
def access_token_create(request: HttpRequest) -> HttpResponse:
    form = AccessTokenForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("name", []):
            messages.error(request, error)
        return redirect("people:me")
    _token, secret = services.access_token_create(user=request.user, name=form.cleaned_data["name"])
    # Shown once, on the next page, and then gone: only the digest is stored.
    request.session["new_access_token"] = secret
    messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    return redirect(reverse("people:me") + "#tokens")


@login_required
@require_POST
def access_token_revoke(request: HttpRequest, public_id) -> HttpResponse:
    token = get_object_or_404(AccessToken.objects.filter(user=request.user), public_id=public_id)
    services.access_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect(reverse("people:me") + "#tokens")
