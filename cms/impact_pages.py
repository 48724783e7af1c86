"""The impact dashboard and the "how we count" page. Every figure comes from
catalog.selectors (the ledger × the factors); these pages only arrange it as charts and
tables. Kept out of cms/models.py so the page types of other issues merge cleanly; the module
is imported there so Django sees the models."""

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from catalog.selectors import IMPACT_VERSION_KEY, impact_factor_list, impact_report_cached, impact_version
from cms.blocks import BodyBlock
from cms.charts import bar_chart
from cms.page_cache import generation, public_pages, tree_cached


def _month_label(key: str) -> str:
    from datetime import date

    year, month = (int(part) for part in key.split("-"))
    return date_format(date(year, month, 1), "M Y")


def dashboard_context() -> dict:
    """The report with one chart per breakdown (kg CO2e avoided) and the rows of its table."""
    report = impact_report_cached()
    unit = gettext("kg CO2e avoided")

    def chart(rows, *, id, title, y_label, orientation="horizontal", labels=None):
        values = [
            (row.key, labels(row) if labels else row.label, row.figures["kg_co2e_avoided"]) for row in rows
        ]
        largest = max(values, key=lambda v: v[2], default=None)
        if largest is not None and largest[2] > 0:
            summary = gettext("Largest: %(label)s, %(value)s kg CO2e.") % {
                "label": largest[1],
                "value": f"{largest[2]:.1f}",
            }
        else:
            summary = gettext("Nothing recorded yet.")
        desc = " ".join(
            [
                gettext("Bar chart of kg CO2e avoided per %(what)s.") % {"what": y_label.lower()},
                summary,
                gettext("The table below the chart has every figure."),
            ]
        )
        return bar_chart(
            values, id=id, title=title, desc=desc, x_label=unit, y_label=y_label, orientation=orientation
        )

    sections = [
        {
            "chart": chart(
                report.per_category,
                id="impact-category",
                title=gettext("Per category"),
                y_label=gettext("Category"),
            ),
            "rows": report.per_category,
            "key_heading": gettext("Category"),
        },
        {
            "chart": chart(
                report.per_month,
                id="impact-month",
                title=gettext("Per month, the last 12 months"),
                y_label=gettext("Month"),
                orientation="vertical",
                labels=lambda row: _month_label(row.key),
            ),
            "rows": report.per_month,
            "key_heading": gettext("Month"),
        },
        {
            "chart": chart(
                report.per_town,
                id="impact-town",
                title=gettext("Per town or area"),
                y_label=gettext("Town or area"),
            ),
            "rows": report.per_town,
            "key_heading": gettext("Town or area"),
        },
        {
            "chart": chart(
                report.per_kind, id="impact-kind", title=gettext("Per kind"), y_label=gettext("Kind")
            ),
            "rows": report.per_kind,
            "key_heading": gettext("Kind"),
        },
    ]
    for section in sections:
        # The table's rows are the chart's bars, one for one, so the two cannot disagree.
        section["pairs"] = list(zip(section["rows"], section["chart"].bars, strict=True))
    return {"report": report, "charts": sections}


class ImpactDashboardPage(Page):
    """What reuse, lending and repair in Bærum have avoided: totals, per category, per month,
    per town and per kind, as SVG charts with data tables, and a CSV download."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ImpactMethodPage"]
    # The figures change with every completed exchange, loan and repair, and with the factors:
    # a cached copy is served only while the impact report's version is the one it was
    # rendered with (catalog.selectors.impact_version).
    max_count_per_parent = 1
    template = "cms/impact_dashboard_page.html"

    class Meta:
        verbose_name = _("impact dashboard")

    def page_cache_versions(self) -> dict:
        return {IMPACT_VERSION_KEY: impact_version()}

    def get_context(self, request, *args, **kwargs):
        """The figures are rendered once per report version and language: the template's
        `{% wagtailpagecache %}` fragment asks for `figures` (the report and its charts) only
        when it has no copy for the current `figures_version` (the report's version and the page
        tree's generation, for the link to the method page)."""
        context = super().get_context(request, *args, **kwargs)
        context["figures"] = dashboard_context  # called by the template, inside the fragment
        context["figures_version"] = f"{impact_version()}-{generation()}"
        context["method_page_url"] = _method_page_url(request, self.locale_id)
        return context


def _method_page_url(request, locale_id: int) -> str | None:
    """The "how we count" page in this language: from the page tree, remembered until it changes."""
    from wagtail.models import Site

    def compute():
        page = public_pages(ImpactMethodPage.objects.live()).filter(locale_id=locale_id).first()
        return page.get_url(request) if page is not None else None

    site = Site.find_for_request(request)
    return tree_cached(f"impact-method:{locale_id}:{site.pk if site else ''}", compute)


class ImpactMethodPage(Page):
    """ "How we count": the method, and every category's factors with their sources (read from
    the factors editors keep, so the page always shows what the figures use)."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.ImpactDashboardPage", "cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "cms/impact_method_page.html"

    class Meta:
        verbose_name = _("impact method (how we count)")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["factor_rows"] = impact_factor_list()
        return context
