from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MAX_MESSAGE_LENGTH = 2000
# Retention (docs/decisions/0017): a deleted person's messages stay for the other party this long,
# then go once read (chat.privacy.deleted_user_messages_purge_due; the privacy page says so).
DELETED_USER_MESSAGES_KEPT = timedelta(days=90)


class Conversation(models.Model):
    """Two people talking about one subject (a listing, an item, a repairer) or about nothing in
    particular. One conversation per pair and subject: opening it again reopens it. The pair is
    stored in id order (user_low < user_high) so the database can keep it unique."""

    user_low = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_high = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.CheckConstraint(
                condition=Q(user_low__lt=F("user_high")), name="conversation_pair_ordered"
            ),
            models.UniqueConstraint(
                fields=["user_low", "user_high", "subject_type", "subject_id"],
                nulls_distinct=False,
                name="conversation_one_per_pair_and_subject",
            ),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="conversation_subject")]

    def __str__(self) -> str:
        return f"{self.user_low_id} ↔ {self.user_high_id}"

    @property
    def participant_ids(self) -> tuple[int, int]:
        return (self.user_low_id, self.user_high_id)

    def other_participant_id(self, user_id: int) -> int:
        return self.user_high_id if user_id == self.user_low_id else self.user_low_id


class Message(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Message")
        SYSTEM = "system", _("System message")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    body = models.TextField(max_length=MAX_MESSAGE_LENGTH)
    # Sent by the client so a retried send does not create a second message.
    client_id = models.UUIDField(null=True, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "sender", "client_id"], name="message_idempotent_client_id"
            ),
        ]
        # The sender's recent messages, counted by the store for the rate limit (chat.services).
        indexes = [models.Index(fields=["sender", "sent_at"], name="message_sender_recent")]

    def __str__(self) -> str:
        return self.body[:50]


class ReadState(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.PositiveBigIntegerField(default=0)
    # Messages up to this id have been announced by email (one email per unread burst).
    notified_up_to = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="read_state_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.conversation_id} up to {self.last_read_id}"


class Block(models.Model):
    """`blocker` does not want messages from `blocked` (and neither can message the other)."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class ConversationReport(models.Model):
    """A participant asks the moderators to look at a conversation. Moderators can read only
    reported conversations, and every time they do it is logged (accounts.AuditEntry)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("what happened?"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("conversation report")
        verbose_name_plural = _("conversation reports")

    def __str__(self) -> str:
        return f"report on {self.conversation_id}"
