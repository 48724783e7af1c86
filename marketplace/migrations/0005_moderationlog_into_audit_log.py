"""Moderation log entries move into the site's one audit log (accounts.AuditEntry)."""

from django.db import migrations


def forwards(apps, schema_editor):
    ModerationLog = apps.get_model("marketplace", "ModerationLog")
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    listing_type, _ = ContentType.objects.get_or_create(app_label="marketplace", model="listing")
    user_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="user")
    for old in ModerationLog.objects.select_related("moderator", "listing", "user").iterator():
        if old.listing_id:
            target_type, target_id, label = listing_type, str(old.listing_id), old.listing.title[:200]
        elif old.user_id:
            target_type, target_id, label = user_type, str(old.user_id), f"user #{old.user_id}"
        else:
            target_type, target_id, label = None, "", ""
        entry = AuditEntry.objects.create(
            actor_id=old.moderator_id,
            actor_label=old.moderator.email if old.moderator_id else "",
            action=old.action,
            target_type=target_type,
            target_id=target_id,
            target_label=label,
            subject_id=old.user_id,
            note=old.note,
        )
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=old.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_auditentry"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("marketplace", "0004_exchange_feedback"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="ModerationLog"),
    ]
