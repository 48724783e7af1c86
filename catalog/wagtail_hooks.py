from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from catalog.models import Category, ImpactFactor


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "list-ul"
    menu_label = _("Categories")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name_nb", "name_en", "slug", "parent", "sort_order"]
    list_filter = ["parent"]
    search_fields = ["name_nb", "name_en", "slug"]
    ordering = ["sort_order"]


register_snippet(CategoryViewSet)


class ImpactFactorViewSet(SnippetViewSet):
    """Editors keep the factors the impact figures are computed with; every factor names its
    source (the field is required), shown on the public "how we count" page."""

    model = ImpactFactor
    icon = "doc-full"
    menu_label = _("Impact factors")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["category", "reuse_kg_co2e", "loan_kg_co2e", "repair_kg_co2e", "updated_at"]
    search_fields = ["source", "category__name_nb", "category__name_en"]
    ordering = ["category__sort_order"]
    panels = [
        FieldPanel("category"),
        MultiFieldPanel(
            [FieldPanel("reuse_kg_co2e"), FieldPanel("reuse_kg_waste")], heading=_("Per reused item")
        ),
        MultiFieldPanel([FieldPanel("loan_kg_co2e"), FieldPanel("loan_kg_waste")], heading=_("Per loan")),
        MultiFieldPanel(
            [FieldPanel("repair_kg_co2e"), FieldPanel("repair_kg_waste")], heading=_("Per repair")
        ),
        FieldPanel("source"),
    ]


register_snippet(ImpactFactorViewSet)
