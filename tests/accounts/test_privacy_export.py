"""The copy of a person's data: requested on the settings page, built as a ZIP in the background,
with every kind of their data and nothing of anyone else's; an emailed link that only they can
use, and only until it expires; one request a day; old files deleted by the retention job."""

import io
import json
import re
import time
import zipfile
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.core.files.storage import default_storage, storages
from django.utils import timezone, translation

from accounts.models import DATA_EXPORT_LIFETIME, DataExport
from accounts.services import (
    EXPORT_SIGNING_SALT,
    PrivacyError,
    data_export_request,
    data_exports_purge_due,
    export_token,
)
from marketplace.models import ListingImage
from repair.models import QuoteRequestPhoto
from sharing.models import ItemPhoto, ReturnPhoto
from tests.accounts.privacy_world import KARI_HOME, OLA_HOME, build
from tests.factories import UserFactory
from tests.privacy import assert_exact_point_not_shown
from tests.support import login

pytestmark = pytest.mark.usefixtures("places")

FILES = {
    "README.txt",
    "konto.json",
    "gi-bort.json",
    "reparasjon.json",
    "laan.json",
    "meldinger.json",
    "arrangementer.json",
}


@pytest.fixture
def world(site):
    return build(site)


def exported(user, capture) -> DataExport:
    with capture(execute=True):
        export = data_export_request(user=user)
    export.refresh_from_db()
    return export


def archive(export: DataExport) -> zipfile.ZipFile:
    with storages["private"].open(export.file_name, "rb") as stored:
        return zipfile.ZipFile(io.BytesIO(stored.read()))


def parts(zip_file: zipfile.ZipFile) -> dict:
    return {
        name.removesuffix(".json"): json.loads(zip_file.read(name))
        for name in zip_file.namelist()
        if name.endswith(".json")
    }


def test_the_export_holds_every_kind_of_the_persons_data(world, django_capture_on_commit_callbacks):
    export = exported(world.kari, django_capture_on_commit_callbacks)
    assert export.status == DataExport.Status.READY and export.size > 0
    zip_file = archive(export)
    assert set(zip_file.namelist()) >= FILES
    data = parts(zip_file)

    account = data["konto"]
    assert account["account"]["email"] == "kari.nordmann@example.test"
    assert (
        account["profile"]["display_name"] == "Kari Nordmann"
        and account["profile"]["home_area"] == "Sandvika"
    )
    assert account["api_tokens"] == [] and account["data_exports"][0]["status"] == "pending"

    market = data["gi-bort"]
    (listing,) = market["listings"]
    assert listing["title"] == "Barnesykkel" and listing["description"] == "Ring 900 00 000"
    assert listing["location"] == {"lat": KARI_HOME[0], "lon": KARI_HOME[1]}  # her own exact point
    assert [s["name"] for s in market["saved_searches"]] == ["Sykler i Sandvika"]
    assert [f["title"] for f in market["favourites"]] == ["Sofa gis bort"]
    assert [r["title"] for r in market["reserved_for_you"]] == ["Bokhylle"]
    assert market["reports_you_made"][0]["text"] == "Ser ut som reklame"

    repair = data["reparasjon"]
    assert repair["reviews"][0]["text"] == "Rask og hyggelig service."
    assert repair["quote_requests"][0]["text"] == "Giret hopper av."
    assert repair["repair_logs"][0]["problem"] == "Punktering"

    lending = data["laan"]
    assert {b["id"] for b in lending["bookings"]} == {world.booking.pk, world.past_booking.pk}
    assert [w["item"] for w in lending["waitlist"]] == ["Havkajakk"]
    (item,) = lending["your_items"]
    assert item["title"] == "Drill" and item["location"] == {"lat": KARI_HOME[0], "lon": KARI_HOME[1]}

    chat = data["meldinger"]
    bodies = {(m["from"], m["body"]) for c in chat["conversations"] for m in c["messages"]}
    assert ("you", "Hei! Er sofaen ledig?") in bodies  # sent
    assert ("Ola Hansen", "Ja, kom i morgen.") in bodies  # received
    assert len(chat["blocked_by_you"]) == 1

    (registration,) = data["arrangementer"]["registrations"]
    assert (registration["item"], registration["problem"]) == ("Sykkel", "Bremsene")

    readme = zip_file.read("README.txt").decode()
    assert "KOPI AV DINE DATA" in readme and "meldinger.json" in readme and "personvernerklaering" in readme


def test_the_export_has_her_own_photos_as_stored_and_no_one_elses(world, django_capture_on_commit_callbacks):
    zip_file = archive(exported(world.kari, django_capture_on_commit_callbacks))
    photos = {name: zip_file.read(name) for name in zip_file.namelist() if name.startswith("photos/")}
    hers = [
        *ListingImage.objects.filter(listing__owner=world.kari),
        *QuoteRequestPhoto.objects.filter(quote__requester=world.kari),
        *ItemPhoto.objects.filter(item__owner=world.kari),
        *ReturnPhoto.objects.filter(reservation__returned_by=world.kari),
    ]
    assert len(hers) == 4 and len(photos) == 4
    with default_storage.open(hers[0].original.name, "rb") as original:
        assert original.read() in photos.values()  # the cleaned original, byte for byte
    for image in ListingImage.objects.filter(listing__owner=world.ola):
        with default_storage.open(image.original.name, "rb") as theirs:
            assert theirs.read() not in photos.values()


def test_the_export_holds_nothing_of_other_people(world, django_capture_on_commit_callbacks):
    zip_file = archive(exported(world.kari, django_capture_on_commit_callbacks))
    text = "\n".join(
        zip_file.read(name).decode() for name in zip_file.namelist() if not name.startswith("photos/")
    )
    for address in ("ola.hansen@example.test", "siri@hub.example.test"):
        assert address not in text
    assert_exact_point_not_shown(text, *OLA_HOME)  # Ola's listings are his; no point of his home
    assert "Sofa gis bort" in text  # what she favourited is named, but not where it is


def test_the_zip_is_valid_and_its_json_parses(world, django_capture_on_commit_callbacks):
    zip_file = archive(exported(world.kari, django_capture_on_commit_callbacks))
    assert zip_file.testzip() is None
    assert set(parts(zip_file)) == {name.removesuffix(".json") for name in FILES if name.endswith(".json")}


def test_a_person_with_no_data_gets_an_export_too(db, django_capture_on_commit_callbacks):
    export = exported(UserFactory(), django_capture_on_commit_callbacks)
    data = parts(archive(export))
    assert data["gi-bort"]["listings"] == [] and data["meldinger"]["conversations"] == []


def test_the_settings_page_asks_for_it_with_a_post_and_the_email_brings_the_link(
    world, django_capture_on_commit_callbacks
):
    client = login(world.kari)
    assert 'action="/konto/innstillinger/mine-data/"' in client.get("/konto/innstillinger/").content.decode()
    assert client.get("/konto/innstillinger/mine-data/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/innstillinger/mine-data/")
    assert response.status_code == 302
    export = DataExport.objects.get(user=world.kari)
    assert export.status == DataExport.Status.READY
    assert not str(storages["private"].path(export.file_name)).startswith(str(default_storage.location))
    (email,) = [m for m in mail.outbox if m.to == ["kari.nordmann@example.test"] and "mine-data" in m.body]
    path = urlsplit(re.search(r"http://\S+/mine-data/\S+/", email.body).group(0)).path

    download = client.get(path)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].startswith('attachment; filename="sirkel-data-')
    assert "no-store" in download["Cache-Control"]
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).testzip() is None


def test_only_the_person_may_download_and_only_when_signed_in(
    world, django_capture_on_commit_callbacks, client
):
    export = exported(world.kari, django_capture_on_commit_callbacks)
    path = f"/konto/innstillinger/mine-data/{export_token(export)}/"
    assert login(world.ola).get(path).status_code == 404
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/konto/login/" in anonymous["Location"]
    assert login(world.kari).get(path[:-5] + "xxxx/").status_code == 404  # a forged token
    assert login(world.kari).get("/konto/innstillinger/mine-data/not-a-token/").status_code == 404


def test_an_expired_link_says_so(world, django_capture_on_commit_callbacks):
    export = exported(world.kari, django_capture_on_commit_callbacks)

    class Signed8DaysAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - DATA_EXPORT_LIFETIME.days * 86400 - 3600)

    old_token = Signed8DaysAgo(salt=EXPORT_SIGNING_SALT).sign_object(export.pk)
    client = login(world.kari)
    with translation.override("en"):
        response = client.get(f"/en/konto/innstillinger/mine-data/{old_token}/")
    assert response.status_code == 410
    assert "This download link has expired." in response.content.decode()

    # A valid signature but a file past its expiry: the same page.
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(f"/en/konto/innstillinger/mine-data/{export_token(export)}/")
    assert response.status_code == 410 and "ask for a new copy" in response.content.decode()


def test_one_request_a_day(world, django_capture_on_commit_callbacks):
    exported(world.kari, django_capture_on_commit_callbacks)
    with pytest.raises(PrivacyError) as refused:
        data_export_request(user=world.kari)
    assert refused.value.status == 429
    client = login(world.kari)
    response = client.post("/konto/innstillinger/mine-data/")
    assert response.status_code == 429 and DataExport.objects.filter(user=world.kari).count() == 1
    assert data_export_request(user=world.kari, now=timezone.now() + timedelta(days=1, minutes=1))


def test_a_failed_build_does_not_use_up_the_days_request(db):
    user = UserFactory()
    DataExport.objects.create(user=user, status=DataExport.Status.FAILED)
    assert data_export_request(user=user).status == DataExport.Status.PENDING


def test_the_retention_job_deletes_expired_export_files(world, django_capture_on_commit_callbacks):
    export = exported(world.kari, django_capture_on_commit_callbacks)
    fresh = exported(world.ola, django_capture_on_commit_callbacks)
    name = export.file_name
    assert data_exports_purge_due(now=timezone.now() + timedelta(days=1)) == 0
    later = timezone.now() + DATA_EXPORT_LIFETIME + timedelta(minutes=1)
    DataExport.objects.filter(pk=fresh.pk).update(expires_at=later + timedelta(days=1))
    assert data_exports_purge_due(now=later) == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and export.file_name == ""
    assert not storages["private"].exists(name)
    assert storages["private"].exists(DataExport.objects.get(pk=fresh.pk).file_name)
    assert data_exports_purge_due(now=later) == 0  # idempotent
