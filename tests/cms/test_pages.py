from html.parser import HTMLParser

import pytest
from django.test import Client
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.blocks import BodyBlock, CallToActionBlock, HeadingBlock, ParagraphBlock
from cms.models import HomePage, StandardPage
from tests.factories import StaffFactory, UserFactory


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.in_header = False
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "header":
            self.in_header = True
        if tag == "a" and self.in_header:
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag == "header":
            self.in_header = False


def test_home_page_renders_in_norwegian(client, site):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nb"' in html
    assert "Gi bort, bytt, reparer og lån" in html


def test_home_page_renders_in_english(client, site):
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Give away, swap, repair and borrow" in html


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_every_header_link_resolves(client, site, prefix, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    collector = LinkCollector()
    collector.feed(client.get(prefix + "/").content.decode())
    assert collector.links, "the header has no links"
    for href in collector.links:
        response = client.get(href)
        assert response.status_code == 200, f"{href} answered {response.status_code}"


def test_language_switcher_links_to_the_translation(client, site):
    html = client.get("/").content.decode()
    assert 'href="/en/" hreflang="en"' in html
    html = client.get("/en/").content.decode()
    assert 'href="/" hreflang="nb"' in html


def test_home_page_is_the_site_root_and_there_is_one(site):
    assert HomePage.objects.filter(locale__language_code="nb").count() == 1
    assert site.get_site().root_page_id == site.pk


def test_standard_page_can_only_live_under_home_or_standard(site):
    assert StandardPage.can_create_at(site)
    assert not HomePage.can_create_at(site)
    assert "cms.StandardPage" in HomePage.subpage_types


@pytest.fixture
def editor_client(site):
    admin = StaffFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    return client


def test_an_administrator_creates_and_publishes_a_standard_page_with_a_streamfield(editor_client, site):
    data = nested_form_data(
        {
            "title": "Om Sirkel",
            "slug": "om-sirkel",
            "intro": "Hva Sirkel er",
            "body": streamfield(
                [
                    ("heading", {"text": "Hvorfor", "level": "h2"}),
                    ("paragraph", rich_text("<p>Fordi gjenbruk virker.</p>")),
                ]
            ),
            "action-publish": "publish",
        }
    )
    response = editor_client.post(f"/cms/pages/add/cms/standardpage/{site.pk}/", data)
    assert response.status_code == 302, response.content[:2000]
    page = StandardPage.objects.get(slug="om-sirkel")
    assert page.live
    html = Client().get("/om-sirkel/").content.decode()
    assert "Fordi gjenbruk virker." in html and "<h2" in html


def test_image_block_requires_alt_text():
    from wagtail.blocks.struct_block import StructBlockValidationError

    from cms.blocks import ImageBlock

    block = ImageBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"image": None, "alt_text": " ", "caption": ""}))


def test_call_to_action_needs_exactly_one_target():
    from wagtail.blocks.struct_block import StructBlockValidationError

    block = CallToActionBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"text": "Gå", "page": None, "url": ""}))


def test_body_has_no_embed_block():
    assert "embed" not in BodyBlock.base_blocks


@pytest.mark.parametrize("block_class", [HeadingBlock, ParagraphBlock, CallToActionBlock])
def test_block_preview_value_renders(block_class, db):
    block = block_class()
    html = block.render(block.get_preview_value())
    assert html.strip()
    assert block.meta.icon and block.meta.description


def test_site_search_finds_a_published_page(client, site):
    page = StandardPage(title="Matsvinn i hverdagen", slug="matsvinn", intro="Mindre matsvinn hjemme")
    site.add_child(instance=page)
    page.save_revision().publish()
    html = client.get("/sok/", {"q": "matsvinn"}).content.decode()
    assert "Matsvinn i hverdagen" in html
    assert Page.objects.live().search("matsvinn")


def test_site_search_with_no_query_or_hostile_input_is_calm(client, site):
    assert client.get("/sok/").status_code == 200
    response = client.get("/sok/", {"q": "<script>alert(1)</script>' OR 1=1 --", "page": "x"})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


@pytest.fixture
def role_client(site, roles):
    from accounts.models import Role
    from accounts.services import user_add_role

    def make(role: Role) -> Client:
        user = StaffFactory()  # the admin requires MFA of staff roles (harmless for residents)
        user_add_role(user=user, role=role)
        client = Client()
        client.force_login(user)
        return client

    return make


def test_editor_opens_the_admin_and_writes_a_page_but_cannot_publish_it_alone(role_client, site):
    """Editors publish through the workflow only (tests/cms/test_workflow.py)."""
    from accounts.models import Role

    editor = role_client(Role.EDITOR)
    assert editor.get("/cms/").status_code == 200
    data = nested_form_data(
        {
            "title": "Om oss",
            "slug": "om-oss",
            "intro": "",
            "body": streamfield([]),
            "action-publish": "publish",
        }
    )
    assert editor.post(f"/cms/pages/add/cms/standardpage/{site.pk}/", data).status_code in (302, 403)
    page = StandardPage.objects.filter(slug="om-oss").first()
    assert page is None or not page.live


def test_moderator_opens_the_admin_but_cannot_add_pages(role_client, site):
    from accounts.models import Role

    moderator = role_client(Role.MODERATOR)
    assert moderator.get("/cms/").status_code == 200
    response = moderator.get(f"/cms/pages/add/cms/standardpage/{site.pk}/")
    assert response.status_code in (302, 403)
    assert not StandardPage.objects.exists()


def test_resident_cannot_open_the_admin(role_client):
    from accounts.models import Role

    response = role_client(Role.RESIDENT).get("/cms/")
    assert response.status_code == 302 and "/cms/login/" in response["Location"]


def test_load_demo_is_idempotent(db):
    from django.core.management import call_command

    from accounts.models import User
    from places.models import Place

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (User.objects.count(), Place.objects.count(), Page.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (User.objects.count(), Place.objects.count(), Page.objects.count()) == counts
    assert User.objects.get(email="redaktor@sirkel.test").groups.filter(name="editor").exists()
