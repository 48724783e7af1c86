from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from repair import admin_views
from repair.permissions import is_editor, is_review_moderator


@hooks.register("register_admin_urls")
def repair_admin_urls():
    return [
        path("reparatorer/", admin_views.queue, name="repair_admin_queue"),
        path("reparatorer/<int:repairer_id>/", admin_views.repairer_review, name="repair_admin_repairer"),
        path("reparatorer/krav/<int:claim_id>/", admin_views.claim_decide, name="repair_admin_claim"),
        path("reparatorer/vurderinger/", admin_views.reported_reviews, name="repair_admin_reported_reviews"),
        path(
            "reparatorer/vurderinger/<int:review_id>/",
            admin_views.review_moderation,
            name="repair_admin_review",
        ),
    ]


class EditorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_editor(request.user)


class ReviewModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_review_moderator(request.user)


@hooks.register("register_admin_menu_item")
def repair_menu_item():
    return EditorMenuItem(_("Repairers"), reverse("repair_admin_queue"), icon_name="cog", order=260)


@hooks.register("register_admin_menu_item")
def repair_reviews_menu_item():
    return ReviewModeratorMenuItem(
        _("Reported reviews"), reverse("repair_admin_reported_reviews"), icon_name="warning", order=261
    )
