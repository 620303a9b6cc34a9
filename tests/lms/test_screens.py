"""What the learner's screens say (issue 15): a storyline's description belongs to its radio
button's label; the overview says an answer is final once checked; a passed result is not
headed "try again"."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from courses.models import StorylinePage
from lms import services
from tests import factories
from tests.lms.test_views import shown

pytestmark = pytest.mark.django_db


def test_a_storylines_description_is_inside_its_label(client, user):
    course = factories.make_course(storylines=True)
    for storyline in StorylinePage.objects.child_of(course):
        storyline.summary = f"<p>Over {storyline.title}: <b>wat je leert</b>.</p>"
        storyline.save_revision().publish()
    client.force_login(user)
    attempt = services.attempt_start(enrolment=services.enrolment_create(user=user, course=course))
    html = client.get(
        reverse("lms:storyline_choose", kwargs={"attempt_id": attempt.public_id})
    ).content.decode()
    for storyline in StorylinePage.objects.child_of(course):
        label = re.search(
            rf'<label for="storyline-{storyline.pk}">(.*?)</label>', html, re.DOTALL
        ).group(1)
        assert storyline.title in label
        assert f"Over {storyline.title}: wat je leert." in label


def test_the_overview_says_answers_are_final_once_checked(client, user):
    course = factories.make_course(questions_per_lesson=1)
    attempt = services.attempt_start(enrolment=services.enrolment_create(user=user, course=course))
    factories.answer_all_right(attempt)
    client.force_login(user)
    html = client.get(reverse("lms:attempt", kwargs={"attempt_id": attempt.public_id}))
    with translation.override("nl"):
        final = translation.gettext(
            "You need %(mark)s%% to pass. An answer is final once you checked it; submitting "
            "grades the attempt and shows your result."
        ) % {"mark": attempt.pass_mark}
    assert final in html.content.decode()


def test_a_passed_result_is_not_headed_try_again(client, user):
    course = factories.make_course(questions_per_lesson=1)
    attempt = services.attempt_start(enrolment=services.enrolment_create(user=user, course=course))
    factories.answer_all_right(attempt)
    services.attempt_submit(attempt=attempt)
    client.force_login(user)
    html = client.get(reverse("lms:attempt", kwargs={"attempt_id": attempt.public_id}))
    html = html.content.decode()
    assert shown("Try again") not in html
    assert shown("Another attempt") in html
