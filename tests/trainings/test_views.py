import re
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.formats import get_format
from django.utils.translation import ngettext
from icalendar import Calendar

from certificates.models import Certificate
from lms.models import Completion
from tests.factories import PASSWORD, UserFactory
from trainings.models import Attendance, Registration

from .conftest import attended, make_session

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_list_shows_published_open_sessions_per_region(session):
    hidden = make_session(is_published=False, venue="Verborgen zaal")
    page = Client().get(reverse("trainings:list"), {"regio": "utrecht"})
    assert page.status_code == 200
    assert session.venue in page.content.decode()
    assert hidden.venue not in page.content.decode()
    assert reverse("trainings:region_ics", args=["utrecht"]) in page.content.decode()


def test_register_and_cancel_on_the_site(user, session):
    client = logged_in(user)
    answer = client.post(reverse("trainings:register", args=[session.public_id]))
    assert answer.status_code == 302
    assert Registration.objects.get(user=user).status == "registered"
    again = client.post(reverse("trainings:register", args=[session.public_id]))
    assert again.status_code == 409
    assert client.post(reverse("trainings:cancel", args=[session.public_id])).status_code == 302
    assert Registration.objects.get(user=user).status == "cancelled"


def test_closed_session_is_hidden_without_invitation(user):
    closed = make_session(is_closed=True)
    assert Client().get(reverse("trainings:session", args=[closed.public_id])).status_code == 404
    url = reverse("trainings:session", args=[closed.public_id])
    assert Client().get(url, {"uitnodiging": closed.invitation_token}).status_code == 200
    client = logged_in(user)
    answer = client.post(
        reverse("trainings:register", args=[closed.public_id]),
        {"invitation": closed.invitation_token},
    )
    assert answer.status_code == 302
    assert client.get(url).status_code == 200  # participants see it without the token


def test_session_calendar_file(session):
    answer = Client().get(reverse("trainings:session_ics", args=[session.public_id]))
    assert answer["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(answer.content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == session.starts_at.replace(microsecond=0)
    assert str(event["summary"]) == session.training_format.title
    assert "Stadsplateau 1" in str(event["location"])


def test_region_feed_lists_only_that_region(session):
    make_session(region=None, address="", venue="Elders")
    feed = Calendar.from_ical(
        Client().get(reverse("trainings:region_ics", args=["utrecht"])).content
    )
    assert len(feed.walk("VEVENT")) == 1
    assert Client().get(reverse("trainings:region_ics", args=["atlantis"])).status_code == 404


def test_trainer_marks_attendance_with_search(trainer):
    session = make_session(days=0)
    session.starts_at = timezone.now() - timedelta(hours=1)
    session.save()
    session.trainers.add(trainer)
    anna = UserFactory(full_name="Anna de Vries")
    bram = UserFactory(full_name="Bram Jansen")
    for person in (anna, bram):
        Registration.objects.create(session=session, user=person, status="registered")
    url = reverse("trainings:attendance", args=[session.public_id])
    assert logged_in(UserFactory()).get(url).status_code == 404
    client = logged_in(trainer)
    page = client.get(url, {"q": "anna"}).content.decode()
    assert "Anna de Vries" in page and "Bram Jansen" not in page
    registration = Registration.objects.get(user=anna)
    answer = client.post(url, {"registration": registration.pk, "status": "present"})
    assert answer.status_code == 302
    assert Completion.objects.filter(user=anna, source="training").exists()
    left = timezone.localtime(session.starts_at + timedelta(minutes=30)).strftime("%H:%M")
    bram_registration = Registration.objects.get(user=bram)
    client.post(url, {"registration": bram_registration.pk, "status": "partial", "left_at": left})
    bram_registration.refresh_from_db()
    assert bram_registration.attendance.status == "partial"
    assert not Completion.objects.filter(user=bram).exists()
    stranger = Registration.objects.create(
        session=make_session(), user=UserFactory(), status="registered"
    )
    answer = client.post(url, {"registration": stranger.pk, "status": "present"})
    assert answer.status_code == 409


def test_participant_checks_in_with_the_shown_code(trainer, user):
    session = make_session(days=0)
    session.starts_at = timezone.now() - timedelta(minutes=5)
    session.save()
    session.trainers.add(trainer)
    Registration.objects.create(session=session, user=user, status="registered")
    url = reverse("trainings:attendance", args=[session.public_id])
    logged_in(trainer).post(url, {"issue_code": "1"})
    session.refresh_from_db()
    page = logged_in(trainer).get(url).content.decode()
    assert session.attendance_code in page and "<svg" in page
    client = logged_in(user)
    assert client.post(reverse("trainings:check_in"), {"code": "WRONG1"}).status_code == 400
    answer = client.post(reverse("trainings:check_in"), {"code": session.attendance_code})
    assert answer.status_code == 200
    assert Registration.objects.get(user=user).attendance.method == "code"


def test_the_session_list_is_paginated_with_accessible_links_keeping_the_filters():
    from trainings.views import SESSIONS_PER_PAGE

    sessions = [
        make_session(days=1 + i, venue=f"Zaal {i:02d}") for i in range(SESSIONS_PER_PAGE + 3)
    ]
    first = Client().get(reverse("trainings:list"), {"regio": "utrecht"})
    html = first.content.decode()
    assert first.status_code == 200
    assert sessions[0].venue in html and sessions[SESSIONS_PER_PAGE - 1].venue in html
    assert sessions[SESSIONS_PER_PAGE].venue not in html
    assert 'aria-current="page"' in html
    assert 'rel="next"' in html and 'rel="prev"' not in html
    assert "?regio=utrecht&amp;pagina=2" in html  # the filter is kept
    second = Client().get(reverse("trainings:list"), {"regio": "utrecht", "pagina": "2"})
    html = second.content.decode()
    assert [s.venue in html for s in sessions[SESSIONS_PER_PAGE:]] == [True] * 3
    assert sessions[0].venue not in html
    assert 'rel="prev"' in html and 'rel="next"' not in html
    # a page number that is not one shows a page, never an error
    for bad in ("0", "999", "x"):
        assert Client().get(reverse("trainings:list"), {"pagina": bad}).status_code == 200


def test_one_page_of_sessions_has_no_page_links(session):
    html = Client().get(reverse("trainings:list")).content.decode()
    assert session.venue in html
    assert 'aria-label="Pages"' not in html and "pagination" not in html


def test_a_partial_attendance_after_midnight_counts_on_the_next_day(trainer):
    """An evening session from 22:30 to 01:00 (local time): 'left at 00:15' is the next day,
    whatever the time of day the test runs."""
    yesterday = timezone.localdate() - timedelta(days=1)
    starts = timezone.make_aware(datetime.combine(yesterday, time(22, 30)))
    session = make_session(
        days=0, starts_at=starts, ends_at=starts + timedelta(hours=2, minutes=30)
    )
    session.trainers.add(trainer)
    person = UserFactory()
    registration = Registration.objects.create(session=session, user=person, status="registered")
    url = reverse("trainings:attendance", args=[session.public_id])
    answer = logged_in(trainer).post(
        url, {"registration": registration.pk, "status": "partial", "left_at": "00:15"}
    )
    assert answer.status_code == 302
    registration.refresh_from_db()
    assert registration.attendance.status == "partial"
    assert registration.attendance.left_at == starts + timedelta(minutes=105)


def _running_session(trainer, **kwargs):
    """A session that started an hour ago (attendance can be recorded) trained by `trainer`."""
    session = make_session(days=0, **kwargs)
    session.starts_at = timezone.now() - timedelta(hours=1)
    session.ends_at = session.starts_at + timedelta(hours=3)
    session.save()
    session.trainers.add(trainer)
    return session


def test_saving_one_participant_returns_to_their_card(trainer):
    session = _running_session(trainer)
    anna = Registration.objects.create(
        session=session, user=UserFactory(full_name="Anna de Vries"), status="registered"
    )
    url = reverse("trainings:attendance", args=[session.public_id])
    client = logged_in(trainer)
    answer = client.post(url, {"registration": anna.pk, "status": "absent", "q": "anna"})
    assert answer.status_code == 302
    assert answer["Location"] == f"{url}?q=anna&opgeslagen={anna.pk}#deelnemer-{anna.pk}"
    page = client.get(answer["Location"]).content.decode()
    card = page[page.index(f'id="deelnemer-{anna.pk}"') :]
    card = card[: card.index("</li>")]
    # the card is the fragment's target, can take focus and says that it was saved
    assert 'tabindex="-1"' in card and 'role="status"' in card


def test_everyone_not_yet_recorded_is_marked_present_after_a_confirmation(trainer):
    session = _running_session(trainer)
    waiting = Registration.objects.create(session=session, user=UserFactory(), status="waiting")
    absent = attended(session, status="absent")
    pending = [
        Registration.objects.create(session=session, user=UserFactory(), status="registered")
        for _ in range(2)
    ]
    url = reverse("trainings:attendance", args=[session.public_id])
    client = logged_in(trainer)
    page = client.get(url).content.decode()
    assert "bevestigen=" not in page and 'name="bevestigen"' in page  # the first step: a question
    assert 'name="mark_all_present"' not in page
    confirm = client.get(url, {"bevestigen": "iedereen-aanwezig"}).content.decode()
    assert 'name="mark_all_present"' in confirm
    assert all(r.user.full_name in confirm for r in pending)
    # nobody else may do it
    assert logged_in(UserFactory()).post(url, {"mark_all_present": "1"}).status_code == 404
    assert not Attendance.objects.filter(registration__in=pending).exists()
    answer = client.post(url, {"mark_all_present": "1"}, follow=True)
    assert answer.redirect_chain == [(url, 302)]
    with translation.override("nl"):
        summary = ngettext(
            "%(count)s participant marked present.", "%(count)s participants marked present.", 2
        ) % {"count": 2}
    assert [str(m) for m in answer.context["messages"]] == [summary]
    for registration in pending:
        registration.refresh_from_db()
        assert (registration.attendance.status, registration.attendance.marked_by) == (
            "present",
            trainer,
        )
        assert Completion.objects.filter(user=registration.user, source="training").exists()
    absent.refresh_from_db()
    assert absent.attendance.status == "absent"  # recorded before: left as it was
    assert not Attendance.objects.filter(registration=waiting).exists()
    again = client.get(url, {"bevestigen": "iedereen-aanwezig"}).content.decode()
    assert 'name="mark_all_present"' not in again  # nobody left to mark


def test_everyone_present_is_refused_outside_the_attendance_window(trainer):
    session = make_session(days=3)
    session.trainers.add(trainer)
    registration = Registration.objects.create(
        session=session, user=UserFactory(), status="registered"
    )
    url = reverse("trainings:attendance", args=[session.public_id])
    answer = logged_in(trainer).post(url, {"mark_all_present": "1"})
    assert answer.status_code == 403
    assert not Attendance.objects.filter(registration=registration).exists()


def _card(page: str, registration) -> str:
    """The HTML of `registration`'s card on the attendance page."""
    card = page[page.index(f'<li class="card" id="deelnemer-{registration.pk}"') :]
    return card[: card.index("</li>")]


def test_a_failed_save_is_shown_in_the_persons_card_keeping_the_choice(trainer):
    session = _running_session(trainer)
    bram = attended(session, UserFactory(full_name="Bram Jansen"), status="absent")
    other = Registration.objects.create(
        session=session, user=UserFactory(full_name="Cor Visser"), status="registered"
    )
    url = reverse("trainings:attendance", args=[session.public_id])
    client = logged_in(trainer)
    answer = client.post(url, {"registration": bram.pk, "status": "partial", "left_at": ""})
    assert answer.status_code == 400
    page = answer.content.decode()
    with translation.override("nl"):
        message = translation.gettext("Enter the time the participant left.")
    # the summary at the top names the person and leads to the card
    summary = page[: page.index('class="card-list participants"')]
    assert f'href="#deelnemer-{bram.pk}">Bram Jansen</a>: {message}' in summary
    card = _card(page, bram)
    assert message in card and f'aria-describedby="deelnemer-{bram.pk}-fout"' in card
    assert 'value="partial" checked' in card and 'value="absent" checked' not in card
    assert message not in _card(page, other)
    bram.refresh_from_db()
    assert bram.attendance.status == "absent"  # nothing changed


def test_a_time_that_is_no_time_is_an_error_in_the_card_not_a_crash(trainer):
    session = _running_session(trainer)
    anna = Registration.objects.create(
        session=session, user=UserFactory(full_name="Anna de Vries"), status="registered"
    )
    url = reverse("trainings:attendance", args=[session.public_id])
    answer = logged_in(trainer).post(
        url, {"registration": anna.pk, "status": "partial", "left_at": "25:00"}
    )
    assert answer.status_code == 400
    card = _card(answer.content.decode(), anna)
    assert 'value="25:00"' in card and 'aria-invalid="true"' in card
    assert not Attendance.objects.filter(registration=anna).exists()


def test_a_participant_that_is_no_id_is_not_registered_not_a_crash(trainer):
    """A hand-edited form (a registration that is no number, or too large for an id) gets the
    page's "not registered" message, never a server error, and changes nothing."""
    session = _running_session(trainer)
    anna = Registration.objects.create(session=session, user=UserFactory(), status="registered")
    url = reverse("trainings:attendance", args=[session.public_id])
    client = logged_in(trainer)
    for value in ("abc", "1.5", str(2**63), "-1"):
        answer = client.post(url, {"registration": value, "status": "absent"})
        assert answer.status_code == 409, value
    assert not Attendance.objects.filter(registration=anna).exists()


def test_saving_without_a_choice_asks_for_one(trainer):
    session = _running_session(trainer)
    anna = Registration.objects.create(session=session, user=UserFactory(), status="registered")
    url = reverse("trainings:attendance", args=[session.public_id])
    answer = logged_in(trainer).post(url, {"registration": anna.pk, "left_at": "12:00"})
    assert answer.status_code == 400
    with translation.override("nl"):
        message = translation.gettext("Choose present, left early or absent.")
    card = _card(answer.content.decode(), anna)
    assert message in card and 'value="12:00"' in card


def test_check_in_after_the_trainer_recorded_absence_is_refused_with_a_reason(trainer, user):
    session = _running_session(trainer)
    registration = attended(session, user, status="absent")
    logged_in(trainer).post(
        reverse("trainings:attendance", args=[session.public_id]), {"issue_code": "1"}
    )
    session.refresh_from_db()
    answer = logged_in(user).post(reverse("trainings:check_in"), {"code": session.attendance_code})
    assert answer.status_code == 409
    with translation.override("nl"):
        message = translation.gettext(
            "Your trainer recorded you as absent. If you are here, ask them to correct it."
        )
    assert message in answer.content.decode()
    registration.refresh_from_db()
    assert registration.attendance.status == "absent"
    assert not Completion.objects.filter(user=user).exists()


def test_my_trainings_shows_the_recorded_attendance_and_the_certificate(trainer, user):
    from trainings import services

    sessions = [_running_session(trainer, venue=f"Zaal {i}") for i in range(3)]
    present, partial, absent = (
        Registration.objects.create(session=s, user=user, status="registered") for s in sessions
    )
    services.attendance_mark(registration=present, status="present", marked_by=trainer)
    services.attendance_mark(
        registration=partial,
        status="partial",
        left_at=sessions[1].starts_at + timedelta(minutes=30),
        marked_by=trainer,
    )
    services.attendance_mark(registration=absent, status="absent", marked_by=trainer)
    upcoming = Registration.objects.create(session=make_session(), user=user, status="registered")
    certificate = Certificate.objects.get(user=user)
    page = logged_in(user).get(reverse("trainings:mine")).content.decode()
    cards = {}
    for registration in (present, partial, absent, upcoming):
        start = page.index(reverse("trainings:session", args=[registration.session.public_id]))
        cards[registration.pk] = page[start : page.index("</li>", start)]
    with translation.override("nl"):
        expected = {
            present.pk: translation.gettext("attended"),
            partial.pk: translation.gettext("left early"),
            absent.pk: translation.gettext("absent"),
            upcoming.pk: translation.gettext("registered"),
        }
    for pk, label in expected.items():
        assert f"· {label}</p>" in cards[pk]
    link = reverse("certificate_detail", args=[certificate.code])
    assert link in cards[present.pk]
    assert all(link not in cards[r.pk] for r in (partial, absent, upcoming))


@pytest.mark.parametrize("language", ["nl", "en", "pl", "es"])
def test_the_codes_expiry_ends_in_one_full_stop_at_most(trainer, language):
    """English times end in a full stop of their own ("4:35 p.m."): the sentence adds none."""
    session = _running_session(trainer)
    url = reverse("trainings:attendance", args=[session.public_id])
    client = logged_in(trainer)
    client.post(url, {"issue_code": "1"})
    session.refresh_from_db()
    # a time in the afternoon, whatever the time the test runs
    expires = timezone.localtime().replace(hour=16, minute=35)
    if expires <= timezone.now():
        expires += timedelta(days=1)  # still valid: the page shows it
    type(session).objects.filter(pk=session.pk).update(attendance_code_expires_at=expires)
    with translation.override(language):
        localized = reverse("trainings:attendance", args=[session.public_id])
        page = client.get(localized, headers={"accept-language": language}).content.decode()
        shown = dateformat.time_format(expires, get_format("TIME_FORMAT"))
    line = page[page.index('data-testid="attendance-code"') :]
    line = line[line.index('<p class="meta">') : line.index("</p>", line.index('<p class="meta">'))]
    assert shown in line and not re.search(r"\.\s*\.", line)


def test_the_attendance_page_shows_the_waiting_list_in_order(trainer):
    session = _running_session(trainer, capacity=1)
    Registration.objects.create(
        session=session, user=UserFactory(full_name="Anna de Vries"), status="registered"
    )
    now = timezone.now()
    for minutes, name in ((5, "Cor Visser"), (1, "Bram Jansen"), (9, "Dirk Smit")):
        Registration.objects.create(
            session=session,
            user=UserFactory(full_name=name),
            status="waiting",
            created_at=now - timedelta(minutes=minutes),
        )
    Registration.objects.create(
        session=session, user=UserFactory(full_name="Eva Weg"), status="cancelled"
    )
    url = reverse("trainings:attendance", args=[session.public_id])
    page = logged_in(trainer).get(url).content.decode()
    waiting = page[page.index('data-testid="waiting-list"') :]
    waiting = waiting[: waiting.index("</ol>")]
    assert re.findall(r"<li>([^<]+)</li>", waiting) == ["Dirk Smit", "Cor Visser", "Bram Jansen"]
    # read only: nobody on the waiting list has a form to record attendance
    assert page.count('name="registration"') == 1
