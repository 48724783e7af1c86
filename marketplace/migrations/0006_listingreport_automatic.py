"""The spam heuristic's reports carry a code (ListingReport.automatic), translated when the
moderators read it, instead of an English sentence stored as the report's text."""

from django.db import migrations, models

# What the heuristic stored as the text before, in English whatever the language.
OLD_TEXT = "Automatic: a new account's listing contains a link."


def forwards(apps, schema_editor):
    ListingReport = apps.get_model("marketplace", "ListingReport")
    ListingReport.objects.filter(reporter__isnull=True, text=OLD_TEXT).update(
        automatic="new_account_link", text=""
    )


def backwards(apps, schema_editor):
    ListingReport = apps.get_model("marketplace", "ListingReport")
    ListingReport.objects.filter(automatic="new_account_link").update(text=OLD_TEXT)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0005_moderationlog_into_audit_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="listingreport",
            name="automatic",
            field=models.CharField(
                blank=True,
                choices=[("new_account_link", "Automatic: a new account's listing contains a link.")],
                max_length=30,
                verbose_name="automatic check",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
