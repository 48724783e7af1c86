"""Photos as rows: every app's photo model (a listing's, a repairer's, an item's, a return's, a
quote request's) is a `PhotoBase`, and they are all stored and removed the same way.

`photo_store` writes a sanitized image (core.images) and its renditions under content-hash
names and creates the row; `photo_add` does so last in order, within a limit on how many;
`photo_delete` deletes the row and, after the commit, its files.
Inside a transaction that may still fail after the files are written, collect their names in
`files_removed_on_failure()`: if the block fails, the rows roll back and the files go too."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.images import SanitizedImage, delete_files_on_commit, stored_image, stored_image_files

ALT_TEXT_MAX = 200


class PhotoBase(models.Model):
    """A sanitized photo (core.images: decoded, metadata stripped, re-encoded) and its
    renditions, named by content hash, never by what the uploader called it. Subclasses add
    the foreign key to what it shows."""

    position = models.PositiveSmallIntegerField(default=0)
    alt_text = models.CharField(_("image description"), max_length=ALT_TEXT_MAX, blank=True)
    original = models.FileField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # {"thumbnail": {"webp": name, "jpeg": name, "width": w, "height": h}, "card": ..., "full": ...}
    renditions = models.JSONField(default=dict)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def stored_files(self) -> list[str]:
        """Every file of this photo: the original and each rendition's WebP and JPEG."""
        return stored_image_files(self.original.name, self.renditions)


def next_position(photos: QuerySet) -> int:
    """The position after the last of `photos` (the first photo, position 1, is the cover)."""
    return (photos.order_by("-position").values_list("position", flat=True).first() or 0) + 1


def photo_store(model: type[PhotoBase], image: SanitizedImage, *, folder: str, alt_text: str = "", **fields):
    """Write `image` and its renditions under `folder` and record them in a new row of `model`
    with `fields` (its foreign key, position). If the row cannot be created, the files are
    removed again."""
    with stored_image(image, folder=folder) as (original, renditions):
        return model.objects.create(
            alt_text=alt_text.strip()[:ALT_TEXT_MAX],
            original=original,
            width=image.width,
            height=image.height,
            renditions=renditions,
            sha256=image.sha256,
            **fields,
        )


def photo_add(
    photos: models.Manager,
    image: SanitizedImage,
    *,
    limit: int,
    refused: Callable[[], Exception],
    folder: str,
    alt_text: str = "",
    **fields,
) -> PhotoBase:
    """Store `image` as the last of `photos` (a related manager: `listing.images`), with `fields`
    (its foreign key); if there are `limit` photos already, raise `refused()` (the app's error,
    with its message) and store nothing. The owner's row is locked for the count: two uploads
    at once take turns, so neither the limit nor a position is shared."""
    owner = photos.instance
    with files_removed_on_failure() as written, transaction.atomic():
        type(owner).objects.select_for_update().filter(pk=owner.pk).first()
        if photos.count() >= limit:
            raise refused()
        photo = photo_store(
            photos.model, image, folder=folder, alt_text=alt_text, position=next_position(photos), **fields
        )
        written += photo.stored_files()
    return photo


def photo_delete(photo: PhotoBase) -> None:
    files = photo.stored_files()
    photo.delete()
    delete_files_on_commit(files)


@contextmanager
def files_removed_on_failure():
    """Yields a list for the names of files written inside a transaction: if the block fails,
    the rows roll back and these files are removed too, so nothing is left half-stored."""
    from django.core.files.storage import default_storage

    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
