from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock


class HomePage(Page):
    """The site root. Later issues add what is near the visitor and the impact figures."""

    hero_title = models.CharField(_("hero title"), max_length=120)
    hero_text = models.TextField(_("hero text"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("hero_title"),
        index.SearchField("hero_text"),
        index.SearchField("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.ContentPage",
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


class ContentPage(Page):
    """A generic page: about, privacy, terms, guides until they get their own type."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = ["cms.ContentPage"]

    class Meta:
        verbose_name = _("content page")

    template = "cms/content_page.html"


# Page types kept in modules of their own (imported here so Django registers the models).
from cms.events.models import (  # noqa: E402, F401
    EventIndexPage,
    EventPage,
    EventRegistration,
    StationSchedulePage,
    StationStop,
)
from cms.impact_pages import ImpactDashboardPage, ImpactMethodPage  # noqa: E402, F401
