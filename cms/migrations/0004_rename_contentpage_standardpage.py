from django.db import migrations


class Migration(migrations.Migration):
    """ContentPage becomes StandardPage (about, privacy, terms, accessibility statement). A
    rename keeps every page, revision and its content type (Django renames the content type)."""

    dependencies = [
        ("cms", "0003_events"),
    ]

    operations = [
        migrations.RenameModel(old_name="ContentPage", new_name="StandardPage"),
    ]
