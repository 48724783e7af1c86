"""Lending in the Wagtail admin: editors manage hubs and their staff; the catalogue of hub items
with units. Residents' own items are managed by themselves on the site."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from places.forms import DAY_FIELDS
from sharing.admin_forms import HubAdminForm, ItemAdminForm
from sharing.models import Hub, Item


class HubViewSet(SnippetViewSet):
    model = Hub
    icon = "home"
    menu_label = _("Lending hubs")
    list_display = ["name", "address", "max_active_per_user"]
    search_fields = ["name", "address"]
    ordering = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldPanel("description"),
            MultiFieldPanel(
                [FieldPanel("address"), FieldPanel("lat"), FieldPanel("lon")], heading=_("Where")
            ),
            FieldPanel("email"),
            FieldPanel("phone"),
            MultiFieldPanel(
                [FieldPanel(f"hours_{day}") for day in DAY_FIELDS],
                heading=_("Opening hours (pickups and returns)"),
            ),
            FieldPanel("rules"),
            FieldPanel("max_active_per_user"),
            FieldPanel("staff_emails"),
        ],
        base_form_class=HubAdminForm,
    )


class ItemViewSet(SnippetViewSet):
    model = Item
    icon = "pick"
    menu_label = _("Lendable items")
    list_display = ["title", "hub", "category", "status"]
    list_filter = ["hub", "status"]
    search_fields = ["title"]
    ordering = ["title"]
    edit_handler = ObjectList(
        [
            FieldPanel("hub"),
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("category"),
            FieldPanel("units"),
            FieldPanel("status"),
            MultiFieldPanel(
                [
                    FieldPanel("max_loan_days"),
                    FieldPanel("min_notice_hours"),
                    FieldPanel("requires_approval"),
                    FieldPanel("age_limit"),
                    FieldPanel("required_proof"),
                    FieldPanel("deposit"),
                ],
                heading=_("Loan terms"),
            ),
            FieldPanel("accessories_text"),
            FieldPanel("pledge"),
        ],
        base_form_class=ItemAdminForm,
    )

    def get_queryset(self, request):
        return Item.objects.filter(hub__isnull=False).select_related("hub", "category")


class LendingGroup(SnippetViewSetGroup):
    items = (HubViewSet, ItemViewSet)
    menu_icon = "pick"
    menu_label = _("Lending")
    menu_order = 320


register_snippet(LendingGroup)
