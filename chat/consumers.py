"""WebSocket consumers. Thin: check the user, authorise through the same selectors and services
as HTTP, validate the frame, call the service; the service stores first and broadcasts after
the commit (API.md, "WebSocket chat")."""

import logging
import time
import uuid

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from chat import selectors, services
from core.async_db import DatabaseBusy

logger = logging.getLogger(__name__)

# Close codes of the chat protocol (API.md).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
# The standard "Try Again Later": the database had no connection free for this message within
# ASYNC_DB pool's timeout (an overloaded or unreachable database). The message is not stored; the
# client reconnects with backoff, resumes, and sends it again with the same client_id.
CLOSE_TRY_AGAIN_LATER = 1013

TYPING_INTERVAL = 3.0  # at most one typing signal per socket this often
RESUME_MAX = 1000  # messages replayed for one resume


def db(func):
    """`database_sync_to_async` on the event loop's thread pool (Daphne: ASGI_THREADS threads,
    default min(32, CPUs + 4)) rather than the one thread Channels shares between all consumers
    of the process by default ("thread-sensitive"). Every call here is self-contained (a
    connection from the pool, its own transaction), so nothing needs that thread; on it, every
    socket's frame waited for the database round trips of every other socket's frames."""
    return database_sync_to_async(func, thread_sensitive=False)


class SentIds:
    """The ids of the last `size` messages a socket was sent. After a reconnect, a message can
    reach the socket twice: live (the socket joined its group before the client's `resume`) and
    in the resume's replay. Each is sent once."""

    def __init__(self, size: int):
        self.size = size
        self.ids: dict[int, None] = {}  # in the order sent

    def first_time(self, message_id: int) -> bool:
        if message_id in self.ids:
            return False
        self.ids[message_id] = None
        if len(self.ids) > self.size:
            del self.ids[next(iter(self.ids))]
        return True


def error_frame(code: str, detail: str) -> dict:
    return {"type": "error", "code": code, "detail": detail}


class SafeJsonConsumer(AsyncJsonWebsocketConsumer):
    """A JSON consumer that answers frames it cannot parse with an `invalid` error frame
    instead of dropping the connection."""

    async def dispatch(self, message):
        """Channels' own dispatch without its `aclose_old_connections()` before every handler.
        That call runs on the one thread Channels shares between all consumers of the process,
        so every frame and every channel-layer event (two per message and socket) queued there
        behind all the others. Database work here goes through `db()`, whose
        DatabaseSyncToAsync closes old connections in its own thread before and after each call."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            await self.send_error("invalid", "Frames must be JSON text.")
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            await self.send_error("invalid", "Frames must be JSON text.")
            return
        await self.receive_json(content, **kwargs)

    async def send_error(self, code: str, detail: str) -> None:
        await self.send_json(error_frame(code, detail))


class PingConsumer(SafeJsonConsumer):
    """/ws/ping/: answers `{"type": "ping"}` with `{"type": "pong", "user": ID}` for a signed-in
    user. Lets clients and monitoring check that the session reaches the WebSocket servers."""

    async def connect(self):
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong", "user": self.scope["user"].pk})
        else:
            await self.send_error("invalid", "Unknown frame.")


class ChatConsumer(SafeJsonConsumer):
    """/ws/chat/{conversation_id}/ for the two participants."""

    conversation = None
    groups_joined: tuple[str, ...] = ()

    async def connect(self):
        self.user = self.scope.get("user")
        self.last_typing = 0.0
        self.sent_ids = SentIds(RESUME_MAX)
        if self.user is None or not self.user.is_authenticated:
            await self.accept()  # accepted first, so the client sees why it is closed
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        conversation_id = self.scope["url_route"]["kwargs"]["conversation_id"]
        self.conversation = await db(selectors.conversation_for)(self.user, conversation_id)
        if self.conversation is None:
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        # Join before accepting: once the client is told it is connected, it misses nothing.
        self.groups_joined = (
            services.conversation_group(self.conversation.pk),
            services.user_group(self.user.pk),
        )
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await db(services.presence_join)(self.user.pk)
        self.present = True
        await self.accept()

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if getattr(self, "present", False):
            await db(services.presence_leave)(self.user.pk)

    # --- client → server --------------------------------------------------------------------

    async def receive_json(self, content, **kwargs):
        if self.conversation is None:
            return
        if not isinstance(content, dict) or content.get("type") not in (
            "message",
            "read",
            "typing",
            "resume",
        ):
            await self.send_error("invalid", _("Unknown frame."))
            return
        if content["type"] == "message":
            await self.on_message(content)  # its store re-checks in the same statement
            return
        # The socket keeps the user it connected with: check again that they still may talk.
        if not await db(self._still_allowed)():
            await self.close(code=CLOSE_FORBIDDEN)
            return
        handler = getattr(self, f"on_{content['type']}")
        await handler(content)

    def _still_allowed(self) -> bool:
        return selectors.may_still_talk(self.user, self.conversation.pk)

    async def on_message(self, content):
        """The most frequent frame, handled on the event loop without a trip to a thread: the
        frame's checks here, then the store with its re-check and the sender's rate limit, one
        SQL statement, awaited (docs/decisions/0021)."""
        refusal, client_id = self._message_frame_refusal(content)
        if refusal is not None:
            await self.send_json(refusal)
            return
        try:
            message = await services.amessage_send(
                conversation=self.conversation, sender=self.user, body=content["body"], client_id=client_id
            )
        except services.NotAParticipant:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        except services.ChatError as error:
            await self.send_json(error_frame(error.code, error.message))
            return
        except DatabaseBusy:
            logger.warning("chat: no database connection for a message; socket closed with 1013")
            await self.close(code=CLOSE_TRY_AGAIN_LATER)
            return
        if getattr(message, "duplicate", False):
            # A retried frame whose message already existed is not broadcast again: confirm it here.
            await self.send_json(services.message_event(message))

    def _message_frame_refusal(self, content: dict) -> tuple[dict | None, uuid.UUID | None]:
        """The error frame for a malformed message frame (None if it is well-formed), and its
        client_id. The service checks the body itself (empty, too long, hidden characters)."""
        if not isinstance(content.get("body"), str):
            return error_frame("invalid", _("A message needs a body.")), None
        if content.get("client_id") is None:
            return None, None
        try:
            return None, uuid.UUID(str(content["client_id"]))
        except ValueError:
            return error_frame("invalid", _("client_id must be a UUID.")), None

    async def on_read(self, content):
        last_read_id = content.get("last_read_id")
        if not isinstance(last_read_id, int) or isinstance(last_read_id, bool) or last_read_id < 0:
            await self.send_error("invalid", _("last_read_id must be a message id."))
            return
        sends: list[tuple[str, dict]] = []
        await db(services.conversation_mark_read)(
            conversation=self.conversation, user=self.user, last_read_id=last_read_id, publish=sends.extend
        )
        await services.group_send_all(sends)

    async def on_typing(self, content):
        now = time.monotonic()
        if now - self.last_typing >= TYPING_INTERVAL:
            self.last_typing = now
            await self.channel_layer.group_send(
                services.conversation_group(self.conversation.pk),
                {"type": "chat.typing", "user": self.user.pk},
            )

    async def on_resume(self, content):
        after = content.get("after")
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            await self.send_error("invalid", _("after must be a message id."))
            return
        frames = await db(self._frames_after)(after)
        for frame in frames:
            if self.sent_ids.first_time(frame["id"]):  # not already sent live since connecting
                await self.send_json(frame)

    def _frames_after(self, after: int) -> list[dict]:
        frames: list[dict] = []
        while len(frames) < RESUME_MAX:
            page = selectors.messages_page(self.conversation, after=after)
            if not page:
                break
            frames += [services.message_event(m) for m in page]
            after = page[-1].pk
        return frames

    # --- server → client (channel-layer events) ---------------------------------------------

    async def chat_message(self, event):
        if self.sent_ids.first_time(event["frame"]["id"]):  # not already replayed by a resume
            await self.send_json(event["frame"])

    async def chat_read(self, event):
        await self.send_json({"type": "read", "user": event["user"], "last_read_id": event["last_read_id"]})

    async def chat_typing(self, event):
        if event["user"] != self.user.pk:
            await self.send_json({"type": "typing", "user": event["user"]})

    async def socket_close(self, event):
        await self.close(code=CLOSE_UNAUTHENTICATED)


class NotificationConsumer(SafeJsonConsumer):
    """/ws/notifications/: tells a signed-in user's pages their unread count when it changes
    (the header badge)."""

    groups_joined: tuple[str, ...] = ()

    async def connect(self):
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        # The user's group to be closed with their other sockets, the badge group for counts.
        self.groups_joined = (services.user_group(self.user.pk), services.badge_group(self.user.pk))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.inbox_changed({})

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        await self.send_error("invalid", "This socket only listens.")

    async def inbox_changed(self, event):
        count = await db(selectors.unread_total)(self.user)
        await self.send_json({"type": "unread", "count": count})

    async def socket_close(self, event):
        await self.close(code=CLOSE_UNAUTHENTICATED)
