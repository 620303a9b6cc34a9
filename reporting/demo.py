"""The seven targets of the action plan (seed 001) and the NPST reference figures (seed 000/002),
as editable rows. Idempotent: a second run adds what is missing and never overwrites an edit."""

from dataclasses import dataclass, field
from datetime import date

from accounts.models import ProfessionalRole
from courses.models import CoursePage

from .models import OrganisationScope, OutsideSource, ReferencePoint, Target, TargetCourse
from .services import targets_counts_rebuild

# Where a target comes from: the document's own name, which no page translates (ADR 0026)
ACTION_PLAN = "Actieplan Samen tegen mensenhandel, versterkt 21 december 2023"
NPST_REPORT = "Eindrapportage no regret-middelen (CoMensha, NPST)"


@dataclass(frozen=True)
class SeedTarget:
    code: str
    title: str
    description: str
    unit: str
    goal: str
    target_number: int | None
    period_start: date
    period_end: date
    source_note: str
    course_slugs: tuple[str, ...] = ()
    organisation_scope: str = OrganisationScope.ALL
    #: "all of N" targets where N is the number of people in a role count only that role
    professional_roles: tuple[str, ...] = ()
    reference_points: tuple[tuple[str, int, date, str], ...] = field(default=())
    #: imported outside counts that count toward it (ADR 0024): "buit", "campaign"
    outside_sources: tuple[str, ...] = ()


#: The seeded targets' title and description in the other site languages (ADR 0026), per code
#: and language.
TRANSLATIONS: dict[str, dict[str, tuple[str, str]]] = {
    "module-1-basiskennis": {
        "en": (
            "20,000 professionals working with children have basic knowledge",
            "By the end of 2026, 20,000 professionals working with children have basic knowledge "
            "of recognising and reporting (sexual and criminal) exploitation of minors.",
        ),
        "pl": (
            "20 000 specjalistów pracujących z dziećmi ma podstawową wiedzę",
            "Do końca 2026 r. 20 000 specjalistów pracujących z dziećmi ma podstawową wiedzę o "
            "rozpoznawaniu i zgłaszaniu wyzysku (seksualnego i przestępczego) małoletnich.",
        ),
        "es": (
            "20.000 profesionales que trabajan con niños tienen conocimientos básicos",
            "A finales de 2026, 20.000 profesionales que trabajan con niños tienen conocimientos "
            "básicos sobre cómo detectar y denunciar la explotación (sexual y criminal) de menores.",
        ),
    },
    "module-2-verdieping": {
        "en": (
            "1,500 professionals with the in-depth training",
            "By the end of 2026, 1,500 professionals working with children have completed an "
            "in-depth training and can act as contact person for human trafficking of minors.",
        ),
        "pl": (
            "1500 specjalistów po szkoleniu pogłębionym",
            "Do końca 2026 r. 1500 specjalistów pracujących z dziećmi ukończyło szkolenie "
            "pogłębione i może pełnić funkcję osoby kontaktowej ds. handlu małoletnimi.",
        ),
        "es": (
            "1.500 profesionales con la formación en profundidad",
            "A finales de 2026, 1.500 profesionales que trabajan con niños han realizado una "
            "formación en profundidad y pueden actuar como persona de contacto sobre la trata de "
            "menores.",
        ),
    },
    "module-3-reclassering": {
        "en": (
            "At least 250 probation officers trained in 2025 and 2026",
            "In 2025 and 2026, at least 250 probation officers are trained through the e-learning.",
        ),
        "pl": (
            "Co najmniej 250 kuratorów sądowych przeszkolonych w latach 2025 i 2026",
            "W latach 2025 i 2026 co najmniej 250 kuratorów sądowych zostaje przeszkolonych za "
            "pomocą e-learningu.",
        ),
        "es": (
            "Al menos 250 agentes de libertad vigilada formados en 2025 y 2026",
            "En 2025 y 2026, al menos 250 agentes de libertad vigilada reciben formación mediante "
            "el curso en línea.",
        ),
    },
    "module-4-aandachtsfunctionarissen": {
        "en": (
            "All municipal focal points (aandachtsfunctionarissen) trained in 2026",
            "In 2026, all municipal focal points (aandachtsfunctionarissen) have been trained.",
        ),
        "pl": (
            "Wszystkie gminne osoby kontaktowe (aandachtsfunctionarissen) przeszkolone w 2026 r.",
            "W 2026 r. wszystkie gminne osoby kontaktowe (aandachtsfunctionarissen) zostały "
            "przeszkolone.",
        ),
        "es": (
            "Todos los referentes municipales (aandachtsfunctionarissen) formados en 2026",
            "En 2026, todos los referentes municipales (aandachtsfunctionarissen) han recibido "
            "formación.",
        ),
    },
    "module-5-ketenregisseurs": {
        "en": (
            "All chain directors (ketenregisseurs) follow the same basic training in 2026",
            "In 2026, all chain directors (ketenregisseurs) follow the same basic training.",
        ),
        "pl": (
            "Wszyscy koordynatorzy współpracy (ketenregisseurs) przechodzą to samo szkolenie "
            "podstawowe w 2026 r.",
            "W 2026 r. wszyscy koordynatorzy współpracy (ketenregisseurs) przechodzą to samo "
            "szkolenie podstawowe.",
        ),
        "es": (
            "Todos los coordinadores de la cadena (ketenregisseurs) siguen la misma formación "
            "básica en 2026",
            "En 2026, todos los coordinadores de la cadena (ketenregisseurs) siguen la misma "
            "formación básica.",
        ),
    },
    "hotels-vakantieparken-gecertificeerd": {
        "en": (
            "Hotels and holiday parks: registered and certified",
            "Hotels and holiday parks that take part in No Place for Sex Trafficking and earn a "
            "certificate (60% of their staff trained).",
        ),
        "pl": (
            "Hotele i parki wypoczynkowe: zarejestrowane i certyfikowane",
            "Hotele i parki wypoczynkowe, które uczestniczą w programie No Place for Sex "
            "Trafficking i uzyskują certyfikat (przeszkolone 60% personelu).",
        ),
        "es": (
            "Hoteles y parques vacacionales: inscritos y certificados",
            "Hoteles y parques vacacionales que participan en No Place for Sex Trafficking y "
            "obtienen un certificado (60 % del personal formado).",
        ),
    },
    "bereik-professionals-kinderen": {
        "en": (
            "50,000 professionals working with children reached",
            "By the end of 2025, a national campaign on sexual and criminal exploitation of "
            "minors and its framework for action has reached at least 50,000 professionals "
            "working with children.",
        ),
        "pl": (
            "Dotarcie do 50 000 specjalistów pracujących z dziećmi",
            "Do końca 2025 r. ogólnokrajowa kampania na temat wyzysku seksualnego i "
            "przestępczego małoletnich oraz związanych z nią wytycznych dotarła do co najmniej "
            "50 000 specjalistów pracujących z dziećmi.",
        ),
        "es": (
            "Llegar a 50.000 profesionales que trabajan con niños",
            "A finales de 2025, una campaña nacional sobre la explotación sexual y criminal de "
            "menores y su marco de actuación ha llegado al menos a 50.000 profesionales que "
            "trabajan con niños.",
        ),
    },
}


SEED_TARGETS = [
    SeedTarget(
        code="module-1-basiskennis",
        title="20.000 professionals die werken met kinderen hebben basiskennis",
        description=(
            "Eind 2026 hebben 20.000 professionals die werken met kinderen basiskennis over "
            "signalering en melden van (seksuele en criminele) uitbuiting van minderjarigen."
        ),
        unit=Target.Unit.PEOPLE_PASSED,
        goal=Target.Goal.NUMBER,
        target_number=20000,
        period_start=date(2024, 1, 1),
        period_end=date(2026, 12, 31),
        source_note=f"{ACTION_PLAN}, actielijn minderjarigen.",
        course_slugs=("signaleren-uitbuiting-minderjarigen",),
        outside_sources=(OutsideSource.BUIT,),
    ),
    SeedTarget(
        code="module-2-verdieping",
        title="1.500 professionals met de verdiepende training",
        description=(
            "Eind 2026 hebben 1.500 professionals die werken met kinderen een verdiepende "
            "training gevolgd en kunnen zij optreden als contactpersoon mensenhandel "
            "minderjarigen."
        ),
        unit=Target.Unit.PEOPLE_PASSED,
        goal=Target.Goal.NUMBER,
        target_number=1500,
        period_start=date(2024, 1, 1),
        period_end=date(2026, 12, 31),
        source_note=f"{ACTION_PLAN}, actielijn minderjarigen.",
        course_slugs=("verdiepende-training-mensenhandel-minderjarigen",),
    ),
    SeedTarget(
        code="module-3-reclassering",
        title="Minimaal 250 reclasseringsmedewerkers getraind in 2025 en 2026",
        description=(
            "In 2025 en 2026 worden minimaal 250 reclasseringsmedewerkers door middel van de "
            "e-learning getraind."
        ),
        unit=Target.Unit.PEOPLE_PASSED,
        goal=Target.Goal.NUMBER,
        target_number=250,
        period_start=date(2025, 1, 1),
        period_end=date(2026, 12, 31),
        source_note=f"{ACTION_PLAN}, operationeel doel reclassering.",
        course_slugs=("mensenhandel-herkennen-reclassering",),
    ),
    SeedTarget(
        code="module-4-aandachtsfunctionarissen",
        title="Alle aandachtsfunctionarissen getraind in 2026",
        description="In 2026 zijn alle aandachtsfunctionarissen getraind.",
        unit=Target.Unit.PEOPLE_PASSED,
        goal=Target.Goal.ALL_OF_N,
        target_number=None,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        source_note=f"{ACTION_PLAN}, actie 31.",
        course_slugs=("basistraining-aandachtsfunctionaris-mensenhandel",),
        professional_roles=("aandachtsfunctionaris-mensenhandel",),
    ),
    SeedTarget(
        code="module-5-ketenregisseurs",
        title="Alle ketenregisseurs volgen dezelfde basistraining in 2026",
        description="In 2026 volgen alle ketenregisseurs dezelfde basistraining.",
        unit=Target.Unit.PEOPLE_PASSED,
        goal=Target.Goal.ALL_OF_N,
        target_number=None,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        source_note=f"{ACTION_PLAN}, actie 35.",
        course_slugs=("basistraining-ketenregisseur-mensenhandel",),
        professional_roles=("ketenregisseur-mensenhandel",),
    ),
    SeedTarget(
        code="hotels-vakantieparken-gecertificeerd",
        title="Hotels en vakantieparken: ingeschreven en gecertificeerd",
        description=(
            "Hotels en vakantieparken die meedoen aan No Place for Sex Trafficking en een "
            "certificaat behalen (60% van het personeel getraind)."
        ),
        unit=Target.Unit.ORGANISATIONS_CERTIFIED,
        goal=Target.Goal.ALL_OF_N,
        target_number=None,
        period_start=date(2024, 1, 1),
        period_end=date(2026, 12, 31),
        source_note=NPST_REPORT,
        course_slugs=("hotelpersoneel-herken-seksuele-uitbuiting",),
        organisation_scope=OrganisationScope.HOTELS_AND_HOLIDAY_PARKS,
        reference_points=(
            (
                ReferencePoint.Measure.ORGANISATIONS_REGISTERED,
                351,
                date(2024, 7, 15),
                "NPST",
            ),
            (
                ReferencePoint.Measure.ORGANISATIONS_CERTIFIED,
                172,
                date(2024, 7, 15),
                "NPST",
            ),
        ),
    ),
    # the campaign's reach (migration 0008 adds it where the seeded targets exist): imported
    # campaign reach counts, and trainings on location link to it (the awareness meeting)
    SeedTarget(
        code="bereik-professionals-kinderen",
        title="50.000 professionals die werken met kinderen bereikt",
        description=(
            "Eind 2025 heeft een landelijke campagne over seksuele en criminele uitbuiting van "
            "minderjarigen en het bijbehorend handelingskader minimaal 50.000 professionals die "
            "werken met kinderen bereikt."
        ),
        unit=Target.Unit.PEOPLE_PASSED,
        goal=Target.Goal.NUMBER,
        target_number=50000,
        period_start=date(2024, 1, 1),
        period_end=date(2025, 12, 31),
        source_note=f"{ACTION_PLAN}, actielijn minderjarigen.",
        outside_sources=(OutsideSource.CAMPAIGN,),
    ),
]


def _target_fields(seed: SeedTarget, *, sort_order: int) -> dict:
    """A new target's fields from its seed (get_or_create's defaults: an edited target stays)."""
    return {
        "title": seed.title,
        "description": seed.description,
        **_other_languages(seed),
        "unit": seed.unit,
        "goal": seed.goal,
        "target_number": seed.target_number,
        "period_start": seed.period_start,
        "period_end": seed.period_end,
        "source_note": seed.source_note,
        "organisation_scope": seed.organisation_scope,
        "counts_outside_buit": OutsideSource.BUIT in seed.outside_sources,
        "counts_outside_campaign": OutsideSource.CAMPAIGN in seed.outside_sources,
        "sort_order": sort_order,
    }


def _other_languages(seed: SeedTarget) -> dict[str, dict[str, str]]:
    pairs = TRANSLATIONS[seed.code]
    return {
        "titles": {language: title for language, (title, _d) in pairs.items()},
        "descriptions": {language: description for language, (_t, description) in pairs.items()},
    }


def _other_languages_fill(target: Target, seed: SeedTarget) -> None:
    """A target made before it had other languages gets the seeded ones it lacks, while its
    Dutch title and description are still the seed's (an edited text is not the seed's to
    translate); a translation already there stays."""
    if (target.title, target.description) != (seed.title, seed.description):
        return
    changed = {}
    for field_name, seeded in _other_languages(seed).items():
        texts = getattr(target, field_name) or {}
        if any(not texts.get(language) for language in seeded):
            changed[field_name] = {**seeded, **{k: v for k, v in texts.items() if v}}
    if changed:
        Target.objects.filter(pk=target.pk).update(**changed)
        for field_name, texts in changed.items():
            setattr(target, field_name, texts)


def targets_ensure() -> list[Target]:
    """Create the seeded targets that do not exist yet (with their role filter); link courses
    that have been loaded since (a target that has no counting course yet gets its seeded ones).
    An edited role filter is left alone, also when an editor emptied it. Builds the kept counts
    of targets whose definition is new."""
    targets = []
    for order, seed in enumerate(SEED_TARGETS):
        target, created = Target.objects.get_or_create(
            code=seed.code,
            defaults=_target_fields(seed, sort_order=order),
        )
        if not created:
            _other_languages_fill(target, seed)
        if created:
            target.professional_roles.set(
                ProfessionalRole.objects.filter(slug__in=seed.professional_roles)
            )
            target.save()  # a ParentalManyToManyField is written on save
            for measure, value, on_date, note in seed.reference_points:
                ReferencePoint.objects.create(
                    target=target, measure=measure, value=value, on_date=on_date, source_note=note
                )
        if not target.courses.exists():
            for position, slug in enumerate(seed.course_slugs):
                # any language version: they share the translation key that is counted
                course = CoursePage.objects.filter(slug=slug).order_by("pk").first()
                if course is not None:
                    TargetCourse(target=target, course=course, sort_order=position).save()
        targets.append(target)
    # new targets and newly linked courses: keep their counts from now on (ADR 0020)
    targets_counts_rebuild(stale_only=True)
    return targets


#: Trainings on location count toward targets like courses do (ADR 0017): the in-depth training
#: toward the 1.500, the awareness meeting toward the campaign's reach of 50.000.
REACH_TARGET = next(seed for seed in SEED_TARGETS if seed.code == "bereik-professionals-kinderen")


def training_targets_ensure(*, awareness, in_depth) -> None:
    """Create the reach target (once) and link the demo training formats to their targets when
    they are not linked yet."""
    seed = REACH_TARGET
    reach, _created = Target.objects.get_or_create(
        code=seed.code,
        defaults=_target_fields(seed, sort_order=SEED_TARGETS.index(seed)),
    )
    links = [
        (reach, awareness),
        (Target.objects.filter(code="module-2-verdieping").first(), in_depth),
    ]
    for target, training in links:
        if target is None or target.courses.filter(course_key=training.translation_key).exists():
            continue
        TargetCourse(target=target, training=training, sort_order=target.courses.count()).save()
