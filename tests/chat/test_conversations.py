import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chat import services
from chat.models import Conversation, Message, ReadState
from chat.selectors import conversations_of, may_still_talk, partners_about
from chat.services import ChatError, block_user, conversation_mark_read, conversation_open, message_send
from tests.factories import UserFactory, make_listing

pytestmark = pytest.mark.usefixtures("places")


@pytest.fixture
def listing(db):
    return make_listing(owner=UserFactory(profile__display_name="Eier"))


def test_opening_twice_reopens_the_same_conversation(listing):
    asker = UserFactory()
    first, created = conversation_open(user=asker, subject=listing)
    again, created_again = conversation_open(user=asker, subject=listing)
    assert created and not created_again and first.pk == again.pk
    assert set(first.participant_ids) == {asker.pk, listing.owner_id}


def test_one_conversation_per_pair_and_subject_also_without_subject(db):
    a, b = UserFactory(), UserFactory()
    first, _ = conversation_open(user=a, other=b)
    second, created = conversation_open(user=b, other=a)
    assert first.pk == second.pk and not created
    assert Conversation.objects.count() == 1


def test_cannot_talk_to_oneself_or_about_own_listing(listing):
    with pytest.raises(ChatError):
        conversation_open(user=listing.owner, other=listing.owner)
    with pytest.raises(ChatError):
        conversation_open(user=listing.owner, subject=listing)


def test_blocked_users_cannot_open_or_send(listing):
    asker = UserFactory()
    conversation, _ = conversation_open(user=asker, subject=listing)
    block_user(blocker=listing.owner, blocked=asker)
    with pytest.raises(ChatError) as caught:
        message_send(conversation=conversation, sender=asker, body="Hei?")
    assert caught.value.code == "blocked"
    with pytest.raises(ChatError):
        conversation_open(user=asker, other=listing.owner)


@pytest.mark.parametrize(("body", "code"), [("", "invalid"), ("   ", "invalid"), ("x" * 2001, "too_long")])
def test_message_body_is_validated(listing, body, code):
    conversation, _ = conversation_open(user=UserFactory(), subject=listing)
    with pytest.raises(ChatError) as caught:
        message_send(conversation=conversation, sender=conversation.user_low, body=body)
    assert caught.value.code == code
    assert not Message.objects.exists()


def test_same_client_id_does_not_create_a_second_message(listing):
    asker = UserFactory()
    conversation, _ = conversation_open(user=asker, subject=listing)
    client_id = uuid.uuid4()
    first = message_send(conversation=conversation, sender=asker, body="Er den ledig?", client_id=client_id)
    second = message_send(conversation=conversation, sender=asker, body="Er den ledig?", client_id=client_id)
    assert first.pk == second.pk and Message.objects.count() == 1


def test_outsiders_cannot_send(listing):
    conversation, _ = conversation_open(user=UserFactory(), subject=listing)
    with pytest.raises(ChatError) as caught:
        message_send(conversation=conversation, sender=UserFactory(), body="Hei")
    assert caught.value.status == 403


def test_unread_counts_and_read_state(listing):
    asker = UserFactory()
    conversation, _ = conversation_open(user=asker, subject=listing)
    message_send(conversation=conversation, sender=asker, body="Hei")
    last = message_send(conversation=conversation, sender=asker, body="Er den ledig?")
    owner_view = conversations_of(listing.owner).get()
    assert owner_view.unread_count == 2 and owner_view.last_body == "Er den ledig?"
    assert conversations_of(asker).get().unread_count == 0
    conversation_mark_read(conversation=conversation, user=listing.owner, last_read_id=last.pk)
    assert conversations_of(listing.owner).get().unread_count == 0


def test_partners_about_a_listing(listing):
    asker = UserFactory()
    conversation_open(user=asker, subject=listing)
    conversation_open(user=UserFactory(), other=listing.owner)  # not about the listing
    assert list(partners_about(listing, listing.owner)) == [asker]


def test_thread_page_works_without_javascript(listing):
    asker = UserFactory()
    client = Client()
    client.force_login(asker)
    response = client.post(f"/meldinger/ny/listing/{listing.pk}/")
    conversation = Conversation.objects.get()
    assert response["Location"] == f"/meldinger/{conversation.pk}/"
    response = client.post(
        f"/meldinger/{conversation.pk}/", {"body": "Hei! <b>Er den ledig?</b> https://example.org"}
    )
    assert response.status_code == 302
    html = client.get(f"/meldinger/{conversation.pk}/").content.decode()
    assert "&lt;b&gt;Er den ledig?&lt;/b&gt;" in html and "<b>Er" not in html
    assert 'rel="nofollow noopener ugc" href="https://example.org"' in html


def test_others_cannot_read_a_thread(listing):
    conversation, _ = conversation_open(user=UserFactory(), subject=listing)
    client = Client()
    client.force_login(UserFactory())
    assert client.get(f"/meldinger/{conversation.pk}/").status_code == 404
    assert client.post(f"/meldinger/{conversation.pk}/", {"body": "Hei"}).status_code == 404
    assert not Message.objects.exists()


def test_starting_about_something_unknown_is_404(db):
    client = Client()
    client.force_login(UserFactory())
    assert client.post("/meldinger/ny/spaceship/1/").status_code == 404
    assert client.post("/meldinger/ny/listing/999999/").status_code == 404


def test_thread_history_pages_upward(listing):
    asker = UserFactory()
    conversation, _ = conversation_open(user=asker, subject=listing)
    sent = [
        Message.objects.create(conversation=conversation, sender=asker, body=f"melding {n:03d}")
        for n in range(60)
    ]
    client = Client()
    client.force_login(listing.owner)
    newest = client.get(f"/meldinger/{conversation.pk}/").content.decode()
    assert "melding 059" in newest and "melding 009" not in newest
    assert f"?before={sent[10].pk}" in newest
    older = client.get(f"/meldinger/{conversation.pk}/", {"before": sent[10].pk}).content.decode()
    assert "melding 009" in older and "melding 000" in older and "melding 010" not in older


def test_the_read_marker_never_moves_back(listing):
    asker = UserFactory()
    conversation, _ = conversation_open(user=asker, subject=listing)
    first = message_send(conversation=conversation, sender=asker, body="Hei")
    last = message_send(conversation=conversation, sender=asker, body="Er den ledig?")
    conversation_mark_read(conversation=conversation, user=listing.owner, last_read_id=last.pk)
    conversation_mark_read(conversation=conversation, user=listing.owner, last_read_id=first.pk)
    assert ReadState.objects.get(conversation=conversation, user=listing.owner).last_read_id == last.pk


def test_sending_marks_the_senders_read_state_up_to_their_message(listing):
    asker = UserFactory()
    conversation, _ = conversation_open(user=asker, subject=listing)
    from_owner = message_send(conversation=conversation, sender=listing.owner, body="Hei")
    assert conversations_of(asker).get().unread_count == 1
    reply = message_send(conversation=conversation, sender=asker, body="Hei selv")
    assert (
        ReadState.objects.get(conversation=conversation, user=asker).last_read_id == reply.pk > from_owner.pk
    )
    assert conversations_of(asker).get().unread_count == 0


def test_a_retried_client_id_is_flagged_as_a_duplicate_and_not_broadcast_again(
    listing, django_capture_on_commit_callbacks
):
    asker = UserFactory()
    conversation, _ = conversation_open(user=asker, subject=listing)
    published = []
    client_id = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        args = dict(conversation=conversation, sender=asker, body="Hei", client_id=client_id)
        first = message_send(**args, publish=published.append)
        again = message_send(**args, publish=published.append)
    assert again.pk == first.pk and again.duplicate and not getattr(first, "duplicate", False)
    assert len(published) == 1


@pytest.mark.parametrize("first_message", [True, False], ids=["first", "later"])
def test_a_message_is_one_statement_and_one_publish_to_the_conversation_and_the_recipients_badge(
    listing, django_capture_on_commit_callbacks, first_message
):
    asker = UserFactory()
    conversation, _ = conversation_open(user=asker, subject=listing)
    if not first_message:
        message_send(conversation=conversation, sender=asker, body="Hei")  # the read state exists now
    asker = type(asker).objects.select_related("profile").get(pk=asker.pk)
    published = []
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        message = message_send(
            conversation=conversation, sender=asker, body="Er den ledig?", publish=published.append
        )
    # the checks, the insert, last_message_at and the read state (savepoints: the test's own transaction)
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 1, statements
    stored = Message.objects.get(pk=message.pk)
    assert (stored.body, stored.sender_id, stored.sent_at) == ("Er den ledig?", asker.pk, message.sent_at)
    conversation.refresh_from_db()
    assert conversation.last_message_at == message.sent_at
    assert ReadState.objects.get(conversation=conversation, user=asker).last_read_id == message.pk
    [sends] = published
    # The recipient's badge only: the sender's unread count does not change.
    assert [group for group, _event in sends] == [
        services.conversation_group(conversation.pk),
        services.badge_group(listing.owner.pk),
    ]
    assert sends[0][1]["frame"]["id"] == message.pk


def test_a_read_receipt_tells_the_conversation_and_the_readers_badge(
    listing, django_capture_on_commit_callbacks
):
    asker = UserFactory()
    conversation, _ = conversation_open(user=asker, subject=listing)
    message = message_send(conversation=conversation, sender=asker, body="Hei")
    published = []
    with django_capture_on_commit_callbacks(execute=True):
        conversation_mark_read(
            conversation=conversation, user=listing.owner, last_read_id=message.pk, publish=published.append
        )
    [sends] = published
    assert sends == [
        (
            services.conversation_group(conversation.pk),
            {"type": "chat.read", "user": listing.owner.pk, "last_read_id": message.pk},
        ),
        (services.badge_group(listing.owner.pk), {"type": "inbox.changed"}),
    ]


def test_a_sender_who_is_no_longer_active_is_refused_and_nothing_is_stored(listing):
    asker = UserFactory()
    conversation, _ = conversation_open(user=asker, subject=listing)
    type(asker).objects.filter(pk=asker.pk).update(is_active=False)
    with pytest.raises(services.NotAParticipant):
        message_send(conversation=conversation, sender=asker, body="Hei")
    assert not conversation.messages.exists()
    conversation.refresh_from_db()
    assert conversation.last_message_at is None


def test_only_active_participants_may_still_talk(listing):
    asker, outsider = UserFactory(), UserFactory()
    conversation, _ = conversation_open(user=asker, subject=listing)
    assert may_still_talk(asker, conversation.pk) and may_still_talk(listing.owner, conversation.pk)
    assert not may_still_talk(outsider, conversation.pk)
    type(asker).objects.filter(pk=asker.pk).update(is_active=False)
    assert not may_still_talk(asker, conversation.pk) and may_still_talk(listing.owner, conversation.pk)
    conversation.delete()
    assert not may_still_talk(listing.owner, conversation.pk)
