from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.models import Role
from chat import admin_views


@hooks.register("register_admin_urls")
def chat_moderation_urls():
    return [
        path("samtaler/", admin_views.reported, name="chat_moderation_reported"),
        path(
            "samtaler/<int:conversation_id>/", admin_views.conversation, name="chat_moderation_conversation"
        ),
        path(
            "samtaler/<int:conversation_id>/behandlet/", admin_views.handled, name="chat_moderation_handled"
        ),
    ]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.is_superuser or user.groups.filter(name=Role.MODERATOR).exists()


@hooks.register("register_admin_menu_item")
def chat_moderation_menu_item():
    return ModeratorMenuItem(
        _("Reported conversations"), reverse("chat_moderation_reported"), icon_name="comment", order=260
    )
