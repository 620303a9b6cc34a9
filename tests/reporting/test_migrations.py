"""Migrations 0009 and 0010 run as on a deployment made before them: 0009 fills in the seeded
targets' other languages where nobody edited them and takes the Dutch instruction sentences out
of the seeded source notes; 0010 moves those texts into the JSON fields (ADR 0026). The test
migrates the reporting app back to 0008, writes rows with that state's models, and migrates
forward with Django's migration executor."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reporting.demo import SEED_TARGETS, TRANSLATIONS
from reporting.models import ReferencePoint, Target

BEFORE = ("reporting", "0008_campaign_reach_target")
BETWEEN = ("reporting", "0009_target_titles_in_every_language")
AFTER = ("reporting", "0010_target_texts_in_json")
ACTION_PLAN = "Actieplan Samen tegen mensenhandel, versterkt 21 december 2023"


@pytest.fixture
def migrate():
    """Migrates the database to a node and returns that state's app registry; leaves the database at the
    latest migrations."""

    def to(node):
        executor = MigrationExecutor(connection)
        executor.migrate([node])
        executor.loader.build_graph()
        return executor.loader.project_state([node]).apps

    yield to
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_texts_are_filled_in_moved_to_json_and_back_and_an_edit_is_left_alone(migrate):
    old = migrate(BEFORE)
    OldTarget = old.get_model("reporting", "Target")
    OldReferencePoint = old.get_model("reporting", "ReferencePoint")
    by_code = {seed.code: seed for seed in SEED_TARGETS}

    def target(code, **fields):
        seed = by_code[code]
        values = {
            "title": seed.title,
            "description": seed.description,
            "unit": seed.unit,
            "goal": seed.goal,
            "target_number": seed.target_number,
            "period_start": seed.period_start,
            "period_end": seed.period_end,
            **fields,
        }
        return OldTarget.objects.create(code=code, **values).pk

    focal = target(
        "module-4-aandachtsfunctionarissen",
        source_note=(
            f"{ACTION_PLAN}, actie 31. N (het aantal aandachtsfunctionarissen) vult het "
            "programmabureau in."
        ),
    )
    edited = target("module-2-verdieping", title="Bewerkt door de redactie", source_note="Eigen")
    hotels = target("hotels-vakantieparken-gecertificeerd")
    point = OldReferencePoint.objects.create(
        target_id=hotels,
        measure="organisations_registered",
        value=351,
        on_date=date(2024, 7, 15),
        source_note="NPST, peildatum 15 juli 2024: 351 hotels ingeschreven",
        sort_order=0,
    )

    # an editor wrote texts in 0009's columns
    middle = migrate(BETWEEN)
    own = (
        middle.get_model("reporting", "Target")
        .objects.create(
            code="eigen",
            title="Eigen doel",
            title_en="Own target",
            title_pl="Własny cel",
            description="Beschrijving",
            description_es="Descripción",
            unit="number",
            goal="number",
            target_number=5,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
        )
        .pk
    )

    migrate(AFTER)

    focal = Target.objects.get(pk=focal)
    seeded = TRANSLATIONS[focal.code]
    assert focal.titles == {language: title for language, (title, _d) in seeded.items()}
    assert focal.descriptions == {language: text for language, (_t, text) in seeded.items()}
    assert focal.source_note == f"{ACTION_PLAN}, actie 31."
    edited = Target.objects.get(pk=edited)
    assert (edited.titles, edited.descriptions) == ({}, {})  # no key: reads in Dutch
    assert edited.source_note == "Eigen"
    assert ReferencePoint.objects.get(pk=point.pk).source_note == "NPST"
    moved = Target.objects.get(pk=own)
    assert moved.titles == {"en": "Own target", "pl": "Własny cel"}
    assert moved.descriptions == {"es": "Descripción"}

    # and 0010 goes back to the columns
    back = migrate(BETWEEN)
    row = back.get_model("reporting", "Target").objects.get(pk=own)
    assert (row.title_en, row.title_pl, row.title_es) == ("Own target", "Własny cel", "")
    assert (row.description_en, row.description_es) == ("", "Descripción")
