from django import forms
from django.utils.translation import gettext_lazy as _

from chat.models import MAX_MESSAGE_LENGTH
from core.forms import SafeTextMixin


class MessageForm(SafeTextMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=MAX_MESSAGE_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
