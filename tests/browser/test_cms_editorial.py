"""The editorial workflow in Chromium (issue #7): an editor writes a guide with numbered steps
and an image in the Wagtail admin and submits it; they cannot approve it themselves; a second
editor approves it, and it is then on its topic index and in the site search. A moderator
cannot publish pages. axe finds no WCAG 2.1 A/AA violations on a published page of every
public page type."""

import json
import re
from datetime import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page
from wagtail.users.models import UserProfile

from accounts.models import Role
from accounts.services import user_add_role
from cms.models import GuidePage, NewsIndexPage, NewsPage, StandardPage, TopicIndexPage
from cms.services import impact_pages_ensure
from tests.factories import StaffFactory, make_listing
from tests.factories.events import BEKKESTUA, days_ahead, make_event, make_event_index, make_station
from tests.support import assert_no_axe_violations, sign_in

pytestmark = pytest.mark.browser


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _staff(role: Role, name: str):
    user = StaffFactory(is_staff=True, profile__display_name=name)  # the admin requires MFA
    user_add_role(user=user, role=role)
    # The admin in English, so that the test reads Wagtail's own labels in one language.
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def _home():
    return Page.objects.get(depth=2, locale__language_code="nb").specific


def _open_more_actions(page, wanted: str | re.Pattern) -> None:
    """Open the editor's "More actions" menu until `wanted` shows in it: on a loaded machine the
    first click can come before Wagtail's scripts have wired the menu up."""
    toggle = page.get_by_role("button", name=re.compile("More actions"))
    item = page.get_by_role("button", name=wanted, exact=isinstance(wanted, str))
    for _attempt in range(5):
        toggle.click()
        try:
            item.wait_for(state="visible", timeout=4000)
            return
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"{wanted!r} did not appear in the More actions menu")


def _as(page, server, user) -> None:
    page.context.clear_cookies()
    sign_in(page, server, user)


def test_an_editor_writes_a_guide_and_a_second_editor_approves_it(live_site, page):
    topics = _publish(_home(), TopicIndexPage(title="Guider", slug="guider", intro="Praktiske råd."))
    photo = Image.objects.create(title="Lappesett på bordet", file=get_test_image_file())
    writer = _staff(Role.EDITOR, "Randi Redaktør")
    approver = _staff(Role.EDITOR, "Erik Redaktør")

    # The first editor writes the guide: an introduction and numbered steps, one with an image.
    _as(page, live_site, writer)
    page.goto(f"{live_site.url}/cms/pages/add/cms/guidepage/{topics.pk}/")
    page.locator("#id_title").fill("Slik lapper du en sykkelslange")
    page.locator("#id_intro").fill("En punktering fikser du selv på en halvtime.")
    _add_block(page, "Steps")
    page.locator("#body-0-value-heading").fill("Slik gjør du")
    _fill_step(page, 0, "Finn hullet", "Pump litt luft i slangen og lytt etter lekkasjen.")
    page.locator("[data-streamfield-list-add]").last.click()
    _fill_step(page, 1, "Lapp slangen", "Rugg opp rundt hullet, stryk på solusjon og press på lappen.")
    _choose_image(page, "body-0-value-steps-1-value-image", photo.title)
    page.locator("#body-0-value-steps-1-value-alt_text").fill(
        "Et åpent lappesett med lapper, solusjon og sandpapir"
    )
    _submit_for_review(page)

    guide = GuidePage.objects.get(slug="slik-lapper-du-en-sykkelslange")
    assert not guide.live
    assert [step["title"] for step in guide.get_latest_revision_as_object().body[0].value["steps"]] == [
        "Finn hullet",
        "Lapp slangen",
    ]
    assert page.request.get(f"{live_site.url}/guider/slik-lapper-du-en-sykkelslange/").status == 404

    # The writer is offered no way to approve their own guide.
    page.goto(f"{live_site.url}/cms/pages/{guide.pk}/edit/")
    _open_more_actions(page, "Save draft")
    assert page.locator("[data-workflow-action-name='approve']").count() == 0

    # The second editor approves it in the page editor.
    _as(page, live_site, approver)
    page.goto(f"{live_site.url}/cms/pages/{guide.pk}/edit/")
    _open_more_actions(page, "Approve and Publish")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve and Publish", exact=True).click()
    guide.refresh_from_db()
    assert guide.live

    # The guide is on its topic index and in the site search.
    page.context.clear_cookies()
    page.goto(f"{live_site.url}/guider/")
    page.get_by_role("link", name="Slik lapper du en sykkelslange").click()
    page.wait_for_url(f"{live_site.url}/guider/slik-lapper-du-en-sykkelslange/")
    assert page.locator("ol.steps-block__list > li").count() == 2
    assert page.get_by_role("img", name="Et åpent lappesett med lapper, solusjon og sandpapir").count() == 1
    assert_no_axe_violations(page, context="the approved guide")
    page.goto(f"{live_site.url}/sok/?q=sykkelslange")
    results = page.locator("#results-pages").locator("xpath=..")
    assert results.get_by_role("link", name="Slik lapper du en sykkelslange").count() == 1
    assert_no_axe_violations(page, context="site search with the guide")


def test_a_moderator_can_neither_add_nor_publish_pages(live_site, page):
    topics = _publish(_home(), TopicIndexPage(title="Guider", slug="guider", intro="Praktiske råd."))
    moderator = _staff(Role.MODERATOR, "Morten Moderator")
    _as(page, live_site, moderator)

    page.goto(f"{live_site.url}/cms/pages/{topics.pk}/")
    assert page.get_by_role("link", name=re.compile("Add child page")).count() == 0
    response = page.goto(f"{live_site.url}/cms/pages/add/cms/guidepage/{topics.pk}/")
    assert response.status == 403 or "/cms/pages/add/" not in page.url
    page.goto(f"{live_site.url}/cms/pages/{topics.pk}/edit/")
    assert page.get_by_role("button", name=re.compile("^Publish")).count() == 0


# --- axe on every public page type -----------------------------------------------------------------


def _guide_body(category_id: int, image_id: int) -> str:
    return json.dumps(
        [
            {"type": "heading", "value": {"text": "Før du starter", "level": "h2"}},
            {"type": "paragraph", "value": "<p>Du trenger et lappesett og to dekkspaker.</p>"},
            {
                "type": "steps",
                "value": {
                    "heading": "Slik gjør du",
                    "steps": [
                        {
                            "title": "Ta av hjulet",
                            "text": "<p>Løsne bremsen.</p>",
                            "image": None,
                            "alt_text": "",
                        },
                        {
                            "title": "Lapp slangen",
                            "text": "<p>Press lappen godt på.</p>",
                            "image": image_id,
                            "alt_text": "En lapp presses på en sykkelslange",
                        },
                    ],
                },
            },
            {
                "type": "callout",
                "value": {"kind": "warning", "title": "Pass på", "text": "<p>Glass i dekket.</p>"},
            },
            {
                "type": "faq",
                "value": {
                    "heading": "Spørsmål og svar",
                    "items": [{"question": "Hvor mye luft?", "answer": "<p>Det som står på dekket.</p>"}],
                },
            },
            {
                "type": "related_categories",
                "value": {
                    "heading": "På Sirkel",
                    "categories": [category_id],
                    "show": ["listings", "repairers", "items"],
                },
            },
        ]
    )


def test_a_published_page_of_every_public_page_type_has_no_axe_violations(live_site, page):
    from datetime import date

    from catalog.models import Category
    from tests.catalog.impact_support import complete_giveaway

    home = _home()
    bikes = Category.objects.get(slug="bicycles")
    make_listing(title="Sykkel gis bort", category="bicycles")
    complete_giveaway(category="bicycles")
    image = Image.objects.create(title="Lapp", file=get_test_image_file())
    topics = _publish(home, TopicIndexPage(title="Guider", slug="guider", intro="Praktiske råd."))
    _publish(
        topics,
        GuidePage(
            title="Slik lapper du slangen",
            slug="slangen",
            intro="Lapp selv.",
            body=_guide_body(bikes.pk, image.pk),
        ),
    )
    news = _publish(home, NewsIndexPage(title="Nyheter", slug="nyheter", intro="Nytt fra Sirkel."))
    _publish(
        news,
        NewsPage(
            title="Ny utlånssentral",
            slug="ny-sentral",
            date=date(2026, 11, 16),
            intro="Verktøy og elsykler gratis.",
            body=json.dumps([{"type": "paragraph", "value": "<p>Åpent tirsdag til lørdag.</p>"}]),
        ),
    )
    _publish(
        home,
        StandardPage(
            title="Tilgjengelighetserklæring",
            slug="tilgjengelighetserklaering",
            intro="Status for universell utforming.",
            body=json.dumps([{"type": "paragraph", "value": "<p>Skriv til oss.</p>"}]),
            show_in_menus=True,
        ),
    )
    events = make_event_index(home)
    make_event(events, title="Reparasjonskafé på Bekkestua", slug="reparasjonskafe")
    make_station(home, stops=[(days_ahead(3), time(14), time(19), "Bekkestua bibliotek", BEKKESTUA)])
    impact_pages_ensure(home)

    for path, kind in (
        ("/", "home page"),
        ("/tilgjengelighetserklaering/", "standard page"),
        ("/guider/", "topic index"),
        ("/guider/slangen/", "guide"),
        ("/nyheter/", "news index"),
        ("/nyheter/ny-sentral/", "news page"),
        ("/arrangementer/", "event index"),
        ("/arrangementer/reparasjonskafe/", "event page"),
        ("/miljobilen/", "station schedule"),
        ("/effekt/", "impact dashboard"),
        ("/effekt/slik-teller-vi/", "impact method"),
    ):
        response = page.goto(live_site.url + path)
        assert response.status == 200, path
        assert_no_axe_violations(page, context=kind)


def _add_block(page, label: str) -> None:
    """Open the StreamField's block picker and choose a block by its label."""
    page.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name=label, exact=True).click()


def _fill_step(page, n: int, title: str, text: str) -> None:
    prefix = f"body-0-value-steps-{n}-value"
    page.locator(f"#{prefix}-title").fill(title)
    editor = (
        page.locator("[data-streamfield-widget]")
        .filter(has=page.locator(f"#{prefix}-text"))
        .locator("[role='textbox']")
    )
    editor.click()
    editor.press_sequentially(text)


def _choose_image(page, prefix: str, title: str) -> None:
    page.locator(f"#{prefix}-chooser").get_by_role("button", name="Choose an image").click()
    page.get_by_role("dialog").get_by_role("link", name=re.compile(re.escape(title))).first.click()
    page.locator(f"#{prefix}-title").filter(has_text=title).wait_for()


def _submit_for_review(page) -> None:
    _open_more_actions(page, re.compile("^Submit to"))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Submit to")).click()
