"""Messages: the person's part of their data export and of their account's deletion
(accounts.privacy), and the retention of a deleted person's messages."""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.privacy import ExportPart, Notice, Provider
from chat.models import (
    DELETED_USER_MESSAGES_KEPT,
    Block,
    Conversation,
    ConversationReport,
    Message,
    ReadState,
)
from chat.registry import subject_type_of


def _subject(conversation: Conversation) -> dict | None:
    if conversation.subject_type_id is None:
        return None
    subject = conversation.subject
    registered = subject_type_of(subject) if subject is not None else None
    return {
        "type": registered.name if registered else conversation.subject_type.model,
        "id": conversation.subject_id,
        "title": registered.title_of(subject) if registered else None,
    }


def export_user(user) -> ExportPart:
    """Every conversation with the messages sent and received. The other party appears by the
    name they show everyone, never by email."""
    conversations = (
        Conversation.objects.filter(Q(user_low=user) | Q(user_high=user))
        .select_related("user_low__profile", "user_high__profile", "subject_type")
        .prefetch_related("messages")
        .order_by("pk")
    )
    data = {"conversations": [], "blocked_by_you": [], "reports_you_made": []}
    for conversation in conversations:
        other = conversation.user_high if conversation.user_low_id == user.pk else conversation.user_low
        data["conversations"].append(
            {
                "id": conversation.pk,
                "with": other.display_name,
                "about": _subject(conversation),
                "started_at": conversation.created_at,
                "messages": [
                    {
                        "id": m.pk,
                        "from": "system"
                        if m.kind == Message.Kind.SYSTEM
                        else ("you" if m.sender_id == user.pk else other.display_name),
                        "body": m.body,
                        "sent_at": m.sent_at,
                    }
                    for m in conversation.messages.all()
                ],
            }
        )
    data["blocked_by_you"] = [
        {"name": b.blocked.display_name, "since": b.created_at}
        for b in Block.objects.filter(blocker=user).select_related("blocked__profile")
    ]
    data["reports_you_made"] = [
        {"conversation": r.conversation_id, "text": r.text, "created_at": r.created_at}
        for r in ConversationReport.objects.filter(reporter=user)
    ]
    return ExportPart(data)


def erase_user(user) -> None:
    """Conversations and messages stay for the other party, from "deleted user" (the emptied
    account); read markers and blocks go; the person's open sockets are closed on commit."""
    from chat.services import user_sockets_close

    # Sirkel's own messages may name the person ("… is reserved for Kari"): the name goes.
    name = user.profile.display_name if hasattr(user, "profile") else ""
    if name:
        system = Message.objects.filter(
            Q(conversation__user_low=user) | Q(conversation__user_high=user),
            kind=Message.Kind.SYSTEM,
            body__contains=name,
        )
        for message in system:
            Message.objects.filter(pk=message.pk).update(
                body=message.body.replace(name, gettext("deleted user"))
            )
    ReadState.objects.filter(user=user).delete()
    Block.objects.filter(Q(blocker=user) | Q(blocked=user)).delete()
    ConversationReport.objects.filter(reporter=user).update(reporter=None)
    user_id = user.pk
    transaction.on_commit(lambda: user_sockets_close(user_id))


@transaction.atomic
def deleted_user_messages_purge_due(*, now=None) -> int:
    """Retention: messages from people who deleted their account more than
    DELETED_USER_MESSAGES_KEPT ago are deleted once the other party has read them; a
    conversation whose two people have both deleted their accounts goes entirely. Returns how
    many messages. Idempotent."""
    now = now or timezone.now()
    cutoff = now - DELETED_USER_MESSAGES_KEPT
    gone = Conversation.objects.filter(user_low__erased_at__lt=cutoff, user_high__erased_at__lt=cutoff)
    count = Message.objects.filter(conversation__in=gone).count()
    gone.delete()
    read_by_other = ReadState.objects.filter(
        conversation=OuterRef("conversation"), last_read_id__gte=OuterRef("pk")
    ).exclude(user=OuterRef("sender"))
    deleted, _by_model = (
        Message.objects.filter(sender__erased_at__lt=cutoff).filter(Exists(read_by_other)).delete()
    )
    return count + deleted


def provider() -> Provider:
    return Provider(
        name="meldinger",
        title=_("Messages"),
        export=export_user,
        erase=erase_user,
        covers=(
            "chat.Conversation.user_low",
            "chat.Conversation.user_high",
            "chat.Message.sender",
            "chat.ReadState.user",
            "chat.Block.blocker",
            "chat.Block.blocked",
            "chat.ConversationReport.reporter",
        ),
        notices=(
            Notice(
                what=_("Your conversations: the messages you sent and received, and how far you have read."),
                why=_("So you can arrange pickups, loans and repairs with others."),
                basis=_("Agreement (GDPR art. 6(1)(b))."),
                kept=format_lazy(
                    _(
                        "As long as your account exists. When you delete it, the other person keeps the "
                        "conversation, from “deleted user”; your messages are deleted {days} days later "
                        "once they have been read."
                    ),
                    days=DELETED_USER_MESSAGES_KEPT.days,
                ),
            ),
            Notice(
                what=_("People you blocked and conversations you reported."),
                why=_("To protect you from unwanted contact and let moderators act."),
                basis=_("Legitimate interest in a safe service (GDPR art. 6(1)(f))."),
                kept=_("Blocks until you lift them or delete your account; reports stay without your name."),
            ),
        ),
    )
