"""What the real-browser tests need in the database: the home page text, a content page, a
BUIT-style module with two storylines, a module whose one lesson holds every kind of block, one
user per role, and the learner's history on those modules (an open attempt with one answered
question, a passed attempt with its certificate), an establishment with its manager and an
invitation for the learner, a programme target.
Built with the project's factories and services, so the pages look like the seeded site."""

import io
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

from accounts import roles
from certificates.models import Certificate
from certificates.services import certificate_create
from cms.models import ContentPage
from courses.models import CoursePage, LessonPage, StorylinePage
from lms import services as lms_services
from lms.models import Attempt
from organisations.models import Invitation, Organisation
from organisations.services.registration import organisation_register
from organisations.services.staff import staff_invite
from reporting.models import Target
from tests import factories

HOME_INTRO = (
    "Gratis e-learning voor professionals die signalen van mensenhandel willen herkennen "
    "en weten wat ze moeten doen."
)
CAPTIONS = b"WEBVTT\n\n00:00.000 --> 00:02.000\nReceptie, vrijdagavond.\n"


@dataclass
class E2EContent:
    content_page: ContentPage
    course: CoursePage
    blocks_course: CoursePage
    block_lesson: LessonPage
    learner: object
    manager: object
    programme_staff: object
    open_attempt: Attempt  # learner, in the every-block lesson, one question answered
    passed_attempt: Attempt  # learner, the storyline module, all answers right
    choosing_attempt: Attempt  # manager, the storyline module, storyline not chosen yet
    certificate: Certificate
    organisation: Organisation
    invitation: Invitation  # for the learner, from the organisation
    target: Target


def _image() -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 360), (21, 66, 115)).save(buffer, format="PNG")
    return Image.objects.create(
        title="Receptie",
        file=ContentFile(buffer.getvalue(), name=f"receptie-{uuid.uuid4().hex[:6]}.png"),
        collection=Collection.get_first_root_node(),
    )


def _document(title: str, name: str, data: bytes) -> Document:
    return Document.objects.create(
        title=title,
        file=ContentFile(data, name=name),
        collection=Collection.get_first_root_node(),
    )


def every_block_body() -> list[dict]:
    """One lesson body with each block type of `courses.blocks.LessonStreamBlock`."""
    video = _document("Film", "film.mp4", b"\x00\x00\x00\x18ftypmp42")
    captions = _document("Ondertiteling", "film.vtt", CAPTIONS)
    image = _image()
    block_id = factories._id
    return [
        factories.text("<p>Een gast komt elke avond met een andere, veel jongere bezoeker.</p>"),
        {
            "type": "image",
            "id": block_id(),
            "value": {"image": image.pk, "alt": "Een hotelreceptie bij avond", "caption": ""},
        },
        {
            "type": "video",
            "id": block_id(),
            "value": {
                "title": "Scène aan de balie",
                "embed": None,
                "file": video.pk,
                "captions": captions.pk,
                "transcript": "<p>Receptie, vrijdagavond.</p>",
            },
        },
        {
            "type": "scene",
            "id": block_id(),
            "value": {"title": "Scène 1: Sanne", "text": "<p>Sanne is vijftien.</p>"},
        },
        {
            "type": "signal",
            "id": block_id(),
            "value": {"title": "Signaal", "text": "<p>Veel handdoeken, weinig bagage.</p>"},
        },
        {
            "type": "meldroute",
            "id": block_id(),
            "value": {
                "organisation": "Veilig Thuis",
                "when": "<p>Bij zorgen over een minderjarige.</p>",
                "how": "<p>Bel 0800-2000.</p>",
            },
        },
        factories.single_choice("Wat doe je eerst?", [("goed", True), ("fout", False)]),
        factories.multiple_choice(
            "Welke signalen zie je?", [("goed", True), ("ook goed", True), ("fout", False)]
        ),
        factories.true_false("Een minderjarige kan instemmen met betaalde seks.", False),
        factories.ordering("Zet de stappen op volgorde.", ["zien", "bespreken", "melden"]),
        factories.scenario(),
    ]


def _pass(*, user, course: CoursePage) -> Attempt:
    """The learner takes the first storyline and answers every question right."""
    enrolment = lms_services.enrolment_create(user=user, course=course)
    storyline = course.get_children().type(StorylinePage).live().first()
    attempt = lms_services.attempt_start(
        enrolment=enrolment, storyline=storyline.specific if storyline else None
    )
    factories.answer_all_right(attempt)
    lms_services.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    return attempt


def _open_attempt(*, user, course: CoursePage) -> Attempt:
    """An attempt in progress with its first question answered and the first decision of its
    scenario taken (so question feedback and a scenario step show)."""
    enrolment = lms_services.enrolment_create(user=user, course=course)
    attempt = lms_services.attempt_start(enrolment=enrolment)
    question = attempt.graded_questions[0]
    right = [o["id"] for o in question["options"] if o["correct"]][:1]
    lms_services.answer_submit(
        attempt=attempt, question_id=question["id"], response={"option_ids": right}
    )
    scenario = next(q for q in attempt.questions if q["type"] == "scenario")
    first = next(s for s in scenario["scenes"] if s["key"] == scenario["start"])
    lms_services.scenario_choose(
        attempt=attempt,
        scenario_id=scenario["id"],
        scene_key=first["key"],
        option_id=first["options"][0]["id"],
    )
    return attempt


def build_content() -> E2EContent:
    home = factories.home_page()
    home.intro = HOME_INTRO
    home.save_revision().publish()
    course = factories.make_course(title="Signaleren van uitbuiting", storylines=True)
    blocks_course = CoursePage(
        title="Alle onderdelen",
        slug="alle-onderdelen",
        summary="Een les met elk soort onderdeel.",
        audience="hotel_staff",
        estimated_minutes=20,
    )
    factories.course_index().add_child(instance=blocks_course)
    blocks_course.save_revision().publish()
    block_lesson = factories.lesson(blocks_course, "Alle onderdelen", every_block_body())
    content_page = ContentPage(
        title="Toegankelijkheid",
        slug="toegankelijkheid",
        body="<h2>Onze aanpak</h2><p>Dit platform voldoet aan WCAG 2.1 AA.</p>",
        show_in_menus=True,  # in the footer of every Dutch page (and of no other language's)
    )
    home.add_child(instance=content_page)
    content_page.save_revision().publish()
    learner = factories.UserFactory(full_name="Lotte Leerling", role=roles.LEARNER)
    manager = factories.UserFactory(full_name="Mo Manager", role=roles.ORGANISATION_MANAGER)
    passed_attempt = _pass(user=learner, course=course)
    # The manager has started the module: the storyline choice after the introduction is open.
    choosing_attempt = lms_services.attempt_start(
        enrolment=lms_services.enrolment_create(user=manager, course=course)
    )
    organisation = organisation_register(
        user=manager,
        name="Hotel De Brug",
        municipality="Utrecht",
        declared_staff=5,
        public_listing=True,
    )
    target = factories.TargetFactory(code="buit-professionals", course=course)
    return E2EContent(
        content_page=content_page,
        course=course,
        blocks_course=blocks_course,
        block_lesson=block_lesson,
        learner=learner,
        manager=manager,
        programme_staff=factories.UserFactory(
            full_name="Pim Programma", role=roles.PROGRAMME_STAFF
        ),
        open_attempt=_open_attempt(user=learner, course=blocks_course),
        passed_attempt=passed_attempt,
        choosing_attempt=choosing_attempt,
        certificate=certificate_create(completion=passed_attempt.completion),
        organisation=organisation,
        invitation=staff_invite(organisation=organisation, email=learner.email, invited_by=manager),
        target=target,
    )
