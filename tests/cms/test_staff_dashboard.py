"""The staff dashboard on the Wagtail admin's home page: queues per role, weekly counts, links."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_add_role
from tests.factories import StaffFactory, UserFactory, make_listing

pytestmark = pytest.mark.django_db


def staff_client(client, role):
    user = StaffFactory(is_staff=True)  # the admin requires MFA
    user_add_role(user=user, role=role)
    client.force_login(user)
    return client


def dashboard(client) -> BeautifulSoup:
    response = client.get("/cms/")
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def queue_count(soup, key) -> int | None:
    row = soup.select_one(f"[data-queue='{key}'] [data-count]")
    return None if row is None else int(row.get_text(strip=True))


def test_a_moderator_sees_the_reports_queue_and_not_the_editors(client, site, roles):
    from marketplace.models import ListingReport

    listing = make_listing()
    ListingReport.objects.create(listing=listing, reporter=UserFactory(), reason=ListingReport.Reason.SPAM)
    soup = dashboard(staff_client(client, Role.MODERATOR))
    assert queue_count(soup, "listing_reports") == 1
    assert queue_count(soup, "repairer_approvals") is None
    link = soup.select_one("[data-queue='listing_reports'] a")["href"]
    assert client.get(link).status_code == 200


def test_an_editor_sees_repairers_and_bookings_waiting_for_approval(client, site, roles):
    from repair.models import Repairer
    from tests.factory_repair import make_repairer

    make_repairer(name="Venter Sykkel", status=Repairer.Status.PENDING)
    soup = dashboard(staff_client(client, Role.EDITOR))
    assert queue_count(soup, "repairer_approvals") == 1
    assert queue_count(soup, "bookings_awaiting_approval") == 0
    assert queue_count(soup, "listing_reports") is None
    links = [a["href"] for a in soup.select("[data-staff-links] a")]
    statuses = {href: client.get(href, follow=True).status_code for href in links}
    assert len(statuses) == 6 and set(statuses.values()) == {200}, statuses


def test_new_listings_are_counted_in_their_week(client, site, roles):
    from marketplace.models import Listing

    make_listing()
    old = make_listing()
    Listing.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(weeks=3))
    soup = dashboard(staff_client(client, Role.EDITOR))
    counts = [int(td.get_text()) for td in soup.select("[data-staff-weekly] [data-listings]")]
    assert len(counts) == 8 and counts[0] == 1 and sum(counts) == 2
