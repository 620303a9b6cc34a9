from django.db import migrations


def seed(apps, schema_editor):
    from accounts.taxonomy import seed_taxonomies

    seed_taxonomies(apps.get_model("accounts", "Sector"), apps.get_model("accounts", "Region"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
