"""The editors' and moderators' screens in the Wagtail admin: profiles waiting for approval and
what can be done to a profile (approve, send back with a reason, suspend, reinstate, the badge
with its criteria), ownership claims, and reported reviews (hide / dismiss). Every action is in
the audit log (accounts.AuditEntry)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from core.forms import StaffNoteForm, errors_as_messages
from repair import services
from repair.models import OwnershipClaim, Repairer, Review
from repair.permissions import can_set_verified, is_editor, is_review_moderator
from repair.selectors import audit_log_of, badge_criteria, claims_pending, repairers_pending, reviews_reported


def _editor(request):
    if not is_editor(request.user):
        raise PermissionDenied


def _moderator(request):
    if not is_review_moderator(request.user):
        raise PermissionDenied


def queue(request):
    _editor(request)
    context = {
        "pending": repairers_pending(),
        "claims": claims_pending(),
        "suspended": Repairer.objects.filter(status=Repairer.Status.SUSPENDED).order_by("name"),
        "title": _("Repairers waiting for approval"),
    }
    return TemplateResponse(request, "repair/admin/queue.html", context)


def repairer_review(request, repairer_id: int):
    _editor(request)
    repairer = get_object_or_404(
        Repairer.objects.prefetch_related("owners__profile", "categories", "services", "weekly_hours"),
        pk=repairer_id,
    )
    note = StaffNoteForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and not note.is_valid():
        errors_as_messages(request, note)
        status = 400
    elif request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.repairer_approve(editor=request.user, repairer=repairer)
            elif action == "reject":
                services.repairer_reject(
                    editor=request.user, repairer=repairer, reason=note.cleaned_data["reason"]
                )
            elif action == "suspend":
                services.repairer_suspend(
                    editor=request.user, repairer=repairer, reason=note.cleaned_data["reason"]
                )
            elif action == "reinstate":
                services.repairer_reinstate(editor=request.user, repairer=repairer)
            elif action in ("verify", "unverify") and can_set_verified(request.user):
                services.repairer_set_verified_checked(
                    editor=request.user, repairer=repairer, verified=action == "verify"
                )
            else:
                raise PermissionDenied
        except services.RepairerError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Done."))
        return redirect("repair_admin_repairer", repairer_id=repairer.pk)
    return _repairer_page(request, repairer, status=status)


def _repairer_page(request, repairer: Repairer, *, status: int) -> TemplateResponse:
    context = {
        "repairer": repairer,
        "title": repairer.name,
        "criteria": badge_criteria(repairer),
        "log": audit_log_of(repairer=repairer),
        "claims": repairer.claims.select_related("claimant__profile").order_by("-created_at"),
    }
    return TemplateResponse(request, "repair/admin/repairer.html", context, status=status)


def claim_decide(request, claim_id: int):
    _editor(request)
    claim = get_object_or_404(OwnershipClaim, pk=claim_id)
    if request.method != "POST" or request.POST.get("action") not in ("approve", "refuse"):
        raise PermissionDenied
    note = StaffNoteForm(request.POST)
    if not note.is_valid():
        errors_as_messages(request, note)
        return _repairer_page(request, claim.repairer, status=400)
    try:
        services.claim_decide(
            editor=request.user,
            claim=claim,
            approve=request.POST["action"] == "approve",
            note=note.cleaned_data["note"],
        )
    except services.RepairerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("repair_admin_repairer", repairer_id=claim.repairer_id)


def reported_reviews(request):
    _moderator(request)
    return TemplateResponse(
        request,
        "repair/admin/reported_reviews.html",
        {"reviews": reviews_reported(), "title": _("Reported reviews")},
    )


def review_moderation(request, review_id: int):
    _moderator(request)
    review = get_object_or_404(Review.objects.select_related("repairer", "author__profile"), pk=review_id)
    note = StaffNoteForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and not note.is_valid():
        errors_as_messages(request, note)
        status = 400
    elif request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "hide":
                services.review_moderate_hide(
                    moderator=request.user, review=review, reason=note.cleaned_data["reason"]
                )
            elif action == "restore":
                services.review_moderate_restore(moderator=request.user, review=review)
            elif action == "dismiss":
                services.review_reports_dismiss(moderator=request.user, review=review)
            else:
                raise PermissionDenied
        except services.RepairerError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Done."))
        return redirect("repair_admin_review", review_id=review.pk)
    context = {
        "review": review,
        "reports": review.reports.select_related("handled_by__profile").order_by("-created_at"),
        "log": audit_log_of(review=review),
        "title": _("Reported review"),
    }
    return TemplateResponse(request, "repair/admin/review.html", context, status=status)
