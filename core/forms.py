"""Form pieces several apps share: a file input that takes several photos, each checked by
decoding (core.images) before anything is stored; text fields that refuse hidden characters;
the note staff type with an action in the admin, and how such an action is posted."""

from collections.abc import Callable, Mapping

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import RefusedChange
from core.images import ImageRejected, SanitizedImage, sanitize_upload
from core.text import reject_hidden_characters

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif"


class SafeTextMixin:
    """For forms that take free text: every text field refuses hidden characters (core.text),
    as the API's text fields do. Django's own fields refuse only NUL."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and reject_hidden_characters not in field.validators:
                field.validators.append(reject_hidden_characters)


def errors_as_messages(request, form: forms.Form) -> None:
    """For a small form posted from a page of its own (a rating under a listing, a photo's
    description): its errors as messages, for that page rendered again with 400."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


class PhotoDescriptionForm(SafeTextMixin, forms.Form):
    """The text alternative beside each photo of a listing or an item."""

    alt_text = forms.CharField(label=_("Describe the photo"), max_length=200, required=False)


class StaffNoteForm(SafeTextMixin, forms.Form):
    """What moderators and editors type with an action in the admin: a reason, a warning to a
    user, a note on a decision. Each action's service says which one it needs."""

    reason = forms.CharField(required=False)
    message = forms.CharField(required=False)
    note = forms.CharField(required=False)


def staff_action(
    request: HttpRequest,
    actions: Mapping[str, Callable[[dict], object]],
    *,
    refused: type[RefusedChange],
    done: str,
    page: Callable[[int], HttpResponse],
) -> HttpResponse:
    """An admin screen with a StaffNoteForm and one button per action: a GET shows `page(200)`; a
    POST with a note the form refuses shows `page(400)` with the errors as messages; otherwise the
    posted "action" picks the callable in `actions`, which gets the note's cleaned data. An action
    not in `actions` (unknown, or not this person's to take) is PermissionDenied. The service's
    `refused` error becomes an error message, success says so, and both redirect to `done`."""
    if request.method != "POST":
        return page(200)
    note = StaffNoteForm(request.POST)
    if not note.is_valid():
        errors_as_messages(request, note)
        return page(400)
    action = actions.get(request.POST.get("action"))
    if action is None:
        raise PermissionDenied
    try:
        action(note.cleaned_data)
    except refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("Done."))
    return redirect(done)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one file input. Each one is checked by decoding (core.images) in the
    form's clean method; here they are only collected."""

    widget = MultipleFileInput(attrs={"accept": PHOTO_ACCEPT})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        # super() with arguments: a comprehension is a scope of its own.
        return [super(PhotosField, self).clean(item, initial) for item in files]


class MultiplePhotosField(PhotosField):
    """Several photos in one file input, sanitized in `clean` (at most `room` of them): the
    cleaned value is a list of SanitizedImage, and every refused file is named in the error."""

    def __init__(self, *args, room: int = 8, **kwargs):
        self.room = room
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list[SanitizedImage]:
        files = [upload for upload in super().clean(data, initial) if upload]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > self.room:
            raise forms.ValidationError(_("You can add at most %(n)s more photos.") % {"n": self.room})
        prepared, errors = [], []
        for number, upload in enumerate(files, start=1):
            try:
                prepared.append(sanitize_upload(upload))
            except ImageRejected as rejected:
                errors.append(_("Photo %(n)s: %(reason)s") % {"n": number, "reason": rejected.message})
        if errors:
            raise forms.ValidationError(errors)
        return prepared
