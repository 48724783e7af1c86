"""Photos on listings: only safe images are stored, never with metadata, never partly."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from marketplace.models import MAX_IMAGES, ListingImage
from tests import photos
from tests.factories import UserFactory, make_listing

pytestmark = pytest.mark.usefixtures("places", "site")

FORM = {"kind": "give", "title": "Lampe", "category": "lamps", "condition": "good", "place": "Jar"}

BAD_PHOTOS = [
    ("gif", "animasjon.gif", photos.gif()),
    ("text named jpg", "bilde.jpg", b"this is not an image at all"),
    ("truncated jpeg", "halv.jpg", photos.jpeg_with_gps()[:2000]),
    ("decompression bomb", "bombe.png", photos.bomb_png()),
    ("empty", "tom.jpg", b""),
    ("svg", "tegning.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
]


def media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "listings"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_photos_are_stored_without_metadata_with_renditions(owner_client):
    before = media_files()
    response = owner_client.post(
        "/gis-bort/ny/",
        {**FORM, "photos": [upload("a.jpg", photos.jpeg_with_gps()), upload("b.png", photos.png())]},
    )
    assert response.status_code == 302
    images = list(ListingImage.objects.order_by("position"))
    assert len(images) == 2 and images[0].position < images[1].position
    new_files = media_files() - before
    assert len(new_files) == 2 * 7  # original + 3 renditions × (WebP, JPEG)
    for path in new_files:
        data = path.read_bytes()
        assert b"GPS" not in data and b"SirkelCam" not in data and b"Exif" not in data, path
        with Image.open(path) as opened:
            assert not opened.getexif()
    for path in new_files:
        # Names are content hashes (storage may add a random suffix), never the uploader's names.
        assert re.match(r"[0-9a-f]{12}", path.name) and not path.name.startswith(("a.", "b.")), path.name
    html = Client().get(response["Location"]).content.decode()
    assert "<picture>" in html and 'type="image/webp"' in html and 'loading="lazy"' in html
    assert f'width="{images[0].renditions["full"]["width"]}"' in html


@pytest.mark.parametrize(("kind", "name", "content"), BAD_PHOTOS, ids=[b[0] for b in BAD_PHOTOS])
def test_bad_photo_in_the_form_is_refused_and_nothing_is_stored(owner_client, kind, name, content):
    before = media_files()
    response = owner_client.post(
        "/en/gis-bort/ny/",
        {**FORM, "photos": [upload("ok.jpg", photos.jpeg_with_gps()), upload(name, content)]},
    )
    assert response.status_code == 400, kind
    html = response.content.decode()
    # Django itself refuses an empty upload before the photo check runs.
    assert "Photo 2:" in html or "The submitted file is empty" in html
    assert not ListingImage.objects.exists()
    from marketplace.models import Listing

    assert not Listing.objects.exists()
    assert media_files() == before


@pytest.mark.parametrize(("kind", "name", "content"), BAD_PHOTOS, ids=[b[0] for b in BAD_PHOTOS])
def test_bad_photo_in_the_api_is_400_and_nothing_is_stored(kind, name, content):
    owner = UserFactory()
    listing = make_listing(owner=owner)
    client = Client()
    client.force_login(owner)
    before = media_files()
    response = client.post(
        f"/api/v1/listings/{listing.pk}/images",
        {"image": upload(name, content)},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 400, (kind, response.content)
    assert response.json()["detail"]
    assert not ListingImage.objects.exists()
    assert media_files() == before


def test_api_upload_returns_201_and_a_clean_photo():
    owner = UserFactory()
    listing = make_listing(owner=owner)
    client = Client()
    client.force_login(owner)
    response = client.post(
        f"/api/v1/listings/{listing.pk}/images",
        {"image": upload("x.jpg", photos.jpeg_with_gps()), "alt": "Rød lampe"},
    )
    assert response.status_code == 201
    body = response.json()
    image = ListingImage.objects.get(pk=body["id"])
    assert image.alt_text == "Rød lampe"
    detail = client.get(f"/api/v1/listings/{listing.pk}").json()
    assert detail["images"][0]["alt"] == "Rød lampe" and detail["image_url"]


def test_others_cannot_add_photos():
    listing = make_listing(owner=UserFactory())
    client = Client()
    client.force_login(UserFactory())
    response = client.post(
        f"/api/v1/listings/{listing.pk}/images", {"image": upload("x.jpg", photos.jpeg_with_gps())}
    )
    assert response.status_code == 403
    response = client.post(
        f"/gis-bort/{listing.pk}/bilder/", {"action": "add", "photos": [upload("x.jpg", photos.png())]}
    )
    assert response.status_code == 403
    assert not ListingImage.objects.exists()


def test_at_most_eight_photos(owner_client):
    files = [upload(f"{n}.png", photos.png(100 + n, 100)) for n in range(MAX_IMAGES + 1)]
    response = owner_client.post("/en/gis-bort/ny/", {**FORM, "photos": files})
    assert response.status_code == 400 and "at most 8" in response.content.decode()
    assert not ListingImage.objects.exists()


def test_reorder_describe_and_delete_photos(django_capture_on_commit_callbacks):
    owner = UserFactory()
    listing = make_listing(owner=owner)
    client = Client()
    client.force_login(owner)
    client.post(
        f"/gis-bort/{listing.pk}/bilder/",
        {
            "action": "add",
            "photos": [upload("a.png", photos.png(300, 200)), upload("b.png", photos.png(200, 300))],
        },
    )
    first, second = listing.images.order_by("position")
    client.post(f"/gis-bort/{listing.pk}/bilder/", {"action": "later", "image": first.pk})
    assert list(listing.images.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    client.post(
        f"/gis-bort/{listing.pk}/bilder/", {"action": "describe", "image": first.pk, "alt_text": "Forfra"}
    )
    first.refresh_from_db()
    assert first.alt_text == "Forfra"
    files = {first.original.name} | {r["webp"] for r in first.renditions.values()}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/gis-bort/{listing.pk}/bilder/", {"action": "delete", "image": first.pk})
    assert list(listing.images.values_list("pk", flat=True)) == [second.pk]
    assert not any((Path(settings.MEDIA_ROOT) / name).exists() for name in files)


def test_list_image_urls_follow_an_absolute_media_url(settings, db):
    """The list builds its URLs from the request's origin once; a MEDIA_URL on another host (a
    CDN) is kept as it is."""
    from django.test import Client

    from marketplace.services import listing_image_add
    from tests.accounts.privacy_world import photo
    from tests.factories import make_listing

    listing = make_listing(title="Lampe med bilde")
    listing_image_add(listing=listing, image=photo())
    client = Client()
    (entry,) = client.get("/api/v1/listings", {"q": "lampe"}).json()["results"]
    assert entry["image_url"].startswith("http://testserver/media/")
    assert entry["url"] == f"http://testserver/api/v1/listings/{listing.pk}"
    settings.MEDIA_URL = "https://cdn.example.org/media/"
    (entry,) = client.get("/api/v1/listings", {"q": "lampe"}).json()["results"]
    assert entry["image_url"].startswith("https://cdn.example.org/media/")
