from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile
from core.forms import SafeTextMixin


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        help_text=_("Shown to others instead of your email address."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    field_order = ["display_name", "email", "password1", "password2"]


class ProfileForm(SafeTextMixin, forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "preferred_language", "home_place", "email_on_unread"]


class ApiTokenForm(SafeTextMixin, forms.Form):
    name = forms.CharField(label=_("Name of the token"), max_length=60)
