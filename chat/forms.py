from django import forms
from django.utils.translation import gettext_lazy as _

from chat.models import MAX_MESSAGE_LENGTH, ConversationReport
from core.forms import SafeTextMixin


class MessageForm(SafeTextMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=MAX_MESSAGE_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)


class ConversationReportForm(SafeTextMixin, forms.Form):
    text = forms.CharField(
        label=_("What happened?"),
        max_length=ConversationReport._meta.get_field("text").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
