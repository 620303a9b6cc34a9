import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from accounts.downloads import attachment, file_name

from . import services
from .forms import AccessTokenForm, DeleteAccountForm, ProfileForm
from .language_cookie import remember_language
from .rate_limits import account_retry_after


@login_required
def account_settings(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details have been saved."))
        response = redirect("accounts:settings")
        remember_language(response, request.user.preferred_language)
        return response
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "tokens": request.user.access_tokens.all(),
            "token_form": AccessTokenForm(),
        },
    )


#: The person confirms their password (or second factor) first, as allauth asks before its
#: own account changes (`ACCOUNT_REAUTHENTICATION_REQUIRED`): a session left open on a shared
#: computer must not be enough to take their data, delete them or make an API key (ADR 0003).
sensitive = reauthentication_required(app="allauth.account")


@login_required
@sensitive
def personal_data_export(request):
    data = services.user_personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    attachment(response, file_name(pgettext("file name", "my-data"), stamp, suffix="json"))
    return response


@login_required
@sensitive
def account_delete(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.user_anonymise(user=user)
        messages.success(request, _("Your account has been deleted."))
        return redirect("/")
    return render(request, "accounts/delete.html", {"form": form})


@login_required
@require_POST
@sensitive
def access_token_create(request):
    form = AccessTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("accounts:settings")
    token, raw = services.access_token_create(user=request.user, name=form.cleaned_data["name"])
    return render(request, "accounts/token_created.html", {"token": token, "raw": raw})


@login_required
@require_POST
def access_token_revoke(request, pk: int):
    token = get_object_or_404(request.user.access_tokens, pk=pk)
    services.access_token_revoke(token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:settings")


def too_many_requests(request):
    """The page of allauth's rate limits (login, sign-up, password reset, …; config.urls'
    handler429, which allauth calls), in the page's language, with `Retry-After`."""
    response = render(request, "429.html", status=429)
    match = request.resolver_match
    response["Retry-After"] = str(account_retry_after(match.url_name if match else None))
    return response
