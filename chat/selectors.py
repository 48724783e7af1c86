from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from chat.models import Conversation, Message, ReadState

HISTORY_PAGE = 50


def conversations_of(user) -> QuerySet[Conversation]:
    """The user's conversations, most recent first, with `unread_count` and the last message."""
    read_up_to = ReadState.objects.filter(conversation=OuterRef("pk"), user=user).values("last_read_id")[:1]
    last = Message.objects.filter(conversation=OuterRef("pk")).order_by("-id")
    return (
        Conversation.objects.filter(Q(user_low=user) | Q(user_high=user))
        .annotate(
            read_up_to=Coalesce(Subquery(read_up_to, output_field=IntegerField()), Value(0)),
            unread_count=Count(
                "messages",
                filter=Q(
                    messages__id__gt=Coalesce(Subquery(read_up_to, output_field=IntegerField()), Value(0))
                )
                & ~Q(messages__sender=user),
            ),
            last_body=Subquery(last.values("body")[:1]),
            last_id=Subquery(last.values("id")[:1]),
        )
        .select_related("user_low__profile", "user_high__profile", "subject_type")
        .order_by("-last_message_at", "-pk")
    )


def conversation_for(user, conversation_id: int) -> Conversation | None:
    """A conversation the user takes part in, or None."""
    return (
        Conversation.objects.filter(Q(user_low=user) | Q(user_high=user), pk=conversation_id)
        .select_related("user_low__profile", "user_high__profile", "subject_type")
        .first()
    )


def may_still_talk(user, conversation_id: int) -> bool:
    """The per-frame re-check of an open socket, in one query: the user is still active and still
    a participant of a conversation that still exists."""
    return (
        Conversation.objects.filter(pk=conversation_id)
        .filter(Q(user_low=user, user_low__is_active=True) | Q(user_high=user, user_high__is_active=True))
        .exists()
    )


def messages_page(conversation: Conversation, *, before: int | None = None, after: int | None = None):
    """Up to HISTORY_PAGE messages in id order: the newest ones, those before an id (scrolling
    up) or those after an id (catching up)."""
    messages = conversation.messages.select_related("sender__profile")
    if after is not None:
        return list(messages.filter(id__gt=after).order_by("id")[:HISTORY_PAGE])
    if before is not None:
        messages = messages.filter(id__lt=before)
    return list(reversed(messages.order_by("-id")[:HISTORY_PAGE]))


def partners_about(subject, owner) -> QuerySet:
    """People who have a conversation with `owner` about `subject` (whom a listing can be
    reserved for)."""
    content_type = ContentType.objects.get_for_model(subject)
    conversations = Conversation.objects.filter(subject_type=content_type, subject_id=subject.pk).filter(
        Q(user_low=owner) | Q(user_high=owner)
    )
    ids = {uid for pair in conversations.values_list("user_low_id", "user_high_id") for uid in pair} - {
        owner.pk
    }
    return (
        get_user_model()
        .objects.filter(pk__in=ids)
        .select_related("profile")
        .order_by("profile__display_name")
    )


def unread_total(user) -> int:
    """Unread messages across all the user's conversations (the header badge)."""
    return sum(conversations_of(user).values_list("unread_count", flat=True))


def conversation_between(a, b, subject) -> Conversation | None:
    low, high = sorted((a.pk, b.pk))
    return Conversation.objects.filter(
        user_low_id=low,
        user_high_id=high,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
    ).first()


def conversation_reports_open_count() -> int:
    """Reports on conversations the moderators have not marked as handled (staff dashboard)."""
    from chat.models import ConversationReport

    return ConversationReport.objects.filter(handled_at__isnull=True).count()
