"""The editors' and moderators' screens in the Wagtail admin: profiles waiting for approval and
what can be done to a profile (approve, send back with a reason, suspend, reinstate, the badge
with its criteria), ownership claims, and reported reviews (hide / dismiss). Every action is in
the audit log (accounts.AuditEntry)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core.forms import staff_action
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
    editor = request.user
    actions = {
        "approve": lambda note: services.repairer_approve(editor=editor, repairer=repairer),
        "reject": lambda note: services.repairer_reject(
            editor=editor, repairer=repairer, reason=note["reason"]
        ),
        "suspend": lambda note: services.repairer_suspend(
            editor=editor, repairer=repairer, reason=note["reason"]
        ),
        "reinstate": lambda note: services.repairer_reinstate(editor=editor, repairer=repairer),
    }
    if can_set_verified(editor):
        actions["verify"] = lambda note: services.repairer_set_verified_checked(
            editor=editor, repairer=repairer, verified=True
        )
        actions["unverify"] = lambda note: services.repairer_set_verified_checked(
            editor=editor, repairer=repairer, verified=False
        )
    return staff_action(
        request,
        actions,
        refused=services.RepairerError,
        done=_repairer_url(repairer.pk),
        page=lambda status: _repairer_page(request, repairer, status=status),
    )


def _repairer_url(repairer_id: int) -> str:
    return reverse("repair_admin_repairer", kwargs={"repairer_id": repairer_id})


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
    editor = request.user
    actions = {
        "approve": lambda note: services.claim_decide(
            editor=editor, claim=claim, approve=True, note=note["note"]
        ),
        "refuse": lambda note: services.claim_decide(
            editor=editor, claim=claim, approve=False, note=note["note"]
        ),
    }
    return staff_action(
        request,
        actions,
        refused=services.RepairerError,
        done=_repairer_url(claim.repairer_id),
        page=lambda status: _repairer_page(request, claim.repairer, status=status),
    )


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
    moderator = request.user
    actions = {
        "hide": lambda note: services.review_moderate_hide(
            moderator=moderator, review=review, reason=note["reason"]
        ),
        "restore": lambda note: services.review_moderate_restore(moderator=moderator, review=review),
        "dismiss": lambda note: services.review_reports_dismiss(moderator=moderator, review=review),
    }
    return staff_action(
        request,
        actions,
        refused=services.RepairerError,
        done=reverse("repair_admin_review", kwargs={"review_id": review.pk}),
        page=lambda status: _review_page(request, review, status=status),
    )


def _review_page(request, review: Review, *, status: int) -> TemplateResponse:
    context = {
        "review": review,
        "reports": review.reports.select_related("handled_by__profile").order_by("-created_at"),
        "log": audit_log_of(review=review),
        "title": _("Reported review"),
    }
    return TemplateResponse(request, "repair/admin/review.html", context, status=status)
