"""The action plan's campaign target, "50.000 professionals die werken met kinderen bereikt" by
the end of 2025 (seed 001), on a deployment that has the seeded targets; imported campaign reach
counts toward it and imported BUIT completions toward the module 1 target (ADR 0024). The two
outside-count fields are new, so setting them overwrites no editor's choice. Its kept counts are
built by the nightly rebuild of stale targets (or `reporting_counts_rebuild --stale`)."""

from datetime import date

from django.db import migrations

ACTION_PLAN = "Actieplan Samen tegen mensenhandel, versterkt 21 december 2023"
REACH_CODE = "bereik-professionals-kinderen"
BASIC_CODE = "module-1-basiskennis"


def add_reach_target(apps, schema_editor):
    Target = apps.get_model("reporting", "Target")
    if not Target.objects.filter(code=BASIC_CODE).exists():
        return  # no seeded targets here (a new or test database): `targets_ensure` makes them
    Target.objects.filter(code=BASIC_CODE).update(counts_outside_buit=True)
    reach, created = Target.objects.get_or_create(
        code=REACH_CODE,
        defaults={
            "title": "50.000 professionals die werken met kinderen bereikt",
            "description": (
                "Eind 2025 heeft een landelijke campagne over seksuele en criminele uitbuiting "
                "van minderjarigen en het bijbehorend handelingskader minimaal 50.000 "
                "professionals die werken met kinderen bereikt."
            ),
            "unit": "people_passed",
            "goal": "number",
            "target_number": 50000,
            "period_start": date(2024, 1, 1),
            "period_end": date(2025, 12, 31),
            "source_note": f"{ACTION_PLAN}, actielijn minderjarigen.",
            "sort_order": 6,
        },
    )
    Target.objects.filter(pk=reach.pk).update(counts_outside_campaign=True)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0007_counts_by_source")]
    operations = [migrations.RunPython(add_reach_target, migrations.RunPython.noop)]
