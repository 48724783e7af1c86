"""The repair directory's audit entries (profiles, reviews, claims, co-owners) move into the
site's one audit log (accounts.AuditEntry), as repair.services.audit now writes them: an entry
about a review targets the review and concerns its author; any other targets the profile."""

from django.db import migrations


def forwards(apps, schema_editor):
    RepairAuditLog = apps.get_model("repair", "RepairAuditLog")
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    repairer_type, _ = ContentType.objects.get_or_create(app_label="repair", model="repairer")
    review_type, _ = ContentType.objects.get_or_create(app_label="repair", model="review")
    rows = RepairAuditLog.objects.select_related("actor", "repairer", "review__repairer").order_by("pk")
    for old in rows.iterator():
        subject_id = None
        if old.review_id:
            target_type, target_id = review_type, str(old.review_id)
            label = f"{old.review.repairer.name}: {old.review.rating}/5"
            subject_id = old.review.author_id
        elif old.repairer_id:
            target_type, target_id, label = repairer_type, str(old.repairer_id), old.repairer.name
        else:
            target_type, target_id, label = None, "", ""
        entry = AuditEntry.objects.create(
            actor_id=old.actor_id,
            actor_label=old.actor.email if old.actor_id else "",
            action=old.action,
            target_type=target_type,
            target_id=target_id,
            target_label=label[:200],
            subject_id=subject_id,
            note=old.note,
        )
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=old.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_auditentry"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("repair", "0003_reports_quotes_log_claims"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="RepairAuditLog"),
    ]
