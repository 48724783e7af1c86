import pytest
from django.core import mail
from django.test import Client

from accounts.models import AuditEntry, Role
from accounts.services import roles_ensure, user_add_role
from marketplace.models import Listing, ListingReport
from marketplace.services import MAX_REPORTS_PER_DAY
from tests.factories import UserFactory, make_listing, mfa_enable
from tests.support import login

pytestmark = pytest.mark.usefixtures("places", "site")


REASON = "Ser ut som svindel"


@pytest.fixture
def moderator(db):
    roles_ensure()
    user = UserFactory(profile__display_name="Mona")
    user_add_role(user=user, role=Role.MODERATOR)
    mfa_enable(user)  # staff screens require it
    return user


def test_a_signed_in_user_reports_a_listing(db):
    listing = make_listing()
    reporter = UserFactory()
    response = login(reporter).post(
        f"/gis-bort/{listing.pk}/rapporter/", {"reason": "spam", "text": "Reklame"}
    )
    assert response.status_code == 302
    report = ListingReport.objects.get()
    assert (report.reporter, report.reason, report.outcome) == (reporter, "spam", "open")


def test_report_needs_a_valid_reason_and_login(db):
    listing = make_listing()
    assert Client().post(f"/gis-bort/{listing.pk}/rapporter/", {"reason": "spam"}).status_code == 302
    assert (
        login(UserFactory()).post(f"/gis-bort/{listing.pk}/rapporter/", {"reason": "nonsense"}).status_code
        == 400
    )
    assert not ListingReport.objects.exists()


def test_at_most_ten_reports_a_day(db):
    reporter = UserFactory()
    client = login(reporter)
    listings = [make_listing() for _ in range(MAX_REPORTS_PER_DAY + 1)]
    for listing in listings:
        client.post(f"/gis-bort/{listing.pk}/rapporter/", {"reason": "spam"})
    assert ListingReport.objects.count() == MAX_REPORTS_PER_DAY


def test_moderator_sees_the_queue_and_hides_a_listing_and_the_owner_is_told(
    moderator, django_capture_on_commit_callbacks
):
    listing = make_listing(title="Tvilsom vare")
    login(UserFactory()).post(f"/gis-bort/{listing.pk}/rapporter/", {"reason": "fraud"})
    client = login(moderator)
    assert "Tvilsom vare" in client.get("/cms/moderering/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/cms/moderering/annonse/{listing.pk}/", {"action": "hide", "reason": REASON})
    listing.refresh_from_db()
    assert listing.hidden_at and listing.hidden_reason == REASON
    assert ListingReport.objects.get().outcome == "hidden"
    assert AuditEntry.objects.get().action == "hide_listing"
    assert mail.outbox[-1].to == [listing.owner.email] and REASON in mail.outbox[-1].body
    # Hidden for everyone else, still visible to the owner with the reason.
    assert Client().get(f"/gis-bort/{listing.pk}/").status_code == 404
    assert REASON in login(listing.owner).get(f"/gis-bort/{listing.pk}/").content.decode()
    assert listing.title not in Client().get("/gis-bort/").content.decode()


def test_moderator_suspends_an_owner(moderator):
    listing = make_listing()
    login(moderator).post(
        f"/cms/moderering/annonse/{listing.pk}/", {"action": "suspend", "reason": "Gjentatt spam"}
    )
    owner = listing.owner
    owner.refresh_from_db()
    assert not owner.is_active
    assert Listing.objects.get(pk=listing.pk).hidden_at is not None
    owner_client = Client()
    owner_client.force_login(owner)
    assert owner_client.get("/api/v1/me").status_code == 401


def test_residents_and_editors_cannot_moderate(db):
    roles_ensure()
    listing = make_listing()
    editor = UserFactory()
    user_add_role(user=editor, role=Role.EDITOR)
    mfa_enable(editor)  # refused for being an editor, not for want of MFA
    for user in (UserFactory(), editor):
        response = login(user).post(
            f"/cms/moderering/annonse/{listing.pk}/", {"action": "hide", "reason": "x"}
        )
        assert response.status_code in (302, 403)
    listing.refresh_from_db()
    assert listing.hidden_at is None
