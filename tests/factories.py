"""Test data builders: users and small courses with known questions and answers."""

import uuid

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Locale, Page

from cms.models import HomePage
from courses.models import CourseIndexPage, CoursePage, LessonPage, StorylinePage

PASSWORD = "correct-horse-battery"


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


def lesson(parent: Page, title: str, body: list[dict]) -> LessonPage:
    page = LessonPage(title=title, slug=f"les-{uuid.uuid4().hex[:8]}", body=body, minutes=5)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


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
    course = CoursePage(
        title=title,
        slug=f"module-{uuid.uuid4().hex[:8]}",
        summary="Samenvatting",
        audience="professionals_children",
        pass_mark=pass_mark,
        validity_months=validity_months,
        max_attempts=max_attempts,
        retake_cooldown_hours=retake_cooldown_hours,
        storyline_prompt="Kies een verhaallijn" if storylines else "",
        locale=Locale.objects.get_or_create(language_code=locale)[0],
    )
    course_index().add_child(instance=course)
    course.save_revision().publish()

    def questions(prefix):
        return [
            single_choice(f"{prefix} vraag {i}", [("goed", True), ("fout", False)])
            for i in range(questions_per_lesson)
        ]

    lesson(course, "Introductie", [text(), *questions("intro"), scenario()])
    if storylines:
        for name in ("Seksuele uitbuiting", "Criminele uitbuiting"):
            storyline = StorylinePage(title=name, slug=name.split()[0].lower())
            course.add_child(instance=storyline)
            storyline.save_revision().publish()
            lesson(storyline, f"{name} les", [text(), *questions(name)])
    course.refresh_from_db()
    return course


def answer_all_right(attempt) -> None:
    """Answer every graded question of `attempt` with its (first) right option, through the
    learning services, as a learner who knows the answers would."""
    from lms import services

    for question in attempt.graded_questions:
        right = [o["id"] for o in question["options"] if o["correct"]][:1]
        services.answer_submit(
            attempt=attempt, question_id=question["id"], response={"option_ids": right}
        )
