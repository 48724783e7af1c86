from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from accounts.services import profile_ensure


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profile_ensure(
                user=user,
                display_name=form.cleaned_data.get("display_name", ""),
                preferred_language=translation.get_language() or "nb",
            )
        return user

    # Stay in the language the visitor is using: "/" becomes "/en/" on the English site.
    def get_login_redirect_url(self, request):
        return _in_current_language(super().get_login_redirect_url(request))

    def get_logout_redirect_url(self, request):
        return _in_current_language(super().get_logout_redirect_url(request))


def _in_current_language(url: str) -> str:
    """Settings name URLs in the default language; give the active language's version."""
    language = translation.get_language()
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(url, language)
