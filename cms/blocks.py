"""StreamField blocks shared by all content pages. Domain blocks live in <app>/blocks.py and
build on these. Every block has an icon, a template, a description and a preview value."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("Level"), choices=[("h2", _("Heading 2")), ("h3", _("Heading 3"))], default="h2"
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        description = _("A section heading (level 2 or 3).")
        template = "blocks/heading_block.html"
        preview_value = {"text": "Slik reparerer du sykkelslangen", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        description = _("Rich text with headings, lists and links.")
        template = "blocks/paragraph_block.html"
        preview_value = "<p>Gjenbruk sparer både penger og klima.</p>"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("Describe the image for people who cannot see it. Required."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        description = _("An image with required alternative text and an optional caption.")
        template = "blocks/image_block.html"

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("alt_text") or "").strip():
            raise StructBlockValidationError(
                block_errors={"alt_text": ValidationError(_("Alternative text is required."))}
            )
        return value


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Button text"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("Or external address"), required=False)

    class Meta:
        icon = "link"
        label = _("Call to action")
        description = _("A prominent link to a page or an external address.")
        template = "blocks/call_to_action_block.html"
        preview_value = {"text": "Finn en reparatør", "url": "https://www.baerum.kommune.no/"}

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(_("Choose either a page or an external address."))}
            )
        return value


class CalloutBlock(blocks.StructBlock):
    """A tip or a warning. The kind is written out in words, not shown by colour alone."""

    kind = blocks.ChoiceBlock(
        label=_("Kind"), choices=[("tip", _("Tip")), ("warning", _("Warning"))], default="tip"
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    text = ParagraphBlock(label=_("Text"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "help"
        label = _("Tip or warning")
        description = _("A highlighted tip or warning, labelled in words.")
        template = "blocks/callout_block.html"
        preview_value = {
            "kind": "tip",
            "title": "Sjekk ventilen først",
            "text": "<p>Mange punkteringer skyldes en løs ventil.</p>",
        }


class DocumentsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    documents = blocks.ListBlock(DocumentChooserBlock(label=_("Document")), label=_("Documents"), min_num=1)

    class Meta:
        icon = "doc-full"
        label = _("Documents to download")
        description = _("A list of documents to download, with their file type and size.")
        template = "blocks/documents_block.html"


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=200)
    answer = ParagraphBlock(label=_("Answer"), features=["bold", "italic", "link", "ul", "ol"])


class FaqBlock(blocks.StructBlock):
    """Questions and answers as disclosure widgets (<details>/<summary>): keyboard and screen
    reader support come from the browser, and it works without JavaScript."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    items = blocks.ListBlock(FaqItemBlock(), label=_("Questions"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("Frequently asked questions")
        description = _("Questions with answers that open and close.")
        template = "blocks/faq_block.html"
        preview_value = {
            "heading": "Spørsmål og svar",
            "items": [
                {"question": "Hva koster det?", "answer": "<p>Ingenting: Sirkel er gratis.</p>"},
                {"question": "Må jeg logge inn?", "answer": "<p>Bare for å legge ut annonser.</p>"},
            ],
        }


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step"), max_length=160)
    text = ParagraphBlock(label=_("Explanation"), required=False, features=["bold", "italic", "link", "ul"])
    image = ImageChooserBlock(label=_("Image"), required=False)
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        max_length=250,
        help_text=_("Required when the step has an image."),
    )

    def clean(self, value):
        value = super().clean(value)
        if value.get("image") and not (value.get("alt_text") or "").strip():
            raise StructBlockValidationError(
                block_errors={"alt_text": ValidationError(_("Alternative text is required."))}
            )
        return value


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    steps = blocks.ListBlock(StepBlock(), label=_("Steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Steps")
        description = _("Numbered steps, each with an optional image.")
        template = "blocks/steps_block.html"
        preview_value = {
            "heading": "Slik gjør du",
            "steps": [
                {"title": "Ta av hjulet", "text": "<p>Løsne bremsen og hjulmutrene.</p>"},
                {"title": "Finn hullet", "text": "<p>Pump litt luft i slangen og lytt.</p>"},
            ],
        }


class RelatedCategoriesBlock(blocks.StructBlock):
    """Listings, repairers and lendable items in some categories, nearest the visitor first
    (their home area when signed in), else the newest. Read through the apps' selectors
    (cms.selectors.related_in_categories) when the page is shown."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    categories = blocks.ListBlock(
        SnippetChooserBlock("catalog.Category", label=_("Category")), label=_("Categories"), min_num=1
    )
    show = blocks.MultipleChoiceBlock(
        label=_("Show"),
        choices=[("listings", _("Listings")), ("repairers", _("Repairers")), ("items", _("Items to borrow"))],
        default=["listings", "repairers", "items"],
    )

    class Meta:
        icon = "site"
        label = _("Related in Sirkel")
        description = _("Listings, repairers and items to borrow in the chosen categories.")
        template = "blocks/related_categories_block.html"

    def get_context(self, value, parent_context=None):
        from cms.selectors import related_in_categories, visitor_point

        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        context["related"] = related_in_categories(
            categories=[c for c in value["categories"] if c is not None],
            show=set(value["show"] or ()),
            point=visitor_point(request) if request is not None else None,
        )
        return context


class BodyBlock(blocks.StreamBlock):
    """The body of generic content pages. No embeds: nothing is loaded from third parties."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    call_to_action = CallToActionBlock()
    callout = CalloutBlock()
    faq = FaqBlock()
    documents = DocumentsBlock()


class GuideBodyBlock(BodyBlock):
    """A guide's body: the generic blocks plus numbered steps and what Sirkel has nearby."""

    steps = StepsBlock()
    related_categories = RelatedCategoriesBlock()
