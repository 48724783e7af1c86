"""The audit log in the Wagtail admin (Reports → Audit log): read-only, for moderators and
superusers. Every app writes to it through accounts.services.audit_record."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.models import AuditEntry, Role, User


def may_read_audit_log(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name=Role.MODERATOR).exists())
    )


class AuditLogPolicy(BasePermissionPolicy):
    """Moderators and superusers may view; nobody may add, change or delete an entry."""

    def user_has_permission(self, user, action):
        return action == "view" and may_read_audit_log(user)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return User.objects.none()
        return User.objects.filter(
            Q(is_superuser=True) | Q(groups__name=Role.MODERATOR), is_active=True
        ).distinct()


class AuditLogViewSet(ModelViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = _("Audit log")
    menu_order = 260
    add_to_admin_menu = True
    inspect_view_enabled = True
    list_display = ["created_at", "actor_label", "action", "target_label", "subject", "note"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "target_label", "note"]
    ordering = ["-created_at"]
    form_fields = []  # never edited
    url_prefix = "audit-log"
    name = "audit_log"


register_permission_policy(AuditEntry, AuditLogPolicy(AuditEntry))


@hooks.register("register_admin_viewset")
def register_audit_log():
    return AuditLogViewSet()
