"""core.photos.photo_add: the one limit on how many photos a listing, a repairer profile or an
item has; at the limit the app's own error is raised and nothing is stored."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.images import sanitize_upload
from core.photos import photo_add
from marketplace.models import MAX_IMAGES, ListingImage
from marketplace.services import ListingError, listing_image_add
from repair.models import MAX_PHOTOS, RepairerPhoto
from repair.services import RepairerError, repairer_photo_add
from sharing.models import MAX_ITEM_PHOTOS, ItemPhoto
from sharing.services import ReservationError, item_photo_add
from tests.factories import UserFactory, make_listing
from tests.factory_repair import make_repairer
from tests.photos import jpeg_with_gps
from tests.sharing.conftest import make_item

pytestmark = pytest.mark.usefixtures("places")


class Full(Exception):
    pass


def _image():
    upload = SimpleUploadedFile("IMG_1.jpg", jpeg_with_gps(width=200, height=150), content_type="image/jpeg")
    return sanitize_upload(upload)


def _fill(model, count: int, **owner):
    """`count` photo rows without files: enough for the count the limit looks at."""
    model.objects.bulk_create(
        model(original=f"x/{n}.jpg", width=1, height=1, sha256="0" * 64, position=n + 1, **owner)
        for n in range(count)
    )


def test_photo_add_stores_last_below_the_limit_and_refuses_at_it_storing_nothing():
    listing = make_listing(owner=UserFactory())
    _fill(ListingImage, 1, listing=listing)
    kwargs = {"limit": 2, "refused": Full, "folder": f"listings/{listing.pk}", "listing": listing}

    second = photo_add(listing.images, _image(), alt_text=" Lampen ", **kwargs)
    assert (second.position, second.alt_text, second.listing) == (2, "Lampen", listing)
    assert all(default_storage.exists(name) for name in second.stored_files())

    with pytest.raises(Full):
        photo_add(listing.images, _image(), **kwargs)
    assert listing.images.count() == 2


def _listing(limit):
    listing = make_listing(owner=UserFactory())
    _fill(ListingImage, limit, listing=listing)
    return lambda: listing_image_add(listing=listing, image=_image()), listing.images


def _repairer(limit):
    repairer = make_repairer(owner=UserFactory())
    _fill(RepairerPhoto, limit, repairer=repairer)
    return lambda: repairer_photo_add(repairer=repairer, image=_image()), repairer.photos


def _item(limit):
    owner = UserFactory()
    item = make_item(owner=owner, category="tools", title="Stikksag")
    _fill(ItemPhoto, limit, item=item)
    return lambda: item_photo_add(item=item, image=_image(), by=owner), item.photos


@pytest.mark.parametrize(
    ("make", "limit", "error", "message", "field"),
    [
        (_listing, MAX_IMAGES, ListingError, "A listing can have at most 8 photos.", "image"),
        (_repairer, MAX_PHOTOS, RepairerError, "A profile can have at most 8 photos.", "image"),
        (_item, MAX_ITEM_PHOTOS, ReservationError, "An item can have at most 8 photos.", "photos"),
    ],
    ids=["listing", "repairer", "item"],
)
def test_each_app_refuses_a_photo_over_its_maximum_with_its_own_message(make, limit, error, message, field):
    add, photos = make(limit)
    with translation.override("en"), pytest.raises(error) as refused:
        add()
    assert (refused.value.message, refused.value.field) == (message, field)
    assert photos.count() == limit


@pytest.mark.parametrize(
    ("make", "table"),
    [(_listing, "marketplace_listing"), (_repairer, "repair_repairer"), (_item, "sharing_item")],
    ids=["listing", "repairer", "item"],
)
def test_each_app_counts_its_photos_with_the_owner_row_locked(make, table):
    """Two uploads at once must take turns: else both count 7 of 8 and a ninth is stored."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add, photos = make(1)
    with CaptureQueriesContext(connection) as queries:
        add()
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert any(f'FROM "{table}"' in sql for sql in locks), locks
    assert photos.count() == 2
