from allauth.account.adapter import DefaultAccountAdapter
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
