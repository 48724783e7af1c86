"""Translated CMS content: the English version at its /en/ URL with hreflang, the switcher,
untranslated pages falling back clearly, editors translating, the demo translations."""

import pytest
from django.test import Client
from wagtail.models import Locale, Page

from accounts.models import Role
from accounts.services import user_add_role
from cms.demo_translations import demo_translations_ensure
from cms.models import StandardPage
from tests.cms.seo_html import parse_head
from tests.factories import StaffFactory


def _publish_under(parent, **fields) -> StandardPage:
    page = StandardPage(**fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _translate(page: StandardPage, **fields) -> StandardPage:
    copy = page.copy_for_translation(Locale.objects.get(language_code="en"))
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    copy.refresh_from_db()
    return copy


@pytest.fixture
def guide(site):
    return _publish_under(site, title="Mindre matsvinn", slug="matsvinn", intro="Slik kaster du mindre mat.")


@pytest.fixture
def english_home(site):
    return site.get_translation(Locale.objects.get(language_code="en"))


def test_the_english_version_of_a_translated_page_is_served_at_its_en_url_with_hreflang(
    client, guide, english_home
):
    _translate(guide, title="Less food waste", slug="food-waste", intro="How to throw away less food.")

    response = client.get("/en/food-waste/")

    assert response.status_code == 200
    head = parse_head(response.content)
    assert head.html_lang == "en"
    assert "Less food waste" in head.title
    assert head.alternates() == {
        "nb": "http://testserver/matsvinn/",
        "en": "http://testserver/en/food-waste/",
        "x-default": "http://testserver/matsvinn/",
    }
    assert head.canonical() == "http://testserver/en/food-waste/"
    # The Norwegian page names the same versions.
    norwegian = parse_head(client.get("/matsvinn/").content)
    assert norwegian.html_lang == "nb"
    assert norwegian.alternates() == head.alternates()
    assert norwegian.canonical() == "http://testserver/matsvinn/"


def test_the_switcher_goes_to_the_translation_in_both_directions(client, guide, english_home):
    _translate(guide, title="Less food waste", slug="food-waste")

    assert 'href="/en/food-waste/" hreflang="en" lang="en"' in client.get("/matsvinn/").content.decode()
    assert 'href="/matsvinn/" hreflang="nb" lang="nb"' in client.get("/en/food-waste/").content.decode()


def test_an_unpublished_translation_is_neither_linked_nor_announced(client, guide, english_home):
    copy = _translate(guide, title="Less food waste", slug="food-waste")
    Page.objects.get(pk=copy.pk).specific.unpublish()

    html = client.get("/matsvinn/").content.decode()

    assert "/en/food-waste/" not in html
    assert set(parse_head(html).alternates()) == {"nb", "x-default"}


def test_an_untranslated_page_links_to_the_english_home_and_says_it_is_only_in_norwegian(client, guide):
    html = client.get("/matsvinn/").content.decode()

    assert 'href="/en/" hreflang="en" lang="en" aria-describedby="language-note-en"' in html
    assert "This page is only available in Norwegian Bokmål." in html  # said in English, lang="en"
    head = parse_head(html)
    assert head.alternates() == {
        "nb": "http://testserver/matsvinn/",
        "x-default": "http://testserver/matsvinn/",
    }
    assert "og:locale:alternate" not in head.meta


def test_the_english_address_of_an_untranslated_page_is_a_404_naming_the_norwegian_page(client, guide):
    response = client.get("/en/matsvinn/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "This page is only available in Norwegian Bokmål" in html
    assert '<a class="ds-link" href="/matsvinn/" lang="nb">Mindre matsvinn</a>' in html


def test_an_english_address_with_no_page_in_any_language_is_a_plain_404(client, site):
    response = client.get("/en/finnes-ikke/")

    assert response.status_code == 404
    assert "only available in" not in response.content.decode()
    assert "Page not found" in response.content.decode()


def test_app_pages_keep_their_en_prefix_and_switch_with_the_query_string(client, site):
    english = client.get("/en/gis-bort/", {"q": "sofa"})
    assert english.status_code == 200
    assert '<html lang="en"' in english.content.decode()

    html = client.get("/gis-bort/", {"q": "sofa"}).content.decode()
    assert 'href="/en/gis-bort/?q=sofa" hreflang="en"' in html
    head = parse_head(html)
    assert head.alternates() == {
        "nb": "http://testserver/gis-bort/",
        "en": "http://testserver/en/gis-bort/",
        "x-default": "http://testserver/gis-bort/",
    }


def test_an_editor_translates_a_page_from_the_admin(site, guide):
    from accounts.services import roles_ensure

    roles_ensure()
    editor = StaffFactory(is_staff=True)  # the admin requires MFA
    user_add_role(user=editor, role=Role.EDITOR)
    client = Client()
    client.force_login(editor)
    en = Locale.objects.get(language_code="en")

    form = client.get(f"/cms/translation/submit/page/{guide.pk}/")
    assert form.status_code == 200
    response = client.post(f"/cms/translation/submit/page/{guide.pk}/", {"locales": [en.pk]})

    assert response.status_code == 302
    translation = StandardPage.objects.get(translation_key=guide.translation_key, locale=en)
    assert not translation.live  # a draft for the editor to translate and publish
    # ...which they may edit in the English tree.
    assert client.get(f"/cms/pages/{translation.pk}/edit/").status_code == 200


def test_a_moderator_cannot_translate_pages(site, guide):
    from accounts.services import roles_ensure

    roles_ensure()
    moderator = StaffFactory(is_staff=True)
    user_add_role(user=moderator, role=Role.MODERATOR)
    client = Client()
    client.force_login(moderator)

    response = client.get(f"/cms/translation/submit/page/{guide.pk}/")

    assert response.status_code in (302, 403)
    assert not StandardPage.objects.filter(locale__language_code="en").exists()


# --- demo translations ---------------------------------------------------------------------------


DEMO = {
    "matsvinn": {"title": "Less food waste", "slug": "less-food-waste", "intro": "Throw away less."},
    "oppskrifter": {"title": "Recipes", "intro": "Use the leftovers."},
    "finnes-ikke-ennå": {"title": "Not there yet"},
}


def test_demo_translations_translate_the_listed_pages_that_exist_and_publish_them(client, guide):
    _publish_under(guide, title="Oppskrifter", slug="oppskrifter")

    notes = demo_translations_ensure(DEMO)

    assert "translated 'matsvinn' to en" in notes and "translated 'oppskrifter' to en" in notes
    assert "no page 'finnes-ikke-ennå' yet: not translated" in notes
    response = client.get("/en/less-food-waste/")
    assert response.status_code == 200 and "Throw away less." in response.content.decode()
    assert client.get("/en/less-food-waste/oppskrifter/").status_code == 200


def test_demo_translations_are_idempotent_and_keep_an_editors_changes(guide):
    demo_translations_ensure(DEMO)
    english = StandardPage.objects.get(locale__language_code="en", slug="less-food-waste")
    english.title = "Waste less food"
    english.save_revision().publish()
    pages = Page.objects.count()

    notes = demo_translations_ensure(DEMO)

    assert Page.objects.count() == pages
    assert not [note for note in notes if note.startswith("translated")]
    english.refresh_from_db()
    assert english.title == "Waste less food"


def test_demo_translations_skip_a_page_whose_parent_is_untranslated(guide):
    _publish_under(guide, title="Oppskrifter", slug="oppskrifter")

    notes = demo_translations_ensure({"oppskrifter": {"title": "Recipes"}})

    assert notes == ["skipped 'oppskrifter': its parent has no en version"]
    assert not StandardPage.objects.filter(locale__language_code="en").exists()


def test_demo_translations_report_a_field_the_page_type_does_not_have(guide):
    notes = demo_translations_ensure({"matsvinn": {"title": "Less food waste", "hero_title": "x"}})

    assert "'matsvinn': StandardPage has no field(s) hero_title" in notes


def test_load_demo_leaves_the_home_page_translated(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_demo", stdout=out)

    english = Page.objects.get(depth=2, locale__language_code="en").specific
    assert english.live and english.hero_title.startswith("Give away")
    assert english.search_description
