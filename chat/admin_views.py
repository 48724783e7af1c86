"""Moderators read reported conversations (and only those) in the Wagtail admin; every
reading is logged."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.selectors import audit_entries_for
from chat import services
from chat.models import ConversationReport


def _moderator(request):
    user = request.user
    if not (
        user.is_authenticated and (user.is_superuser or user.groups.filter(name=Role.MODERATOR).exists())
    ):
        raise PermissionDenied


def reported(request):
    _moderator(request)
    reports = ConversationReport.objects.select_related("reporter__profile", "conversation").order_by(
        "-created_at"
    )[:200]
    return TemplateResponse(
        request, "chat/admin/reported.html", {"reports": reports, "title": _("Reported conversations")}
    )


def conversation(request, conversation_id: int):
    _moderator(request)
    found = services.conversation_open_for_moderation(moderator=request.user, conversation_id=conversation_id)
    if found is None:
        raise Http404
    context = {
        "conversation": found,
        "messages_list": found.messages.select_related("sender__profile").order_by("id"),
        "reports": found.reports.select_related("reporter__profile"),
        "open_reports": found.reports.filter(handled_at__isnull=True).exists(),
        "accesses": audit_entries_for(found)
        .filter(action="read_conversation")
        .select_related("actor__profile")[:50],
        "title": _("Reported conversation"),
    }
    return TemplateResponse(request, "chat/admin/conversation.html", context)


@require_POST
def handled(request, conversation_id: int):
    _moderator(request)
    if services.conversation_reports_handle(moderator=request.user, conversation_id=conversation_id):
        messages.success(request, _("The reports are marked as handled."))
    return redirect("chat_moderation_reported")
