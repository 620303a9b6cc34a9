"""Learning activity: enrolments, lesson progress, attempts, answers and completions."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Enrolment(models.Model):
    """A learner taking one language version of a course."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, related_name="enrolments"
    )
    course_key = models.UUIDField(db_index=True, help_text="translation_key of the course")
    storyline = models.ForeignKey(
        "courses.StorylinePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_lesson = models.ForeignKey(
        "courses.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_enrolment"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.course_id}"


class LessonProgress(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    first_seen_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="unique_lesson_progress"),
        ]

    def __str__(self) -> str:
        return f"lesson {self.lesson_id} of enrolment {self.enrolment_id}"


class Attempt(models.Model):
    """One try at a course's assessment. Questions and answers are snapshotted at the start so a
    change published mid-attempt never breaks or regrades it."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        SUBMITTED = "submitted", _("submitted")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="+")
    storyline = models.ForeignKey(
        "courses.StorylinePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    course_revision_id = models.BigIntegerField(null=True, blank=True)
    snapshot = models.JSONField(help_text="questions with their answers, server side only")
    pass_mark = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "number"], name="unique_attempt_number"),
            # at most one open attempt per enrolment
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(status="in_progress"), name="one_open_attempt"
            ),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of enrolment {self.enrolment_id}"

    @property
    def questions(self) -> list[dict]:
        return self.snapshot["questions"]

    @property
    def graded_questions(self) -> list[dict]:
        return [q for q in self.questions if q["graded"]]

    def question(self, question_id: str) -> dict | None:
        return next((q for q in self.questions if q["id"] == question_id), None)


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(max_length=100)
    response = models.JSONField()
    is_correct = models.BooleanField(null=True)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question_id"], name="unique_answer"),
        ]

    def __str__(self) -> str:
        return f"answer to {self.question_id} in attempt {self.attempt_id}"


class Completion(models.Model):
    """A learner passed a course, or completed a training on location (ADR 0017). One per
    learner per course or training format (all languages) per certification cycle; a renewal
    after (or near) expiry opens the next cycle.

    `course_key` is the identity that certificates and targets count: a course's translation
    key, or a training format's. An e-learning completion has its course and attempt; a
    training completion (source "training") has neither, only the `title` it was issued for,
    and is created by the app that knows trainings (lms knows nothing of them)."""

    class Source(models.TextChoices):
        ELEARNING = "elearning", _("e-learning")
        TRAINING = "training", _("training on location")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="completions"
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ELEARNING)
    course = models.ForeignKey(
        "courses.CoursePage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the language version that was taken (e-learning only)",
    )
    course_key = models.UUIDField(db_index=True)
    title = models.CharField(
        max_length=255, blank=True, help_text="what was completed, when there is no course page"
    )
    cycle = models.PositiveSmallIntegerField(default=1)
    attempt = models.OneToOneField(
        Attempt, null=True, blank=True, on_delete=models.PROTECT, related_name="completion"
    )
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    completed_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-completed_at"]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course_key", "cycle"], name="one_completion_per_cycle"
            ),
            # an e-learning pass always has its course, attempt and score
            models.CheckConstraint(
                condition=~Q(source="elearning")
                | Q(course__isnull=False, attempt__isnull=False, score__isnull=False),
                name="elearning_completion_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["course_key", "completed_at"]),
            # reporting: unique people per course and their first pass, an index-only scan also
            # when the revoked-certificate check needs the completion's id (PostgreSQL covers
            # it with INCLUDE; other databases ignore `include`)
            models.Index(
                fields=["course_key", "user", "completed_at"],
                include=["id"],
                name="completion_person_first",
            ),
        ]

    def __str__(self) -> str:
        return f"completion {self.pk} (cycle {self.cycle})"

    @property
    def display_title(self) -> str:
        return self.course.title if self.course is not None else self.title
