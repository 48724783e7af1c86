"""The repair directory's whole flow in a real browser (issue #5): a business signs up,
creates a profile with opening hours and sends it for approval, an editor approves it in the
Wagtail admin, a resident finds it by category + "open now" + distance and reviews it, the
owner answers. axe finds nothing on the directory, the profile and the dashboard pages."""

import re

import pytest

from accounts.models import Role, User
from accounts.services import user_add_role
from tests.factories import StaffFactory, UserFactory
from tests.support import assert_no_axe_violations, sent_mail, sign_in

pytestmark = pytest.mark.browser
PASSWORD = "sykkel-og-slange-2026"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _sign_up(page, server, *, name: str, email: str) -> User:
    page.goto(server.url + "/en/konto/signup/")
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r".*/konto/confirm-email/$"))
    link = re.search(r"https?://\S+/konto/(confirm-email/[\w:-]+/)", sent_mail(server)[-1]).group(1)
    page.goto(f"{server.url}/en/konto/{link}")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r".*/konto/login/$"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(server.url + "/en/")
    return User.objects.get(email=email)


def test_signup_profile_approval_search_review_and_answer(live_site, page):
    # A business signs up and creates its profile in the dashboard.
    business = _sign_up(page, live_site, name="Sigurd Sykkel", email="sigurd@verksted.test")
    page.goto(live_site.url + "/en/reparasjon/mine/")
    assert_no_axe_violations(page, context="dashboard, no profile yet")
    page.get_by_role("link", name="Register a business").click()
    page.get_by_label("Name of the business").fill("Sigurds Sykkelverksted")
    page.get_by_label("Short description").fill("Punktering, gir og bremser, mens du venter.")
    page.get_by_label("– Adult bikes").check()
    page.get_by_label("Street address").fill("Sandviksveien 10")
    page.get_by_label("Postal code").fill("1337")
    page.get_by_label("Postal town").fill("Sandvika")
    page.get_by_label("Position on the map (latitude, longitude)").fill("59.8910, 10.5240")
    page.get_by_label("Warranty on repairs (months)").fill("3")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r".*/en/reparasjon/mine/\d+/$"))
    repairer_id = int(re.search(r"/mine/(\d+)/$", page.url).group(1))
    assert_no_axe_violations(page, context="dashboard profile form")
    page.get_by_role("link", name="Opening hours").click()
    for day in WEEKDAYS:
        page.get_by_label(day).fill("00-24")
    page.get_by_role("button", name="Save opening hours").click()
    page.get_by_text("Opening hours saved.").wait_for()
    assert_no_axe_violations(page, context="dashboard opening hours")
    page.get_by_role("button", name="Send for approval").click()
    page.get_by_text("Sent for approval.").wait_for()

    # An editor approves it in the Wagtail admin.
    editor = StaffFactory(profile__display_name="Eli Editor")  # the admin requires MFA
    user_add_role(user=editor, role=Role.EDITOR)
    page.context.clear_cookies()
    sign_in(page, live_site, editor)
    page.goto(live_site.url + "/cms/reparatorer/")
    page.get_by_role("link", name="Sigurds Sykkelverksted").click()
    page.wait_for_url(f"**/cms/reparatorer/{repairer_id}/")
    page.get_by_role("button", name=re.compile("Approve|Godkjenn")).click()
    page.wait_for_url(f"**/cms/reparatorer/{repairer_id}/")
    assert any("Sigurds Sykkelverksted" in mail for mail in sent_mail(live_site))

    # A resident finds it by category, open now and distance, and reviews it.
    page.context.clear_cookies()
    sign_in(page, live_site, UserFactory(profile__display_name="Kari"))
    page.goto(live_site.url + "/en/reparasjon/")
    assert_no_axe_violations(page, context="repair directory")
    page.get_by_label("Category").select_option("bicycles")
    page.get_by_label("Near").fill("Sandvika")
    page.get_by_label("Open now").check()
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/en/reparasjon/?*")
    card = page.locator(".repairer-card").filter(has_text="Sigurds Sykkelverksted")
    assert card.count() == 1 and "km away" in card.inner_text()
    assert_no_axe_violations(page, context="repair directory with results")
    page.get_by_role("link", name="Sigurds Sykkelverksted").click()
    page.wait_for_url("**/en/reparasjon/sigurds-sykkelverksted/")
    assert_no_axe_violations(page, context="repairer profile")
    page.get_by_label("5 of 5").check()
    page.get_by_label("Your experience").fill("Ny slange og justerte gir på en halvtime.")
    page.get_by_role("button", name="Publish the review").click()
    page.get_by_text("Thank you for your review.").wait_for()
    assert page.get_by_role("heading", name="5 of 5 from Kari").is_visible()

    # The owner answers the review.
    page.context.clear_cookies()
    sign_in(page, live_site, business)
    page.goto(live_site.url + "/en/reparasjon/sigurds-sykkelverksted/")
    page.get_by_label("Your public answer (once)").fill("Takk, Kari! Velkommen tilbake.")
    page.get_by_role("button", name="Publish the answer").click()
    page.get_by_text("Answer from Sigurds Sykkelverksted").wait_for()
    assert_no_axe_violations(page, context="profile with an answer, as the owner")
    page.goto(live_site.url + "/en/reparasjon/mine/")
    assert page.get_by_role("link", name="Sigurds Sykkelverksted", exact=True).is_visible()
    assert_no_axe_violations(page, context="dashboard with a profile")
    page.goto(live_site.url + f"/en/reparasjon/mine/{repairer_id}/eiere/")
    assert_no_axe_violations(page, context="dashboard owners")
