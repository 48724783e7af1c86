"""Events in Chromium: a resident signs up for a repair café with the item they bring, the
next person finds it full and joins the waitlist, the first cancels and the waiting person is
promoted and emailed. axe on the event index, the event page (open, full, waitlisted) and the
mobile station's page."""

import re
from datetime import time

import pytest
from wagtail.models import Locale, Page

from cms.events.models import EventRegistration
from tests.factories import UserFactory
from tests.factories.events import BEKKESTUA, days_ahead, make_event, make_event_index, make_station, oslo
from tests.support import assert_no_axe_violations, sent_mail, sign_in

pytestmark = pytest.mark.browser
Status = EventRegistration.Status


def _in_english(page):
    translation = page.copy_for_translation(Locale.objects.get(language_code="en"))
    translation.save_revision().publish()
    return translation


def _new_tab(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    return context.new_page()


def test_sign_up_full_waitlist_cancel_and_promotion(live_site, browser):
    home = Page.objects.get(depth=2, locale__language_code="nb").specific
    index = make_event_index(home)
    event = make_event(
        index,
        title="Reparasjonskafe Bekkestua",
        slug="reparasjonskafe-bekkestua",
        capacity=1,
        start=oslo(days_ahead(6), 12),
        categories=("small-appliances",),
    )
    _in_english(index)
    _in_english(event)
    kari = UserFactory(profile__display_name="Kari")
    per = UserFactory(profile__display_name="Per")

    first = _new_tab(browser)
    sign_in(first, live_site, kari)
    first.goto(live_site.url + "/en/arrangementer/")
    assert first.get_by_role("heading", name="Upcoming events").is_visible()
    assert_no_axe_violations(first, context="event index")
    first.get_by_role("link", name="Reparasjonskafe Bekkestua").click()
    first.wait_for_url(re.compile(r".*/en/arrangementer/reparasjonskafe-bekkestua/$"))
    assert first.get_by_text("1 of 1 places left.").is_visible()
    assert_no_axe_violations(first, context="event page, open for sign-up")
    first.get_by_label("What will you bring?").fill("Toaster")
    first.get_by_label("What is wrong with it?").fill("It does not heat up")
    first.get_by_label("Category").select_option(label="Small kitchen appliances")
    first.get_by_role("button", name="Sign up", exact=True).click()
    assert first.get_by_text("You are signed up. Welcome!").is_visible()
    assert first.get_by_text("You have a place at this event. You bring: Toaster.").is_visible()
    mine = EventRegistration.objects.get(user=kari)
    assert (mine.status, mine.item, mine.problem) == (Status.CONFIRMED, "Toaster", "It does not heat up")

    second = _new_tab(browser)
    sign_in(second, live_site, per)
    second.goto(live_site.url + "/en/arrangementer/reparasjonskafe-bekkestua/")
    assert second.get_by_text("All places are taken.", exact=False).is_visible()
    assert_no_axe_violations(second, context="event page, full")
    second.get_by_label("What will you bring?").fill("Reading lamp")
    second.get_by_role("button", name="Join the waitlist").click()
    assert second.get_by_text("You are number 1 on the waitlist.", exact=False).is_visible()
    assert_no_axe_violations(second, context="event page, on the waitlist")
    assert EventRegistration.objects.get(user=per).status == Status.WAITLISTED

    first.get_by_role("button", name="Cancel my registration").click()
    assert first.get_by_text("Your registration is cancelled.").is_visible()
    assert EventRegistration.objects.get(user=per).status == Status.CONFIRMED
    mails = sent_mail(live_site)
    assert len(mails) == 1
    assert f"To: {per.email}" in mails[0]
    assert "Reparasjonskafe Bekkestua" in mails[0]
    assert "/arrangementer/reparasjonskafe-bekkestua/" in mails[0]
    second.reload()
    assert second.get_by_text("You have a place at this event. You bring: Reading lamp.").is_visible()
    first.context.close()
    second.context.close()


def test_the_station_page_has_no_axe_violations_and_finds_the_next_stop(live_site, page):
    home = Page.objects.get(depth=2, locale__language_code="nb").specific
    station = make_station(
        home, stops=[(days_ahead(3), time(14), time(19), "Bekkestua bibliotek, parkeringen", BEKKESTUA)]
    )
    _in_english(station)
    page.goto(live_site.url + "/en/miljobilen/")
    assert_no_axe_violations(page, context="station page")
    page.get_by_role("textbox", name="Near", exact=True).fill("Bekkestua")
    page.get_by_role("button", name="Find the next stop").click()
    page.wait_for_url(re.compile(r".*/en/miljobilen/\?.*place=Bekkestua.*"))
    assert "Bekkestua bibliotek, parkeringen" in page.get_by_test_id("next-stop").inner_text()
    assert_no_axe_violations(page, context="station page with the next stop")
