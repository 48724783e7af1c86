from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import ApiTokenForm, ProfileForm
from accounts.services import api_token_create, api_token_revoke, profile_ensure, profile_update


@login_required
def settings_view(request):
    profile = profile_ensure(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile_update(profile=profile, **form.cleaned_data)
        messages.success(request, _("Your settings were saved."))
        return redirect("account_settings")
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "token_form": ApiTokenForm(),
            "tokens": request.user.api_tokens.filter(revoked_at__isnull=True),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def token_create_view(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("account_settings")
    _token, key = api_token_create(user=request.user, name=form.cleaned_data["name"])
    return render(request, "accounts/token_created.html", {"key": key})


@login_required
@require_POST
def token_revoke_view(request, token_id: int):
    if api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, _("The token was deleted."))
    return redirect("account_settings")
