from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chat import selectors, services
from chat.forms import ConversationReportForm, MessageForm
from chat.registry import subject_type


@login_required
def inbox(request):
    conversations = list(selectors.conversations_of(request.user)[:100])
    return render(request, "chat/inbox.html", {"conversations": conversations})


@login_required
def thread(request, conversation_id: int):
    """History plus a plain form: works without JavaScript (POST and reload)."""
    conversation = selectors.conversation_for(request.user, conversation_id)
    if conversation is None:
        raise Http404
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(
                conversation=conversation,
                sender=request.user,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data.get("client_id"),
            )
        except services.ChatError as error:
            form.add_error("body", error.message)
        else:
            return redirect("chat:thread", conversation_id=conversation.pk)
    before = request.GET.get("before", "")
    history = selectors.messages_page(conversation, before=int(before) if before.isdigit() else None)
    older = bool(history) and conversation.messages.filter(id__lt=history[0].pk).exists()
    if history and not before:
        services.conversation_mark_read(
            conversation=conversation, user=request.user, last_read_id=history[-1].pk
        )
    other_id = conversation.other_participant_id(request.user.pk)
    other = conversation.user_low if conversation.user_low_id == other_id else conversation.user_high
    return render(
        request,
        "chat/thread.html",
        {
            "conversation": conversation,
            "history": history,
            "form": form,
            "other": other,
            "last_id": history[-1].pk if history else 0,
            "older_before": history[0].pk if older else None,
            "chat_text": {
                "you": _("You"),
                "sending": _("Sending …"),
                "sent": _("Sent"),
                "failed": _("Not sent."),
                "retry": _("Try again"),
                "typing": _("%(name)s is writing …") % {"name": other.display_name},
                "reconnecting": _("The connection was lost. Reconnecting …"),
                "signed_out": _("You are no longer signed in. Reload the page."),
            },
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def conversation_start(request, about: str, object_id: int):
    """ "Send a message" on a listing, item or repairer: open or reopen the conversation."""
    registered = subject_type(about)
    if registered is None:
        raise Http404
    subject = registered.model.objects.filter(pk=object_id).first()
    if subject is None:
        raise Http404
    try:
        conversation, _created = services.conversation_open(user=request.user, subject=subject)
    except services.ChatError as error:
        messages.error(request, error.message)
        return redirect(registered.url_of(subject))
    return redirect("chat:thread", conversation_id=conversation.pk)


@login_required
@require_POST
def block(request, conversation_id: int):
    """Block the other participant: no more messages either way."""
    conversation = selectors.conversation_for(request.user, conversation_id)
    if conversation is None:
        raise Http404
    other_id = conversation.other_participant_id(request.user.pk)
    other = conversation.user_low if conversation.user_low_id == other_id else conversation.user_high
    services.block_user(blocker=request.user, blocked=other)
    messages.success(
        request, _("%(name)s is blocked. You will not get messages from them.") % {"name": other.display_name}
    )
    return redirect("chat:inbox")


@login_required
def report(request, conversation_id: int):
    conversation = selectors.conversation_for(request.user, conversation_id)
    if conversation is None:
        raise Http404
    form = ConversationReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.conversation_report(
            reporter=request.user, conversation=conversation, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Thank you. A moderator will read the conversation."))
        return redirect("chat:thread", conversation_id=conversation.pk)
    return render(
        request,
        "chat/report.html",
        {"conversation": conversation, "form": form},
        status=400 if request.method == "POST" else 200,
    )
