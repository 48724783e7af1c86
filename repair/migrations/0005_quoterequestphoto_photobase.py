# QuoteRequestPhoto becomes a core.photos.PhotoBase like every other photo model: it gains the
# (unused, blank) alt text and a creation time; existing rows get the time of the migration.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("repair", "0004_repairauditlog_into_audit_log"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="quoterequestphoto",
            options={
                "ordering": ["position", "pk"],
                "verbose_name": "quote request photo",
                "verbose_name_plural": "quote request photos",
            },
        ),
        migrations.AddField(
            model_name="quoterequestphoto",
            name="alt_text",
            field=models.CharField(blank=True, max_length=200, verbose_name="image description"),
        ),
        migrations.AddField(
            model_name="quoterequestphoto",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
    ]
