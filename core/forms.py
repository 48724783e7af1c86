"""Form pieces more than one app uses."""

from django import forms

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif"


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
