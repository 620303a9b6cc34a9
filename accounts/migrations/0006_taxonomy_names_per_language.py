"""Taxonomy names per site language in one JSON field (ADR 0015, amended): `name_en` moves into
`names["en"]`, and the seeded sectors and roles get their Polish and Spanish names."""

from django.db import migrations, models

TAXONOMIES = ("Sector", "Region", "ProfessionalRole")


def name_en_into_names(apps, schema_editor):
    for model_name in TAXONOMIES:
        model = apps.get_model("accounts", model_name)
        for row in model.objects.exclude(name_en=""):
            row.names = {**(row.names or {}), "en": row.name_en}
            row.save(update_fields=["names"])


def names_into_name_en(apps, schema_editor):
    for model_name in TAXONOMIES:
        model = apps.get_model("accounts", model_name)
        for row in model.objects.all():
            row.name_en = (row.names or {}).get("en", "")[:120]
            row.save(update_fields=["name_en"])


def fill_polish_and_spanish(apps, schema_editor):
    from accounts.taxonomy import PROFESSIONAL_ROLES, SECTORS, fill_missing_names

    fill_missing_names(apps.get_model("accounts", "Sector"), SECTORS)
    fill_missing_names(apps.get_model("accounts", "ProfessionalRole"), PROFESSIONAL_ROLES)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_preferred_language_any_site_language")]

    operations = [
        *[
            migrations.AddField(
                model_name=model_name.lower(),
                name="names",
                field=models.JSONField(
                    blank=True, default=dict, verbose_name="names in other languages"
                ),
            )
            for model_name in TAXONOMIES
        ],
        migrations.RunPython(name_en_into_names, names_into_name_en),
        *[
            migrations.RemoveField(model_name=model_name.lower(), name="name_en")
            for model_name in TAXONOMIES
        ],
        # Backwards this is a no-op: the Polish and Spanish names vanish with the `names` column.
        migrations.RunPython(fill_polish_and_spanish, migrations.RunPython.noop),
    ]
