"""The learner journey in the browser: enrol, choose a storyline, take lessons, answer questions
with immediate feedback from the server, submit, see results, retake. Every page works without
JavaScript; `static/lms/player.js` only swaps in the server-rendered feedback without a reload."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.errors import DomainError
from courses.models import CourseIndexPage, CoursePage, LessonPage
from courses.selectors import course_outline

from . import fragments, rules, selectors, services
from .forms import AnswerForm, AttemptStartForm, LessonDoneForm, ScenarioChoiceForm
from .models import Attempt, Enrolment

#: Header sent by static/lms/player.js: answer with the question's fragment, not a redirect.
FRAGMENT_HEADER = "HTTP_X_LMS_FRAGMENT"
_SHOWN_SALT = "lms.lesson.shown"


def _wants_fragment(request) -> bool:
    return request.META.get(FRAGMENT_HEADER) == "1"


def _course_or_404(course_id: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live().select_related("locale"), pk=course_id)


#: What an answer or a scenario choice loads with the attempt: the question's fragment speaks
#: the enrolment's course language; neither needs the attempt's own course page or storyline.
_ANSWER_RELATED = ("enrolment__course__locale",)


def _attempt_or_404(
    request, attempt_id, *, with_course: bool = True, related: tuple[str, ...] | None = None
) -> Attempt:
    try:
        return selectors.attempt_for_learner(
            user=request.user, attempt_id=attempt_id, with_course=with_course, related=related
        )
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _content_language(course) -> tuple[str, bool]:
    """The language of the course's content, and whether it differs from the interface's (the
    page then marks the content with its own `lang`)."""
    content_lang = course.locale.language_code
    return content_lang, content_lang != get_language()


def _problem(request, *, title: str, error: DomainError, course=None):
    """A page that says why the learner cannot go on (`error`), with its status."""
    return render(
        request,
        "lms/problem.html",
        {"title": title, "message": error.message, "course": course},
        status=error.status,
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
    with course.language_override():
        if request.method != "POST":
            return redirect(course.get_url(request))
        try:
            enrolment = services.enrolment_create(user=request.user, course=course)
        except DomainError as exc:
            return _problem(request, title=_("You cannot enrol yet"), error=exc, course=course)
        attempt = selectors.current_attempt(enrolment=enrolment)
        if attempt is not None and attempt.status == Attempt.Status.IN_PROGRESS:
            return _resume(enrolment, attempt)
        if attempt is not None:
            return redirect("lms:start", course_id=course.pk)
        try:
            attempt = services.attempt_start(enrolment=enrolment)
        except DomainError as exc:
            return _problem(request, title=_("You cannot start"), error=exc, course=course)
        messages.success(request, _("You are enrolled. Good luck!"))
        return _resume(enrolment, attempt)


def _resume(enrolment: Enrolment, attempt: Attempt):
    path = attempt.snapshot.get("lesson_ids", [])
    if not path:
        if services.attempt_storyline_pending(attempt):
            return redirect("lms:storyline_choose", attempt_id=attempt.public_id)
        return redirect("lms:attempt", attempt_id=attempt.public_id)
    lesson_id = rules.resume_lesson(
        path=path,
        last_lesson_id=enrolment.last_lesson_id,
        open_attempt=attempt.status == Attempt.Status.IN_PROGRESS,
    )
    if lesson_id is None:
        return redirect("lms:attempt", attempt_id=attempt.public_id)
    return redirect("lms:lesson", lesson_id=lesson_id)


def _start_page(request, *, course, outline, attempt, go, required: bool = True, **extra):
    """The start page (lms/start.html): how to take the course (`start`) or, after the shared
    introduction, which storyline to follow (`storyline_choose`). A valid POST calls
    `go(storyline)`, which takes the step and returns where to go next; a refusal of the step
    (a `DomainError`) or an invalid form is shown on the page with its status."""
    form = AttemptStartForm(
        request.POST if request.method == "POST" else None,
        storylines=[storyline for storyline, _lessons in outline.storylines],
        required=required,
    )
    status, error = 200, ""
    if request.method == "POST":
        if form.is_valid():
            try:
                return go(form.chosen_storyline())
            except DomainError as exc:
                error, status = exc.message, exc.status
        else:
            status = 400
    content_lang, foreign = _content_language(course)
    context = {
        "course": course,
        "outline": outline,
        "form": form,
        "error": error,
        "attempt": attempt,
        "content_lang": content_lang,
        "foreign": foreign,
        **extra,
    }
    return render(request, "lms/start.html", context, status=status)


@login_required
def start(request, course_id: int):
    """Start an attempt; also where a learner retakes a course or takes the other storyline.
    On a course with storylines the learner may pick the storyline up front (to take the other
    one later); otherwise the attempt starts with the shared introduction and the storyline is
    chosen after it (`storyline_choose`)."""
    course = _course_or_404(course_id)
    with course.language_override():
        # The read model holds the enrolment, its current attempt and the retake rule's state.
        progress = selectors.course_progress(user=request.user, course=course)
        enrolment = progress.enrolment
        if enrolment is None:
            messages.info(request, _("Enrol in the course first."))
            return redirect(course.get_url(request))
        outline = course_outline(course=course, bodies=False)

        def begin(storyline):
            attempt = services.attempt_start(enrolment=enrolment, storyline=storyline)
            enrolment.refresh_from_db()
            return _resume(enrolment, attempt)

        return _start_page(
            request,
            course=course,
            outline=outline,
            attempt=progress.attempt,
            go=begin,
            required=False,
            # A first start goes to the introduction; a later one may pick the other storyline.
            storyline_lessons=outline.storylines if progress.attempt is not None else [],
            retake=progress.retake,
        )


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
    if request.method not in ("GET", "POST"):
        return redirect("lms:storyline_choose", attempt_id=attempt.public_id)
    course = attempt.course.specific

    def choose(storyline):
        before = len(attempt.snapshot.get("lesson_ids", []))
        chosen = services.attempt_storyline_choose(attempt=attempt, storyline=storyline)
        path = chosen.snapshot.get("lesson_ids", [])
        if before < len(path):
            return redirect("lms:lesson", lesson_id=path[before])
        return redirect("lms:attempt", attempt_id=chosen.public_id)

    with course.language_override():
        outline = course_outline(course=course, bodies=False)
        return _start_page(
            request,
            course=course,
            outline=outline,
            attempt=attempt,
            go=choose,
            storyline_lessons=outline.storylines,
            choosing=True,
        )


def _lesson_items(
    *,
    lesson,
    attempt,
    content_lang: str,
    foreign: bool,
    errors=None,
    posted=None,
    only=None,
) -> list[dict]:
    """The lesson's body in order: rendered content (shared, `fragments.lesson_body`) and the
    questions from the attempt's snapshot in the form the learner may see, without correctness
    until answered. With `only`, just that question."""
    answers = {a.question_id: a for a in attempt.answers.all()}
    errors = errors or {}
    questions = {q["id"]: q for q in attempt.questions if q["lesson_id"] == lesson.pk}
    editable = attempt.status == Attempt.Status.IN_PROGRESS
    items: list[dict] = []
    seen: set[str] = set()
    numbered = 0

    def question_item(question):
        nonlocal numbered
        numbered += 1
        public = services.public_question(attempt, question)
        item = {
            "kind": "scenario" if question["type"] == "scenario" else "question",
            "number": numbered,
            "question": public,
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
            elif editable and again is None:
                # Nothing of this learner in the choices: their markup is shared.
                item["digest"] = fragments.question_digest(
                    public, content_lang=content_lang, foreign=foreign
                )
        return item

    if only is not None:
        question = questions.get(only)
        if question is None:
            return []
        # Its number on the page: its place among the lesson's questions.
        numbered = list(questions).index(only)
        return [question_item(question)]
    for segment in fragments.lesson_body(lesson, content_lang=content_lang, foreign=foreign):
        if segment.html is not None:
            items.append({"kind": "block", "html": segment.html})
            continue
        question = questions.get(segment.question)
        if question is not None:
            seen.add(question["id"])
            items.append(question_item(question))
    # Questions an editor removed after the attempt started still belong to the attempt.
    for question_id, question in questions.items():
        if question_id not in seen:
            items.append(question_item(question))
    return items


def _render_lesson(request, *, lesson, enrolment, attempt, errors=None, status=200):
    """The lesson page: the shared body and question markup (`fragments`), everything of the
    learner rendered for this request."""
    posted = request.POST if errors else None
    path = attempt.snapshot.get("lesson_ids", [])
    # Lessons done: the read model's rule (`selectors.course_progress`), from the rows at hand.
    navigation, completed = selectors.lesson_navigation(
        enrolment=enrolment, attempt=attempt, lesson_ids=path
    )
    to_come = selectors.attempt_lessons_to_come(attempt)
    position = next((i for i, row in enumerate(navigation) if row["pk"] == lesson.pk), 0)
    course = enrolment.course
    with course.language_override():
        content_lang, foreign = _content_language(course)
        items = _lesson_items(
            lesson=lesson,
            attempt=attempt,
            errors=errors,
            posted=posted,
            content_lang=content_lang,
            foreign=foreign,
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
            "lessons_done": rules.lessons_done(path=path, completed=completed),
            "lessons_total": len(path) + to_come.count,
            # "Lesson 2 of 5": the live lessons of the path and those still to come
            "lessons_in_course": len(navigation) + to_come.count,
            "storyline_lessons_uncounted": to_come.storyline_uncounted,
            "storyline_pending": services.attempt_storyline_pending(attempt),
            "shown": signing.dumps(
                {"lesson": lesson.pk, "at": int(timezone.now().timestamp())}, salt=_SHOWN_SALT
            ),
            "content_lang": content_lang,
            "foreign": foreign,
        }
        return render(request, "lms/lesson.html", context, status=status)


def _lesson_in_attempt(request, *, lesson_id):
    """(lesson, enrolment, attempt) for the learner, or a redirect explaining why not."""
    # The body is read only when its rendering is not kept (fragments.lesson_body).
    lesson = get_object_or_404(LessonPage.objects.live().defer_streamfields(), pk=lesson_id)
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
    found = _lesson_in_attempt(request, lesson_id=lesson_id)
    if not isinstance(found, tuple):
        return found
    lesson, enrolment, attempt = found
    # A reload of the lesson the learner is on changes nothing worth a write.
    if attempt.status == Attempt.Status.IN_PROGRESS and enrolment.last_lesson_id != lesson.pk:
        services.lesson_seen(enrolment=enrolment, lesson_id=lesson.pk)
    return _render_lesson(request, lesson=lesson, enrolment=enrolment, attempt=attempt)


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


def _to_question(question, *, status: int = 302) -> HttpResponseRedirect:
    """The question on its lesson page."""
    url = reverse("lms:lesson", kwargs={"lesson_id": question["lesson_id"]})
    return HttpResponseRedirect(f"{url}#q-{question['id']}", status=status)


def _question_response(request, *, attempt, question, errors=None, status=200):
    if not errors and not _wants_fragment(request):
        # Without JavaScript the learner goes back to the question on the lesson page.
        return _to_question(question, status=303)
    lesson = get_object_or_404(
        LessonPage.objects.all().defer_streamfields(), pk=question["lesson_id"]
    )
    if _wants_fragment(request):
        course = attempt.enrolment.course
        with course.language_override():
            content_lang, foreign = _content_language(course)
            items = _lesson_items(
                lesson=lesson,
                attempt=attempt,
                errors={question["id"]: errors} if errors else None,
                posted=request.POST if errors else None,
                only=question["id"],
                content_lang=content_lang,
                foreign=foreign,
            )
            template = "lms/includes/scenario.html" if items[0]["kind"] == "scenario" else None
            context = {"item": items[0], "content_lang": content_lang, "foreign": foreign}
            return HttpResponse(
                render_to_string(template or "lms/includes/question.html", context, request),
                status=status,
            )
    return _render_lesson(
        request,
        lesson=lesson,
        enrolment=attempt.enrolment,
        attempt=attempt,
        errors={question["id"]: errors},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request, attempt_id, question_id: str):
    """Grade one answer on the server; the feedback is shown right away."""
    attempt = _attempt_or_404(
        request, attempt_id, related=_ANSWER_RELATED if _wants_fragment(request) else ("enrolment",)
    )
    question = attempt.question(question_id)
    if question is None or not question["graded"]:
        raise Http404(_("This question is not part of your attempt."))
    if request.method == "GET":  # the address bar after a no-JavaScript answer, a reopened tab
        return _to_question(question)
    form = AnswerForm(services.public_question(attempt, question), request.POST)
    if not form.is_valid():
        return _question_response(
            request, attempt=attempt, question=question, errors=form.messages(), status=400
        )
    try:
        services.answer_submit(attempt=attempt, question_id=question_id, response=form.response())
    except DomainError as exc:
        return _question_response(
            request, attempt=attempt, question=question, errors=[exc.message], status=exc.status
        )
    return _question_response(request, attempt=attempt, question=question)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_choice(request, attempt_id, question_id: str):
    """A decision in a branching scenario: its consequence and the next scene."""
    attempt = _attempt_or_404(request, attempt_id, related=_ANSWER_RELATED)
    question = attempt.question(question_id)
    if question is None or question["type"] != "scenario":
        raise Http404(_("This scenario is not part of your attempt."))
    if request.method == "GET":  # the address bar after a no-JavaScript answer, a reopened tab
        return _to_question(question)
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
    except DomainError as exc:
        return _question_response(
            request, attempt=attempt, question=question, errors=[exc.message], status=exc.status
        )
    return _question_response(request, attempt=attempt, question=question)


def _render_attempt(request, attempt, *, error="", status=200):
    course = attempt.course.specific
    with course.language_override():
        outline = course_outline(course=course, bodies=False)
        review = selectors.attempt_review(attempt=attempt)
        completion = getattr(attempt, "completion", None) if attempt.passed else None
        # The certificate is made by a Celery task after the pass (the `certificate` relation is
        # the certificates app's; lms does not import it): until it is there, the page says so.
        certificate = getattr(completion, "certificate", None) if completion else None
        # "being prepared" stays until the PDF is there, not merely the certificate's row
        certificate_ready = bool(certificate and certificate.pdf)
        progress = selectors.course_progress(user=request.user, course=course)
        context = {
            "attempt": attempt,
            "course": course,
            "review": review,
            "error": error,
            "completion": completion,
            "certificate": certificate,
            "certificate_ready": certificate_ready,
            "progress": progress,
            "retake": progress.retake,
            "has_storylines": outline.has_storylines,
            "storyline_pending": attempt.status == Attempt.Status.IN_PROGRESS
            and services.attempt_storyline_pending(attempt),
            "is_current": progress.attempt == attempt,
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
    with attempt.enrolment.course.language_override():
        try:
            attempt = services.attempt_submit(attempt=attempt)
        except DomainError as exc:
            return _render_attempt(request, attempt, error=exc.message, status=exc.status)
        if attempt.passed:
            messages.success(request, _("You passed. Well done!"))
        return redirect("lms:attempt", attempt_id=attempt.public_id)


@login_required
@require_GET
def my_learning(request):
    """The learner's courses: in progress and completed (`selectors.learner_progress`)."""
    in_progress: list[selectors.CourseProgress] = []
    completed: list[selectors.CourseProgress] = []
    for row in selectors.learner_progress(user=request.user):
        (completed if row.completion else in_progress).append(row)
    return render(
        request, "lms/my_learning.html", {"in_progress": in_progress, "completed": completed}
    )
