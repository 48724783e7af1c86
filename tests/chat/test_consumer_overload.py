"""What the chat consumer does when the database cannot take a message (core.async_db)."""

import uuid
from contextlib import asynccontextmanager

from psycopg_pool import PoolTimeout

from chat import selectors
from chat.consumers import CLOSE_TRY_AGAIN_LATER, ChatConsumer
from chat.models import Message
from chat.services import conversation_open
from core import async_db
from tests.factories import UserFactory
from tests.support import run_async


def test_no_free_database_connection_closes_with_try_again_later_and_stores_nothing(db, monkeypatch):
    asker = UserFactory()
    conversation, _ = conversation_open(user=asker, other=UserFactory())
    consumer = ChatConsumer()
    consumer.user = asker
    consumer.conversation = selectors.conversation_for(asker, conversation.pk)
    sent = []

    async def base_send(message):
        sent.append(message)

    @asynccontextmanager
    async def busy():
        raise PoolTimeout("couldn't get a connection after 10.00 sec")
        yield

    consumer.base_send = base_send
    monkeypatch.setattr(async_db, "connection", busy)
    run_async(consumer.on_message({"type": "message", "body": "Hei", "client_id": str(uuid.uuid4())}))
    assert [(m["type"], m.get("code")) for m in sent] == [("websocket.close", CLOSE_TRY_AGAIN_LATER)]
    assert not Message.objects.exists()
