"""Migration 0009 fills in the seeded targets' other languages where nobody edited them, and
takes the Dutch instruction sentences out of the seeded source notes (ADR 0026). Its function is
run on today's models, which have the same fields."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from reporting.demo import OTHER_LANGUAGES, SEED_TARGETS
from reporting.models import ReferencePoint, Target

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("reporting.migrations.0009_target_titles_in_every_language")


def _target(seed, **fields) -> Target:
    return Target.objects.create(
        code=seed.code,
        title=seed.title,
        description=seed.description,
        unit=seed.unit,
        goal=seed.goal,
        target_number=seed.target_number,
        period_start=seed.period_start,
        period_end=seed.period_end,
        **fields,
    )


def test_seeded_wording_is_filled_in_and_an_edit_is_left_alone():
    by_code = {seed.code: seed for seed in SEED_TARGETS}
    focal = _target(
        by_code["module-4-aandachtsfunctionarissen"],
        source_note=(
            f"{MIGRATION.ACTION_PLAN}, actie 31. N (het aantal aandachtsfunctionarissen) vult "
            "het programmabureau in."
        ),
    )
    edited = _target(by_code["module-2-verdieping"], source_note="Eigen bron")
    Target.objects.filter(pk=edited.pk).update(title="Bewerkt door de redactie")
    kept = _target(by_code["module-1-basiskennis"], title_pl="Własny tytuł")
    hotels = _target(by_code["hotels-vakantieparken-gecertificeerd"])
    point = ReferencePoint.objects.create(
        target=hotels,
        measure=ReferencePoint.Measure.ORGANISATIONS_REGISTERED,
        value=351,
        on_date=date(2024, 7, 15),
        source_note="NPST, peildatum 15 juli 2024: 351 hotels ingeschreven",
    )

    MIGRATION.fill(apps, None)

    focal.refresh_from_db()
    for language, (title, description) in OTHER_LANGUAGES[focal.code].items():
        assert getattr(focal, f"title_{language}") == title
        assert getattr(focal, f"description_{language}") == description
    assert focal.source_note == f"{MIGRATION.ACTION_PLAN}, actie 31."
    edited.refresh_from_db()
    assert (edited.title_en, edited.title_pl, edited.title_es) == ("", "", "")
    assert edited.source_note == "Eigen bron"
    kept.refresh_from_db()
    assert kept.title_pl == "Własny tytuł"  # a translation already there stays
    assert kept.title_en == OTHER_LANGUAGES[kept.code]["en"][0]
    point.refresh_from_db()
    assert point.source_note == "NPST"
