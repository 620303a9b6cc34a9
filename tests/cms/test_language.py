"""Which language a page speaks (ADR 0015): the visitor's language from the address, the
language cookie or Accept-Language; the language switch on every page; a course version's pages
in the course's language without a Dutch word; password and allauth messages, dates and plurals
in the page's language."""

import datetime
import html
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from courses.models import CoursePage
from lms import services
from tests import factories

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"


def _visible_text(content: bytes) -> str:
    body = content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(strip_tags(body)).split())


def dutch_interface_strings_in(text: str, language: str) -> list[str]:
    """Pieces of Dutch interface text (from the Dutch catalogue, between placeholders, at least
    12 characters) that appear in `text`, leaving out pieces the `language` catalogue uses too
    (names such as "Samen tegen mensenhandel")."""
    dutch = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))
    other = {
        (e.msgctxt, e.msgid): e
        for e in polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    }

    def strings(entry) -> list[str]:
        return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]

    found = []
    for entry in dutch.translated_entries():
        theirs = " ".join(strings(other[(entry.msgctxt, entry.msgid)]))
        for value in strings(entry):
            for piece in re.split(r"%\(\w+\)[sd]|%[sd]|%%|<[^>]+>", value):
                piece = piece.strip(" .,:;()")
                if len(piece) >= 12 and piece not in theirs and piece in text:
                    found.append(piece)
    return found


# --- the visitor's language ------------------------------------------------------------------


def test_a_polish_browser_is_sent_to_the_polish_address(client):
    response = client.get(
        "/catalogus/?doelgroep=hotel_staff", HTTP_ACCEPT_LANGUAGE="pl-PL,pl;q=0.9"
    )
    assert response.status_code == 302
    assert response["Location"] == "/pl/catalogus/?doelgroep=hotel_staff"
    assert "Accept-Language" in response["Vary"]


def test_the_language_cookie_wins_over_the_browser(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 200
    assert '<html lang="nl"' in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="nl")["Location"] == "/es/"


@pytest.mark.parametrize("browser", ["en-GB,en;q=0.9", "pl-PL", "es"])
def test_a_page_without_a_version_in_the_browsers_language_stays_on_its_address(client, browser):
    """A Dutch-only course (and any page with no version in that language) is not sent to the
    browser language's address, where it does not exist (a 404 before): it is served where it
    is, in its own language. A course that has a version there still moves to it."""
    language = browser[:2]
    translated = factories.make_course(title="Signalen herkennen")
    version = factories.translate_course(translated, language)  # also that language's tree
    dutch_only = factories.make_course(title="Alleen in het Nederlands")
    response = client.get(dutch_only.url, HTTP_ACCEPT_LANGUAGE=browser)
    assert response.status_code == 200
    assert '<html lang="nl"' in response.content.decode()
    response = client.get(translated.url, HTTP_ACCEPT_LANGUAGE=browser)
    assert response.status_code == 302
    assert response["Location"] == version.url == f"/{language}{translated.url}"
    assert client.get(response["Location"]).status_code == 200


def test_dutch_and_unknown_browser_languages_stay_on_the_dutch_address(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="nl-NL").status_code == 200
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fi").status_code == 200
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="pl").status_code == 302


def test_addresses_outside_the_language_patterns_do_not_move(client):
    assert client.get("/healthz", HTTP_ACCEPT_LANGUAGE="pl").status_code in (200, 503)
    assert client.get("/api/v1/courses", HTTP_ACCEPT_LANGUAGE="pl").status_code == 200
    admin = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="pl")
    assert not admin["Location"].startswith("/pl/")
    # a form post is never redirected (it would lose its body)
    assert client.post("/account/login/", {}, HTTP_ACCEPT_LANGUAGE="pl").status_code == 200


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_page_offers_every_language_named_in_itself(client, language):
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    page = client.get(f"{prefix}/account/login/").content.decode()
    assert f'<html lang="{language}"' in page
    form = re.search(r'<form class="language-switch".*?</form>', page, flags=re.S).group(0)
    assert f'action="{reverse("set_language")}" method="post"' in form
    assert '<button type="submit"' in form  # works without JavaScript
    for code, _name in settings.LANGUAGES:
        own_name = translation.get_language_info(code)["name_local"]
        selected = " selected" if code == language else ""
        assert f'<option value="{code}" lang="{code}"{selected}>{own_name[0].upper()}' in form


def test_the_language_switch_keeps_the_page(client):
    response = client.post(
        reverse("set_language"), {"language": "pl", "next": "/account/login/?next=/leren/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/pl/account/login/?next=/leren/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"
    # back to Dutch from a Polish address
    response = client.post(reverse("set_language"), {"language": "nl", "next": "/pl/leren/"})
    assert response["Location"] == "/leren/"
    # a page without a Spanish version (the home page) is shown at its Spanish address
    home = factories.home_page()
    response = client.post(
        reverse("set_language"),
        {"language": "es", "next": "/", "page": str(home.translation_key)},
    )
    assert response["Location"] == "/es/"


def test_the_language_switch_on_a_course_goes_to_that_courses_version(client):
    dutch = factories.make_course(title="Signalen herkennen")
    polish = factories.make_course(title="Rozpoznawanie sygnałów", locale="pl")
    # the Polish version of the same course (as wagtail-localize makes it)
    CoursePage.objects.filter(pk=polish.pk).update(translation_key=dutch.translation_key)
    response = client.post(
        reverse("set_language"),
        {"language": "pl", "next": dutch.url, "page": str(dutch.translation_key)},
    )
    assert response["Location"] == polish.get_url()
    assert response["Location"] != dutch.url

    # no Spanish version: the Spanish catalogue, and a message that says why
    response = client.post(
        reverse("set_language"),
        {"language": "es", "next": dutch.url, "page": str(dutch.translation_key)},
        follow=True,
    )
    assert response.redirect_chain[0][0] == "/es/catalogus/?taal=es"
    with translation.override("es"):
        expected = translation.gettext(
            "This page is not available in the language you chose (%(language)s). "
            "Here are the courses in that language."
        ) % {"language": "español"}
    assert html.escape(expected) in response.content.decode()


def test_an_unknown_language_is_refused_by_the_switch(client):
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/leren/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


# --- a course version's pages speak the course's language ------------------------------------


def test_a_polish_course_is_polish_throughout_even_from_a_dutch_address(client, user):
    course = factories.make_course(title="Rozpoznawanie wyzysku", locale="pl")
    client.force_login(user)
    page = client.get(course.url)
    assert page.status_code == 200
    assert '<html lang="pl"' in page.content.decode()

    attempt = services.attempt_start(enrolment=services.enrolment_create(user=user, course=course))
    with translation.override("nl"):
        lesson_url = reverse("lms:lesson", kwargs={"lesson_id": attempt.snapshot["lesson_ids"][0]})
        result_url = reverse("lms:attempt", kwargs={"attempt_id": attempt.public_id})
    assert not lesson_url.startswith("/pl/")  # a Dutch address
    lesson = client.get(lesson_url)
    assert lesson.status_code == 200
    body = lesson.content.decode()
    assert '<html lang="pl"' in body
    text = _visible_text(lesson.content)
    assert "Pytanie 1" in text and "Sprawdź odpowiedź" in text
    assert "Vraag 1" not in text and "Controleer antwoord" not in text
    assert dutch_interface_strings_in(text, "pl") == []
    # the links on the page carry the course's language
    assert re.search(r'action="/pl/leren/poging/[^"]+/vraag/', body)
    # ... but only the page does: the thread is back in the address's language afterwards
    assert translation.get_language() == "nl"

    result = client.get(result_url)
    assert '<html lang="pl"' in result.content.decode()
    assert dutch_interface_strings_in(_visible_text(result.content), "pl") == []


def test_a_dutch_course_stays_dutch_on_a_polish_address(client, user):
    course = factories.make_course(title="Signalen herkennen")
    client.force_login(user)
    attempt = services.attempt_start(enrolment=services.enrolment_create(user=user, course=course))
    lesson_id = attempt.snapshot["lesson_ids"][0]
    with translation.override("pl"):
        url = reverse("lms:lesson", kwargs={"lesson_id": lesson_id})
    assert url.startswith("/pl/")
    response = client.get(url)
    assert response.status_code == 200
    assert '<html lang="nl"' in response.content.decode()
    assert "Controleer antwoord" in _visible_text(response.content)
    assert translation.get_language() == "pl"  # the address's language, not the course's


# --- messages from Django and allauth ----------------------------------------------------------


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code != "en"])
def test_password_messages_are_translated_in_every_language(language, user):
    def messages(password: str) -> list[str]:
        with pytest.raises(ValidationError) as raised:
            validate_password(password, user)
        return raised.value.messages

    for password in ("abc", "1234567890123", "password", user.email):
        with translation.override("en"):
            english = messages(password)
        with translation.override(language):
            translated = messages(password)
        assert set(translated).isdisjoint(english), (language, translated)


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", "Dit wachtwoord is te kort. Het moet minstens 10 tekens bevatten."),
        ("/pl", "To hasło jest za krótkie. Musi zawierać co najmniej 10 znaków."),
    ],
)
def test_signup_says_the_password_is_too_short_in_the_pages_language(client, prefix, expected):
    response = client.post(
        f"{prefix}/account/signup/",
        {
            "full_name": "Anna Nowak",
            "email": "anna@example.org",
            "password1": "kort-1",
            "password2": "kort-1",
        },
    )
    assert response.status_code == 200
    text = _visible_text(response.content)
    assert expected in text
    assert "This password is too short" not in text


# --- dates, numbers and plurals ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "6 grudnia 2026"),
        ("nl", "6 december 2026"),
    ],
)
def test_dates_follow_the_language(language, expected, client):
    from certificates.services import certificate_create
    from tests.certificates.conftest import pass_course

    user = factories.UserFactory(full_name="Anna Nowak")
    certificate = certificate_create(completion=pass_course(user, factories.make_course()))
    issued = datetime.datetime(2026, 12, 6, 12, tzinfo=datetime.UTC)
    type(certificate).objects.filter(pk=certificate.pk).update(issued_at=issued)
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    text = _visible_text(client.get(f"{prefix}/verify/{certificate.code}").content)
    assert expected in text
    assert "Grudzień" not in text


@pytest.mark.parametrize(
    ("language", "used", "maximum", "expected"),
    [
        ("nl", 1, 1, "Je hebt 1 van 1 poging gebruikt."),
        ("nl", 1, 2, "Je hebt 1 van de 2 pogingen gebruikt."),
        ("pl", 1, 1, "Wykorzystano 1 z 1 podejścia."),
        ("pl", 2, 5, "Wykorzystano 2 z 5 podejść."),
        ("es", 1, 1, "Has usado 1 de 1 intento."),
    ],
)
def test_plurals_follow_the_language(language, used, maximum, expected):
    retake = {"attempts_used": used, "max_attempts": maximum, "allowed": True}
    with translation.override(language):
        rendered = render_to_string("lms/includes/retake_rules.html", {"retake": retake})
    assert expected in " ".join(rendered.split())


@pytest.mark.parametrize(
    ("language", "counts"),
    [
        ("nl", {1: "1 les", 2: "2 lessen"}),
        ("pl", {1: "1 lekcja", 3: "3 lekcje", 5: "5 lekcji", 22: "22 lekcje", 12: "12 lekcji"}),
        ("es", {1: "1 lección", 2: "2 lecciones"}),
    ],
)
def test_polish_has_its_three_plural_forms(language, counts):
    for n, expected in counts.items():
        with translation.override(language):
            text = translation.ngettext("%(counter)s lesson", "%(counter)s lessons", n) % {
                "counter": n
            }
        assert text == expected


def test_dutch_chosen_on_the_join_page_stays_dutch_through_sign_up(client):
    """A Polish phone that chooses Nederlands on the join page keeps Dutch on the next pages
    (sign-up), like a choice made with the language switch."""
    from tests.organisations.conftest import make_organisation

    course = factories.make_course(title="Hotelpersoneel")
    organisation = make_organisation(manager=factories.UserFactory(), course=course)
    with translation.override("nl"):
        join = reverse("organisations:join", args=[organisation.join_token])
    assert client.get(join + "?taal=nl", HTTP_ACCEPT_LANGUAGE="pl").status_code == 200
    response = client.post(
        join + "?taal=nl", {"role": "housekeeping", "action": "signup"}, HTTP_ACCEPT_LANGUAGE="pl"
    )
    assert response.status_code == 302
    sign_up = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="pl")
    assert sign_up.status_code == 200, sign_up.get("Location")
    assert '<html lang="nl"' in sign_up.content.decode()


# --- logging in ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "going_to, lands_on",
    [
        (None, "/pl/mijn-account/"),  # LOGIN_REDIRECT_URL, in her language
        ("/organisaties/", "/pl/organisaties/"),
        ("/en/mijn-account/", "/pl/mijn-account/"),
    ],
)
def test_logging_in_on_a_dutch_device_continues_in_the_persons_own_language(
    client, going_to, lands_on
):
    """A Polish housekeeper logging in on a Dutch phone (its cookie says Dutch) lands in Polish,
    on the page she was going to, and stays in Polish on the pages after it."""
    housekeeper = factories.UserFactory(preferred_language="pl")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    data = {"login": housekeeper.email, "password": factories.PASSWORD}
    if going_to:
        data["next"] = going_to
    response = client.post(reverse("account_login"), data)

    assert response.status_code == 302
    assert response["Location"] == lands_on
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"
    landing = client.get(lands_on, follow=True)
    assert landing.status_code == 200
    assert '<html lang="pl"' in landing.content.decode()
    text = _visible_text(landing.content)
    assert "Zalogowano jako" in text  # allauth's "signed in" message, in Polish
    assert "ingelogd als" not in text
    # the next unprefixed address follows the cookie to Polish
    assert client.get("/catalogus/")["Location"] == "/pl/catalogus/"


def test_logging_in_keeps_a_dutch_speaker_in_dutch(client, user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": factories.PASSWORD}
    )
    assert response["Location"] == reverse("accounts:settings")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
