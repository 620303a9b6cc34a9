"""The seeded "all aandachtsfunctionarissen" and "all ketenregisseurs" targets count only people
in that role (N is the number of people in the role). `targets_ensure` sets this on targets it
creates; this adds it to targets created before the field existed, where an empty choice cannot
be an editor's decision yet."""

from django.db import migrations

ROLE_FILTERS = {
    "module-4-aandachtsfunctionarissen": "aandachtsfunctionaris-mensenhandel",
    "module-5-ketenregisseurs": "ketenregisseur-mensenhandel",
}


def add_role_filters(apps, schema_editor):
    Target = apps.get_model("reporting", "Target")
    ProfessionalRole = apps.get_model("accounts", "ProfessionalRole")
    Through = Target._meta.get_field("professional_roles").remote_field.through
    for code, slug in ROLE_FILTERS.items():
        target = Target.objects.filter(code=code).first()
        role = ProfessionalRole.objects.filter(slug=slug).first()
        if target is None or role is None or Through.objects.filter(target=target).exists():
            continue
        Through.objects.create(target=target, professionalrole=role)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_seed_professional_roles"),
        ("reporting", "0002_target_professional_roles"),
    ]
    operations = [migrations.RunPython(add_role_filters, migrations.RunPython.noop)]
