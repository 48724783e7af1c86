"""The StreamField blocks of cms/blocks.py, rendered as visitors see them."""

import pytest
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.utils import translation
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from catalog.models import Category
from cms.blocks import (
    BodyBlock,
    CalloutBlock,
    DocumentsBlock,
    FaqBlock,
    GuideBodyBlock,
    RelatedCategoriesBlock,
    StepBlock,
    StepsBlock,
)
from tests.factories import UserFactory, make_listing
from tests.factory_repair import BEKKESTUA, SANDVIKA, make_repairer


@pytest.fixture
def image(db):
    return Image.objects.create(title="Sykkelslange", file=get_test_image_file())


def _all_blocks():
    for name, block in GuideBodyBlock().child_blocks.items():
        yield pytest.param(block, id=name)


@pytest.mark.parametrize("block", list(_all_blocks()))
def test_every_block_has_an_icon_a_description_and_a_template(block):
    assert block.meta.icon and block.meta.description
    assert block.meta.template and block.meta.template.startswith("blocks/")


@pytest.mark.parametrize("name", ["heading", "paragraph", "call_to_action", "callout", "faq", "steps"])
def test_block_preview_value_renders(name, db):
    block = GuideBodyBlock().child_blocks[name]
    html = block.render(block.get_preview_value())
    assert html.strip()
    assert "None" not in html


def test_guide_body_has_the_guide_blocks_and_standard_pages_do_not():
    assert {"steps", "related_categories", "faq", "callout", "documents", "image", "paragraph"} <= set(
        GuideBodyBlock.base_blocks
    )
    assert "related_categories" not in BodyBlock.base_blocks
    assert "embed" not in GuideBodyBlock.base_blocks


def test_steps_are_numbered_in_an_ordered_list_with_optional_images(image):
    block = StepsBlock()
    value = block.to_python(
        {
            "heading": "Slik gjør du",
            "steps": [
                {
                    "title": "Ta av hjulet",
                    "text": "<p>Løsne mutrene.</p>",
                    "image": image.pk,
                    "alt_text": "Et hjul",
                },
                {"title": "Finn hullet", "text": "<p>Lytt.</p>", "image": None, "alt_text": ""},
            ],
        }
    )
    html = block.render(value)
    assert "<ol" in html and html.count("<li") == 2
    assert html.index("Ta av hjulet") < html.index("Finn hullet")
    assert 'alt="Et hjul"' in html
    assert html.count("<img") == 1


def test_a_step_with_an_image_needs_alternative_text(image):
    block = StepBlock()
    with pytest.raises(StructBlockValidationError) as raised:
        block.clean(
            block.to_python({"title": "Ta av hjulet", "text": "", "image": image.pk, "alt_text": " "})
        )
    assert "alt_text" in raised.value.block_errors


def test_a_step_without_an_image_needs_no_alternative_text():
    block = StepBlock()
    block.clean(block.to_python({"title": "Finn hullet", "text": "", "image": None, "alt_text": ""}))


def test_callout_says_in_words_whether_it_is_a_tip_or_a_warning():
    block = CalloutBlock()
    with translation.override("en"):
        html = block.render(
            block.to_python({"kind": "warning", "title": "Strøm", "text": "<p>Trekk ut.</p>"})
        )
    assert "Warning" in html and 'data-kind="warning"' in html


def test_faq_renders_as_disclosure_widgets():
    block = FaqBlock()
    html = block.render(block.get_preview_value())
    assert html.count("<details") == 2 and html.count("<summary>") == 2
    assert "<summary>Hva koster det?</summary>" in html


def test_documents_block_links_each_document_with_type_and_size(db):
    document = Document.objects.create(
        title="Sorteringsguide", file=ContentFile(b"%PDF-1.4 test" * 100, "guide.pdf")
    )
    block = DocumentsBlock()
    html = block.render(block.to_python({"heading": "Last ned", "documents": [document.pk]}))
    assert document.url in html and "Sorteringsguide" in html
    assert "(PDF, 1.3\xa0KB)" in html.replace(",3", ".3")


def _request(user=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/guider/x/")
    request.user = user or AnonymousUser()
    return request


def _related_html(categories, request, show=("listings", "repairers", "items")):
    block = RelatedCategoriesBlock()
    value = block.to_python(
        {"heading": "På Sirkel", "categories": [c.pk for c in categories], "show": list(show)}
    )
    return block.render(value, context={"request": request})


def test_related_block_shows_listings_repairers_and_items_of_the_category_and_its_children(db):
    from tests.sharing.conftest import make_hub, make_item

    make_listing(title="Sykkel til jenter", category="bicycles")
    make_listing(title="Sofa gis bort", category="sofas")
    make_repairer(name="Sykkelverkstedet", categories=("bicycles",))
    make_item(hub=make_hub(), title="Lastesykkel", category="cargo-bikes")
    html = _related_html([Category.objects.get(slug="bikes")], _request())
    assert "Sykkel til jenter" in html and "Sykkelverkstedet" in html and "Lastesykkel" in html
    assert "Sofa gis bort" not in html


def test_related_block_shows_only_what_the_editor_chose(db):
    make_listing(title="Sykkel til jenter", category="bicycles")
    make_repairer(name="Sykkelverkstedet", categories=("bicycles",))
    html = _related_html([Category.objects.get(slug="bicycles")], _request(), show=("repairers",))
    assert "Sykkelverkstedet" in html and "Sykkel til jenter" not in html


def test_related_block_puts_what_is_nearest_the_visitors_home_area_first(db, places):
    from places.models import Place

    make_listing(title="Sykkel i Sandvika", category="bicycles", lat=SANDVIKA[0], lon=SANDVIKA[1])
    make_listing(title="Sykkel på Bekkestua", category="bicycles", lat=BEKKESTUA[0], lon=BEKKESTUA[1])
    visitor = UserFactory()
    visitor.profile.home_place = Place.objects.get(name="Bekkestua")
    visitor.profile.save()
    html = _related_html([Category.objects.get(slug="bicycles")], _request(visitor), show=("listings",))
    assert html.index("Sykkel på Bekkestua") < html.index("Sykkel i Sandvika")
    anonymous = _related_html([Category.objects.get(slug="bicycles")], _request(), show=("listings",))
    # Without a home area: the newest first.
    assert anonymous.index("Sykkel på Bekkestua") < anonymous.index("Sykkel i Sandvika")


def test_related_block_leaves_out_hidden_listings_and_unpublished_repairers(db):
    from django.utils import timezone

    listing = make_listing(title="Skjult sykkel", category="bicycles")
    listing.hidden_at = timezone.now()
    listing.save(update_fields=["hidden_at"])
    make_repairer(name="Utkastverksted", categories=("bicycles",), status="draft")
    html = _related_html([Category.objects.get(slug="bicycles")], _request())
    assert "Skjult sykkel" not in html and "Utkastverksted" not in html
