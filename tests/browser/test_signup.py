import re

import pytest

from accounts.models import User
from tests.support import sent_mail

pytestmark = pytest.mark.browser

PASSWORD = "kajakk-og-sykkel-2026"


def test_sign_up_verify_log_in_and_log_out(live_site, page):
    page.goto(live_site.url + "/en/konto/signup/")
    page.get_by_label("Display name").fill("Kari Nordmann")
    page.get_by_label("Email").fill("kari@example.test")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r".*/konto/confirm-email/$"))

    user = User.objects.get(email="kari@example.test")
    assert user.profile.display_name == "Kari Nordmann"
    mails = sent_mail(live_site)
    assert len(mails) == 1
    link = re.search(r"https?://\S+/konto/confirm-email/[\w:-]+/", mails[0]).group(0)
    path = link.split("/konto/", 1)[1]

    page.goto(f"{live_site.url}/en/konto/{path}")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r".*/konto/login/$"))
    assert user.emailaddress_set.get().verified

    page.get_by_label("Email").fill("kari@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(live_site.url + "/en/")
    assert page.get_by_role("button", name="Log out").is_visible()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(live_site.url + "/en/")
    assert page.get_by_role("link", name="Log in").is_visible()
