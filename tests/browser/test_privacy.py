"""The privacy pages in a browser: the notice and the settings' data section have no axe
violations, and a resident deletes their account with their password."""

import pytest

from tests.factories import TEST_PASSWORD, UserFactory
from tests.support import assert_no_axe_violations, sign_in

pytestmark = pytest.mark.browser


def test_the_privacy_notice_has_no_axe_violations(live_site, page):
    page.goto(live_site.url + "/en/personvernerklaering/")
    assert page.get_by_role("heading", level=1).inner_text() == "Privacy notice"
    assert_no_axe_violations(page, context="privacy notice")


def test_a_resident_deletes_their_account_with_the_password(live_site, page):
    user = UserFactory(profile__display_name="Liv")
    sign_in(page, live_site, user)
    page.goto(live_site.url + "/en/konto/innstillinger/")
    assert_no_axe_violations(page, context="account settings")
    page.get_by_role("link", name="Delete my account").click()
    assert_no_axe_violations(page, context="delete account")
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Delete my account for good").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your account is deleted"
    user.refresh_from_db()
    assert user.erased_at is not None and not user.is_active
