from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from marketplace import admin_views
from marketplace.permissions import is_moderator


@hooks.register("register_admin_urls")
def moderation_urls():
    return [
        path("moderering/", admin_views.queue, name="marketplace_moderation_queue"),
        path(
            "moderering/annonse/<int:listing_id>/",
            admin_views.listing_moderation,
            name="marketplace_moderation_listing",
        ),
    ]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator(request.user)


@hooks.register("register_admin_menu_item")
def moderation_menu_item():
    return ModeratorMenuItem(
        _("Reports"), reverse("marketplace_moderation_queue"), icon_name="warning", order=250
    )
