"""Demo training formats and sessions from the Rotterdam dossier (seed 003). Idempotent: a format
is created once (found by title), its sessions only while it has none."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Locale

from accounts.models import Region
from courses.models import CoursePage

from .models import Delivery, TrainingFormat, TrainingSession

LOCAL = ZoneInfo(settings.TIME_ZONE)

AWARENESS_TITLE = "Bewustwordingsbijeenkomst: Herkennen en signaleren van mensenhandel"
AWARENESS_DESCRIPTION = (
    "Gemeenteambtenaren en professionals van ketenpartners fungeren als de ogen en oren van de "
    "gemeente, met de mogelijkheid om zowel slachtoffers van mensenhandel als de daders zelf in "
    "hun werk tegen te komen. Hoewel signalen vaak opgemerkt worden, worden ze niet altijd "
    "herkend als tekenen van mensenhandel. Tijdens deze kosteloze bijeenkomst komt aan bod:\n"
    "- Wat is mensenhandel?\n"
    "- Wat zijn de signalen en hoe herken ik die?\n"
    "- Wat kun je doen met je onderbuikgevoel?\n"
    "- Waar kan ik melden?\n"
    "De bijeenkomst is fysiek, maar kan desgewenst ook digitaal worden aangeboden."
)
KIND_TITLE = "Kind en Uitbuiting: signalen van mensenhandel bij minderjarigen herkennen en opvolgen"
KIND_DESCRIPTION = (
    "Fier, het Rode Kruis en Defence for Children zijn samen het project Kind en Uitbuiting "
    "gestart. De training leert professionals in de vreemdelingenketen, de jeugdzorg en het "
    "speciaal voortgezet onderwijs om signalen van mensenhandel onder minderjarige slachtoffers "
    "te herkennen en op te volgen. De training is kosteloos voor een groep van minimaal 30 en "
    "maximaal 60 deelnemers. Vooraf volg je de e-learning BUIT voor professionals."
)
#: the e-learning passed before the in-depth training (blended learning)
PREREQUISITE_SLUG = "signaleren-uitbuiting-minderjarigen"


def _at(days_ahead: int, start: time) -> datetime:
    day = timezone.localdate() + timedelta(days=days_ahead)
    return datetime.combine(day, start, tzinfo=LOCAL)


def training_demo_ensure(
    *, organiser_email: str = "", trainer_email: str = ""
) -> list[TrainingFormat]:
    """The awareness meeting (CoMensha with ESSM) and the Kind en Uitbuiting training, each with
    a few sessions in the coming weeks."""
    locale = Locale.get_default()
    User = get_user_model()
    organiser = User.objects.filter(email=organiser_email).first() if organiser_email else None
    trainer = User.objects.filter(email=trainer_email).first() if trainer_email else None
    rotterdam = Region.objects.filter(slug="rotterdam-rijnmond").first()
    utrecht = Region.objects.filter(slug="utrecht").first()
    awareness, _ = TrainingFormat.objects.get_or_create(
        title=AWARENESS_TITLE,
        locale=locale,
        defaults={
            "description": AWARENESS_DESCRIPTION,
            "audience": "focal_point",
            "duration_minutes": 150,
            "delivery": Delivery.ON_LOCATION,
            "min_group_size": 10,
            "max_group_size": 80,
            "organiser": "CoMensha met het ESSM (Stichting Humanitas)",
        },
    )
    kind, _ = TrainingFormat.objects.get_or_create(
        title=KIND_TITLE,
        locale=locale,
        defaults={
            "description": KIND_DESCRIPTION,
            "audience": "contact_person_minors",
            "duration_minutes": 240,
            "delivery": Delivery.ON_LOCATION,
            "min_group_size": 30,
            "max_group_size": 60,
            "organiser": "Fier, Het Nederlandse Rode Kruis en Defence for Children",
            "prerequisite_course": CoursePage.objects.filter(slug=PREREQUISITE_SLUG)
            .order_by("pk")
            .first(),
        },
    )
    plans = {
        awareness: [
            (
                14,
                time(13, 30),
                rotterdam,
                "Stadhuis Rotterdam",
                "Coolsingel 40, 3011 AD Rotterdam",
                60,
            ),
            (
                28,
                time(9, 30),
                utrecht,
                "Stadskantoor Utrecht",
                "Stadsplateau 1, 3521 AZ Utrecht",
                40,
            ),
        ],
        kind: [
            (
                21,
                time(9, 0),
                utrecht,
                "Jaarbeurs Meeting Center",
                "Jaarbeursplein 6, 3521 AL Utrecht",
                60,
            ),
        ],
    }
    for fmt, sessions in plans.items():
        if organiser is not None:
            fmt.organisers.add(organiser)
        if fmt.sessions.exists():
            continue
        for days, start, region, venue, address, capacity in sessions:
            starts_at = _at(days, start)
            session = TrainingSession.objects.create(
                training_format=fmt,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=fmt.duration_minutes),
                venue=venue,
                address=address,
                region=region,
                capacity=capacity,
                is_published=True,
            )
            if trainer is not None:
                session.trainers.add(trainer)
    return [awareness, kind]
