import pytest

from accounts.models import AuditEntry, Role
from accounts.services import roles_ensure, user_add_role
from chat.models import Block
from chat.services import conversation_open, message_send
from tests.factories import UserFactory, make_listing, mfa_enable
from tests.support import login

pytestmark = pytest.mark.usefixtures("places")


@pytest.fixture
def conversation(db):
    conversation, _ = conversation_open(user=UserFactory(), subject=make_listing(owner=UserFactory()))
    message_send(conversation=conversation, sender=conversation.user_low, body="Privat melding")
    return conversation


@pytest.fixture
def moderator(db):
    roles_ensure()
    user = UserFactory()
    user_add_role(user=user, role=Role.MODERATOR)
    mfa_enable(user)  # staff screens require it
    return user


def test_a_participant_blocks_the_other(conversation):
    login(conversation.user_low).post(f"/meldinger/{conversation.pk}/blokker/")
    assert Block.objects.filter(blocker=conversation.user_low, blocked=conversation.user_high).exists()
    response = login(conversation.user_high).post(f"/meldinger/{conversation.pk}/", {"body": "Hei?"})
    assert response.status_code == 400


def test_moderators_read_only_reported_conversations_and_it_is_logged(conversation, moderator):
    client = login(moderator)
    assert client.get(f"/cms/samtaler/{conversation.pk}/").status_code == 404
    assert not AuditEntry.objects.filter(action="read_conversation").exists()
    login(conversation.user_high).post(f"/meldinger/{conversation.pk}/rapporter/", {"text": "Truende"})
    html = client.get(f"/cms/samtaler/{conversation.pk}/").content.decode()
    assert "Privat melding" in html and "Truende" in html
    assert AuditEntry.objects.get(action="read_conversation").actor == moderator


def test_a_moderator_marks_the_reports_handled_and_it_is_logged(conversation, moderator):
    from chat.models import ConversationReport
    from chat.selectors import conversation_reports_open_count as open_reports_count

    login(conversation.user_high).post(f"/meldinger/{conversation.pk}/rapporter/", {"text": "Truende"})
    assert open_reports_count() == 1
    client = login(moderator)
    assert (
        f'action="/cms/samtaler/{conversation.pk}/behandlet/"'
        in client.get(f"/cms/samtaler/{conversation.pk}/").content.decode()
    )
    assert client.get(f"/cms/samtaler/{conversation.pk}/behandlet/").status_code == 405
    response = client.post(f"/cms/samtaler/{conversation.pk}/behandlet/")
    assert response.status_code == 302
    assert ConversationReport.objects.get().handled_at is not None
    assert open_reports_count() == 0
    entry = AuditEntry.objects.get(action="handle_reports")
    assert entry.actor == moderator and entry.target_id == str(conversation.pk)
    # Nothing open any more: a second press changes nothing and logs nothing.
    client.post(f"/cms/samtaler/{conversation.pk}/behandlet/")
    assert AuditEntry.objects.filter(action="handle_reports").count() == 1


def test_only_moderators_mark_reports_handled(conversation):
    from chat.models import ConversationReport

    login(conversation.user_high).post(f"/meldinger/{conversation.pk}/rapporter/", {"text": "x"})
    response = login(conversation.user_low).post(f"/cms/samtaler/{conversation.pk}/behandlet/")
    assert response.status_code in (302, 403)
    assert ConversationReport.objects.get().handled_at is None


def test_editors_cannot_read_reported_conversations(conversation):
    roles_ensure()
    editor = UserFactory()
    user_add_role(user=editor, role=Role.EDITOR)
    mfa_enable(editor)  # refused for being an editor, not for want of MFA
    login(conversation.user_high).post(f"/meldinger/{conversation.pk}/rapporter/", {"text": "x"})
    response = login(editor).get(f"/cms/samtaler/{conversation.pk}/")
    assert response.status_code in (302, 403)
    assert not AuditEntry.objects.filter(action="read_conversation").exists()


def test_outsiders_cannot_report_or_block(conversation):
    outsider = login(UserFactory())
    assert outsider.post(f"/meldinger/{conversation.pk}/rapporter/", {"text": "x"}).status_code == 404
    assert outsider.post(f"/meldinger/{conversation.pk}/blokker/").status_code == 404
