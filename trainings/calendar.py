"""iCalendar files (RFC 5545, with the `icalendar` library): one per session, one feed per
region. Times are written in UTC (the Z form), which every calendar converts to the reader's
zone; the session page shows them in Dutch time."""

from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import TrainingFormat, TrainingSession
from .selectors import formats_localized

PRODUCT_ID = "-//Samen tegen mensenhandel//Trainingen//NL"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(session: TrainingSession, training: TrainingFormat) -> Event:
    url = settings.SITE_URL + reverse("trainings:session", args=[session.public_id])
    event = Event()
    # stable across downloads, so re-importing updates the event instead of adding one
    event.add("uid", f"session-{session.public_id}@{settings.SITE_URL.split('://')[-1]}")
    event.add("dtstamp", timezone.now())
    # raised with every change of time or place: a calendar that has the event replaces it
    event.add("sequence", session.sequence)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", training.title)
    where = ", ".join(part for part in (session.venue, session.address) if part)
    if where:
        event.add("location", where)
    elif session.online_url:
        event.add("location", _("Online"))
    # the online link is for participants only (their e-mails carry it), never in a public file
    description = [
        training.description,
        "",
        _("Organiser: %(name)s") % {"name": training.organiser},
        url,
    ]
    event.add("description", "\n".join(description))
    event.add("url", url)
    return event


def session_calendar(session: TrainingSession) -> bytes:
    training = session.training_format.localized
    calendar = _calendar(training.title)
    calendar.add_component(_event(session, training))
    return calendar.to_ical()


def region_feed(*, name: str, sessions: Sequence[TrainingSession]) -> bytes:
    calendar = _calendar(_("Trainings in %(region)s") % {"region": name})
    trainings = formats_localized(session.training_format for session in sessions)
    for session in sessions:
        calendar.add_component(_event(session, trainings[session.training_format_id]))
    return calendar.to_ical()
