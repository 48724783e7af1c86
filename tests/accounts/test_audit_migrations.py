"""The data migrations that moved the apps' own logs (marketplace ModerationLog, chat
ConversationAccess, repair RepairAuditLog) into the one audit log, accounts.AuditEntry.

Each test builds the old table from the migration state just before the move (inside the test's
transaction, so it is gone afterwards), fills it, runs the migration's `forwards` and checks
that every entry arrived with who, what, concerning whom and when, and that the moderation
screens' selectors find it."""

import importlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from accounts.models import AuditEntry
from accounts.selectors import audit_entries_about, audit_entries_for
from tests.factories import UserFactory, make_listing

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 3, 14, 9, 30, tzinfo=ZoneInfo("Europe/Oslo"))


def _migrate_old_rows(*, app: str, before: str, model: str, migration: str, fill):
    """Create `app.model` as it was at `before`, let `fill(OldModel)` add rows, then run
    `migration`'s data step."""
    state = MigrationLoader(connection).project_state([(app, before), ("accounts", "0004_auditentry")])
    apps = state.apps
    old_model = apps.get_model(app, model)
    with connection.schema_editor() as editor:
        editor.create_model(old_model)
        fill(old_model)
        importlib.import_module(f"{app}.migrations.{migration}").forwards(apps, editor)


def test_moderation_log_entries_move_with_who_what_whom_and_when(places):
    moderator, owner = UserFactory(), UserFactory()
    listing = make_listing(owner=owner, title="Selges billig")

    def fill(ModerationLog):
        ModerationLog.objects.create(
            moderator_id=moderator.pk,
            action="hide_listing",
            listing_id=listing.pk,
            user_id=owner.pk,
            note="Reklame",
        )
        ModerationLog.objects.create(moderator_id=moderator.pk, action="suspend_user", user_id=owner.pk)
        ModerationLog.objects.update(created_at=WHEN)

    _migrate_old_rows(
        app="marketplace",
        before="0004_exchange_feedback",
        model="ModerationLog",
        migration="0005_moderationlog_into_audit_log",
        fill=fill,
    )
    hidden, suspended = AuditEntry.objects.order_by("id")
    assert (hidden.actor, hidden.actor_label, hidden.action, hidden.subject, hidden.note) == (
        moderator,
        moderator.email,
        "hide_listing",
        owner,
        "Reklame",
    )
    assert hidden.target_label == "Selges billig" and hidden.created_at == WHEN
    assert list(audit_entries_for(listing)) == [hidden]
    assert (suspended.target_id, suspended.target_label) == (str(owner.pk), f"user #{owner.pk}")
    assert set(audit_entries_about(targets=[listing], subject=owner)) == {hidden, suspended}


def test_conversation_readings_move_as_read_conversation_entries(db):
    from chat.services import conversation_open

    moderator = UserFactory()
    conversation, _created = conversation_open(user=UserFactory(), other=UserFactory())

    def fill(ConversationAccess):
        ConversationAccess.objects.create(moderator_id=moderator.pk, conversation_id=conversation.pk)
        ConversationAccess.objects.update(accessed_at=WHEN)

    _migrate_old_rows(
        app="chat",
        before="0003_reports",
        model="ConversationAccess",
        migration="0004_conversationaccess_into_audit_log",
        fill=fill,
    )
    entry = audit_entries_for(conversation).get()
    assert (entry.actor, entry.action, entry.created_at) == (moderator, "read_conversation", WHEN)


def test_repair_audit_entries_move_to_the_profile_or_the_review(db):
    from repair.selectors import audit_log_of
    from repair.services import review_save
    from tests.factory_repair import make_repairer

    editor, author = UserFactory(), UserFactory()
    repairer = make_repairer(name="Sigurds Sykkelverksted")
    review, _created = review_save(repairer=repairer, author=author, rating=2, text="Treg.")

    def fill(RepairAuditLog):
        RepairAuditLog.objects.create(actor_id=editor.pk, action="approve", repairer_id=repairer.pk)
        RepairAuditLog.objects.create(
            actor_id=editor.pk,
            action="hide_review",
            repairer_id=repairer.pk,
            review_id=review.pk,
            note="Usant",
        )
        RepairAuditLog.objects.update(created_at=WHEN)

    _migrate_old_rows(
        app="repair",
        before="0003_reports_quotes_log_claims",
        model="RepairAuditLog",
        migration="0004_repairauditlog_into_audit_log",
        fill=fill,
    )
    approved = audit_entries_for(repairer).get()
    hidden = audit_entries_for(review).get()
    assert (approved.actor, approved.action, approved.target_label) == (editor, "approve", repairer.name)
    assert (hidden.action, hidden.subject, hidden.note, hidden.created_at) == (
        "hide_review",
        author,
        "Usant",
        WHEN,
    )
    # The profile's log in the admin still shows what was done to its reviews.
    assert set(audit_log_of(repairer=repairer)) == {approved, hidden}
