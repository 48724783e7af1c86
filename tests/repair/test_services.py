import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import Role
from repair.models import Repairer
from repair.permissions import can_edit_repairer, can_set_verified, can_view_repairer
from repair.services import (
    RepairerError,
    ServiceData,
    repairer_approve,
    repairer_owner_add,
    repairer_reject,
    repairer_services_set,
    repairer_set_verified,
    repairer_submit,
    repairer_suspend,
    repairer_update,
)
from repair.validators import org_number_check_digit, validate_org_number
from tests.factories import UserFactory
from tests.factory_repair import make_repairer

pytestmark = pytest.mark.usefixtures("places")


# --- organisation numbers ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["974760673", "974 760 673", "NO 923 609 016 MVA"])
def test_valid_organisation_numbers_pass(value):
    validate_org_number(value)


def test_a_bad_check_digit_is_refused_with_a_message_saying_so():
    with pytest.raises(ValidationError) as refused:
        validate_org_number("974760674")
    assert refused.value.code == "check_digit"
    with translation.override("en"):
        assert "check digit" in refused.value.messages[0] and "974760674" in refused.value.messages[0]
    with translation.override("nb"):
        assert "kontrollsifferet" in refused.value.messages[0]


@pytest.mark.parametrize("value", ["97476067", "9747606730", "abc"])
def test_organisation_numbers_need_nine_digits(value):
    with pytest.raises(ValidationError) as refused:
        validate_org_number(value)
    assert refused.value.code == "length"


def test_eight_digits_whose_check_would_be_ten_are_never_valid():
    # 3*1 + 2*0 + ... : find eight digits with remainder 1, for which no check digit exists.
    first_eight = next(
        f"{n:08d}" for n in range(10_000_000, 10_100_000) if org_number_check_digit(f"{n:08d}") is None
    )
    for last in range(10):
        with pytest.raises(ValidationError):
            validate_org_number(first_eight + str(last))


def test_services_refuse_a_bad_organisation_number(owner):
    repairer = make_repairer(owner=owner, status="draft")
    with pytest.raises(RepairerError) as refused:
        repairer_update(repairer=repairer, changes={"org_number": "974760674"})
    assert refused.value.field == "org_number"
    repairer.refresh_from_db()
    assert repairer.org_number == ""


# --- life cycle ----------------------------------------------------------------------------------


def test_a_new_profile_is_a_draft_owned_by_its_creator_who_becomes_a_repairer(owner):
    repairer = make_repairer(owner=owner, name="Bærums Skomaker", status="draft")
    assert repairer.status == Repairer.Status.DRAFT
    assert list(repairer.owners.all()) == [owner]
    assert owner.groups.filter(name=Role.REPAIRER).exists()
    assert repairer.slug == "baerums-skomaker"
    assert repairer.area.name == "Sandvika"
    assert make_repairer(name="Bærums Skomaker", status="draft").slug == "baerums-skomaker-2"


def test_the_dashboard_path_is_never_a_slug(owner):
    assert make_repairer(owner=owner, name="Mine", status="draft").slug == "mine-verksted"


def test_submit_approve_publishes_and_tells_the_owners(owner, editor, django_capture_on_commit_callbacks):
    repairer = make_repairer(owner=owner, status="draft")
    second = UserFactory()
    repairer_owner_add(repairer=repairer, user=second)
    repairer_submit(repairer=repairer)
    assert repairer.status == "pending" and repairer.submitted_at
    with pytest.raises(RepairerError):
        repairer_submit(repairer=repairer)
    with django_capture_on_commit_callbacks(execute=True):
        repairer_approve(editor=editor, repairer=repairer)
    repairer.refresh_from_db()
    assert repairer.status == "published" and repairer.published_at
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, second.email])
    assert "publisert" in mail.outbox[0].subject or "published" in mail.outbox[0].subject


def test_reject_needs_a_reason_and_sends_the_draft_back(owner, editor, django_capture_on_commit_callbacks):
    repairer = make_repairer(owner=owner, status="pending")
    with pytest.raises(RepairerError):
        repairer_reject(editor=editor, repairer=repairer, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        repairer_reject(editor=editor, repairer=repairer, reason="Legg til åpningstider.")
    repairer.refresh_from_db()
    assert (repairer.status, repairer.status_reason) == ("draft", "Legg til åpningstider.")
    assert "Legg til åpningstider." in mail.outbox[0].body


def test_only_a_pending_profile_can_be_approved(editor):
    with pytest.raises(RepairerError) as refused:
        repairer_approve(editor=editor, repairer=make_repairer(status="draft"))
    assert refused.value.status == 409


def test_the_badge_is_for_editors_only(owner, editor):
    repairer = make_repairer(owner=owner)
    with pytest.raises(RepairerError) as refused:
        repairer_set_verified(editor=owner, repairer=repairer, verified=True)
    assert refused.value.status == 403
    repairer.refresh_from_db()
    assert not repairer.verified
    repairer_set_verified(editor=editor, repairer=repairer, verified=True)
    repairer.refresh_from_db()
    assert repairer.verified and repairer.verified_by == editor and repairer.verified_at


def test_services_are_replaced_in_order_and_empty_rows_ignored(owner):
    repairer = make_repairer(owner=owner)
    repairer_services_set(
        repairer=repairer,
        services=[
            ServiceData("Lapping", 150, "per slange"),
            ServiceData(""),
            ServiceData("Full service", 990),
        ],
    )
    assert [(s.name, s.price_from, s.position) for s in repairer.services.all()] == [
        ("Lapping", 150, 1),
        ("Full service", 990, 2),
    ]


# --- who may do what -----------------------------------------------------------------------------


def test_can_edit_repairer_for_each_role(owner, editor):
    repairer = make_repairer(owner=owner)
    other_owner = make_repairer(name="Annet verksted").owners.get()
    from django.contrib.auth.models import AnonymousUser

    assert can_edit_repairer(owner, repairer)
    assert can_edit_repairer(editor, repairer)
    assert not can_edit_repairer(other_owner, repairer)
    assert not can_edit_repairer(UserFactory(), repairer)
    assert not can_edit_repairer(AnonymousUser(), repairer)
    owner.is_active = False
    owner.save()
    assert not can_edit_repairer(owner, repairer)


def test_a_suspended_profile_is_frozen_for_its_owners_but_not_editors(owner, editor):
    repairer = make_repairer(owner=owner)
    repairer_suspend(editor=editor, repairer=repairer, reason="Falsk adresse")
    assert not can_edit_repairer(owner, repairer)
    assert can_view_repairer(owner, repairer) and not can_view_repairer(UserFactory(), repairer)
    assert can_edit_repairer(editor, repairer)


def test_drafts_are_visible_to_owners_and_editors_only(owner, editor):
    from django.contrib.auth.models import AnonymousUser

    draft = make_repairer(owner=owner, status="draft")
    assert can_view_repairer(owner, draft) and can_view_repairer(editor, draft)
    assert not can_view_repairer(AnonymousUser(), draft) and not can_view_repairer(UserFactory(), draft)
    assert can_set_verified(editor) and not can_set_verified(owner)
