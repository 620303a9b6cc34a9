"""English, Polish and Spanish on a 375 px phone. Every page type with an address in the
language: no heading splits a word over two lines, nothing scrolls sideways even at 320 px
(WCAG reflow). The programme's and the manager's pages besides: the page speaks that language
(lang attribute, the target's own title) and the keyboard reaches the first link of the main
content with a visible focus outline (issues 16 and 21; the Dutch pages are covered by
test_accessibility and test_screenshots). The outside-counts page, the recovery codes' way back
and the 429 page are also gone through by keyboard: every control is a Tab stop, in view and
visibly focused, no Dutch interface string, axe clean."""

from urllib.parse import urlparse

import pyotp
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import roles
from courses.models import StorylinePage
from lms import services as lms_services
from reporting.demo import SEED_TARGETS
from reporting.services import outside_counts_import
from tests.e2e.checks import (
    axe_violations,
    broken_heading_words,
    horizontal_overflow,
    unfocusable_outline_problems,
)
from tests.e2e.conftest import MOBILE
from tests.e2e.pages import PAGE_TYPES
from tests.e2e.test_language_journeys import LOCALES, dutch_strings_in
from tests.factories import PASSWORD, UserFactory, translate_course

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["programme-dashboard", "target-detail", "manager-dashboard"]

FOCUS = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {tag: el.tagName, outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


@pytest.mark.parametrize("language", ["en", "pl", "es"])
def test_programme_and_manager_pages_in_each_language_at_375_px(new_page, e2e_content, language):
    for name in PAGES:
        spec = PAGE_TYPES[name]
        with translation.override(language):
            path = spec.path(e2e_content)
        assert path.startswith(f"/{language}/"), f"{name}: {path}"
        page = new_page(viewport=MOBILE, user=getattr(e2e_content, spec.user), locale=language)
        response = page.goto(path)
        assert response.status == 200, f"{name} in {language} answered {response.status}"
        assert page.locator("html").get_attribute("lang") == language, name
        # the target under its title in this language (ADR 0026), never its Dutch one
        body = page.locator("body").inner_text()
        if name != "manager-dashboard":
            assert e2e_content.target.titles[language] in body, name
        assert e2e_content.target.title not in body, name
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= MOBILE["width"], f"{name} in {language} is {width}px wide"
        # keyboard: the first Tab stop is a link or control, and its focus is visible
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        assert focus["tag"] in {"A", "BUTTON", "INPUT", "SELECT"}, (name, focus)
        assert focus["outline"] != "none" and focus["width"] >= 2, (name, focus)
        page.context.close()


# --------------------------------------------- the review's two pages, by keyboard (mends)

#: Every control in the main content: each must be a Tab stop, scrolled into view when focused.
#: A group of radio buttons (one form, one name) is one Tab stop, as in every browser: the
#: arrow keys move within it.
CONTROLS_IN_MAIN = """() => {
    const groups = new Set();
    return Array.from(document.querySelectorAll(
        'main a[href], main button, main input:not([type=hidden]), main select, main textarea,'
        + ' main summary'))
    .filter(el => !el.disabled && el.checkVisibility())
    .filter(el => {
        if (el.type !== 'radio' || !el.name) return true;
        const key = Array.from(document.forms).indexOf(el.form) + '/' + el.name;
        if (groups.has(key)) return false;
        groups.add(key);
        return true;
    })
    .map(el => el.outerHTML.slice(0, 100));
}"""
#: The focused element (marked so that it is counted once) and whether it is in view: the part
#: of it inside the window and every clipping ancestor (a table that scrolls sideways) is at
#: least 24 px each way, or all of it when it is smaller (a text area shows its first lines).
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || !el.closest('main')) return null;
    const seen = !el.hasAttribute('data-tab-seen');
    el.setAttribute('data-tab-seen', '');
    const r = el.getBoundingClientRect();
    let box = {left: Math.max(r.left, 0), top: Math.max(r.top, 0),
               right: Math.min(r.right, window.innerWidth),
               bottom: Math.min(r.bottom, window.innerHeight)};
    for (let up = el.parentElement; up; up = up.parentElement) {
        const style = getComputedStyle(up);
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
        const c = up.getBoundingClientRect();
        box = {left: Math.max(box.left, c.left), top: Math.max(box.top, c.top),
               right: Math.min(box.right, c.right), bottom: Math.min(box.bottom, c.bottom)};
    }
    const w = box.right - box.left, h = box.bottom - box.top;
    const inView = w >= Math.min(24, r.width) - 0.5 && h >= Math.min(24, r.height) - 0.5;
    return {html: el.outerHTML.slice(0, 100), seen: seen, inView: inView,
            where: [Math.round(r.left), Math.round(r.top), Math.round(r.width),
                    Math.round(r.height), window.innerWidth, window.innerHeight]};
}"""


def keyboard_problems(page) -> list[str]:
    """Tab from the top through the page: every control of the main content is reached, is in
    view when it has the focus, and shows a visible focus indicator."""
    controls = page.evaluate(CONTROLS_IN_MAIN)
    reached, problems = 0, []
    for _press in range(len(controls) + 40):  # the header's links and the skip link come first
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or not focused["seen"]:
            continue
        reached += 1
        if not focused["inView"]:
            problems.append(f"not in view when focused ({focused['where']}): {focused['html']}")
        if reached == len(controls):
            break
    if reached != len(controls):
        problems.append(f"Tab reached {reached} of {len(controls)} controls: {controls}")
    return problems + unfocusable_outline_problems(page)


def phone_page_problems(page, language: str) -> list[str]:
    """The language, reflow, Dutch-string, axe and keyboard checks of one page."""
    problems = []
    if page.locator("html").get_attribute("lang") != language:
        problems.append(f"lang is {page.locator('html').get_attribute('lang')}")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > MOBILE["width"]:
        problems.append(f"{width}px wide")
    body = page.locator("body").inner_text()
    problems += [f"Dutch: {text}" for text in dutch_strings_in(body)]
    # the seeded targets' wording is data, not the catalogue: it has its own languages (ADR 0026)
    problems += [
        f"Dutch target text: {text}"
        for seed in SEED_TARGETS
        for text in (seed.title, seed.description)
        if text in " ".join(body.split())
    ]
    problems += axe_violations(page)
    return problems + keyboard_problems(page)


@pytest.mark.parametrize("language", ["en", "pl", "es"])
def test_every_page_type_in_each_language_at_375_px(new_page, e2e_content, language):
    pages_by_user: dict = {}  # one browser page per signed-in user, reused for their pages
    problems: list[str] = []
    checked = 0
    for name, spec in PAGE_TYPES.items():
        with translation.override(language):
            path = spec.path(e2e_content)
        if spec.lang != "nl" or not path.startswith(f"/{language}/"):
            continue  # a CMS page at its Dutch address, or one pinned to a language (login-en)
        if spec.user not in pages_by_user:
            user = getattr(e2e_content, spec.user) if spec.user else None
            pages_by_user[spec.user] = new_page(viewport=MOBILE, user=user, locale=language)
        page = pages_by_user[spec.user]
        page.set_viewport_size(MOBILE)  # the 320 px reflow check below narrows it
        response = page.goto(path)
        checked += 1
        if response.status != spec.status:
            problems.append(f"{name}: {path} answered {response.status}")
            continue
        lang = page.locator("html").get_attribute("lang")  # a course page speaks its course's
        problems += [
            f"{name} ({lang}): word split over two lines: {w}" for w in broken_heading_words(page)
        ]
        overflow = horizontal_overflow(page, 320)
        if overflow:
            problems.append(f"{name} ({lang}): {overflow}px sideways scrolling at 320 px")
        if lang != "nl" and e2e_content.content_page.title in page.locator("footer").inner_text():
            problems.append(f"{name} ({lang}): the Dutch content page is in the footer")
    assert checked >= 20, f"only {checked} page types have a /{language}/ address"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "pl", "es"])
def test_the_outside_counts_page_in_each_language_at_375_px_by_keyboard(
    new_page, e2e_content, language, tmp_path
):
    staff = e2e_content.programme_staff
    outside_counts_import(
        content=b"date,source,count\n2025-03-01,campaign,75\n", filename="maart.csv", by=staff
    )
    with translation.override(language):
        path = reverse("reporting:outside_counts")
    page = new_page(viewport=MOBILE, user=staff, locale=LOCALES[language])
    assert page.goto(path).status == 200
    assert phone_page_problems(page, language) == []
    # a file with bad rows, chosen and sent by keyboard: the page lists every problem
    bad = tmp_path / "fout.csv"
    bad.write_text("date,source,count\nmorgen,folder,veel\n")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.locator("input[type=file]").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    with page.expect_navigation() as sent:
        page.keyboard.press("Enter")
    assert sent.value.status == 400
    assert "morgen" in page.locator("main").inner_text()  # the bad date, with its line
    assert phone_page_problems(page, language) == []
    # withdrawing a file asks first, on a page of its own
    page.goto(path)
    page.locator("#outside-files a.utrecht-button-link").first.click()
    page.wait_for_load_state()
    assert page.locator("main form[method=post] button[type=submit]").count() == 1
    assert phone_page_problems(page, language) == []


@pytest.mark.parametrize("language", ["en", "pl", "es"])
def test_the_recovery_codes_way_back_in_each_language_at_375_px_by_keyboard(
    new_page, live_server, e2e_content, language
):
    """Programme staff without a second factor set one up on the way to the dashboard; the new
    recovery codes' page leads back to it (ADR 0022)."""
    person = UserFactory(role=roles.PROGRAMME_STAFF, second_factor=False)
    with translation.override(language):
        wanted = reverse("reporting:dashboard")
        codes_page = reverse("mfa_view_recovery_codes")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(person)
    assert client.get(wanted).status_code == 302  # to the set-up, remembering the page
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    setup = client.post(setup.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    secret = setup.context["form"].secret
    activated = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert activated.status_code == 302
    page = new_page(viewport=MOBILE, locale=LOCALES[language])
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    assert page.goto(codes_page).status == 200
    assert phone_page_problems(page, language) == []
    back = page.locator(f'main a[href="{wanted}"]')
    assert back.count() == 1
    back.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlparse(page.url).path == wanted


@pytest.mark.parametrize("language", ["en", "pl", "es"])
def test_the_too_many_requests_page_in_each_language_at_375_px_by_keyboard(
    new_page, e2e_content, language, settings
):
    """The site's one 429 page (here the certificate look-up's limit): in the visitor's
    language, no Dutch, axe clean, and the way home reached and followed by keyboard."""
    settings.RATE_LIMITS = {"certificate-verify-page": (1, 3600)}
    page = new_page(viewport=MOBILE, locale=LOCALES[language])
    path = "/verify/ABCD-EFGH-JKLM"
    assert page.goto(path).status == 404  # the first look-up: an unknown code
    refused = page.goto(path)
    assert refused.status == 429
    assert int(refused.headers["retry-after"]) > 0
    assert phone_page_problems(page, language) == []
    home = page.locator('main a[href="/"]')
    assert home.count() == 1
    home.focus()
    with page.expect_navigation() as went:
        page.keyboard.press("Enter")
    assert went.value.status == 200
    assert page.locator("html").get_attribute("lang") == language


#: Storylines as the Polish and Spanish course versions word them: long titles and summaries
#: with long words (the audit found the choice page 383 and 420 px wide at 375 px).
STORYLINES = {
    "pl": [
        (
            "Wykorzystywanie seksualne w branży hotelarskiej",
            "Rozpoznawanie sygnałów wykorzystywania seksualnego wśród gości i współpracowników "
            "oraz odpowiedzialne zgłaszanie podejrzeń przełożonym i odpowiednim instytucjom.",
        ),
        (
            "Wykorzystywanie do działalności przestępczej",
            "Nieletni zmuszani do przestępstw, przemytu i handlu narkotykami: jak rozpoznać "
            "niepokojące zachowania i komu je zgłosić.",
        ),
    ],
    "es": [
        (
            "Explotación sexual en establecimientos hoteleros",
            "Reconocer las señales de explotación sexual entre huéspedes y compañeros, y "
            "comunicar las sospechas de forma responsable a los responsables correspondientes.",
        ),
        (
            "Explotación criminal y actividades delictivas",
            "Menores obligados a cometer delitos, contrabando o tráfico de estupefacientes: "
            "cómo reconocer comportamientos preocupantes y a quién comunicarlos.",
        ),
    ],
}

#: For each storyline's label: how far each description starts below the bottom of the title.
DESCRIPTION_BELOW_TITLE = """() => Array.from(
        document.querySelectorAll('.storyline-choices label'))
    .filter(label => label.querySelector('.choice__description'))
    .flatMap(label => {
        const title = label.querySelector('strong').getBoundingClientRect();
        return Array.from(label.querySelectorAll('.choice__description'))
            .map(d => d.getBoundingClientRect().top - title.bottom);
    })"""


@pytest.mark.parametrize("language", ["pl", "es"])
def test_the_storyline_choice_with_long_wording_stacks_at_375_px(new_page, e2e_content, language):
    """The storyline's title, its description and its number of lessons sit under one another in
    the radio button's label, and nothing scrolls sideways even at 320 px."""
    course = translate_course(e2e_content.course, language)
    storylines = course.get_children().type(StorylinePage).specific().order_by("path")
    for storyline, (title, summary) in zip(storylines, STORYLINES[language], strict=True):
        storyline.title = title
        storyline.summary = f"<p>{summary}</p>"
        storyline.save_revision().publish()
    person = UserFactory()
    attempt = lms_services.attempt_start(
        enrolment=lms_services.enrolment_create(user=person, course=course)
    )
    with translation.override(language):
        path = reverse("lms:storyline_choose", args=[attempt.public_id])
    page = new_page(viewport=MOBILE, user=person, locale=LOCALES[language])
    assert page.goto(path).status == 200
    assert STORYLINES[language][0][0] in page.locator("main").inner_text()
    assert horizontal_overflow(page, MOBILE["width"]) == 0
    assert horizontal_overflow(page, 320) == 0
    gaps = page.evaluate(DESCRIPTION_BELOW_TITLE)
    assert len(gaps) == 4  # a summary and a number of lessons for each of the two
    assert all(gap >= -0.5 for gap in gaps), gaps


#: pages this stop added or changed, for the manager and the learner
STOP_PAGES = ["invitation-withdraw", "invitation-other-address", "account-settings"]


@pytest.mark.parametrize("language", ["en", "pl", "es"])
def test_the_invitation_and_account_pages_in_each_language_at_375_px_by_keyboard(
    new_page, e2e_content, language
):
    """Withdrawing an invitation (its confirmation), an invitation opened by the wrong account
    and "My account" with its link to registering a hotel: the page speaks the language, does
    not scroll sideways, has no Dutch interface string, is axe clean, and every control is a Tab
    stop in view with a visible focus."""
    problems = []
    for name in STOP_PAGES:
        spec = PAGE_TYPES[name]
        with translation.override(language):
            path = spec.path(e2e_content)
        page = new_page(
            viewport=MOBILE, user=getattr(e2e_content, spec.user), locale=LOCALES[language]
        )
        response = page.goto(path)
        assert response.status == spec.status, f"{name}: {path} answered {response.status}"
        problems += [f"{name}: {problem}" for problem in phone_page_problems(page, language)]
        page.context.close()
    assert problems == []


@pytest.mark.parametrize("language", ["en", "pl", "es"])
def test_the_trainers_attendance_page_in_each_language_at_375_px_by_keyboard(
    new_page, e2e_content, language
):
    """The attendance list a trainer uses on a phone at the door (search, a card per
    participant with its statuses and save button, "everyone not yet recorded is present"):
    it speaks the language, does not scroll sideways, has no Dutch interface string, is axe
    clean, and every control is a Tab stop in view with a visible focus."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.trainings.conftest import make_format, make_session
    from trainings import services as training_services

    trainer = UserFactory(full_name="Teun Trainer", role=roles.TRAINER, preferred_language=language)
    training = make_format(title="Kind en Uitbuiting", organiser="Fier")
    session = make_session(training, days=0)
    session.starts_at = timezone.now() + timedelta(minutes=20)
    session.ends_at = session.starts_at + timedelta(hours=3)
    session.save()
    session.trainers.add(trainer)
    people = [
        UserFactory(full_name=name)
        for name in ("Priya Professional", "Bartosz Nowak", "Lucía Fernández")
    ]
    registrations = [
        training_services.registration_create(session=session, user=person) for person in people
    ]
    training_services.attendance_mark(
        registration=registrations[0], status="present", marked_by=trainer
    )
    with translation.override(language):
        path = reverse("trainings:attendance", args=[session.public_id])
    assert path.startswith(f"/{language}/")
    page = new_page(viewport=MOBILE, user=trainer, locale=LOCALES[language])
    response = page.goto(path)
    assert response.status == 200
    assert phone_page_problems(page, language) == []


@pytest.mark.parametrize("language", ["en", "pl", "es"])
def test_this_stops_changed_pages_in_each_language_at_375_px_by_keyboard(
    new_page, e2e_content, language
):
    """Pages this stop changed, each in the state that shows its new part: the stuck-work page
    with a stuck item while the workers are stopped, a course's other language version while
    the learner has an attempt open in Dutch, and an establishment's dashboard while its latest
    passes are still being counted. Each speaks the language, does not scroll sideways, has no
    Dutch interface string, is axe clean and is gone through by keyboard."""
    from datetime import timedelta

    from django.utils import timezone

    from cms.roles import ensure_roles
    from outbox.models import OutboxMessage, RelayHeartbeat
    from outbox.services import outbox_add

    ensure_roles()  # the programme staff group's permissions, the stuck-work page's among them
    stuck = outbox_add(kind="certificates.pdf", payload={"certificate_id": 1})
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - timedelta(minutes=20)
    )
    RelayHeartbeat.objects.update_or_create(
        pk=1, defaults={"ran_at": timezone.now() - timedelta(minutes=12)}
    )
    outbox_add(
        kind="organisations.evaluate",
        payload={"organisation_id": e2e_content.organisation.pk, "cause": "pass"},
    )
    translated = translate_course(e2e_content.blocks_course, language)
    with translation.override(language):
        pages = [
            ("stuck work", e2e_content.programme_staff, reverse("outbox_stuck"), "#workers-state"),
            ("other version", e2e_content.learner, translated.url, ".course-action .utrecht-alert"),
            (
                "dashboard",
                e2e_content.manager,
                reverse("organisations:dashboard", args=[e2e_content.organisation.pk]),
                "#evaluation-waiting",
            ),
        ]
    problems = []
    for name, user, path, new_part in pages:
        page = new_page(viewport=MOBILE, user=user, locale=LOCALES[language])
        response = page.goto(path)
        assert response.status == 200, f"{name}: {path} answered {response.status}"
        assert page.locator(new_part).count() == 1, f"{name}: {new_part} not shown"
        problems += [f"{name}: {problem}" for problem in phone_page_problems(page, language)]
        page.context.close()
    assert problems == []


@pytest.mark.parametrize("language", ["en", "pl", "es"])
def test_pages_changed_for_the_mail_server_and_untranslated_content_by_keyboard(
    new_page, e2e_content, language, mail_server_down
):
    """Pages the stop of 2026-12-07 (night) changed, in the state that shows the change: the
    page after signing up while the mail server does not answer (the e-mail follows), and a
    content page that is not translated into the language yet (it says so and links to the
    Dutch page). Each speaks the language, does not scroll sideways, has no Dutch interface
    string, is axe clean and is gone through by keyboard."""
    from wagtail.models import Locale

    alias = e2e_content.content_page.copy_for_translation(
        Locale.objects.get_or_create(language_code=language)[0], copy_parents=True, alias=True
    )
    problems = []

    page = new_page(viewport=MOBILE, locale=LOCALES[language])
    with translation.override(language):
        page.goto(reverse("account_signup"))
    page.fill("input[name=full_name]", "Agnieszka Kowalska")
    page.fill("input[name=email]", f"agnieszka.{language}@example.org")
    page.fill("input[name=password1]", "een-lang-wachtwoord-42")
    page.fill("input[name=password2]", "een-lang-wachtwoord-42")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    with translation.override(language):
        follows = translation.gettext(
            "We could not send the e-mail just now. It is sent automatically as soon as our "
            "mail server answers again, usually within a few minutes."
        )
    assert follows in page.locator(".messages").inner_text()
    problems += [f"sign-up: {problem}" for problem in phone_page_problems(page, language)]

    response = page.goto(alias.url)
    assert response.status == 200
    assert page.locator(f'main a[hreflang="nl"][href="{e2e_content.content_page.url}"]').count()
    problems += [f"content page: {problem}" for problem in phone_page_problems(page, language)]
    assert problems == []


@pytest.mark.parametrize(
    ("language", "typed"), [("en", "delete"), ("pl", "usun"), ("es", "Eliminar")]
)
def test_deleting_ones_account_in_each_language_at_375_px_by_keyboard(
    new_page, e2e_content, language, typed
):
    """The password check before the deletion and the delete page itself, on a phone, by
    keyboard: each speaks the language, has no Dutch interface string, is axe clean and every
    control is a Tab stop in view; the word to type is the page's own (typed here as a phone
    keyboard gives it, without accents), and the account is gone afterwards."""
    person = UserFactory(full_name="Ola Kowalska", preferred_language=language)
    with translation.override(language):
        delete = reverse("accounts:delete")
    page = new_page(viewport=MOBILE, user=person, locale=LOCALES[language])
    page.goto(delete)
    assert "/account/reauthenticate/" in page.url  # the password first
    assert phone_page_problems(page, language) == []
    page.locator("input[type=password]").focus()
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlparse(page.url).path == delete
    assert phone_page_problems(page, language) == []
    with translation.override(language):
        word = translation.pgettext("confirmation word", "DELETE")
    assert word in page.locator("main").inner_text()
    page.locator("input[name=confirm]").focus()
    page.keyboard.type(typed)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    person.refresh_from_db()
    assert person.anonymised_at is not None
