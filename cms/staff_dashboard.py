"""The staff dashboard on the Wagtail admin's home page: the queues waiting for someone (reports,
repairer approvals, bookings awaiting approval), new listings and bookings per week, and links to
each app's admin screens. Counts come from the apps' selectors; each queue is shown to the role
that handles it."""

from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from accounts.models import Role
from chat.selectors import conversation_reports_open_count
from marketplace.selectors import listings_created_per_week, listings_reported_open_count
from repair.selectors import repairers_pending
from sharing.selectors import reservations_awaiting_approval_count, reservations_created_per_week

WEEKS = 8


def _roles(user) -> set[str]:
    if user.is_superuser:
        return {Role.EDITOR.value, Role.MODERATOR.value}
    return set(user.groups.values_list("name", flat=True))


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def staff_queues(user) -> list[dict]:
    """The queues this user handles: label, count, link."""
    roles = _roles(user)
    queues = []
    if Role.MODERATOR in roles:
        queues.append(
            {
                "key": "listing_reports",
                "label": _("Reported listings to handle"),
                "count": listings_reported_open_count(),
                "url": _url("marketplace_moderation_queue"),
            }
        )
        queues.append(
            {
                "key": "conversation_reports",
                "label": _("Reported conversations"),
                "count": conversation_reports_open_count(),
                "url": _url("chat_moderation_reported"),
            }
        )
    if Role.EDITOR in roles:
        queues.append(
            {
                "key": "repairer_approvals",
                "label": _("Repairers waiting for approval"),
                "count": repairers_pending().count(),
                "url": _url("repair_admin_queue"),
            }
        )
        queues.append(
            {
                "key": "bookings_awaiting_approval",
                "label": _("Bookings waiting for a hub's or an owner's approval"),
                "count": reservations_awaiting_approval_count(),
                "url": None,
            }
        )
    return queues


def weekly_activity(*, weeks: int = WEEKS) -> list[dict]:
    """New listings and bookings per week, the last `weeks` weeks, newest first."""
    listings = listings_created_per_week(weeks=weeks)
    bookings = reservations_created_per_week(weeks=weeks)
    rows = [
        {"week": start, "label": date_format(start, "SHORT_DATE_FORMAT"), "listings": n, "bookings": b}
        for (start, n), (_start, b) in zip(listings, bookings, strict=True)
    ]
    return list(reversed(rows))


def admin_links(user) -> list[dict]:
    """Each app's admin screens this user may open."""
    roles = _roles(user)
    links = []
    if Role.MODERATOR in roles:
        links += [
            {"label": _("Reports (listings)"), "url": _url("marketplace_moderation_queue")},
            {"label": _("Reported conversations"), "url": _url("chat_moderation_reported")},
        ]
    if Role.EDITOR in roles:
        links += [
            {"label": _("Repairers"), "url": _url("repair_admin_queue")},
            {"label": _("Lending hubs"), "url": _url("wagtailsnippets_sharing_hub:list")},
            {"label": _("Lendable items"), "url": _url("wagtailsnippets_sharing_item:list")},
            {"label": _("Categories"), "url": _url("wagtailsnippets_catalog_category:list")},
            {"label": _("Impact factors"), "url": _url("wagtailsnippets_catalog_impactfactor:list")},
            {"label": _("Pages"), "url": _url("wagtailadmin_explore_root")},
        ]
    return [link for link in links if link["url"]]


class StaffDashboardPanel(Component):
    name = "sirkel_staff_dashboard"
    template_name = "cms/admin/staff_dashboard.html"
    order = 50

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        context = super().get_context_data(parent_context)
        context.update(
            {
                "queues": staff_queues(request.user),
                "weeks": weekly_activity(),
                "links": admin_links(request.user),
            }
        )
        return context
