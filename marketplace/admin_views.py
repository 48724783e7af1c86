"""The moderators' queue in the Wagtail admin: reported listings, and what can be done."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from accounts.selectors import audit_entries_about
from core.forms import StaffNoteForm, errors_as_messages
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
    note = StaffNoteForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and not note.is_valid():
        errors_as_messages(request, note)
        status = 400
    elif request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "hide":
                services.listing_moderate_hide(
                    moderator=request.user, listing=listing, reason=note.cleaned_data["reason"]
                )
            elif action == "restore":
                services.listing_moderate_restore(moderator=request.user, listing=listing)
            elif action == "dismiss":
                services.reports_dismiss(moderator=request.user, listing=listing)
            elif action == "warn":
                services.user_warn(
                    moderator=request.user,
                    user=listing.owner,
                    message=note.cleaned_data["message"],
                    listing=listing,
                )
            elif action == "suspend":
                services.user_suspend(
                    moderator=request.user, user=listing.owner, reason=note.cleaned_data["reason"]
                )
            else:
                raise PermissionDenied
        except services.ListingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Done."))
        return redirect("marketplace_moderation_listing", listing_id=listing.pk)
    context = {
        "listing": listing,
        "reports": listing.reports.select_related("reporter__profile", "handled_by").order_by("-created_at"),
        "log": audit_entries_about(targets=[listing], subject=listing.owner)[:50],
        "title": _("Moderate listing"),
    }
    return TemplateResponse(request, "marketplace/admin/listing.html", context, status=status)
