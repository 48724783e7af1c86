from django.db import migrations


def load(apps, schema_editor):
    from catalog.services import categories_load

    categories_load(model=apps.get_model("catalog", "Category"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
