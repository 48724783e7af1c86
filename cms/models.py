from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock, CallToActionBlock
from cms.pages import GuidePage, NewsIndexPage, NewsPage, StandardPage, TopicIndexPage
from cms.workflow import SecondEditorApprovalTask

__all__ = [
    "GuidePage",
    "HomePage",
    "NewsIndexPage",
    "NewsPage",
    "SecondEditorApprovalTask",
    "StandardPage",
    "TopicIndexPage",
]


# How long the home page's live sections (newest listings, repairers open now, items, events)
# are kept as rendered HTML, per place and language, for everyone (signed-in visitors too, who
# never get the page cache): the same minute as the anonymous page cache.
HOME_LIVE_SECONDS = 60


class HomePage(Page):
    """The site root: an editable hero and sections, and live sections with what is near the
    visitor (cms.selectors.home_sections): newest listings, repairers open now, items to borrow,
    the next events, and the impact counters."""

    hero_title = models.CharField(_("hero title"), max_length=120)
    hero_text = models.TextField(_("hero text"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_image_alt = models.CharField(
        _("hero image alternative text"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for people who cannot see it. Required with an image."),
    )
    hero_links = StreamField(
        [("link", CallToActionBlock())], verbose_name=_("hero links"), blank=True, max_num=3
    )
    body = StreamField(BodyBlock(), verbose_name=_("sections"), blank=True)
    show_nearby = models.BooleanField(
        _("show what is near the visitor"),
        default=True,
        help_text=_(
            "Newest listings, repairers open now, items to borrow, the next events and the"
            " impact counters, below the hero."
        ),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldPanel("hero_image_alt"),
                FieldPanel("hero_links"),
            ],
            heading=_("Hero"),
        ),
        FieldPanel("show_nearby"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("hero_title"),
        index.SearchField("hero_text"),
        index.SearchField("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.StandardPage",
        "cms.TopicIndexPage",
        "cms.NewsIndexPage",
        "cms.EventIndexPage",
        "cms.StationSchedulePage",
        "cms.ImpactDashboardPage",
        "cms.ImpactMethodPage",
    ]
    max_count_per_parent = 1
    # Its live blocks show the apps' newest data: cached for anonymous visitors a minute at most.
    page_cache_seconds = 60

    class Meta:
        verbose_name = _("home page")

    template = "cms/home_page.html"

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.hero_image_id and not self.hero_image_alt.strip():
            raise ValidationError({"hero_image_alt": _("Alternative text is required.")})

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import home_links, home_sections, place_names, visitor_place

        context = super().get_context(request, *args, **kwargs)
        # Anonymous responses are cached by full path (cms.page_cache), so what an anonymous
        # visitor sees may depend only on the query string; a signed-in visitor's home area is
        # used only for them (signed-in visitors are never served from the cache).
        place_name = request.GET.get("sted", "").strip()
        place = visitor_place(request, place_name)
        context["place"] = place
        context["place_not_found"] = bool(place_name) and place is None
        if self.show_nearby:
            point = place.point if place else None
            # Computed only when the template's fragment cache has no copy (live_seconds).
            context["nearby"] = SimpleLazyObject(lambda: home_sections(root=self, point=point))
            context["place_names"] = SimpleLazyObject(place_names)
            context["links"] = home_links(self)
            context["live_seconds"] = HOME_LIVE_SECONDS
        return context


# Page types kept in modules of their own (imported here so Django registers the models).
from cms.events.models import (  # noqa: E402, F401
    EventIndexPage,
    EventPage,
    EventRegistration,
    StationSchedulePage,
    StationStop,
)
from cms.impact_pages import ImpactDashboardPage, ImpactMethodPage  # noqa: E402, F401
