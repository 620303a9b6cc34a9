from django.db import migrations


def seed(apps, schema_editor):
    from accounts.taxonomy import seed_professional_roles

    seed_professional_roles(apps.get_model("accounts", "ProfessionalRole"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_professional_role")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
