"""The learner journey in the browser: enrol, choose a storyline, take lessons, answer questions
with immediate feedback from the server, submit, see results, retake. Every page works without
JavaScript; `static/lms/player.js` only swaps in the server-rendered feedback without a reload."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses.blocks import QUESTION_TYPES
from courses.models import CourseIndexPage, CoursePage, LessonPage
from courses.selectors import course_outline

from . import fragments, selectors, services
from .errors import LearningError
from .forms import AnswerForm, AttemptStartForm, LessonDoneForm, ScenarioChoiceForm
from .models import Attempt, Enrolment

#: Header sent by static/lms/player.js: answer with the question's fragment, not a redirect.
FRAGMENT_HEADER = "HTTP_X_LMS_FRAGMENT"
_SHOWN_SALT = "lms.lesson.shown"


def _wants_fragment(request) -> bool:
    return request.META.get(FRAGMENT_HEADER) == "1"


def _course_or_404(course_id: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live().select_related("locale"), pk=course_id)


def _attempt_or_404(request, attempt_id, *, with_course: bool = True) -> Attempt:
    try:
        return selectors.attempt_for_learner(
            user=request.user, attempt_id=attempt_id, with_course=with_course
        )
    except LearningError as exc:
        raise Http404(exc.message) from exc


def _problem(request, *, title: str, message: str, status: int, course=None):
    return render(
        request,
        "lms/problem.html",
        {"title": title, "message": message, "course": course},
        status=status,
    )


@require_GET
def catalogue(request):
    """A stable address for the catalogue in the current language (the menu links here)."""
    pages = CourseIndexPage.objects.live().public().order_by("path")
    index = pages.filter(locale__language_code=get_language()).first() or pages.first()
    url = index.get_url(request) if index is not None else None
    if not url:
        raise Http404(_("There is no course catalogue yet."))
    query = request.GET.urlencode()
    return HttpResponseRedirect(url + (f"?{query}" if query else ""))


@login_required
def enrol(request, course_id: int):
    """One-click enrolment from the course page: the course starts at once at its first lesson
    (on a course with storylines, the shared introduction; the storyline is chosen after it)."""
    course = _course_or_404(course_id)
    course.activate_language(request)
    if request.method != "POST":
        return redirect(course.get_url(request))
    try:
        enrolment = services.enrolment_create(user=request.user, course=course)
    except LearningError as exc:
        return _problem(
            request,
            title=_("You cannot enrol yet"),
            message=exc.message,
            status=exc.status,
            course=course,
        )
    attempt = selectors.current_attempt(enrolment=enrolment)
    if attempt is not None and attempt.status == Attempt.Status.IN_PROGRESS:
        return _resume(enrolment, attempt)
    if attempt is not None:
        return redirect("lms:start", course_id=course.pk)
    try:
        attempt = services.attempt_start(enrolment=enrolment)
    except LearningError as exc:
        return _problem(
            request,
            title=_("You cannot start"),
            message=exc.message,
            status=exc.status,
            course=course,
        )
    messages.success(request, _("You are enrolled. Good luck!"))
    return _resume(enrolment, attempt)


def _resume(enrolment: Enrolment, attempt: Attempt):
    path = attempt.snapshot.get("lesson_ids", [])
    if not path:
        if services.attempt_storyline_pending(attempt):
            return redirect("lms:storyline_choose", attempt_id=attempt.public_id)
        return redirect("lms:attempt", attempt_id=attempt.public_id)
    lesson_id = enrolment.last_lesson_id if enrolment.last_lesson_id in path else path[0]
    return redirect("lms:lesson", lesson_id=lesson_id)


@login_required
def start(request, course_id: int):
    """Start an attempt; also where a learner retakes a course or takes the other storyline.
    On a course with storylines the learner may pick the storyline up front (to take the other
    one later); otherwise the attempt starts with the shared introduction and the storyline is
    chosen after it (`storyline_choose`)."""
    course = _course_or_404(course_id)
    course.activate_language(request)
    enrolment = Enrolment.objects.filter(user=request.user, course=course).first()
    if enrolment is None:
        messages.info(request, _("Enrol in the course first."))
        return redirect(course.get_url(request))
    outline = course_outline(course=course)
    storylines = [storyline for storyline, _lessons in outline.storylines]
    attempt = selectors.current_attempt(enrolment=enrolment)
    form = AttemptStartForm(
        request.POST if request.method == "POST" else None,
        storylines=storylines,
        required=False,
    )
    status = 200
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                attempt = services.attempt_start(
                    enrolment=enrolment, storyline=form.chosen_storyline()
                )
            except LearningError as exc:
                error, status = exc.message, exc.status
            else:
                enrolment.refresh_from_db()
                return _resume(enrolment, attempt)
        else:
            status = 400
    context = {
        "course": course,
        "outline": outline,
        # A first start goes to the introduction; a later one may pick the other storyline.
        "storyline_lessons": outline.storylines if attempt is not None else [],
        "form": form,
        "error": error,
        "attempt": attempt,
        "retake": selectors.retake_availability(enrolment=enrolment, course=course),
        "content_lang": course.locale.language_code,
        "foreign": course.locale.language_code != get_language(),
    }
    return render(request, "lms/start.html", context, status=status)


@login_required
def storyline_choose(request, attempt_id):
    """After the shared introduction: the learner chooses the storyline to follow in this
    attempt; its lessons (and the closing lessons) are added and the learner goes on to them."""
    attempt = _attempt_or_404(request, attempt_id)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return redirect("lms:attempt", attempt_id=attempt.public_id)
    enrolment = attempt.enrolment
    if not services.attempt_storyline_pending(attempt):
        return _resume(enrolment, attempt)
    course = attempt.course.specific
    course.activate_language(request)
    outline = course_outline(course=course)
    form = AttemptStartForm(
        request.POST if request.method == "POST" else None,
        storylines=[storyline for storyline, _lessons in outline.storylines],
    )
    status = 200
    error = ""
    if request.method == "POST":
        if form.is_valid():
            before = len(attempt.snapshot.get("lesson_ids", []))
            try:
                attempt = services.attempt_storyline_choose(
                    attempt=attempt, storyline=form.chosen_storyline()
                )
            except LearningError as exc:
                error, status = exc.message, exc.status
            else:
                path = attempt.snapshot.get("lesson_ids", [])
                if before < len(path):
                    return redirect("lms:lesson", lesson_id=path[before])
                return redirect("lms:attempt", attempt_id=attempt.public_id)
        else:
            status = 400
    elif request.method != "GET":
        return redirect("lms:storyline_choose", attempt_id=attempt.public_id)
    context = {
        "course": course,
        "outline": outline,
        "storyline_lessons": outline.storylines,
        "form": form,
        "error": error,
        "attempt": attempt,
        "choosing": True,
        "content_lang": course.locale.language_code,
        "foreign": course.locale.language_code != get_language(),
    }
    return render(request, "lms/start.html", context, status=status)


def _lesson_items(*, lesson, attempt, answers, errors=None, posted=None, only=None) -> list[dict]:
    """The lesson's blocks in order; questions come from the attempt's snapshot in the form the
    learner may see: without correctness until answered."""
    errors = errors or {}
    questions = {q["id"]: q for q in attempt.questions if q["lesson_id"] == lesson.pk}
    editable = attempt.status == Attempt.Status.IN_PROGRESS
    items: list[dict] = []
    seen: set[str] = set()
    numbered = 0

    def question_item(question):
        nonlocal numbered
        numbered += 1
        item = {
            "kind": "scenario" if question["type"] == "scenario" else "question",
            "number": numbered,
            "question": services.public_question(attempt, question),
            "errors": errors.get(question["id"], []),
            "editable": editable,
            "attempt": attempt,
        }
        # After a refused answer the form shows what the learner had chosen.
        again = posted if posted is not None and question["id"] in errors else None
        item["chosen"] = again.getlist("option") if again is not None else []
        item["chosen_value"] = again.get("value", "") if again is not None else ""
        if question["type"] == "scenario":
            item["walk"] = selectors.scenario_walk(question=question, answers=answers)
        else:
            answer = answers.get(question["id"])
            item["answer"] = answer
            if question["type"] == "ordering":
                item["places"] = [str(n) for n in range(1, len(question["items"]) + 1)]
                item["order_rows"] = [
                    {
                        **row,
                        "place": again.get(f"position-{row['id']}", "") if again else "",
                    }
                    for row in item["question"]["items"]
                ]
            if answer is not None:
                item["feedback"] = services.answer_feedback(attempt=attempt, answer=answer)
                if question["type"] == "ordering":
                    texts = {i["id"]: i["text"] for i in question["items"]}
                    item["your_order"] = [texts.get(i, "") for i in answer.response["item_ids"]]
        return item

    for block in lesson.body:
        if block.block_type in QUESTION_TYPES:
            question = questions.get(block.id)
            if question is not None:
                seen.add(question["id"])
                items.append(question_item(question))
        elif only is None:
            items.append({"kind": "block", "block": block})
    # Questions an editor removed after the attempt started still belong to the attempt.
    for question_id, question in questions.items():
        if question_id not in seen:
            items.append(question_item(question))
    if only is not None:
        items = [i for i in items if i["kind"] != "block" and i["question"]["id"] == only]
    return items


def _render_lesson(
    request, *, lesson, enrolment, attempt, navigation=None, errors=None, status=200, share=False
):
    """The lesson page. With `share` (a plain view, no form errors) the page is rendered once per
    state and shared (`fragments.shared_page`): the key holds everything the page shows except
    the attempt id, the CSRF token and the signed time the page was shown."""
    posted = request.POST if errors else None
    answers = {a.question_id: a for a in attempt.answers.all()}
    path = attempt.snapshot.get("lesson_ids", [])
    if navigation is None:
        navigation = selectors.lesson_navigation(enrolment=enrolment, lesson_ids=path)
    position = next((i for i, row in enumerate(navigation) if row["pk"] == lesson.pk), 0)
    course = enrolment.course
    course.activate_language(request)
    content_lang = course.locale.language_code
    foreign = content_lang != get_language()
    storyline_pending = services.attempt_storyline_pending(attempt)
    token = get_token(request)
    shown = signing.dumps(
        {"lesson": lesson.pk, "at": int(timezone.now().timestamp())}, salt=_SHOWN_SALT
    )

    def render_page() -> str:
        items = _lesson_items(
            lesson=lesson, attempt=attempt, answers=answers, errors=errors, posted=posted
        )
        fragments.render_items(
            request, items, content_lang=content_lang, foreign=foreign, token=token
        )
        context = {
            "page": lesson,
            "lesson": lesson,
            "course": course,
            "enrolment": enrolment,
            "attempt": attempt,
            "items": items,
            "navigation": navigation,
            "position": position + 1,
            "previous": navigation[position - 1] if position > 0 else None,
            "next": navigation[position + 1] if position + 1 < len(navigation) else None,
            "completed_count": sum(1 for row in navigation if row["completed"]),
            "storyline_pending": storyline_pending,
            "shown": shown,
            "csrf_token": token,
            "content_lang": content_lang,
            "foreign": foreign,
        }
        return render_to_string("lms/lesson.html", context, request)

    if not share or errors:
        return HttpResponse(render_page(), status=status)
    questions = [q for q in attempt.questions if q["lesson_id"] == lesson.pk]
    asked = {q["id"] for q in questions}
    material = [
        "lesson",
        [lesson.pk, lesson.title, lesson.minutes, list(lesson.body.raw_data)],
        [course.pk, course.title, course.url_path, content_lang],
        [attempt.status, storyline_pending, questions],
        sorted(
            [a.question_id, a.response, a.is_correct]
            for a in answers.values()
            if a.question_id.split(":")[0] in asked
        ),
        navigation,
    ]
    html = fragments.shared_page(
        request,
        material=material,
        render=render_page,
        personal={"attempt": str(attempt.public_id), "csrf": token, "shown": shown},
    )
    return HttpResponse(html, status=status)


def _lesson_in_attempt(request, *, lesson_id):
    """(lesson, enrolment, attempt) for the learner, or a redirect explaining why not."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    enrolment, attempt = selectors.lesson_state(user=request.user, lesson=lesson)
    if enrolment is None:
        course = CoursePage.objects.ancestor_of(lesson).live().first()
        if course is None:
            raise Http404
        messages.info(request, _("Enrol in the course to take its lessons."))
        return redirect(course.get_url(request))
    if attempt is None:
        messages.info(request, _("Choose how you want to take the course first."))
        return redirect("lms:start", course_id=enrolment.course_id)
    if lesson.pk not in attempt.snapshot.get("lesson_ids", []):
        if services.attempt_storyline_pending(attempt):
            messages.info(request, _("Choose a storyline first: its lessons come after it."))
            return redirect("lms:storyline_choose", attempt_id=attempt.public_id)
        messages.info(
            request,
            _("This lesson belongs to another storyline. You can take it in a new attempt."),
        )
        return redirect("lms:start", course_id=enrolment.course_id)
    return lesson, enrolment, attempt


@login_required
@require_GET
def lesson(request, lesson_id: int):
    # The usual case in few queries (the page has a budget): the attempt, then the lessons of
    # its path, which hold this lesson and the navigation.
    attempt = selectors.attempt_for_lesson(user=request.user, lesson_id=lesson_id)
    path = attempt.snapshot.get("lesson_ids", []) if attempt else []
    if attempt is None or lesson_id not in path:
        found = _lesson_in_attempt(request, lesson_id=lesson_id)
        if not isinstance(found, tuple):
            return found
        lesson, enrolment, attempt = found
        navigation = None
    else:
        enrolment = attempt.enrolment
        lessons = selectors.path_lessons(enrolment=enrolment, lesson_ids=path)
        lesson = next((les for les in lessons if les.pk == lesson_id), None)
        if lesson is None:
            raise Http404
        navigation = [
            {"pk": les.pk, "title": les.title, "minutes": les.minutes, "completed": les.completed}
            for les in lessons
        ]
    # A reload of the lesson the learner is on changes nothing worth a write.
    if attempt.status == Attempt.Status.IN_PROGRESS and enrolment.last_lesson_id != lesson.pk:
        services.lesson_seen(enrolment=enrolment, lesson_id=lesson.pk)
    return _render_lesson(
        request,
        lesson=lesson,
        enrolment=enrolment,
        attempt=attempt,
        navigation=navigation,
        share=True,
    )


@login_required
@require_POST
def lesson_done(request, lesson_id: int):
    """'Next': the lesson counts as done, the time since it was shown counts as time spent."""
    found = _lesson_in_attempt(request, lesson_id=lesson_id)
    if not isinstance(found, tuple):
        return found
    lesson, enrolment, attempt = found
    form = LessonDoneForm(request.POST)
    seconds = 0
    if form.is_valid() and form.cleaned_data["shown"]:
        try:
            shown = signing.loads(form.cleaned_data["shown"], salt=_SHOWN_SALT)
        except signing.BadSignature:
            shown = None
        if isinstance(shown, dict) and shown.get("lesson") == lesson.pk:
            seconds = max(0, int(timezone.now().timestamp()) - int(shown.get("at", 0)))
    if attempt.status == Attempt.Status.IN_PROGRESS:
        services.lesson_visit(enrolment=enrolment, lesson=lesson, seconds=seconds, completed=True)
    path = attempt.snapshot.get("lesson_ids", [])
    position = path.index(lesson.pk)
    if position + 1 < len(path):
        return redirect("lms:lesson", lesson_id=path[position + 1])
    if attempt.status == Attempt.Status.IN_PROGRESS and services.attempt_storyline_pending(attempt):
        # The end of the shared introduction: now the learner chooses a storyline.
        return redirect("lms:storyline_choose", attempt_id=attempt.public_id)
    return redirect("lms:attempt", attempt_id=attempt.public_id)


def _question_response(request, *, attempt, question, errors=None, status=200):
    if not errors and not _wants_fragment(request):
        # Without JavaScript the learner goes back to the question on the lesson page.
        url = reverse("lms:lesson", kwargs={"lesson_id": question["lesson_id"]})
        return HttpResponseRedirect(f"{url}#q-{question['id']}", status=303)
    lesson = get_object_or_404(LessonPage.objects.all(), pk=question["lesson_id"])
    if _wants_fragment(request):
        answers = {a.question_id: a for a in attempt.answers.all()}
        course = attempt.enrolment.course
        course.activate_language(request)
        items = _lesson_items(
            lesson=lesson,
            attempt=attempt,
            answers=answers,
            errors={question["id"]: errors} if errors else None,
            posted=request.POST if errors else None,
            only=question["id"],
        )
        content_lang = course.locale.language_code
        fragments.render_items(
            request, items, content_lang=content_lang, foreign=content_lang != get_language()
        )
        return HttpResponse(items[0]["html"], status=status)
    return _render_lesson(
        request,
        lesson=lesson,
        enrolment=attempt.enrolment,
        attempt=attempt,
        errors={question["id"]: errors},
        status=status,
    )


@login_required
@require_POST
def answer(request, attempt_id, question_id: str):
    """Grade one answer on the server; the feedback is shown right away."""
    attempt = _attempt_or_404(request, attempt_id, with_course=_wants_fragment(request))
    question = attempt.question(question_id)
    if question is None or not question["graded"]:
        raise Http404(_("This question is not part of your attempt."))
    form = AnswerForm(services.public_question(attempt, question), request.POST)
    if not form.is_valid():
        return _question_response(
            request, attempt=attempt, question=question, errors=form.messages(), status=400
        )
    try:
        services.answer_submit(attempt=attempt, question_id=question_id, response=form.response())
    except LearningError as exc:
        return _question_response(
            request, attempt=attempt, question=question, errors=[exc.message], status=exc.status
        )
    return _question_response(request, attempt=attempt, question=question)


@login_required
@require_POST
def scenario_choice(request, attempt_id, question_id: str):
    """A decision in a branching scenario: its consequence and the next scene."""
    attempt = _attempt_or_404(request, attempt_id)
    question = attempt.question(question_id)
    if question is None or question["type"] != "scenario":
        raise Http404(_("This scenario is not part of your attempt."))
    form = ScenarioChoiceForm(request.POST)
    if not form.is_valid():
        return _question_response(
            request, attempt=attempt, question=question, errors=form.messages(), status=400
        )
    try:
        services.scenario_choose(
            attempt=attempt,
            scenario_id=question_id,
            scene_key=form.cleaned_data["scene"],
            option_id=form.cleaned_data["option"],
        )
    except LearningError as exc:
        return _question_response(
            request, attempt=attempt, question=question, errors=[exc.message], status=exc.status
        )
    return _question_response(request, attempt=attempt, question=question)


def _render_attempt(request, attempt, *, error="", status=200):
    enrolment = attempt.enrolment
    course = attempt.course.specific
    course.activate_language(request)
    outline = course_outline(course=course)
    review = selectors.attempt_review(attempt=attempt)
    completion = getattr(attempt, "completion", None) if attempt.passed else None
    context = {
        "attempt": attempt,
        "course": course,
        "review": review,
        "error": error,
        "completion": completion,
        "retake": selectors.retake_availability(enrolment=enrolment, course=course),
        "has_storylines": outline.has_storylines,
        "storyline_pending": attempt.status == Attempt.Status.IN_PROGRESS
        and services.attempt_storyline_pending(attempt),
        "is_current": selectors.current_attempt(enrolment=enrolment) == attempt,
    }
    return render(request, "lms/attempt.html", context, status=status)


@login_required
@require_GET
def attempt_detail(request, attempt_id):
    """Before submitting: what is still open. After: score, pass or fail, what to review and
    whether (and when) the learner may try again."""
    return _render_attempt(request, _attempt_or_404(request, attempt_id))


@login_required
@require_POST
def attempt_submit(request, attempt_id):
    attempt = _attempt_or_404(request, attempt_id)
    try:
        attempt = services.attempt_submit(attempt=attempt)
    except LearningError as exc:
        return _render_attempt(request, attempt, error=exc.message, status=exc.status)
    if attempt.passed:
        messages.success(request, _("You passed. Well done!"))
    return redirect("lms:attempt", attempt_id=attempt.public_id)


@login_required
@require_GET
def my_learning(request):
    """The learner's courses: in progress and completed."""
    completions = {c.course_key: c for c in selectors.learner_completions(user=request.user)}
    in_progress, completed = [], []
    for enrolment in selectors.learner_enrolments(user=request.user):
        attempts = list(enrolment.attempts.all())
        attempt = attempts[0] if attempts else None
        path = attempt.snapshot.get("lesson_ids", []) if attempt else []
        progress = list(enrolment.progress.all())
        done = {p.lesson_id for p in progress if p.completed_at}
        row = {
            "enrolment": enrolment,
            "attempt": attempt,
            "completion": completions.get(enrolment.course_key),
            "lessons_done": len([pk for pk in path if pk in done]),
            "lessons_total": len(path),
            "minutes_spent": sum(p.seconds_spent for p in progress) // 60,
            "resume_lesson_id": (
                (enrolment.last_lesson_id if enrolment.last_lesson_id in path else path[0])
                if attempt and attempt.status == Attempt.Status.IN_PROGRESS and path
                else None
            ),
        }
        (completed if row["completion"] else in_progress).append(row)
    return render(
        request, "lms/my_learning.html", {"in_progress": in_progress, "completed": completed}
    )
