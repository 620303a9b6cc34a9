"""A target's title and description in the other site languages move from six columns (title_en,
…, description_es) into two JSON fields {language code: text}, the way sectors and roles keep
their names (ADR 0015, amended; ADR 0026): a fifth site language needs no column. Empty columns
leave no key, so such a text falls back as before."""

from django.db import migrations, models

LANGUAGES = ("en", "pl", "es")


def to_json(apps, schema_editor):
    Target = apps.get_model("reporting", "Target")
    for target in Target.objects.all():
        titles = {code: getattr(target, f"title_{code}") for code in LANGUAGES}
        descriptions = {code: getattr(target, f"description_{code}") for code in LANGUAGES}
        Target.objects.filter(pk=target.pk).update(
            titles={code: text for code, text in titles.items() if text.strip()},
            descriptions={code: text for code, text in descriptions.items() if text.strip()},
        )


def to_columns(apps, schema_editor):
    # Back to the columns; a language other than these three had no column to go to.
    Target = apps.get_model("reporting", "Target")
    for target in Target.objects.all():
        columns = {}
        for code in LANGUAGES:
            columns[f"title_{code}"] = (target.titles or {}).get(code, "")[:200]
            columns[f"description_{code}"] = (target.descriptions or {}).get(code, "")
        Target.objects.filter(pk=target.pk).update(**columns)


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0009_target_titles_in_every_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="target",
            name="titles",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="titles in other languages"
            ),
        ),
        migrations.AddField(
            model_name="target",
            name="descriptions",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="descriptions in other languages"
            ),
        ),
        migrations.RunPython(to_json, to_columns),
        *[
            migrations.RemoveField(model_name="target", name=f"{name}_{code}")
            for name in ("title", "description")
            for code in LANGUAGES
        ],
    ]
