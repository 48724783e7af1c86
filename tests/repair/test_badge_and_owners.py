"""The verified badge's criteria (public, checked by the system, set only by editors), claims
of unowned profiles, and co-owners (invite by email, remove, never the last one)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation

from accounts.models import AuditEntry
from repair.models import OwnershipClaim, Repairer
from repair.selectors import badge_criteria
from repair.services import (
    RepairerData,
    RepairerError,
    claim_create,
    claim_decide,
    coowner_accept,
    coowner_invite,
    coowner_invite_token,
    coowner_remove,
    repairer_create,
    repairer_owner_add,
    review_save,
)
from tests.factories import UserFactory
from tests.factory_repair import make_repairer
from tests.support import login

pytestmark = pytest.mark.usefixtures("places", "site")


def _criteria(repairer) -> dict:
    return {c.key: c.met for c in badge_criteria(repairer)}


def _reviews(repairer, ratings):
    for rating in ratings:
        review_save(repairer=repairer, author=UserFactory(), rating=rating, text="Ok.")


def test_the_warranty_and_the_review_criteria_are_checked(db):
    repairer = make_repairer(warranty_months=0)
    assert _criteria(repairer) == {"address": True, "warranty": False, "reviews": False}
    Repairer.objects.filter(pk=repairer.pk).update(warranty_months=3)
    repairer.refresh_from_db()
    _reviews(repairer, [5] * 7 + [4, 2, 1])  # 8 of 10 positive: exactly 80 %
    assert _criteria(repairer) == {"address": True, "warranty": True, "reviews": True}


def test_fewer_than_ten_reviews_or_under_80_percent_positive_fails(db):
    repairer = make_repairer(warranty_months=1)
    _reviews(repairer, [5] * 9)
    assert _criteria(repairer)["reviews"] is False
    _reviews(repairer, [3])  # 9 of 10 positive
    assert _criteria(repairer)["reviews"] is True
    _reviews(repairer, [1, 2])  # 9 of 12 = 75 %
    assert _criteria(repairer)["reviews"] is False


def test_the_profile_shows_the_criteria_publicly(db):
    repairer = make_repairer(warranty_months=6)
    with translation.override("en"):
        html = login(UserFactory()).get(f"/en/reparasjon/{repairer.slug}/").content.decode()
    assert "At least one month" in html and "Met:" in html and "Not met:" in html
    assert "6 months" in html


def test_only_editors_set_the_badge_in_the_admin_and_it_is_audited(owner, editor):
    repairer = make_repairer(owner=owner)
    response = login(owner).post(f"/cms/reparatorer/{repairer.pk}/", {"action": "verify"})
    assert response.status_code in (302, 403)
    repairer.refresh_from_db()
    assert not repairer.verified
    page = login(editor).get(f"/cms/reparatorer/{repairer.pk}/").content.decode()
    assert "badge-criteria__item" in page
    login(editor).post(f"/cms/reparatorer/{repairer.pk}/", {"action": "verify"})
    repairer.refresh_from_db()
    assert repairer.verified and repairer.verified_by == editor
    entry = AuditEntry.objects.get(action="verify")
    assert entry.actor == editor and "warranty=no" in entry.note


def test_the_warranty_is_an_owner_field_with_limits(owner):
    repairer = make_repairer(owner=owner)
    client = login(owner)
    form = {
        "name": repairer.name,
        "short_description": repairer.short_description,
        "categories": ["bicycles"],
        "address": repairer.address,
        "postal_code": repairer.postal_code,
        "postal_town": repairer.postal_town,
        "point": "59.8908, 10.5238",
        "warranty_months": "500",
    }
    assert client.post(f"/reparasjon/mine/{repairer.pk}/", form).status_code == 400
    form["warranty_months"] = "3"
    assert client.post(f"/reparasjon/mine/{repairer.pk}/", form).status_code == 302
    repairer.refresh_from_db()
    assert repairer.warranty_months == 3


# --- Claims ----------------------------------------------------------------------------------


def _unowned(**kwargs) -> Repairer:
    """A profile the municipality seeded: no owner, published."""
    from catalog.models import Category
    from places.geo import make_point

    repairer = repairer_create(
        owner=None,
        data=RepairerData(
            name=kwargs.get("name", "Kommunens skomaker"),
            short_description="Sko og vesker.",
            address="Torget 1",
            postal_code="1337",
            postal_town="Sandvika",
            location=make_point(59.89, 10.52),
            categories=[Category.objects.get(slug="shoes")],
        ),
    )
    Repairer.objects.filter(pk=repairer.pk).update(status="published")
    repairer.refresh_from_db()
    return repairer


def test_a_claim_approved_by_an_editor_makes_the_claimant_an_owner(
    editor, django_capture_on_commit_callbacks
):
    repairer = _unowned()
    business, rival = UserFactory(), UserFactory()
    claim = claim_create(claimant=business, repairer=repairer, message="Jeg er daglig leder.")
    other = claim_create(claimant=rival, repairer=repairer, message="Meg!")
    with django_capture_on_commit_callbacks(execute=True):
        claim_decide(editor=editor, claim=claim, approve=True)
    assert list(repairer.owners.all()) == [business]
    assert business.groups.filter(name="repairer").exists()
    other.refresh_from_db()
    assert other.status == OwnershipClaim.Status.REFUSED
    assert mail.outbox[0].to == [business.email]
    with pytest.raises(RepairerError) as refused:
        claim_decide(editor=editor, claim=claim, approve=True)
    assert refused.value.status == 409
    assert AuditEntry.objects.get(action="approve_claim").actor == editor


def test_owned_profiles_cannot_be_claimed_and_claims_need_a_message(db):
    owned = make_repairer()
    with pytest.raises(RepairerError) as refused:
        claim_create(claimant=UserFactory(), repairer=owned, message="Min!")
    assert refused.value.status == 409
    with pytest.raises(RepairerError) as refused:
        claim_create(claimant=UserFactory(), repairer=_unowned(), message="  ")
    assert refused.value.field == "message"


def test_claiming_in_html_and_the_editor_decides_in_the_admin(editor):
    repairer = _unowned()
    business = UserFactory()
    client = login(business)
    assert (
        f"/reparasjon/{repairer.slug}/krev/" in client.get(f"/reparasjon/{repairer.slug}/").content.decode()
    )
    assert client.post(f"/reparasjon/{repairer.slug}/krev/", {"message": ""}).status_code == 400
    assert client.post(f"/reparasjon/{repairer.slug}/krev/", {"message": "Jeg eier den."}).status_code == 302
    claim = OwnershipClaim.objects.get()
    assert f"/cms/reparatorer/{repairer.pk}/" in login(editor).get("/cms/reparatorer/").content.decode()
    assert "Jeg eier den." in login(editor).get(f"/cms/reparatorer/{repairer.pk}/").content.decode()
    assert login(business).post(f"/cms/reparatorer/krav/{claim.pk}/", {"action": "approve"}).status_code in (
        302,
        403,
    )
    assert not repairer.owners.exists()
    assert login(editor).post(f"/cms/reparatorer/krav/{claim.pk}/", {"action": "approve"}).status_code == 302
    assert list(repairer.owners.all()) == [business]


# --- Co-owners -------------------------------------------------------------------------------


def _verified(user):
    """UserFactory's accounts have a verified address already."""
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True).exists()
    return user


def test_an_invited_co_owner_with_the_verified_address_becomes_an_owner(
    owner, django_capture_on_commit_callbacks
):
    repairer = make_repairer(owner=owner)
    invited = _verified(UserFactory(email="medeier@example.no"))
    with django_capture_on_commit_callbacks(execute=True):
        coowner_invite(owner=owner, repairer=repairer, email="Medeier@Example.no")
    (sent,) = mail.outbox
    assert sent.to == ["medeier@example.no"]
    token = re.search(r"/invitasjon/([^/\s]+)/", sent.body).group(1)
    stranger = _verified(UserFactory())
    with pytest.raises(RepairerError) as refused:
        coowner_accept(user=stranger, token=token)
    assert refused.value.status == 403
    response = login(invited).post(f"/reparasjon/invitasjon/{token}/")
    assert response.status_code == 302
    assert set(repairer.owners.all()) == {owner, invited}


def test_an_unverified_address_or_a_forged_token_is_refused(owner):
    repairer = make_repairer(owner=owner)
    unverified = UserFactory(email="ny@example.no")
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    token = coowner_invite_token(repairer=repairer, email="ny@example.no")
    with pytest.raises(RepairerError):
        coowner_accept(user=unverified, token=token)
    assert login(_verified(UserFactory())).post("/reparasjon/invitasjon/forged/").status_code == 400
    assert list(repairer.owners.all()) == [owner]


def test_only_owners_invite(owner):
    repairer = make_repairer(owner=owner)
    with pytest.raises(RepairerError) as refused:
        coowner_invite(owner=UserFactory(), repairer=repairer, email="x@example.no")
    assert refused.value.status == 403
    assert (
        login(UserFactory())
        .post(f"/reparasjon/mine/{repairer.pk}/eiere/", {"invite": "1", "email": "x@example.no"})
        .status_code
        == 403
    )


def test_an_owner_removes_a_co_owner_but_never_the_last_one(owner):
    repairer = make_repairer(owner=owner)
    second = UserFactory()
    repairer_owner_add(repairer=repairer, user=second)
    client = login(owner)
    assert (
        client.post(f"/reparasjon/mine/{repairer.pk}/eiere/", {"remove": str(second.pk)}).status_code == 302
    )
    assert list(repairer.owners.all()) == [owner]
    with pytest.raises(RepairerError) as refused:
        coowner_remove(owner=owner, repairer=repairer, user=owner)
    assert refused.value.status == 409
    client.post(f"/reparasjon/mine/{repairer.pk}/eiere/", {"remove": str(owner.pk)})
    assert list(repairer.owners.all()) == [owner]


def test_owner_a_cannot_manage_owner_bs_owners(owner):
    theirs = make_repairer()
    other_owner = theirs.owners.get()
    response = login(owner).post(f"/reparasjon/mine/{theirs.pk}/eiere/", {"remove": str(other_owner.pk)})
    assert response.status_code == 403
    assert list(theirs.owners.all()) == [other_owner]
