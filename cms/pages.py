"""The editorial page types: guides under a topic index, news under a news index, and the
standard page for about, privacy, terms and the accessibility statement. Re-exported from
cms.models (Django finds the models there); events and the station schedule live in modules
of their own."""

from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock, GuideBodyBlock
from cms.page_cache import public_pages

INDEX_PAGE_SIZE = 12


class StandardPage(Page):
    """A plain page: about, privacy, terms, the accessibility statement."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]
    template = "cms/standard_page.html"

    class Meta:
        verbose_name = _("standard page")


class _IndexPage(Page):
    """An index listing its published children, newest first, a page at a time."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    child_model: type[Page] = Page
    child_order = "-first_published_at"

    class Meta:
        abstract = True

    def children(self):
        return public_pages(self.child_model.objects.child_of(self).live()).order_by(self.child_order, "pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = Paginator(self.children(), INDEX_PAGE_SIZE).get_page(request.GET.get("page"))
        return context


class TopicIndexPage(_IndexPage):
    """A topic ("Reparasjon", "Mindre avfall") with its guides."""

    parent_page_types = ["cms.HomePage", "cms.TopicIndexPage"]
    subpage_types = ["cms.GuidePage", "cms.TopicIndexPage"]
    template = "cms/topic_index_page.html"
    child_order = "title"

    @property
    def child_model(self):
        return GuidePage

    def subtopics(self):
        return public_pages(TopicIndexPage.objects.child_of(self).live()).order_by("title")

    class Meta:
        verbose_name = _("topic index")


class GuidePage(Page):
    """A how-to guide: an introduction and a body of steps, tips, FAQ and what Sirkel has in
    the related categories."""

    intro = models.TextField(_("introduction"), max_length=500)
    body = StreamField(GuideBodyBlock(), verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.TopicIndexPage"]
    subpage_types = []
    template = "cms/guide_page.html"
    # Its "related in Sirkel" block lists the apps' current listings, repairers and items (the
    # same for every anonymous visitor): cached a minute at most, like the home page.
    page_cache_seconds = 60
    # The breadcrumb and the body, rendered once a minute per revision, page-tree generation (the
    # topic's title and address), language and visitor's home area (the related block lists
    # what is near it), for signed-in visitors too: the template's {% wagtailpagecache %}.
    body_cache_seconds = 60

    class Meta:
        verbose_name = _("guide")

    def get_context(self, request, *args, **kwargs):
        from cms.page_cache import generation
        from cms.selectors import visitor_place

        context = super().get_context(request, *args, **kwargs)
        context["tree_generation"] = generation()
        place = visitor_place(request)
        context["visitor_place_id"] = place.pk if place is not None else ""
        return context


class NewsIndexPage(_IndexPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    template = "cms/news_index_page.html"
    max_count_per_parent = 1
    child_order = "-date"

    @property
    def child_model(self):
        return NewsPage

    class Meta:
        verbose_name = _("news index")


class NewsPage(Page):
    date = models.DateField(_("date"))
    intro = models.TextField(_("introduction"), max_length=500)
    body = StreamField(BodyBlock(), verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("date"), FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []
    template = "cms/news_page.html"

    class Meta:
        verbose_name = _("news item")
