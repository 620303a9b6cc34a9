"""Test data: factory_boy factories for users, the course tree (wagtail-factories), attempts,
completions, certificates, organisations, staff memberships and targets, plus the question-block builders
and `make_course`, the small course with known answers most tests start from.

The factories of rows that a service owns (enrolment, attempt, completion, certificate,
organisation, membership) create them through that service, so a test's data holds the same
invariants as production data (snapshots, cycles, events); `.build()` is not offered for them.
Benchmarks do not import this module: they have their own builders in `benchmarks/`.
"""

import uuid
from datetime import date

import factory
import wagtail_factories
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Locale, Page
from wagtail.signal_handlers import disable_reference_index_auto_update

from accounts import roles, two_factor
from certificates import services as certificate_services
from certificates.models import Certificate
from cms.models import HomePage
from courses.models import CourseIndexPage, CoursePage, LessonPage, StorylinePage
from lms import services as lms_services
from lms.models import Attempt, Completion, Enrolment
from organisations.models import Organisation, StaffMembership
from organisations.services import registration, staff
from reporting.models import Target, TargetCourse

PASSWORD = "correct-horse-battery"
#: The authenticator-app secret (base32) of every factory-made person with a second factor.
TOTP_SECRET = "QE5246MGKOMW37SMN47SXN47JFFBKMSX"


def give_second_factor(user):
    """An authenticator app (TOTP) for `user`, as allauth stores it after activation."""
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": get_adapter().encrypt(TOTP_SECRET)}},
    )
    return user


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Persoon {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )
        obj.save()

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.add(Group.objects.get_or_create(name=extracted)[0])

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        """A person with a role that needs a second factor somewhere (accounts.two_factor) has
        one, as production requires; `second_factor=False` makes one without, `True` gives
        anyone one."""
        if not create:
            return
        wanted = extracted
        if wanted is None:
            wanted = (
                obj.is_superuser
                or obj.groups.filter(name__in=two_factor.ROLES_WITH_A_FACTOR).exists()
            )
        if wanted:
            give_second_factor(obj)


def home_page() -> HomePage:
    return HomePage.objects.get(locale__language_code="nl")


def course_index() -> CourseIndexPage:
    index = CourseIndexPage.objects.filter(locale__language_code="nl").first()
    if index is None:
        index = CourseIndexPage(title="Modules", slug="modules")
        home_page().add_child(instance=index)
    return index


def _id() -> str:
    return str(uuid.uuid4())


def single_choice(question: str, options: list[tuple[str, bool]], qid: str | None = None):
    return {
        "type": "single_choice",
        "id": qid or _id(),
        "value": {
            "question": question,
            "options": [
                {
                    "type": "item",
                    "id": _id(),
                    "value": {"text": t, "correct": c, "feedback": f"feedback {t}"},
                }
                for t, c in options
            ],
            "explanation": "<p>uitleg</p>",
        },
    }


def multiple_choice(question: str, options: list[tuple[str, bool]], qid: str | None = None):
    block = single_choice(question, options, qid)
    block["type"] = "multiple_choice"
    return block


def true_false(statement: str, correct: bool, qid: str | None = None):
    return {
        "type": "true_false",
        "id": qid or _id(),
        "value": {
            "statement": statement,
            "correct": correct,
            "feedback_true": "ft",
            "feedback_false": "ff",
            "explanation": "",
        },
    }


def ordering(question: str, items: list[str], qid: str | None = None):
    return {
        "type": "ordering",
        "id": qid or _id(),
        "value": {
            "question": question,
            "items": [{"type": "item", "id": _id(), "value": t} for t in items],
            "explanation": "",
        },
    }


def scenario(qid: str | None = None):
    def option(text, recommended, nxt):
        return {
            "type": "item",
            "id": _id(),
            "value": {
                "text": text,
                "recommended": recommended,
                "feedback": f"fb {text}",
                "next": nxt or "",
            },
        }

    return {
        "type": "scenario",
        "id": qid or _id(),
        "value": {
            "title": "Casus",
            "intro": "<p>situatie</p>",
            "start": "s1",
            "scenes": [
                {
                    "type": "item",
                    "id": _id(),
                    "value": {
                        "key": "s1",
                        "text": "<p>een</p>",
                        "options": [option("praten", True, "s2"), option("negeren", False, None)],
                    },
                },
                {
                    "type": "item",
                    "id": _id(),
                    "value": {
                        "key": "s2",
                        "text": "<p>twee</p>",
                        "options": [option("melden", True, None), option("wachten", False, None)],
                    },
                },
            ],
        },
    }


def text(html: str = "<p>tekst</p>"):
    return {"type": "text", "id": _id(), "value": html}


class _PublishedPageFactory(wagtail_factories.PageFactory):
    """A page added under `parent` and published through a revision, as an editor's page is
    (attempts record the course's latest revision)."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    # Wagtail's reference index (the admin's "usage" counts) is not what a test page is for,
    # and keeping it up to date was a sixth of the time of building a test course.
    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with disable_reference_index_auto_update():
            return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def publish(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            with disable_reference_index_auto_update():
                obj.save_revision().publish()


class CourseFactory(_PublishedPageFactory):
    """A published course page under the Dutch course index, without lessons (`make_course`
    adds lessons with known answers)."""

    class Meta:
        model = CoursePage

    parent = factory.LazyFunction(lambda: course_index())
    title = "Testmodule"
    slug = factory.LazyFunction(lambda: f"module-{uuid.uuid4().hex[:8]}")
    summary = "Samenvatting"
    audience = "professionals_children"
    pass_mark = 70
    validity_months = 24
    max_attempts = None
    retake_cooldown_hours = 0
    storyline_prompt = ""
    locale = factory.LazyFunction(lambda: Locale.objects.get_or_create(language_code="nl")[0])


class StorylineFactory(_PublishedPageFactory):
    class Meta:
        model = StorylinePage

    parent = factory.SubFactory(CourseFactory)
    title = "Verhaallijn"
    slug = factory.LazyAttribute(lambda o: o.title.split()[0].lower())


class LessonFactory(_PublishedPageFactory):
    """A published lesson; `body` is a list of raw blocks (see `single_choice` and friends)."""

    class Meta:
        model = LessonPage

    parent = factory.SubFactory(CourseFactory)
    title = "Les"
    slug = factory.LazyFunction(lambda: f"les-{uuid.uuid4().hex[:8]}")
    body = factory.LazyFunction(lambda: [text()])
    minutes = 5


def lesson(parent: Page, title: str, body: list[dict]) -> LessonPage:
    return LessonFactory(parent=parent, title=title, body=body)


def make_course(
    *,
    title: str = "Testmodule",
    storylines: bool = False,
    pass_mark: int = 70,
    validity_months: int | None = 24,
    max_attempts: int | None = None,
    retake_cooldown_hours: int = 0,
    questions_per_lesson: int = 2,
    locale: str = "nl",
) -> CoursePage:
    """A published course: intro lesson (+ two storylines) with single-choice questions whose
    correct option text is 'goed'."""
    course = CourseFactory(
        title=title,
        pass_mark=pass_mark,
        validity_months=validity_months,
        max_attempts=max_attempts,
        retake_cooldown_hours=retake_cooldown_hours,
        storyline_prompt="Kies een verhaallijn" if storylines else "",
        locale=Locale.objects.get_or_create(language_code=locale)[0],
    )

    def questions(prefix):
        return [
            single_choice(f"{prefix} vraag {i}", [("goed", True), ("fout", False)])
            for i in range(questions_per_lesson)
        ]

    lesson(course, "Introductie", [text(), *questions("intro"), scenario()])
    if storylines:
        for name in ("Seksuele uitbuiting", "Criminele uitbuiting"):
            storyline = StorylineFactory(parent=course, title=name)
            lesson(storyline, f"{name} les", [text(), *questions(name)])
    course.refresh_from_db()
    return course


def right_response(question: dict) -> dict:
    """The correct response to a snapshot question (read from the server-side snapshot), for
    every graded question type."""
    if question["type"] in ("single_choice", "multiple_choice"):
        return {"option_ids": [o["id"] for o in question["options"] if o["correct"]]}
    if question["type"] == "true_false":
        return {"value": question["correct"]}
    return {"item_ids": [i["id"] for i in question["items"]]}


def answer_all_right(attempt) -> None:
    """Answer every graded question of `attempt` rightly, through the learning services, as a
    learner who knows the answers would."""
    for question in attempt.graded_questions:
        lms_services.answer_submit(
            attempt=attempt, question_id=question["id"], response=right_response(question)
        )


def translate_course(course, code: str):
    """A published translation of `course` (and its lessons) in `code`, as wagtail-localize
    makes one: same translation key, so it is the same course in another language."""
    from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
    from wagtail.models import Locale, Page

    from courses.models import CoursePage

    translated = CopyPageForTranslationAction(
        page=course,
        locale=Locale.objects.get_or_create(language_code=code)[0],
        copy_parents=True,
        include_subtree=True,
    ).execute(skip_permission_checks=True)
    for page in Page.objects.filter(locale__language_code=code, live=False).order_by("path"):
        page.specific.save_revision().publish()
    return CoursePage.objects.get(pk=translated.pk)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """An enrolment of a new learner in a new `make_course` course, through the lms service."""

    class Meta:
        model = Enrolment

    user = factory.SubFactory(UserFactory)
    course = factory.LazyFunction(make_course)

    @classmethod
    def _create(cls, model_class, *, user, course):
        return lms_services.enrolment_create(user=user, course=course)


class AttemptFactory(factory.django.DjangoModelFactory):
    """An open attempt, started through the lms service (the snapshot holds the questions).
    `answered=True` answers every question right; `submitted=True` then hands it in."""

    class Meta:
        model = Attempt
        skip_postgeneration_save = True

    enrolment = factory.SubFactory(EnrolmentFactory)
    storyline = None

    @classmethod
    def _create(cls, model_class, *, enrolment, storyline):
        return lms_services.attempt_start(enrolment=enrolment, storyline=storyline)

    @factory.post_generation
    def answered(obj, create, extracted, **kwargs):
        if create and extracted:
            answer_all_right(obj)

    @factory.post_generation
    def submitted(obj, create, extracted, **kwargs):
        if create and extracted:
            lms_services.attempt_submit(attempt=obj)
            obj.refresh_from_db()


class CompletionFactory(factory.django.DjangoModelFactory):
    """A pass of `course` by `user`: an attempt answered right and submitted, so the completion
    (and what follows a pass, ADR 0004) comes from the lms service, not from a hand-made row."""

    class Meta:
        model = Completion

    user = factory.SubFactory(UserFactory)
    course = factory.LazyFunction(make_course)

    @classmethod
    def _create(cls, model_class, *, user, course):
        attempt = AttemptFactory(
            enrolment__user=user, enrolment__course=course, answered=True, submitted=True
        )
        return Completion.objects.get(attempt=attempt)


class CertificateFactory(factory.django.DjangoModelFactory):
    """The personal certificate of a completion, through the certificates service (which
    returns the one the pass already issued, if any)."""

    class Meta:
        model = Certificate

    completion = factory.SubFactory(CompletionFactory)

    @classmethod
    def _create(cls, model_class, *, completion):
        return certificate_services.certificate_create(completion=completion)


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A registered organisation, through the organisations service, with a verified manager;
    `counting_course` (a course page) makes that course count for its certification."""

    class Meta:
        model = Organisation

    manager = factory.SubFactory(UserFactory, role=roles.ORGANISATION_MANAGER)
    name = factory.Sequence(lambda n: f"Hotel {n}")
    municipality = "Utrecht"
    declared_staff = 5
    counting_course = None

    @classmethod
    def _create(cls, model_class, *, manager, counting_course, **fields):
        organisation = registration.organisation_register(user=manager, **fields)
        if counting_course is not None:
            organisation.counting_course_keys = [str(counting_course.translation_key)]
            organisation.save(update_fields=["counting_course_keys"])
        return organisation


class MembershipFactory(factory.django.DjangoModelFactory):
    """A current staff membership, through the organisation's join service."""

    class Meta:
        model = StaffMembership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = StaffMembership.Role.RECEPTION

    @classmethod
    def _create(cls, model_class, *, organisation, user, role):
        return staff.organisation_join(organisation=organisation, user=user, role=role)


class TargetFactory(factory.django.DjangoModelFactory):
    """A programme target counting the people who passed `course` (its one counted course, when
    given); by default the 20.000 professionals of 2024 to 2030."""

    class Meta:
        model = Target

    code = factory.Sequence(lambda n: f"target-{n}")
    title = "20.000 professionals met basiskennis"
    titles = factory.LazyFunction(
        lambda: {
            "en": "20,000 professionals with basic knowledge",
            "pl": "20 000 specjalistów z podstawową wiedzą",
            "es": "20.000 profesionales con conocimientos básicos",
        }
    )
    unit = Target.Unit.PEOPLE_PASSED
    goal = Target.Goal.NUMBER
    target_number = 20000
    period_start = date(2024, 1, 1)
    period_end = date(2030, 12, 31)
    course = None

    @classmethod
    def _create(cls, model_class, *, course, **fields):
        target = model_class.objects.create(**fields)
        if course is not None:
            TargetCourse(target=target, course=course, sort_order=0).save()
        return target
