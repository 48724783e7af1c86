from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from repair import admin_views
from repair.permissions import is_editor


@hooks.register("register_admin_urls")
def repair_admin_urls():
    return [
        path("reparatorer/", admin_views.queue, name="repair_admin_queue"),
        path("reparatorer/<int:repairer_id>/", admin_views.repairer_review, name="repair_admin_repairer"),
    ]


class EditorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_editor(request.user)


@hooks.register("register_admin_menu_item")
def repair_menu_item():
    return EditorMenuItem(_("Repairers"), reverse("repair_admin_queue"), icon_name="cog", order=260)
