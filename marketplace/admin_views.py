"""The moderators' queue in the Wagtail admin: reported listings, and what can be done."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import audit_entries_about
from core.forms import staff_action
from marketplace import services
from marketplace.models import Listing, ListingReport
from marketplace.permissions import is_moderator


def _moderator(request):
    if not is_moderator(request.user):
        raise PermissionDenied


def queue(request):
    _moderator(request)
    listings = (
        Listing.objects.filter(reports__outcome=ListingReport.Outcome.OPEN)
        .annotate(
            open_reports=Count("reports", filter=Q(reports__outcome=ListingReport.Outcome.OPEN)),
            first_report=Min("reports__created_at"),
        )
        .select_related("owner__profile")
        .order_by("first_report")
    )
    return TemplateResponse(
        request, "marketplace/admin/queue.html", {"listings": listings, "title": _("Reports")}
    )


def listing_moderation(request, listing_id: int):
    _moderator(request)
    listing = get_object_or_404(Listing.objects.select_related("owner__profile"), pk=listing_id)
    moderator, owner = request.user, listing.owner
    actions = {
        "hide": lambda note: services.listing_moderate_hide(
            moderator=moderator, listing=listing, reason=note["reason"]
        ),
        "restore": lambda note: services.listing_moderate_restore(moderator=moderator, listing=listing),
        "dismiss": lambda note: services.reports_dismiss(moderator=moderator, listing=listing),
        "warn": lambda note: services.user_warn(
            moderator=moderator, user=owner, message=note["message"], listing=listing
        ),
        "suspend": lambda note: services.user_suspend(moderator=moderator, user=owner, reason=note["reason"]),
    }
    return staff_action(
        request,
        actions,
        refused=services.ListingError,
        done=reverse("marketplace_moderation_listing", kwargs={"listing_id": listing.pk}),
        page=lambda status: _listing_page(request, listing, status=status),
    )


def _listing_page(request, listing: Listing, *, status: int) -> TemplateResponse:
    context = {
        "listing": listing,
        "reports": listing.reports.select_related("reporter__profile", "handled_by").order_by("-created_at"),
        "log": audit_entries_about(targets=[listing], subject=listing.owner)[:50],
        "title": _("Moderate listing"),
    }
    return TemplateResponse(request, "marketplace/admin/listing.html", context, status=status)
