"""Two people chat live about a listing in two real browser contexts."""

import pytest

from chat.models import Message
from chat.services import conversation_open
from tests.factories import UserFactory, make_listing
from tests.support import assert_no_axe_violations, sign_in

pytestmark = pytest.mark.browser


def open_as(browser, server, user):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, server, user)
    return context, page


def test_two_people_chat_live_with_delivery_state(live_site, browser):
    owner, asker = UserFactory(profile__display_name="Olga"), UserFactory(profile__display_name="Per")
    listing = make_listing(owner=owner, title="Sykkel")
    conversation, _ = conversation_open(user=asker, subject=listing)
    url = f"{live_site.url}/en/meldinger/{conversation.pk}/"

    owner_context, owner_page = open_as(browser, live_site, owner)
    asker_context, asker_page = open_as(browser, live_site, asker)
    for page in (owner_page, asker_page):
        page.goto(url)
        page.locator("[data-chat][data-live=true]").wait_for()
    assert_no_axe_violations(asker_page, context="chat thread")

    box = asker_page.get_by_role("textbox", name="Message")
    box.fill("Hei! <b>Er sykkelen ledig?</b>")
    box.press("Enter")
    mine = asker_page.locator(".message--mine").last
    mine.locator(".message__state", has_text="Sent").wait_for()

    arrived = owner_page.locator(".messages-list .message", has_text="Er sykkelen ledig?")
    arrived.wait_for()
    assert "<b>" in arrived.locator(".message__body").inner_text()  # shown as text, not HTML
    assert arrived.locator("b").count() == 0

    owner_page.get_by_role("textbox", name="Message").fill("Ja, kom i kveld")
    owner_page.get_by_role("textbox", name="Message").press("Enter")
    asker_page.locator(".message", has_text="Ja, kom i kveld").wait_for()
    assert Message.objects.filter(conversation=conversation).count() == 2

    owner_page.goto(f"{live_site.url}/en/meldinger/")
    assert_no_axe_violations(owner_page, context="inbox")

    # The owner is elsewhere on the site: the header badge counts the new message live.
    owner_page.goto(f"{live_site.url}/en/")
    badge = owner_page.locator("[data-unread-badge]")
    assert badge.is_hidden()
    asker_page.get_by_role("textbox", name="Message").fill("Er du der?")
    asker_page.get_by_role("textbox", name="Message").press("Enter")
    badge.wait_for(state="visible")
    assert badge.locator("[data-unread-text]").inner_text() == "1 unread"
    owner_context.close()
    asker_context.close()
