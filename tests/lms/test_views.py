"""The learner journey in the browser, through the Django test client: catalogue, course page,
enrolment, storyline choice, the lesson player with server-side grading, results, retakes and
'my learning'. The security rule is asserted on the HTML itself: before a question is answered
its correct answer and per-option feedback are nowhere in the page."""

import itertools
import re
import uuid

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from wagtail.models import Locale

from courses.models import CoursePage
from courses.selectors import course_outline
from lms import services
from lms.models import Answer, Attempt, Completion, Enrolment, LessonProgress
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "GEHEIM"  # marks every piece of text a learner must not see before answering


def shown(msgid: str, **values) -> str:
    """`msgid` as the (Dutch by default) page shows it, so the tests hold with the catalogue."""
    with translation.override("nl"):
        text = translation.gettext(msgid)
    return escape(text % values if values else text)


USED_ATTEMPTS = (
    "You have used %(used)s of %(max)s attempt.",
    "You have used %(used)s of %(max)s attempts.",
)


def shown_plural(msgids: tuple[str, str], n: int, **values) -> str:
    """The plural form for `n` of `msgids` as the (Dutch) page shows it."""
    with translation.override("nl"):
        return escape(translation.ngettext(*msgids, n) % values)


def shown_prefix(msgid: str) -> str:
    """The fixed text before the first placeholder of `msgid`, as the page shows it."""
    with translation.override("nl"):
        return escape(translation.gettext(msgid).split("%(")[0])


def shown_suffix(msgid: str) -> str:
    """The fixed text after the last placeholder of `msgid`, as the page shows it."""
    with translation.override("nl"):
        return escape(re.split(r"%\(\w+\)s", translation.gettext(msgid))[-1])


def _id() -> str:
    return str(uuid.uuid4())


def every_question_body() -> list[dict]:
    """One block of each question type whose answers and feedback carry SECRET markers."""

    def option(text, correct):
        return {
            "type": "item",
            "id": _id(),
            "value": {"text": text, "correct": correct, "feedback": f"{SECRET}-fb-{text}"},
        }

    def scenario_option(text, recommended, nxt):
        return {
            "type": "item",
            "id": _id(),
            "value": {
                "text": text,
                "recommended": recommended,
                "feedback": f"{SECRET}-fb-{text}",
                "next": nxt,
            },
        }

    return [
        factories.text("<p>Welkom bij de les.</p>"),
        {
            "type": "single_choice",
            "id": "q-single",
            "value": {
                "question": "Wie bel je?",
                "options": [option("Veilig Thuis", True), option("Niemand", False)],
                "explanation": f"<p>{SECRET}-uitleg-single</p>",
            },
        },
        {
            "type": "multiple_choice",
            "id": "q-multi",
            "value": {
                "question": "Welke signalen?",
                "options": [
                    option("Handdoeken", True),
                    option("Contant", True),
                    option("Regen", False),
                ],
                "explanation": f"<p>{SECRET}-uitleg-multi</p>",
            },
        },
        {
            "type": "true_false",
            "id": "q-tf",
            "value": {
                "statement": "Een minderjarige kan instemmen.",
                "correct": False,
                "feedback_true": f"{SECRET}-tf-true",
                "feedback_false": f"{SECRET}-tf-false",
                "explanation": f"<p>{SECRET}-uitleg-tf</p>",
            },
        },
        {
            "type": "ordering",
            "id": "q-order",
            "value": {
                "question": "Zet op volgorde.",
                "items": [
                    {"type": "item", "id": f"item-{n}", "value": text}
                    for n, text in enumerate(
                        ["Alfa-stap", "Bravo-stap", "Charlie-stap", "Delta-stap"]
                    )
                ],
                "explanation": f"<p>{SECRET}-uitleg-order</p>",
            },
        },
        {
            "type": "scenario",
            "id": "q-scenario",
            "value": {
                "title": "Casus bij de balie",
                "intro": "<p>Een gast met een jonge bezoeker.</p>",
                "start": "s1",
                "scenes": [
                    {
                        "type": "item",
                        "id": _id(),
                        "value": {
                            "key": "s1",
                            "text": "<p>Eerste scène.</p>",
                            "options": [
                                scenario_option("Aanspreken", True, "s2"),
                                scenario_option("Negeren", False, ""),
                            ],
                        },
                    },
                    {
                        "type": "item",
                        "id": _id(),
                        "value": {
                            "key": "s2",
                            "text": f"<p>{SECRET}-tweede-scene</p>",
                            "options": [
                                scenario_option("Melden", True, ""),
                                scenario_option("Afwachten", False, ""),
                            ],
                        },
                    },
                ],
            },
        },
    ]


def make_quiz_course(**extra) -> CoursePage:
    course = CoursePage(
        title="Alle vragen",
        slug=f"alle-vragen-{uuid.uuid4().hex[:6]}",
        summary="Een module met elk soort vraag.",
        audience="hotel_staff",
        pass_mark=extra.pop("pass_mark", 70),
        **extra,
    )
    factories.course_index().add_child(instance=course)
    course.save_revision().publish()
    factories.lesson(course, "Alle vragen", every_question_body())
    factories.lesson(course, "Afsluiting", [factories.text("<p>Tot slot.</p>")])
    course.refresh_from_db()
    return course


def enrolled(client, user, course, storyline=None) -> Attempt:
    client.force_login(user)
    enrolment = services.enrolment_create(user=user, course=course)
    return services.attempt_start(enrolment=enrolment, storyline=storyline)


def lesson_url(attempt, index=0) -> str:
    return reverse("lms:lesson", kwargs={"lesson_id": attempt.snapshot["lesson_ids"][index]})


def answer_url(attempt, question_id) -> str:
    return reverse(
        "lms:answer", kwargs={"attempt_id": attempt.public_id, "question_id": question_id}
    )


def scenario_url(attempt, question_id="q-scenario") -> str:
    return reverse(
        "lms:scenario_choice", kwargs={"attempt_id": attempt.public_id, "question_id": question_id}
    )


def option_id(attempt, question_id, text) -> str:
    question = attempt.question(question_id)
    return next(o["id"] for o in question["options"] if o["text"] == text)


def scene_option_id(attempt, scene_key, text) -> str:
    scene = next(s for s in attempt.question("q-scenario")["scenes"] if s["key"] == scene_key)
    return next(o["id"] for o in scene["options"] if o["text"] == text)


# --- catalogue and course page --------------------------------------------------------------


def test_catalogue_lists_courses_and_filters_by_audience_and_language(client):
    children = factories.make_course(title="Kinderen")
    hotel = make_quiz_course()
    index = factories.course_index()
    response = client.get(index.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert children.title in html and hotel.title in html
    assert 'name="doelgroep"' in html and 'name="taal"' in html and 'name="sector"' in html

    response = client.get(index.url, {"doelgroep": "hotel_staff"})
    html = response.content.decode()
    assert hotel.title in html and children.title not in html
    assert '<option value="hotel_staff" selected>' in html

    Locale.objects.get_or_create(language_code="en")
    english = factories.make_course(title="Signals in English", locale="en")
    response = client.get(index.url, {"taal": "en"})
    html = response.content.decode()
    assert english.title in html and hotel.title not in html
    # The course is English, the site Dutch: the fragment says so.
    assert re.search(r'lang="en"[^>]*>Signals in English<', html)


def test_catalogue_has_a_stable_address(client):
    index = factories.course_index()
    response = client.get(reverse("courses_catalogue"), {"doelgroep": "probation"})
    assert response.status_code == 302
    assert response["Location"] == f"{index.url}?doelgroep=probation"


def test_course_page_shows_facts_and_asks_anonymous_visitors_to_log_in(client):
    course = make_quiz_course(estimated_minutes=25, max_attempts=3, retake_cooldown_hours=24)
    response = client.get(course.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert course.summary in html
    assert "70%" in html and "25" in html
    assert reverse("account_login") in html
    assert reverse("lms:enrol", kwargs={"course_id": course.pk}) not in html


def test_course_page_offers_one_click_enrolment_with_csrf(client, user):
    course = make_quiz_course()
    client.force_login(user)
    html = client.get(course.url).content.decode()
    enrol_url = reverse("lms:enrol", kwargs={"course_id": course.pk})
    assert f'action="{enrol_url}"' in html
    assert "csrfmiddlewaretoken" in html


def test_course_page_lists_missing_prerequisites_instead_of_enrol(client, user):
    first = factories.make_course(title="Eerst deze")
    course = make_quiz_course()
    course.prerequisites.add(first)
    course.save_revision().publish()
    client.force_login(user)
    html = client.get(course.url).content.decode()
    assert "Eerst deze" in html
    assert reverse("lms:enrol", kwargs={"course_id": course.pk}) not in html
    response = client.post(reverse("lms:enrol", kwargs={"course_id": course.pk}))
    assert response.status_code == 403
    assert "Eerst deze" in response.content.decode()


def test_enrol_starts_a_course_without_storylines_at_its_first_lesson(client, user):
    course = make_quiz_course()
    client.force_login(user)
    response = client.post(reverse("lms:enrol", kwargs={"course_id": course.pk}))
    attempt = Attempt.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == lesson_url(attempt)
    # A second click does not enrol twice and resumes.
    response = client.post(reverse("lms:enrol", kwargs={"course_id": course.pk}))
    assert Enrolment.objects.filter(user=user).count() == 1
    assert Attempt.objects.filter(user=user).count() == 1


def test_enrol_unknown_course_is_404(client, user):
    client.force_login(user)
    assert client.post(reverse("lms:enrol", kwargs={"course_id": 999999})).status_code == 404


# --- storyline choice -----------------------------------------------------------------------


def test_storyline_journey_intro_then_choice_then_storyline_then_results(client, user):
    course = factories.make_course(storylines=True)
    outline = course_outline(course=course)
    intro = outline.intro[0]
    (sexual, sexual_lessons), (criminal, criminal_lessons) = outline.storylines
    client.force_login(user)

    # Enrolling starts at the shared introduction: no storyline asked yet.
    response = client.post(reverse("lms:enrol", kwargs={"course_id": course.pk}))
    assert response["Location"] == reverse("lms:lesson", kwargs={"lesson_id": intro.pk})
    attempt = Attempt.objects.get(user=user)
    assert attempt.storyline_id is None
    assert attempt.snapshot["lesson_ids"] == [intro.pk]
    choose_url = reverse("lms:storyline_choose", kwargs={"attempt_id": attempt.public_id})

    # The introduction's outline shows no storyline lessons; 'Next' leads to the choice.
    html = client.get(reverse("lms:lesson", kwargs={"lesson_id": intro.pk})).content.decode()
    assert "Seksuele uitbuiting les" not in html and "Criminele uitbuiting les" not in html
    assert shown("Next: choose a storyline") in html
    # A storyline lesson before the choice leads to the choice.
    response = client.get(reverse("lms:lesson", kwargs={"lesson_id": criminal_lessons[0].pk}))
    assert response["Location"] == choose_url

    for question in attempt.graded_questions:
        right = next(o["id"] for o in question["options"] if o["correct"])
        response = client.post(answer_url(attempt, question["id"]), {"option": right})
        assert response.status_code == 303
    # The overview offers the choice instead of submitting; submitting now is refused.
    overview = client.get(reverse("lms:attempt", kwargs={"attempt_id": attempt.public_id}))
    assert choose_url in overview.content.decode()
    assert reverse("lms:attempt_submit", kwargs={"attempt_id": attempt.public_id}) not in (
        overview.content.decode()
    )
    refused = client.post(reverse("lms:attempt_submit", kwargs={"attempt_id": attempt.public_id}))
    assert refused.status_code == 400
    assert (
        shown("Choose a storyline before you submit: the course needs one after the introduction.")
        in refused.content.decode()
    )

    response = client.post(reverse("lms:lesson_done", kwargs={"lesson_id": intro.pk}))
    assert response["Location"] == choose_url

    html = client.get(choose_url).content.decode()
    assert "<fieldset" in html and "<legend" in html and "Kies een verhaallijn" in html
    assert "Seksuele uitbuiting" in html and "Criminele uitbuiting" in html
    assert f'action="{choose_url}"' in html and 'value=""' not in html

    response = client.post(choose_url, {})
    assert response.status_code == 400
    assert shown("Choose a storyline.") in response.content.decode()
    assert client.post(choose_url, {"storyline": "not-a-number"}).status_code == 400
    assert client.post(choose_url, {"storyline": 999999}).status_code == 400

    response = client.post(choose_url, {"storyline": criminal.pk})
    assert response["Location"] == reverse(
        "lms:lesson", kwargs={"lesson_id": criminal_lessons[0].pk}
    )
    attempt.refresh_from_db()
    assert attempt.storyline_id == criminal.pk
    assert attempt.snapshot["lesson_ids"] == [intro.pk, criminal_lessons[0].pk]
    assert Enrolment.objects.get(user=user).storyline_id == criminal.pk
    # Once chosen, the choice page resumes instead; the other storyline stays out.
    assert client.get(choose_url).status_code == 302
    response = client.post(choose_url, {"storyline": sexual.pk})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.storyline_id == criminal.pk

    html = client.get(
        reverse("lms:lesson", kwargs={"lesson_id": criminal_lessons[0].pk})
    ).content.decode()
    assert "Criminele uitbuiting vraag 0" in html and "Seksuele uitbuiting les" not in html
    for question in attempt.graded_questions[2:]:
        right = next(o["id"] for o in question["options"] if o["correct"])
        client.post(answer_url(attempt, question["id"]), {"option": right})
    response = client.post(reverse("lms:lesson_done", kwargs={"lesson_id": criminal_lessons[0].pk}))
    assert response["Location"] == reverse("lms:attempt", kwargs={"attempt_id": attempt.public_id})
    response = client.post(
        reverse("lms:attempt_submit", kwargs={"attempt_id": attempt.public_id}), follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "100%" in html and shown("Passed") in html
    assert shown("Start a new attempt or take the other storyline") in html
    assert Completion.objects.filter(user=user).count() == 1
    assert sexual_lessons[0].pk not in attempt.snapshot["lesson_ids"]


def test_start_page_offers_the_storyline_up_front_only_for_a_new_attempt(client, user):
    course = factories.make_course(storylines=True)
    outline = course_outline(course=course)
    (first, _lessons), (second, second_lessons) = outline.storylines
    client.force_login(user)
    services.enrolment_create(user=user, course=course)
    start_url = reverse("lms:start", kwargs={"course_id": course.pk})
    # A first start: no storyline to choose yet, straight to the introduction.
    html = client.get(start_url).content.decode()
    assert 'name="storyline"' not in html
    response = client.post(start_url, {})
    assert response["Location"] == reverse("lms:lesson", kwargs={"lesson_id": outline.intro[0].pk})
    attempt = Attempt.objects.get(user=user)
    assert attempt.storyline_id is None
    services.attempt_storyline_choose(attempt=attempt, storyline=first)
    attempt.refresh_from_db()
    answer_everything(attempt, correct=False)
    services.attempt_submit(attempt=attempt)

    # A new attempt may take a storyline up front or choose after the introduction again.
    html = client.get(start_url).content.decode()
    assert 'id="storyline-later"' in html and f'value="{second.pk}"' in html
    assert client.post(start_url, {"storyline": "not-a-number"}).status_code == 400
    response = client.post(start_url, {"storyline": second.pk})
    assert response.status_code == 302
    latest = Attempt.objects.filter(user=user).order_by("-number").first()
    assert latest.number == 2 and latest.storyline_id == second.pk
    assert latest.snapshot["lesson_ids"] == [outline.intro[0].pk, second_lessons[0].pk]


def test_storyline_choice_of_another_learner_is_404(client, user, other_user):
    course = factories.make_course(storylines=True)
    attempt = enrolled(client, other_user, course)
    client.force_login(user)
    url = reverse("lms:storyline_choose", kwargs={"attempt_id": attempt.public_id})
    assert client.get(url).status_code == 404
    storyline = course_outline(course=course).storylines[0][0]
    assert client.post(url, {"storyline": storyline.pk}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.storyline_id is None


def test_lesson_of_the_other_storyline_is_not_part_of_the_attempt(client, user):
    course = factories.make_course(storylines=True)
    outline = course_outline(course=course)
    enrolled(client, user, course, storyline=outline.storylines[0][0])
    other_lesson = outline.storylines[1][1][0]
    response = client.get(reverse("lms:lesson", kwargs={"lesson_id": other_lesson.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("lms:start", kwargs={"course_id": course.pk})


def test_lesson_without_enrolment_sends_the_learner_to_the_course(client, user):
    course = make_quiz_course()
    client.force_login(user)
    lesson = course_outline(course=course).intro[0]
    response = client.get(reverse("lms:lesson", kwargs={"lesson_id": lesson.pk}))
    assert response.status_code == 302
    assert response["Location"] == course.url


def test_lesson_player_needs_login(client):
    course = make_quiz_course()
    lesson = course_outline(course=course).intro[0]
    response = client.get(reverse("lms:lesson", kwargs={"lesson_id": lesson.pk}))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- the lesson player ----------------------------------------------------------------------


def test_lesson_page_never_contains_answers_or_feedback_before_answering(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    response = client.get(lesson_url(attempt))
    assert response.status_code == 200
    html = response.content.decode()
    # Every question is there, as a form ...
    for question_id in ("q-single", "q-multi", "q-tf", "q-order"):
        assert answer_url(attempt, question_id) in html
    assert scenario_url(attempt) in html
    assert "Wie bel je?" in html and "Veilig Thuis" in html and "Eerste scène." in html
    # ... but no feedback, explanation, later scene or correctness marker of any kind.
    assert SECRET not in html
    assert "recommended" not in html and '"correct"' not in html
    # The ordering items are not shown in the right order.
    positions = [
        html.index("Alfa-stap"),
        html.index("Bravo-stap"),
        html.index("Charlie-stap"),
        html.index("Delta-stap"),
    ]
    assert positions != sorted(positions)


def test_lesson_markup_uses_fieldsets_and_headings_in_order(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    html = client.get(lesson_url(attempt)).content.decode()
    assert html.count("<h1") == 1
    levels = [int(level) for level in re.findall(r"<h([1-6])", html)]
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    # Each option group is a fieldset with the question as its legend.
    assert html.count("<fieldset") == 5
    assert re.search(r"<legend[^>]*>Wie bel je\?</legend>", html)
    assert 'aria-live="polite"' in html
    assert html.count('id="q-q-single-feedback"') == 1


def answered_one(client, user) -> Attempt:
    """An attempt at a new quiz course with 'q-single' answered (correctly)."""
    attempt = enrolled(client, user, make_quiz_course())
    services.answer_submit(
        attempt=attempt,
        question_id="q-single",
        response={"option_ids": [option_id(attempt, "q-single", "Veilig Thuis")]},
    )
    return attempt


def test_lesson_page_query_budget(client, user, django_assert_max_num_queries):
    attempt = answered_one(client, user)
    client.get(lesson_url(attempt))  # first visits create the progress rows
    client.get(lesson_url(attempt, 1))
    # Coming back records the visit (resume point) and renders every question type.
    with django_assert_max_num_queries(10):
        response = client.get(lesson_url(attempt))
    assert response.status_code == 200
    assert Enrolment.objects.get(user=user).last_lesson_id == attempt.snapshot["lesson_ids"][0]


def test_learners_share_question_renders_but_get_their_own_forms_and_feedback(
    client, user, other_user
):
    """The question markup is shared (lms/fragments.py): each learner's page still posts to
    their own attempt with a working CSRF token, and one learner's answer and feedback never
    show on another learner's page."""
    from django.test import Client

    course = make_quiz_course()
    mine = enrolled(client, user, course)
    other_client = Client(enforce_csrf_checks=True)
    theirs = enrolled(other_client, other_user, course)
    services.answer_submit(
        attempt=mine,
        question_id="q-single",
        response={"option_ids": [option_id(mine, "q-single", "Niemand")]},
    )
    client.get(lesson_url(mine))
    html = other_client.get(lesson_url(theirs)).content.decode()
    assert str(mine.public_id) not in html
    assert answer_url(theirs, "q-single") in html and answer_url(theirs, "q-multi") in html
    assert SECRET not in html
    # The token in the shared question form is this learner's and is accepted.
    form = html[html.index(answer_url(theirs, "q-tf")) :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = other_client.post(
        answer_url(theirs, "q-tf"), {"value": "false", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 303
    assert Answer.objects.get(attempt=theirs, question_id="q-tf").is_correct is True
    # Each page now shows its own learner's feedback only.
    mine_html = client.get(lesson_url(mine)).content.decode()
    theirs_html = other_client.get(lesson_url(theirs)).content.decode()
    assert f"{SECRET}-fb-Niemand" in mine_html and f"{SECRET}-tf-false" not in mine_html
    assert f"{SECRET}-tf-false" in theirs_html and f"{SECRET}-fb-Niemand" not in theirs_html


def test_question_renders_follow_the_course_language(client, user):
    """ADR 0015: a Dutch course's lesson is Dutch, also on an English address."""
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    dutch = client.get(lesson_url(attempt)).content.decode()
    with translation.override("en"):  # also undoes the request's activation afterwards
        url = lesson_url(attempt)
        on_english_address = client.get(url).content.decode()
    assert url.startswith("/en/")
    assert shown("Check answer") in dutch
    assert shown("Check answer") in on_english_address
    assert "Check answer" not in on_english_address


def test_answer_is_graded_on_the_server_with_immediate_feedback(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    response = client.post(
        answer_url(attempt, "q-single"), {"option": option_id(attempt, "q-single", "Niemand")}
    )
    assert response.status_code == 303
    assert response["Location"] == lesson_url(attempt) + "#q-q-single"
    answer = Answer.objects.get(attempt=attempt, question_id="q-single")
    assert answer.is_correct is False
    html = client.get(lesson_url(attempt)).content.decode()
    assert f"{SECRET}-fb-Niemand" in html and f"{SECRET}-fb-Veilig Thuis" in html
    assert f"{SECRET}-uitleg-single" in html
    # The other questions still show nothing of their answers.
    assert f"{SECRET}-uitleg-multi" not in html and f"{SECRET}-tf-false" not in html
    # Answered once: no second form for this question.
    assert answer_url(attempt, "q-single") not in html


def test_answer_with_fetch_gets_the_rendered_question_back(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    response = client.post(
        answer_url(attempt, "q-tf"), {"value": "false"}, headers={"X-LMS-Fragment": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "data-lms-live" in html and f"{SECRET}-tf-false" in html
    assert Answer.objects.get(attempt=attempt, question_id="q-tf").is_correct is True


def test_multiple_choice_and_ordering_answers(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    client.post(
        answer_url(attempt, "q-multi"),
        {"option": [option_id(attempt, "q-multi", t) for t in ("Handdoeken", "Contant")]},
    )
    assert Answer.objects.get(attempt=attempt, question_id="q-multi").is_correct is True
    client.post(
        answer_url(attempt, "q-order"),
        {
            "position-item-0": "1",
            "position-item-1": "2",
            "position-item-2": "4",
            "position-item-3": "3",
        },
    )
    answer = Answer.objects.get(attempt=attempt, question_id="q-order")
    assert answer.response["item_ids"] == ["item-0", "item-1", "item-3", "item-2"]
    assert answer.is_correct is False
    html = client.get(lesson_url(attempt)).content.decode()
    assert shown("The right order") in html


@pytest.mark.parametrize(
    ("question_id", "data", "message"),
    [
        ("q-single", {}, "Choose an option."),
        ("q-single", {"option": "not-an-option"}, "This option does not belong to the question."),
        ("q-multi", {"option": ["x", "y"]}, "This option does not belong to the question."),
        ("q-tf", {"value": "maybe"}, "Answer true or false."),
        ("q-order", {"position-item-0": "1"}, "Give every item a place in the order."),
        (
            "q-order",
            {f"position-item-{n}": "1" for n in range(4)},
            "Give each item a different place in the order.",
        ),
    ],
)
def test_bad_answers_get_400_with_a_message(client, user, question_id, data, message):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    response = client.post(answer_url(attempt, question_id), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert shown(message) in html
    assert 'role="alert"' in html
    assert SECRET not in html
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_option_of_another_question_is_refused(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    foreign = option_id(attempt, "q-multi", "Handdoeken")
    response = client.post(answer_url(attempt, "q-single"), {"option": foreign})
    assert response.status_code == 400
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_answering_twice_is_a_conflict(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    data = {"option": option_id(attempt, "q-single", "Veilig Thuis")}
    client.post(answer_url(attempt, "q-single"), data)
    response = client.post(answer_url(attempt, "q-single"), data)
    assert response.status_code == 409
    assert shown("You already answered this question.") in response.content.decode()


def test_unknown_question_is_404(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    assert client.post(answer_url(attempt, "no-such-question"), {"option": "x"}).status_code == 404
    assert (
        client.post(scenario_url(attempt, "q-single"), {"scene": "s1", "option": "x"}).status_code
        == 404
    )


def test_opening_an_answer_address_goes_back_to_the_question(client, user, other_user):
    """The address bar stays on the answer address after a no-JavaScript answer with an error;
    reopening it shows the question on its lesson page, not a blank 405."""
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    for url, question_id in (
        (answer_url(attempt, "q-single"), "q-single"),
        (scenario_url(attempt), "q-scenario"),
    ):
        lesson_id = attempt.question(question_id)["lesson_id"]
        response = client.get(url)
        assert response.status_code == 302
        expected = reverse("lms:lesson", kwargs={"lesson_id": lesson_id})
        assert response["Location"] == f"{expected}#q-{question_id}"
        assert client.get(response["Location"]).status_code == 200
    assert client.get(answer_url(attempt, "no-such-question")).status_code == 404
    client.force_login(other_user)
    assert client.get(answer_url(attempt, "q-single")).status_code == 404
    assert client.get(scenario_url(attempt)).status_code == 404
    assert not Answer.objects.exists()


def test_another_learners_attempt_is_404(client, user, other_user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    client.force_login(other_user)
    data = {"option": option_id(attempt, "q-single", "Veilig Thuis")}
    assert client.post(answer_url(attempt, "q-single"), data).status_code == 404
    assert (
        client.get(reverse("lms:attempt", kwargs={"attempt_id": attempt.public_id})).status_code
        == 404
    )
    submit = reverse("lms:attempt_submit", kwargs={"attempt_id": attempt.public_id})
    assert client.post(submit).status_code == 404
    assert client.post(scenario_url(attempt), {"scene": "s1", "option": "x"}).status_code == 404
    assert not Answer.objects.exists()


def test_scenario_branches_and_reveals_only_what_was_chosen(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    response = client.post(
        scenario_url(attempt),
        {"scene": "s1", "option": scene_option_id(attempt, "s1", "Aanspreken")},
    )
    assert response.status_code == 303
    html = client.get(lesson_url(attempt)).content.decode()
    assert f"{SECRET}-fb-Aanspreken" in html
    assert f"{SECRET}-tweede-scene" in html  # the branch led here
    assert f"{SECRET}-fb-Melden" not in html and f"{SECRET}-fb-Negeren" not in html
    response = client.post(
        scenario_url(attempt),
        {"scene": "s2", "option": scene_option_id(attempt, "s2", "Afwachten")},
    )
    html = client.get(lesson_url(attempt)).content.decode()
    assert f"{SECRET}-fb-Afwachten" in html
    assert shown("End of this scenario.") in html
    assert scenario_url(attempt) not in html


def test_scenario_bad_choice_is_400(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    response = client.post(scenario_url(attempt), {"scene": "s1", "option": "nope"})
    assert response.status_code == 400
    assert shown("This choice does not belong to the scene.") in response.content.decode()
    assert client.post(scenario_url(attempt), {"scene": "s1"}).status_code == 400
    assert client.post(scenario_url(attempt), {"scene": "zz", "option": "x"}).status_code == 400


def test_next_records_progress_time_and_resume(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    first, second = attempt.snapshot["lesson_ids"]
    html = client.get(lesson_url(attempt)).content.decode()
    token = re.search(r'name="shown" value="([^"]+)"', html).group(1)
    response = client.post(
        reverse("lms:lesson_done", kwargs={"lesson_id": first}), {"shown": token}
    )
    assert response["Location"] == reverse("lms:lesson", kwargs={"lesson_id": second})
    progress = LessonProgress.objects.get(enrolment__user=user, lesson_id=first)
    assert progress.completed_at is not None
    # The page carries when it was shown (signed); 'Next' adds the time since then.
    two_minutes_ago = signing.dumps(
        {"lesson": first, "at": int(timezone.now().timestamp()) - 120}, salt="lms.lesson.shown"
    )
    client.post(reverse("lms:lesson_done", kwargs={"lesson_id": first}), {"shown": two_minutes_ago})
    progress.refresh_from_db()
    assert 120 <= progress.seconds_spent < 1800
    # A forged timestamp adds no time.
    client.post(reverse("lms:lesson_done", kwargs={"lesson_id": second}), {"shown": "123:abc"})
    assert LessonProgress.objects.get(enrolment__user=user, lesson_id=second).seconds_spent == 0

    html = client.get(lesson_url(attempt, 1)).content.decode()
    assert 'rel="prev"' in html and reverse("lms:lesson", kwargs={"lesson_id": first}) in html
    # The course page resumes at the last lesson seen.
    html = client.get(course.url).content.decode()
    assert reverse("lms:lesson", kwargs={"lesson_id": second}) in html
    assert shown("%(done)s of %(total)s", done=2, total=2) in html
    # 'Next' on the last lesson leads to the overview.
    response = client.post(reverse("lms:lesson_done", kwargs={"lesson_id": second}))
    assert response["Location"] == reverse("lms:attempt", kwargs={"attempt_id": attempt.public_id})


# --- submit, results, retakes ---------------------------------------------------------------


def answer_everything(attempt, *, correct: bool):
    for question in attempt.graded_questions:
        if question["type"] in ("single_choice", "multiple_choice"):
            wanted = [o["id"] for o in question["options"] if o["correct"] == correct]
            response = {"option_ids": wanted[:1] if question["type"] == "single_choice" else wanted}
        elif question["type"] == "true_false":
            response = {"value": question["correct"] == correct}
        else:
            ids = [i["id"] for i in question["items"]]
            response = {"item_ids": ids if correct else list(reversed(ids))}
        services.answer_submit(attempt=attempt, question_id=question["id"], response=response)


def test_submit_with_open_questions_is_400(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    overview = client.get(reverse("lms:attempt", kwargs={"attempt_id": attempt.public_id}))
    assert "Wie bel je?" in overview.content.decode()
    response = client.post(reverse("lms:attempt_submit", kwargs={"attempt_id": attempt.public_id}))
    assert response.status_code == 400
    assert shown_prefix("Answer every question before you submit (%(n)s open).") in (
        response.content.decode()
    )


def test_passing_shows_the_result_and_completes_once(client, user):
    course = make_quiz_course(validity_months=24)
    attempt = enrolled(client, user, course)
    answer_everything(attempt, correct=True)
    submit = reverse("lms:attempt_submit", kwargs={"attempt_id": attempt.public_id})
    response = client.post(submit, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "100%" in html and shown("Passed") in html
    assert Completion.objects.filter(user=user).count() == 1
    again = client.post(submit)
    assert again.status_code == 409
    assert Completion.objects.filter(user=user).count() == 1


def test_failing_shows_what_to_review_and_retake_rules(client, user):
    course = make_quiz_course(max_attempts=2, retake_cooldown_hours=12)
    attempt = enrolled(client, user, course)
    answer_everything(attempt, correct=False)
    submit = reverse("lms:attempt_submit", kwargs={"attempt_id": attempt.public_id})
    html = client.post(submit, follow=True).content.decode()
    assert "0%" in html and "70%" in html
    assert shown("What to review") in html and "Wie bel je?" in html
    assert reverse("lms:lesson", kwargs={"lesson_id": attempt.snapshot["lesson_ids"][0]}) in html
    assert shown_plural(USED_ATTEMPTS, 2, used=1, max=2) in html
    assert shown_suffix("From %(when)s you can start a new attempt.") in html
    # Starting now is refused with the reason, as a 403.
    response = client.post(reverse("lms:start", kwargs={"course_id": course.pk}))
    assert response.status_code == 403
    assert shown_suffix("From %(when)s you can start a new attempt.") in (response.content.decode())
    # After review mode: the submitted attempt's lesson shows the feedback, no forms.
    html = client.get(lesson_url(attempt)).content.decode()
    assert answer_url(attempt, "q-single") not in html
    assert f"{SECRET}-uitleg-single" in html


def test_no_attempts_left(client, user):
    course = make_quiz_course(max_attempts=1)
    attempt = enrolled(client, user, course)
    answer_everything(attempt, correct=False)
    services.attempt_submit(attempt=attempt)
    html = client.get(
        reverse("lms:attempt", kwargs={"attempt_id": attempt.public_id})
    ).content.decode()
    assert shown("You have no attempts left for this course.") in html
    assert reverse("lms:start", kwargs={"course_id": course.pk}) not in html


def test_retake_after_passing_with_the_other_storyline(client, user):
    course = factories.make_course(storylines=True)
    outline = course_outline(course=course)
    first, second = (s for s, _lessons in outline.storylines)
    attempt = enrolled(client, user, course, storyline=first)
    answer_everything(attempt, correct=True)
    services.attempt_submit(attempt=attempt)
    html = client.get(
        reverse("lms:attempt", kwargs={"attempt_id": attempt.public_id})
    ).content.decode()
    assert shown("Start a new attempt or take the other storyline") in html
    start_url = reverse("lms:start", kwargs={"course_id": course.pk})
    response = client.post(start_url, {"storyline": second.pk})
    assert response.status_code == 302
    latest = Attempt.objects.filter(user=user).order_by("-number").first()
    assert latest.number == 2 and latest.storyline_id == second.pk


# --- my learning ----------------------------------------------------------------------------


def test_my_learning_lists_courses_in_progress_and_completed(client, user):
    busy = make_quiz_course()
    done = make_quiz_course()
    enrolled(client, user, busy)
    attempt = enrolled(client, user, done)
    answer_everything(attempt, correct=True)
    services.attempt_submit(attempt=attempt)
    response = client.get(reverse("lms:my_learning"))
    html = response.content.decode()
    assert response.status_code == 200
    in_progress, completed = html.split('id="completed-heading"')
    assert busy.url in in_progress and done.url in completed
    assert (
        reverse("lms:lesson", kwargs={"lesson_id": course_outline(course=busy).intro[0].pk})
        in in_progress
    )


def test_my_learning_needs_login(client):
    response = client.get(reverse("lms:my_learning"))
    assert response.status_code == 302


def test_a_course_in_another_language_speaks_that_language_throughout(client, user):
    """ADR 0015: the lesson player of an English course is English, also from a Dutch address;
    nothing is a foreign fragment any more."""
    english = CoursePage(
        title="Signals at the front desk",
        slug="signals",
        summary="Hotel staff.",
        audience="hotel_staff",
        locale=Locale.objects.get_or_create(language_code="en")[0],
    )
    factories.course_index().add_child(instance=english)
    english.save_revision().publish()
    factories.lesson(english, "Towels", every_question_body())
    attempt = enrolled(client, user, english)
    with translation.override("nl"):
        url = lesson_url(attempt)
    html = client.get(url).content.decode()
    assert '<html lang="en"' in html
    assert re.search(r"<h1[^>]*>Towels</h1>", html)
    assert not re.search(r'<h1[^>]*lang="en"', html)
    assert "Check answer" in html
    with translation.override("nl"):
        assert translation.gettext("Check answer") not in html


def content_blocks() -> list[dict]:
    """Image, video (file with captions, transcript), scene, signal and meldroute blocks."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.models import Collection

    root = Collection.get_first_root_node()
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 36), (21, 66, 115)).save(buffer, format="PNG")
    image = Image.objects.create(
        title="Receptie", file=ContentFile(buffer.getvalue(), name="receptie.png"), collection=root
    )
    video = Document.objects.create(
        title="Film",
        file=ContentFile(b"\x00\x00\x00\x18ftypmp42", name="film.mp4"),
        collection=root,
    )
    captions = Document.objects.create(
        title="Ondertiteling",
        file=ContentFile(b"WEBVTT\n\n00:00.000 --> 00:02.000\nReceptie.\n", name="film.vtt"),
        collection=root,
    )
    return [
        {
            "type": "image",
            "id": _id(),
            "value": {"image": image.pk, "alt": "Een hotelreceptie bij avond", "caption": "Balie"},
        },
        {
            "type": "video",
            "id": _id(),
            "value": {
                "title": "Scène aan de balie",
                "embed": None,
                "file": video.pk,
                "captions": captions.pk,
                "transcript": "<p>Transcriptie: receptie, vrijdagavond.</p>",
            },
        },
        {
            "type": "scene",
            "id": _id(),
            "value": {"title": "Scène 1: Sanne", "text": "<p>Sanne is vijftien.</p>"},
        },
        {
            "type": "signal",
            "id": _id(),
            "value": {"title": "Veel handdoeken", "text": "<p>Weinig bagage.</p>"},
        },
        {
            "type": "meldroute",
            "id": _id(),
            "value": {
                "organisation": "Veilig Thuis",
                "when": "<p>Bij zorgen over een minderjarige.</p>",
                "how": "<p>Bel 0800-2000.</p>",
            },
        },
    ]


def test_lesson_renders_every_content_block(client, user):
    course = CoursePage(
        title="Alle onderdelen",
        slug="alle-onderdelen",
        summary="Elk soort onderdeel.",
        audience="hotel_staff",
    )
    factories.course_index().add_child(instance=course)
    course.save_revision().publish()
    factories.lesson(course, "Onderdelen", [factories.text("<p>Inleiding.</p>"), *content_blocks()])
    attempt = enrolled(client, user, course)
    response = client.get(lesson_url(attempt))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inleiding." in html
    assert re.search(r'<img [^>]*alt="Een hotelreceptie bij avond"', html)
    assert "<figcaption" in html and "Balie" in html
    assert re.search(r"<video [^>]*controls", html)
    assert re.search(r'<track kind="captions" src="[^"]+film[^"]*\.vtt" srclang="nl"', html)
    assert "<details" in html and "Transcriptie: receptie, vrijdagavond." in html
    assert "Sanne is vijftien." in html
    assert "Veel handdoeken" in html and "Weinig bagage." in html
    assert "Veilig Thuis" in html and "Bel 0800-2000." in html
    levels = [int(level) for level in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_scenario_choice_with_fetch_returns_the_next_scene(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    response = client.post(
        scenario_url(attempt),
        {"scene": "s1", "option": scene_option_id(attempt, "s1", "Aanspreken")},
        headers={"X-LMS-Fragment": "1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f"{SECRET}-fb-Aanspreken" in html and f"{SECRET}-tweede-scene" in html
    assert f"{SECRET}-fb-Melden" not in html


def test_editor_preview_of_a_lesson_shows_no_answers(user):
    course = make_quiz_course()
    lesson = course_outline(course=course).intro[0]
    response = lesson.make_preview_request()
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wie bel je?" in html and "Casus bij de balie" in html
    assert SECRET not in html
    assert "Alfa-stap" not in html  # an ordering question's items are its answer


def test_course_page_shows_storylines_and_the_learners_result(client, user):
    course = factories.make_course(storylines=True, max_attempts=3)
    html = client.get(course.url).content.decode()
    assert shown("Shared introduction") in html
    assert "Seksuele uitbuiting" in html and "Criminele uitbuiting" in html

    storyline = course_outline(course=course).storylines[0][0]
    attempt = enrolled(client, user, course, storyline=storyline)
    html = client.get(course.url).content.decode()
    assert reverse("lms:lesson", kwargs={"lesson_id": attempt.snapshot["lesson_ids"][0]}) in html

    answer_everything(attempt, correct=True)
    services.attempt_submit(attempt=attempt)
    html = client.get(course.url).content.decode()
    assert shown("Passed") in html
    assert reverse("lms:attempt", kwargs={"attempt_id": attempt.public_id}) in html
    assert reverse("lms:start", kwargs={"course_id": course.pk}) in html
    assert shown_plural(USED_ATTEMPTS, 3, used=1, max=3) in html


def test_refused_answer_keeps_what_the_learner_chose(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    data = {"position-item-0": "2", "position-item-1": "2", "position-item-2": "1"}
    html = client.post(answer_url(attempt, "q-order"), data).content.decode()
    assert re.search(r'name="position-item-0">.*?<option value="2" selected>', html, re.S)
    html = client.post(answer_url(attempt, "q-tf"), {"value": "maybe"}).content.decode()
    assert 'value="true" checked' not in html and 'value="false" checked' not in html


def test_answering_a_submitted_attempt_is_a_conflict(client, user):
    course = make_quiz_course()
    attempt = enrolled(client, user, course)
    answer_everything(attempt, correct=False)
    services.attempt_submit(attempt=attempt)
    response = client.post(
        scenario_url(attempt), {"scene": "s1", "option": scene_option_id(attempt, "s1", "Negeren")}
    )
    assert response.status_code == 409
    assert shown("This attempt has already been submitted.") in response.content.decode()
    assert client.post(reverse("lms:lesson_done", kwargs={"lesson_id": 999999})).status_code == 404


def test_catalogue_shows_the_language_versions_of_a_course_as_one_entry(client):
    hotel = make_quiz_course()
    polish = factories.translate_course(hotel, "pl")
    spanish = factories.translate_course(hotel, "es")
    index = factories.course_index()
    html = client.get(index.url).content.decode()
    # one entry, in the site's language, with links to the other versions
    assert html.count(f'href="{hotel.url}"') == 1
    assert f'href="{polish.url}"' in html and f'href="{spanish.url}"' in html
    assert 'hreflang="pl"' in html
    assert client.get(index.url).context["courses"][0][0].pk == hotel.pk
    assert len(client.get(index.url).context["courses"]) == 1
    # filtered on Polish, the entry is the Polish version
    entries = client.get(index.url, {"taal": "pl"}).context["courses"]
    assert [course.pk for course, _others in entries] == [polish.pk]


def test_course_page_links_to_its_other_language_versions(client):
    hotel = make_quiz_course()
    polish = factories.translate_course(hotel, "pl")
    html = client.get(hotel.url).content.decode()
    assert f'href="{polish.url}"' in html and 'lang="pl"' in html
    assert f'href="{hotel.url}"' in client.get(polish.url).content.decode()
