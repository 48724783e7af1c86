from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.files.storage import storages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import privacy
from accounts.forms import AccountDeleteForm, ApiTokenForm, ProfileForm
from accounts.models import DATA_EXPORT_INTERVAL, DATA_EXPORT_LIFETIME, DataExport
from accounts.services import (
    PrivacyError,
    account_delete,
    api_token_create,
    api_token_revoke,
    data_export_for_download,
    data_export_request,
    profile_ensure,
    profile_update,
)


def _settings_page(request, form, *, token_form=None, status: int = 200):
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "token_form": token_form or ApiTokenForm(),
            "tokens": request.user.api_tokens.filter(revoked_at__isnull=True),
            "latest_export": DataExport.objects.filter(user=request.user).first(),
            "export_lifetime_days": DATA_EXPORT_LIFETIME.days,
        },
        status=status,
    )


@login_required
def settings_view(request):
    profile = profile_ensure(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile_update(profile=profile, **form.cleaned_data)
        messages.success(request, _("Your settings were saved."))
        return redirect("account_settings")
    return _settings_page(request, form, status=400 if form.is_bound else 200)


@login_required
@require_POST
def token_create_view(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():  # the settings page again, the error beside the name
        profile_form = ProfileForm(instance=profile_ensure(user=request.user))
        return _settings_page(request, profile_form, token_form=form, status=400)
    _token, key = api_token_create(user=request.user, name=form.cleaned_data["name"])
    return render(request, "accounts/token_created.html", {"key": key})


@login_required
@require_POST
def token_revoke_view(request, token_id: int):
    if api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, _("The token was deleted."))
    return redirect("account_settings")


# --- Privacy rights (docs/decisions/0017) ---------------------------------------------------------


@login_required
@require_POST
def data_export_request_view(request):
    try:
        data_export_request(user=request.user)
    except PrivacyError as error:
        messages.error(request, error.message)
        profile = profile_ensure(user=request.user)
        return _settings_page(request, ProfileForm(instance=profile), status=error.status)
    messages.success(
        request,
        _("We are putting together a copy of your data. You will get an email with a link when it is ready."),
    )
    return redirect("account_settings")


@never_cache
@login_required
def data_export_download_view(request, token: str):
    """The ZIP, for the person it belongs to only (another signed-in user gets 404), while the
    link is valid; an expired link gets a page that says so (410)."""
    try:
        export = data_export_for_download(user=request.user, token=token)
    except PrivacyError as error:
        if error.status == 404:
            raise Http404 from None
        return render(
            request, "accounts/data_export_expired.html", {"message": error.message}, status=error.status
        )
    response = FileResponse(
        storages["private"].open(export.file_name, "rb"),
        as_attachment=True,
        filename=f"sirkel-data-{timezone.localdate(export.finished_at):%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
def account_delete_view(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)
        logout(request)
        return render(request, "accounts/account_deleted.html")
    return render(
        request,
        "accounts/account_delete.html",
        {"form": form, "word": AccountDeleteForm.confirmation_word()},
        status=400 if form.is_bound else 200,
    )


def privacy_view(request):
    """The privacy notice (personvernerklæring): what each app stores, why, on which basis and
    for how long, from the same registry and constants the export, deletion and retention jobs
    use."""
    return render(
        request,
        "accounts/privacy.html",
        {
            "providers": [p for p in privacy.providers() if p.notices],
            "export_lifetime_days": DATA_EXPORT_LIFETIME.days,
            "export_interval_days": DATA_EXPORT_INTERVAL.days,
        },
    )
