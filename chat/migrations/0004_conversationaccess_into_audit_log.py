"""Moderators' readings of reported conversations move into the site's one audit log."""

from django.db import migrations


def forwards(apps, schema_editor):
    ConversationAccess = apps.get_model("chat", "ConversationAccess")
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    conversation_type, _ = ContentType.objects.get_or_create(app_label="chat", model="conversation")
    for old in ConversationAccess.objects.select_related("moderator").iterator():
        entry = AuditEntry.objects.create(
            actor_id=old.moderator_id,
            actor_label=old.moderator.email if old.moderator_id else "",
            action="read_conversation",
            target_type=conversation_type,
            target_id=str(old.conversation_id),
            target_label=f"conversation {old.conversation_id}",
        )
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=old.accessed_at)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_auditentry"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("chat", "0003_reports"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="ConversationAccess"),
    ]
