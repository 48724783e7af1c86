"""Every write in chat. A message is committed first and broadcast after the commit, so no
client ever sees a message the database does not have (ARCHITECTURE.md, "Chat")."""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit_record
from chat.models import (
    MAX_MESSAGE_LENGTH,
    Block,
    Conversation,
    ConversationReport,
    Message,
    ReadState,
)
from chat.registry import subject_type_of
from core import async_db
from core.cache import process_cache
from core.text import HIDDEN_CHARACTERS_MESSAGE, has_hidden_characters

RATE_LIMIT_MESSAGES = 20  # stored per user in any RATE_LIMIT_WINDOW seconds (API.md: 20 per 10 s)
RATE_LIMIT_WINDOW = 10


class ChatError(Exception):
    """A refused chat action. `code` follows the WebSocket protocol (API.md): "too_long",
    "invalid", "blocked", "forbidden"; and "unavailable" (HTTP only: nobody answers about the
    subject just now)."""

    def __init__(self, code: str, message: str, *, status: int = 400):
        self.code = code
        self.message = message
        self.status = status
        super().__init__(message)


def conversation_group(conversation_id: int) -> str:
    """The channel-layer group of a conversation: the one place this name is made."""
    return f"conversation.{conversation_id}"


def user_group(user_id: int) -> str:
    """Every socket of one user, so they can be closed together."""
    return f"user.{user_id}"


def badge_group(user_id: int) -> str:
    """A user's header badges (NotificationConsumer): told when their unread count may change."""
    return f"badge.{user_id}"


def user_sockets_close(user_id: int) -> None:
    """Close all of a user's WebSockets (logout, password change, suspension, block): a socket
    keeps the user it connected with, so it must not outlive the session."""
    _group_send(user_group(user_id), {"type": "socket.close"})


def is_blocked(a, b) -> bool:
    """True if either has blocked the other."""
    return (
        Block.objects.filter(blocker=a, blocked=b).exists()
        or Block.objects.filter(blocker=b, blocked=a).exists()
    )


@transaction.atomic
def conversation_open(*, user, other=None, subject=None) -> tuple[Conversation, bool]:
    """Open (or reopen) the conversation between `user` and `other` about `subject`; with a
    registered subject and no `other`, `other` is the subject's owner. Returns (conversation,
    created)."""
    registered = subject_type_of(subject) if subject is not None else None
    if subject is not None:
        if registered is None:
            raise ChatError("invalid", _("Conversations about this are not possible."))
        if other is None:
            other = registered.owner_of(subject)
            if other is None:  # e.g. a lending hub without staff just now
                raise ChatError(
                    "unavailable", _("Nobody can answer messages about this right now."), status=409
                )
        if not registered.can_discuss(user, subject):
            raise ChatError("forbidden", _("You cannot start a conversation about this."), status=403)
    if other is None or other.pk == user.pk:
        raise ChatError("invalid", _("You cannot start a conversation with yourself."))
    if is_blocked(user, other):
        raise ChatError("blocked", _("You cannot send messages to this person."), status=403)
    low, high = sorted((user, other), key=lambda u: u.pk)
    content_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    return Conversation.objects.get_or_create(
        user_low=low,
        user_high=high,
        subject_type=content_type,
        subject_id=subject.pk if subject is not None else None,
    )


def _group_send(group: str, event: dict) -> None:
    _group_send_all([(group, event)])


# A publisher takes (group, event) pairs. Code on a worker thread publishes through the event
# loop (`_group_send_all`); a consumer passes its own collector instead and publishes from the
# loop itself after the call returns (`group_send_all`), so no database thread waits for the loop.
Publish = Callable[[list[tuple[str, dict]]], None]


async def group_send_all(sends: list[tuple[str, dict]]) -> None:
    """Publish (group, event) pairs from async code, in one round trip (core.channel_layer)."""
    layer = get_channel_layer()
    if layer is not None and sends:
        await layer.group_send_many(sends)


def _group_send_all(sends: list[tuple[str, dict]]) -> None:
    """Publish (group, event) pairs concurrently, in one trip to the event loop."""
    if get_channel_layer() is None or not sends:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(group_send_all)(sends)
        return
    # Called from a thread that runs an event loop of its own (async_to_sync refuses): send
    # from a helper thread instead.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(async_to_sync(group_send_all), sends).result()


def _badge_owners(event: dict, participant_ids: tuple[int, int]) -> list[int]:
    """Whose unread count an event changes: a message, the recipient's (both for a system
    message); a read receipt, the reader's."""
    if event["type"] == "chat.message":
        sender = (event["frame"].get("sender") or {}).get("id")
        return [user_id for user_id in participant_ids if user_id != sender]
    if event["type"] == "chat.read":
        return [event["user"]]
    return []


def _broadcast(
    conversation_id: int,
    event: dict,
    participant_ids: tuple[int, int] | None = None,
    publish: Publish = _group_send_all,
) -> None:
    sends = [(conversation_group(conversation_id), event)]
    if event["type"] in ("chat.message", "chat.read"):
        if participant_ids is None:
            participant_ids = (
                Conversation.objects.filter(pk=conversation_id)
                .values_list("user_low_id", "user_high_id")
                .first()
                or ()
            )
        sends += [
            (badge_group(user_id), {"type": "inbox.changed"})
            for user_id in _badge_owners(event, participant_ids)
        ]
    publish(sends)


def message_event(message: Message) -> dict:
    """The server → client frame for a message (API.md)."""
    sender = message.sender
    return {
        "type": "message",
        "id": message.pk,
        "conversation": message.conversation_id,
        "sender": {"id": sender.pk, "display_name": sender.display_name} if sender else None,
        "kind": message.kind,
        "body": message.body,
        "sent_at": message.sent_at.isoformat(),
        "client_id": str(message.client_id) if message.client_id else None,
    }


class NotAParticipant(ChatError):
    """The sender is not (or no longer) an active participant of the conversation: a socket
    that gets this closes."""

    def __init__(self):
        super().__init__("forbidden", _("You are not part of this conversation."), status=403)


# Storing a text message in one statement, as one transaction (it runs on every message, see
# docs/decisions/0011 and 0021): the sender is an active participant of a conversation that
# exists, the other person has not deleted their account, neither has blocked the other, and
# the sender has stored fewer than RATE_LIMIT_MESSAGES in the last RATE_LIMIT_WINDOW seconds
# (a sliding window over their own messages, on every socket, process and the HTTP API alike);
# then the message (a repeated client_id of the same sender conflicts and stores nothing), the
# conversation's last_message_at, and the sender's read marker moved forward, never back.
_STORE_MESSAGE_SQL = """
WITH sender AS (
    SELECT c.id AS conversation_id,
           CASE WHEN c.user_low_id = %(sender)s THEN c.user_high_id ELSE c.user_low_id END AS other_id
    FROM {conversation} c JOIN {user} u ON u.id = %(sender)s AND u.is_active
    WHERE c.id = %(conversation)s AND %(sender)s IN (c.user_low_id, c.user_high_id)
), recent AS (
    SELECT count(*) AS n FROM (
        SELECT 1 FROM {message} m
        WHERE m.sender_id = %(sender)s AND m.sent_at > %(window_start)s
        LIMIT %(limit)s
    ) r
), refusal AS (
    SELECT s.conversation_id,
           CASE
               WHEN EXISTS (
                   SELECT 1 FROM {block} b
                   WHERE b.blocker_id IN (%(sender)s, s.other_id) AND b.blocked_id IN (%(sender)s, s.other_id)
               ) THEN 'blocked'
               WHEN o.erased_at IS NOT NULL THEN 'erased'
               WHEN (SELECT n FROM recent) >= %(limit)s THEN 'rate_limited'
           END AS reason
    FROM sender s LEFT JOIN {user} o ON o.id = s.other_id
), stored AS (
    INSERT INTO {message} (conversation_id, sender_id, kind, body, client_id, sent_at)
    SELECT conversation_id, %(sender)s, %(kind)s, %(body)s, %(client_id)s, %(now)s
    FROM refusal WHERE reason IS NULL
    ON CONFLICT DO NOTHING
    RETURNING id
), touched AS (
    UPDATE {conversation} SET last_message_at = %(now)s
    WHERE id = %(conversation)s AND EXISTS (SELECT 1 FROM stored)
), marked AS (
    INSERT INTO {read_state} (conversation_id, user_id, last_read_id, notified_up_to)
    SELECT %(conversation)s, %(sender)s, id, 0 FROM stored
    ON CONFLICT (conversation_id, user_id)
    DO UPDATE SET last_read_id = GREATEST({read_state}.last_read_id, EXCLUDED.last_read_id)
)
SELECT EXISTS (SELECT 1 FROM sender), (SELECT reason FROM refusal), (SELECT id FROM stored)
"""


@functools.cache
def _store_message_sql() -> str:
    tables = {
        "conversation": Conversation,
        "user": get_user_model(),
        "block": Block,
        "message": Message,
        "read_state": ReadState,
    }
    return _STORE_MESSAGE_SQL.format(**{name: model._meta.db_table for name, model in tables.items()})


@dataclass(frozen=True)
class _Store:
    """One message to store: the checked body and the statement's parameters."""

    conversation: Conversation
    sender: object
    body: str
    client_id: uuid.UUID | None
    now: datetime

    @classmethod
    def checked(cls, conversation: Conversation, sender, body: str, client_id: uuid.UUID | None) -> _Store:
        """The checks before the statement (raising ChatError or NotAParticipant)."""
        body = (body or "").strip()
        if not body:
            raise ChatError("invalid", _("Write a message first."))
        if len(body) > MAX_MESSAGE_LENGTH:
            raise ChatError(
                "too_long", _("A message can be at most %(n)s characters.") % {"n": MAX_MESSAGE_LENGTH}
            )
        if has_hidden_characters(body):  # the rule of every form and the API (core.text)
            raise ChatError("invalid", str(HIDDEN_CHARACTERS_MESSAGE))
        if sender.pk not in conversation.participant_ids:
            raise NotAParticipant()
        return cls(conversation, sender, body, client_id, timezone.now())

    def params(self) -> dict:
        return {
            "sender": self.sender.pk,
            "conversation": self.conversation.pk,
            "kind": Message.Kind.TEXT.value,
            "body": self.body,
            "client_id": self.client_id,
            "now": self.now,
            "window_start": self.now - timedelta(seconds=RATE_LIMIT_WINDOW),
            "limit": RATE_LIMIT_MESSAGES,
        }

    def stored(self, row: tuple) -> Message | None:
        """The stored message from the statement's answer; None when the client_id was stored
        before; raises the refusals."""
        allowed, refusal, message_id = row
        if not allowed:
            raise NotAParticipant()
        if refusal == "blocked":
            raise ChatError("blocked", _("You cannot send messages to this person."), status=403)
        if refusal == "erased":
            raise ChatError("forbidden", _("This person has deleted their account."), status=403)
        if refusal == "rate_limited":
            raise ChatError(
                "rate_limited", _("You are sending messages too fast. Wait a little."), status=429
            )
        if message_id is None:
            return None
        return Message(
            pk=message_id,
            conversation=self.conversation,
            sender=self.sender,
            kind=Message.Kind.TEXT,
            body=self.body,
            client_id=self.client_id,
            sent_at=self.now,
        )

    def existing(self) -> Message:
        """The message stored before with this client_id (a retried frame, or the same
        client_id racing in on another connection), marked `duplicate`: it was broadcast then."""
        existing = (
            Message.objects.filter(
                conversation=self.conversation, sender=self.sender, client_id=self.client_id
            )
            .select_related("sender__profile")
            .first()
        )
        if existing is None:
            raise NotAParticipant()  # the conversation went away meanwhile
        existing.duplicate = True
        return existing

    def broadcast(self, message: Message, publish: Publish) -> None:
        _broadcast(
            self.conversation.pk,
            {"type": "chat.message", "frame": message_event(message)},
            self.conversation.participant_ids,
            publish,
        )


def message_send(
    *,
    conversation: Conversation,
    sender,
    body: str,
    client_id: uuid.UUID | None = None,
    publish: Publish = _group_send_all,
) -> Message:
    """Store a text message and broadcast it after the commit. A repeated `client_id` from the
    same sender returns the message already stored instead of a second one (marked
    `duplicate`: the caller confirms it, it is not broadcast again). Raises ChatError, and
    NotAParticipant when the sender may not (or no longer) talk here."""
    store = _Store.checked(conversation, sender, body, client_id)
    with connection.cursor() as cursor:
        cursor.execute(_store_message_sql(), store.params())
        message = store.stored(cursor.fetchone())
    if message is None:
        return store.existing()
    transaction.on_commit(lambda: store.broadcast(message, publish))
    return message


async def amessage_send(
    *, conversation: Conversation, sender, body: str, client_id: uuid.UUID | None = None
) -> Message:
    """`message_send` for the WebSocket consumer, on the event loop without a thread: the same
    checks and the same one statement (its own transaction) on the loop's connection pool
    (core.async_db), then the broadcast. docs/decisions/0021. The conversation comes from
    selectors.conversation_for, with both participants' profiles loaded: the frame's display
    name needs no query (there is no ORM on the loop)."""
    if sender.pk in conversation.participant_ids:
        sender = conversation.user_low if conversation.user_low_id == sender.pk else conversation.user_high
    store = _Store.checked(conversation, sender, body, client_id)
    async with async_db.connection() as conn:
        cursor = await conn.execute(_store_message_sql(), store.params())
        message = store.stored(await cursor.fetchone())
    if message is None:  # rare: a retried frame
        return await sync_to_async(store.existing, thread_sensitive=False)()
    sends: list[tuple[str, dict]] = []
    store.broadcast(message, sends.extend)
    await group_send_all(sends)
    return message


def message_send_system(*, conversation: Conversation, body: str) -> Message:
    """A message from Sirkel itself, e.g. "The listing is reserved for you"."""
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation, kind=Message.Kind.SYSTEM, body=body[:MAX_MESSAGE_LENGTH]
        )
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.sent_at)
        transaction.on_commit(
            lambda: _broadcast(
                conversation.pk,
                {"type": "chat.message", "frame": message_event(message)},
                conversation.participant_ids,
            )
        )
    return message


def _mark_read(*, conversation: Conversation, user, last_read_id: int) -> None:
    """Move the user's read marker forward (never back). One UPDATE when the read state exists
    (every message after the first), the row is created otherwise."""
    if ReadState.objects.filter(conversation=conversation, user=user, last_read_id__lt=last_read_id).update(
        last_read_id=last_read_id
    ):
        return
    state, created = ReadState.objects.get_or_create(
        conversation=conversation, user=user, defaults={"last_read_id": last_read_id}
    )
    if not created and last_read_id > state.last_read_id:  # created meanwhile by another request
        ReadState.objects.filter(pk=state.pk, last_read_id__lt=last_read_id).update(last_read_id=last_read_id)


def conversation_mark_read(
    *, conversation: Conversation, user, last_read_id: int, publish: Publish = _group_send_all
) -> None:
    if user.pk not in conversation.participant_ids:
        raise ChatError("forbidden", _("You are not part of this conversation."), status=403)
    last_read_id = min(
        last_read_id, conversation.messages.order_by("-id").values_list("id", flat=True).first() or 0
    )
    _mark_read(conversation=conversation, user=user, last_read_id=last_read_id)
    transaction.on_commit(
        lambda: _broadcast(
            conversation.pk,
            {"type": "chat.read", "user": user.pk, "last_read_id": last_read_id},
            conversation.participant_ids,
            publish,
        )
    )


def block_user(*, blocker, blocked) -> None:
    if blocker.pk == blocked.pk:
        raise ChatError("invalid", _("You cannot block yourself."))
    Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    # Open sockets re-check on every frame; closing the blocked user's makes it immediate.
    transaction.on_commit(lambda: user_sockets_close(blocked.pk))


def typing_broadcast(*, conversation_id: int, user_id: int) -> None:
    _broadcast(conversation_id, {"type": "chat.typing", "user": user_id})


# --- Presence and offline email ------------------------------------------------------------------

NOTIFY_AFTER = timedelta(minutes=10)
PRESENCE_TTL = 3600  # a crashed process leaves a count behind for at most an hour


def _presence_key(user_id: int) -> str:
    return f"chat-online:{user_id}"


def presence_join(user_id: int) -> None:
    cache, key = process_cache(), _presence_key(user_id)
    cache.add(key, 0, timeout=PRESENCE_TTL)
    cache.incr(key)
    cache.touch(key, PRESENCE_TTL)


def presence_leave(user_id: int) -> None:
    cache, key = process_cache(), _presence_key(user_id)
    try:
        if cache.decr(key) <= 0:
            cache.delete(key)
    except ValueError:  # the key expired meanwhile
        pass


def is_online(user_id: int) -> bool:
    return bool(process_cache().get(_presence_key(user_id)))


def unread_notify_due(*, now=None) -> int:
    """One email per conversation and person when messages to them have waited unread for 10
    minutes while they were not connected; nothing more until they read or new messages come
    after the ones announced. Returns how many emails were sent."""
    from accounts.notify import absolute_url, reverse_in, send_to_user

    now = now or timezone.now()
    recent = Message.objects.filter(sent_at__gte=now - timedelta(days=2)).values("conversation_id").distinct()
    sent = 0
    for conversation in Conversation.objects.filter(pk__in=recent).select_related(
        "user_low__profile", "user_high__profile"
    ):
        for user in (conversation.user_low, conversation.user_high):
            profile = getattr(user, "profile", None)
            if not user.is_active or (profile and not profile.email_on_unread) or is_online(user.pk):
                continue
            state, _created = ReadState.objects.get_or_create(conversation=conversation, user=user)
            waiting = conversation.messages.filter(
                id__gt=max(state.last_read_id, state.notified_up_to)
            ).exclude(sender=user)
            first = waiting.order_by("id").first()
            if first is None or first.sent_at > now - NOTIFY_AFTER:
                continue
            newest = waiting.order_by("-id").values_list("id", flat=True).first()
            # Claim first, so two workers never send the same email.
            if not ReadState.objects.filter(pk=state.pk, notified_up_to=state.notified_up_to).update(
                notified_up_to=newest
            ):
                continue
            other = conversation.user_high if user.pk == conversation.user_low_id else conversation.user_low
            send_to_user(
                user=user,
                template="chat/email/unread",
                context={
                    "other": other,
                    "count": waiting.count(),
                    "url": absolute_url(reverse_in(user, "chat:thread", conversation.pk)),
                },
            )
            sent += 1
    return sent


def conversation_report(*, reporter, conversation: Conversation, text: str = "") -> ConversationReport:
    if reporter.pk not in conversation.participant_ids:
        raise ChatError("forbidden", _("You are not part of this conversation."), status=403)
    return ConversationReport.objects.create(
        conversation=conversation, reporter=reporter, text=text.strip()[:1000]
    )


def conversation_reports_handle(*, moderator, conversation_id: int) -> int:
    """A moderator marks the open reports on a conversation as handled (the staff dashboard
    counts only open ones); logged. Returns how many were open."""
    handled = ConversationReport.objects.filter(
        conversation_id=conversation_id, handled_at__isnull=True
    ).update(handled_at=timezone.now())
    if handled:
        conversation = Conversation.objects.get(pk=conversation_id)
        audit_record(actor=moderator, action="handle_reports", target=conversation, note=str(handled))
    return handled


def conversation_open_for_moderation(*, moderator, conversation_id: int) -> Conversation | None:
    """A moderator reads a conversation only if it has been reported; each read is logged."""
    conversation = Conversation.objects.filter(pk=conversation_id, reports__isnull=False).distinct().first()
    if conversation is not None:
        audit_record(actor=moderator, action="read_conversation", target=conversation)
    return conversation
