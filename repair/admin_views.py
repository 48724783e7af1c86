"""The editors' approval queue in the Wagtail admin: profiles waiting for approval, and what
can be done to a profile (approve, send back with a reason, suspend, reinstate, the badge)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from repair import services
from repair.models import Repairer
from repair.permissions import can_set_verified, is_editor
from repair.selectors import repairers_pending


def _editor(request):
    if not is_editor(request.user):
        raise PermissionDenied


def queue(request):
    _editor(request)
    context = {
        "pending": repairers_pending(),
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
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.repairer_approve(editor=request.user, repairer=repairer)
            elif action == "reject":
                services.repairer_reject(
                    editor=request.user, repairer=repairer, reason=request.POST.get("reason", "")
                )
            elif action == "suspend":
                services.repairer_suspend(
                    editor=request.user, repairer=repairer, reason=request.POST.get("reason", "")
                )
            elif action == "reinstate":
                services.repairer_reinstate(editor=request.user, repairer=repairer)
            elif action in ("verify", "unverify") and can_set_verified(request.user):
                services.repairer_set_verified(
                    editor=request.user, repairer=repairer, verified=action == "verify"
                )
            else:
                raise PermissionDenied
        except services.RepairerError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Done."))
        return redirect("repair_admin_repairer", repairer_id=repairer.pk)
    return TemplateResponse(
        request, "repair/admin/repairer.html", {"repairer": repairer, "title": repairer.name}
    )
