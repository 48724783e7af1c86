"""Editors manage hubs (with staff by email) and hub items (units as a number) in the Wagtail
admin; people without the permission cannot."""

import pytest

from accounts.models import Role
from accounts.services import user_add_role
from catalog.models import Category
from sharing.models import Hub, Item, Unit
from tests.factories import StaffFactory, UserFactory
from tests.sharing.conftest import days_ahead, make_hub, make_item
from tests.support import login

pytestmark = pytest.mark.usefixtures("site", "roles")


@pytest.fixture
def editor(db):
    user = StaffFactory()  # the admin requires MFA
    user_add_role(user=user, role=Role.EDITOR)
    return user


HUB = {
    "name": "Høvik utlån",
    "slug": "hovik-utlan",
    "description": "",
    "address": "Høvikveien 1",
    "lat": "59.8999",
    "lon": "10.5875",
    "email": "",
    "phone": "",
    "rules": "Vær snill med tingene.",
    "max_active_per_user": "3",
}


def test_an_editor_creates_a_hub_with_its_point_and_staff(editor):
    staff = UserFactory(email="siri@example.test")
    response = login(editor).post(
        "/cms/snippets/sharing/hub/add/", {**HUB, "staff_emails": "Siri@example.test"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hub = Hub.objects.get(slug="hovik-utlan")
    assert (round(hub.location.y, 4), round(hub.location.x, 4)) == (59.8999, 10.5875)
    assert list(hub.staff.all()) == [staff]
    assert staff.groups.filter(name=Role.HUB_STAFF).exists()


def test_unknown_staff_emails_and_points_outside_norway_are_form_errors(editor):
    response = login(editor).post(
        "/cms/snippets/sharing/hub/add/", {**HUB, "lat": "10", "staff_emails": "nobody@example.test"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "nobody@example.test" in html
    assert not Hub.objects.exists()


def test_an_editor_adds_an_item_with_units_and_shrinking_keeps_booked_units(editor):
    from sharing.services import reservation_create

    hub = make_hub()
    category = Category.objects.get(slug="water-sports")
    form = {
        "hub": str(hub.pk),
        "title": "Kano",
        "description": "",
        "category": str(category.pk),
        "units": "3",
        "status": "available",
        "max_loan_days": "3",
        "min_notice_hours": "0",
        "age_limit": "",
        "required_proof": "",
        "deposit": "",
        "accessories_text": "Padleåre\nRedningsvest\n",
        "pledge": "",
    }
    client = login(editor)
    assert client.post("/cms/snippets/sharing/item/add/", form).status_code == 302
    item = Item.objects.get(title="Kano")
    assert item.units.count() == 3 and item.accessories == ["Padleåre", "Redningsvest"]
    assert item.public_location == hub.location
    for _ in range(2):
        reservation_create(item=item, borrower=UserFactory(), start=days_ahead(2), end=days_ahead(3))
    # Down to 1 unit: only one has no booking ahead, so at most one can go.
    refused = client.post(f"/cms/snippets/sharing/item/edit/{item.pk}/", {**form, "units": "1"})
    assert refused.status_code == 200 and "units" in refused.context["form"].errors
    assert (
        client.post(f"/cms/snippets/sharing/item/edit/{item.pk}/", {**form, "units": "2"}).status_code == 302
    )
    assert Unit.objects.filter(item=item, status="available").count() == 2
    assert set(item.reservations.values_list("unit__status", flat=True)) == {"available"}


def test_residents_cannot_open_the_lending_admin(db):
    item = make_item(hub=make_hub())
    client = login(UserFactory())
    assert client.get("/cms/snippets/sharing/hub/").status_code in (302, 403)
    assert client.get(f"/cms/snippets/sharing/item/edit/{item.pk}/").status_code in (302, 403)
