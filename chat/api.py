"""GET/POST /api/v1/conversations and their messages (API.md), sharing the services with the
WebSocket consumer: one place stores and broadcasts a message."""

import uuid
from datetime import datetime

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from accounts.api import auth
from chat import selectors, services
from chat.models import MAX_MESSAGE_LENGTH, Conversation
from chat.registry import subject_type, subject_type_of
from core.api import ApiError, CleanStr, ErrorOut

router = Router(tags=["conversations"])


class AboutIn(Schema):
    type: str
    id: int


class ConversationIn(Schema):
    about: AboutIn | None = None
    user: int | None = None


class ParticipantOut(Schema):
    id: int
    display_name: str


class AboutOut(Schema):
    type: str
    id: int
    title: str


class LastMessageOut(Schema):
    id: int
    body: str


class ConversationOut(Schema):
    id: int
    participants: list[ParticipantOut]
    about: AboutOut | None
    unread_count: int = 0
    last_message: LastMessageOut | None = None


class SenderOut(Schema):
    id: int
    display_name: str


class MessageOut(Schema):
    type: str = "message"
    id: int
    conversation: int
    sender: SenderOut | None
    kind: str
    body: str
    sent_at: datetime
    client_id: uuid.UUID | None


class MessageIn(Schema):
    body: CleanStr = Field(max_length=MAX_MESSAGE_LENGTH)
    client_id: uuid.UUID | None = None


class MessagesQuery(Schema):
    after: int | None = Field(None, ge=0)
    before: int | None = Field(None, ge=1)


def _about(conversation: Conversation) -> dict | None:
    subject = conversation.subject
    registered = subject_type_of(subject) if subject is not None else None
    if registered is None:
        return None
    return {"type": registered.name, "id": subject.pk, "title": registered.title_of(subject)}


def _conversation_out(conversation: Conversation) -> dict:
    users = (conversation.user_low, conversation.user_high)
    last_id = getattr(conversation, "last_id", None)
    return {
        "id": conversation.pk,
        "participants": [{"id": u.pk, "display_name": u.display_name} for u in users],
        "about": _about(conversation),
        "unread_count": getattr(conversation, "unread_count", 0),
        "last_message": {"id": last_id, "body": conversation.last_body} if last_id else None,
    }


def _raise(error: services.ChatError):
    retry_after = services.RATE_LIMIT_WINDOW if error.code == "rate_limited" else None
    raise ApiError(
        error.message, status=error.status, errors={"detail": [error.code]}, retry_after=retry_after
    )


@router.get("", response=list[ConversationOut], auth=auth)
def conversation_list(request: HttpRequest):
    """The signed-in user's conversations, newest activity first, with unread counts."""
    return [_conversation_out(c) for c in selectors.conversations_of(request.user)[:200]]


@router.post(
    "",
    response={
        200: ConversationOut,
        201: ConversationOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
    },
    auth=auth,
)
def conversation_open(request: HttpRequest, payload: ConversationIn):
    """Open or reopen the conversation about a listing, item or repairer (with its owner), or a
    direct one with `user`. 201 when new, 200 when it existed; 409 when nobody answers about the
    subject just now (a lending hub without staff)."""
    if (payload.about is None) == (payload.user is None):
        raise ApiError(_("Give either about or user."), errors={"about": [_("Give either about or user.")]})
    subject = other = None
    if payload.about is not None:
        registered = subject_type(payload.about.type)
        if registered is None:
            raise ApiError(_("Unknown subject type."), errors={"about.type": [_("Unknown subject type.")]})
        subject = registered.model.objects.filter(pk=payload.about.id).first()
        if subject is None:
            raise ApiError(_("Not found."), status=404)
    else:
        other = get_user_model().objects.filter(pk=payload.user, is_active=True).first()
        if other is None:
            raise ApiError(_("Not found."), status=404)
    try:
        conversation, created = services.conversation_open(user=request.user, other=other, subject=subject)
    except services.ChatError as error:
        _raise(error)
    conversation = selectors.conversations_of(request.user).get(pk=conversation.pk)
    return Status(201 if created else 200, _conversation_out(conversation))


def _conversation(request: HttpRequest, conversation_id: int) -> Conversation:
    conversation = selectors.conversation_for(request.user, conversation_id)
    if conversation is None:
        raise ApiError(_("Not found."), status=404)
    return conversation


@router.get(
    "/{int:conversation_id}/messages",
    response={200: list[MessageOut], 400: ErrorOut, 404: ErrorOut},
    auth=auth,
)
def message_list(request: HttpRequest, conversation_id: int, query: Query[MessagesQuery]):
    """Up to 50 messages in id order: the newest, those `after` an id (catching up) or those
    `before` an id (scrolling back)."""
    conversation = _conversation(request, conversation_id)
    return [
        services.message_event(m)
        for m in selectors.messages_page(conversation, after=query.after, before=query.before)
    ]


@router.post(
    "/{int:conversation_id}/messages",
    response={201: MessageOut, 200: MessageOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=auth,
)
def message_create(request: HttpRequest, conversation_id: int, payload: MessageIn):
    """Send by HTTP: stored, then delivered live to the other participant. A repeated
    `client_id` answers 200 with the message already stored."""
    conversation = _conversation(request, conversation_id)
    try:
        message = services.message_send(
            conversation=conversation, sender=request.user, body=payload.body, client_id=payload.client_id
        )
    except services.ChatError as error:
        _raise(error)
    return Status(200 if getattr(message, "duplicate", False) else 201, services.message_event(message))
