from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile
from core.forms import SafeTextMixin


class SignupForm(SafeTextMixin, AllauthSignupForm):
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
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=60,
        error_messages={"required": _("Give the token a name.")},
    )


class AccountDeleteForm(forms.Form):
    """Deleting an account needs the password again, or, for an account without one, the word
    the page asks for."""

    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirmation = forms.CharField(label=_("Type the word shown above"), required=False, max_length=40)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            del self.fields["confirmation"]
            self.fields["password"].required = True
        else:
            del self.fields["password"]
            self.fields["confirmation"].required = True

    @staticmethod
    def confirmation_word() -> str:
        return str(_("DELETE"))

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right."))
        return password

    def clean_confirmation(self):
        word = self.cleaned_data.get("confirmation", "").strip()
        if word.casefold() != self.confirmation_word().casefold():
            raise forms.ValidationError(_("Type the word exactly as shown."))
        return word
