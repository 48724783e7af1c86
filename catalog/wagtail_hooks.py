from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from catalog.models import Category


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
