"""Trainings on location: formats (edited in Wagtail), sessions, registrations and attendance.

A completed training becomes an lms Completion (source "training", course_key = the format's
translation_key), so certificates and targets treat it like an e-learning pass (ADR 0017)."""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import TranslatableMixin

from accounts.plain_text import validate_plain_text
from courses.models import AUDIENCE_CHOICES

from . import rules

#: characters of the short attendance code: no 0/O, 1/I/L, so it can be read off a screen
ATTENDANCE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ATTENDANCE_CODE_LENGTH = 6


class Delivery(models.TextChoices):
    ON_LOCATION = "on_location", _("on location")
    ONLINE = "online", _("online")
    HYBRID = "hybrid", _("hybrid (on location and online)")


class TrainingFormatAdminForm(WagtailAdminModelForm):
    """The organisers picker offers people with the organiser role only (and who is chosen)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("organisers")
        if field is not None:
            from .selectors import organiser_choices

            keep = self.instance.organisers.values_list("pk", flat=True) if self.instance.pk else []
            field.queryset = organiser_choices(keep=keep)


class TrainingFormat(TranslatableMixin, models.Model):
    """A kind of training that is given many times, e.g. the awareness meeting "Herkennen en
    signaleren van mensenhandel". Its translation_key is what completions, certificates and
    targets count (all language versions are one training)."""

    base_form_class = TrainingFormatAdminForm

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    audience = models.CharField(_("audience"), max_length=40, choices=AUDIENCE_CHOICES)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(15), MaxValueValidator(24 * 60)]
    )
    delivery = models.CharField(
        _("format"), max_length=20, choices=Delivery.choices, default=Delivery.ON_LOCATION
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size"), default=1, validators=[MinValueValidator(1)]
    )
    max_group_size = models.PositiveSmallIntegerField(
        _("maximum group size"), default=60, validators=[MinValueValidator(1)]
    )
    organiser = models.CharField(
        _("organiser"), max_length=200, help_text=_("Shown to participants, e.g. 'CoMensha'.")
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organised_training_formats",
        verbose_name=_("organisers (accounts)"),
        help_text=_("People who plan sessions of this training and see its registrations."),
    )
    prerequisite_course = models.ForeignKey(
        "courses.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("e-learning to pass first"),
        help_text=_("Blended learning: participants must have passed this course to register."),
    )
    issues_certificate = models.BooleanField(
        _("attendance gives a certificate"),
        default=True,
        help_text=_("Full attendance creates a completion with a certificate."),
    )
    cancellation_hours = models.PositiveSmallIntegerField(
        _("cancellation possible until (hours before the start)"), default=48
    )
    trainer_training = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("train-the-trainer"),
        help_text=_("Trainers of this training must have completed this train-the-trainer."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("delivery"),
                FieldPanel("duration_minutes"),
                FieldRowPanel([FieldPanel("min_group_size"), FieldPanel("max_group_size")]),
            ],
            heading=_("Format"),
        ),
        MultiFieldPanel(
            [FieldPanel("organiser"), FieldPanel("organisers")], heading=_("Organiser")
        ),
        MultiFieldPanel(
            [
                FieldPanel("prerequisite_course"),
                FieldPanel("issues_certificate"),
                FieldPanel("cancellation_hours"),
            ],
            heading=_("Registration and completion"),
        ),
        FieldPanel("trainer_training"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["title"]
        verbose_name = _("training format")
        verbose_name_plural = _("training formats")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_group_size__gte=models.F("min_group_size")),
                name="training_group_size_not_reversed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if (
            self.min_group_size
            and self.max_group_size
            and self.max_group_size < self.min_group_size
        ):
            raise ValidationError(
                {"max_group_size": _("The maximum cannot be smaller than the minimum.")}
            )

    @property
    def key(self) -> uuid.UUID:
        """Identity shared by all language versions (completions and targets count it)."""
        return self.translation_key


class TrainingSessionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def listed(self):
        """Open to everyone: published, not closed for a group, not started yet."""
        return self.published().filter(is_closed=False, starts_at__gt=timezone.now())


def _invitation_token() -> str:
    return secrets.token_urlsafe(16)


class TrainingSessionAdminForm(WagtailAdminModelForm):
    """Organisers plan sessions of their own formats only; the trainers picker offers people
    with the trainer role only (and who is chosen)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        trainers = self.fields.get("trainers")
        if trainers is not None:
            from .selectors import trainer_choices

            keep = self.instance.trainers.values_list("pk", flat=True) if self.instance.pk else []
            trainers.queryset = trainer_choices(keep=keep)
        user = self.for_user
        field = self.fields.get("training_format")
        if field is None or user is None or user.has_perm("trainings.manage_all_sessions"):
            return
        field.queryset = field.queryset.filter(organisers=user)

    def clean(self):
        cleaned = super().clean()
        fmt, trainers = cleaned.get("training_format"), cleaned.get("trainers")
        if fmt is not None and trainers:
            from .selectors import trainers_not_eligible

            missing = trainers_not_eligible(training_format=fmt, trainers=list(trainers))
            if missing:
                self.add_error(
                    "trainers",
                    _("Not eligible as trainer (train-the-trainer not completed): %(names)s")
                    % {"names": ", ".join(p.full_name or p.email for p in missing)},
                )
        return cleaned


class TrainingSession(models.Model):
    """One date of a training format, on location (address and region) or online."""

    base_form_class = TrainingSessionAdminForm

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    training_format = models.ForeignKey(
        TrainingFormat,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("training format"),
    )
    starts_at = models.DateTimeField(_("starts at"), help_text=_("Dutch time."))
    ends_at = models.DateTimeField(_("ends at"), help_text=_("Dutch time."))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    region = models.ForeignKey(
        "accounts.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
    )
    online_url = models.URLField(_("online meeting link"), blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="trained_sessions",
        verbose_name=_("trainers"),
    )
    capacity = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    is_published = models.BooleanField(_("published"), default=False)
    is_closed = models.BooleanField(
        _("closed session (for one group)"),
        default=False,
        help_text=_("Not listed; participants register through the invitation link."),
    )
    invitation_token = models.CharField(
        max_length=40, default=_invitation_token, unique=True, editable=False
    )
    attendance_code = models.CharField(max_length=12, blank=True, editable=False)
    attendance_code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: raised each time the time or place changes (services.session_changed): the calendar
    #: files' SEQUENCE, so calendars replace the event, and the key of the "changed" e-mail
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingSessionQuerySet.as_manager()

    panels = [
        FieldPanel("training_format"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading=_("When")),
        MultiFieldPanel(
            [
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldPanel("region"),
                FieldPanel("online_url"),
            ],
            heading=_("Where"),
        ),
        FieldPanel("trainers"),
        FieldPanel("capacity"),
        FieldRowPanel([FieldPanel("is_published"), FieldPanel("is_closed")]),
    ]

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        permissions = [("manage_all_sessions", _("Can manage every training session"))]
        indexes = [models.Index(fields=["is_published", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.training_format} – {local:%d-%m-%Y %H:%M}"

    def clean(self):
        super().clean()
        errors: dict[str, str | Promise] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The session must end after it starts.")
        if self.training_format_id:
            delivery = self.training_format.delivery
            if delivery != Delivery.ONLINE and not (self.address and self.region_id):
                errors["address"] = _("Enter the address and region of the venue.")
            if delivery != Delivery.ON_LOCATION and not self.online_url:
                errors["online_url"] = _("Enter the link of the online meeting.")
            if self.capacity and self.capacity > self.training_format.max_group_size:
                errors["capacity"] = _("This training takes at most %(max)s participants.") % {
                    "max": self.training_format.max_group_size
                }
        if errors:
            raise ValidationError(errors)

    @property
    def cancellation_deadline(self):
        return self.starts_at - timedelta(hours=self.training_format.cancellation_hours)

    @property
    def attendance_closes_at(self):
        """Trainers may record attendance until a week after the session."""
        return self.ends_at + timedelta(days=7)


class Registration(models.Model):
    """A person's place (or place on the waiting list) in a session. A cancelled registration
    stays for the record; registering again afterwards creates a new row."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_registrations"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    #: the invitation to evaluate went out (once per person and session); not linked to the
    #: answers, which carry no time either
    evaluation_invited_at = models.DateTimeField(null=True, blank=True)
    #: the participant has answered the evaluation: a bare flag, no time and no link to the
    #: answers, so the answers cannot be traced back to this person (ADR 0017, Evaluation)
    evaluated = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # one live registration per person and session; cancelled rows may repeat
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~Q(status="cancelled"),
                name="one_live_registration",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self) -> str:
        return f"registration {self.pk} ({self.status})"


class Attendance(models.Model):
    """Whether a registered participant was there. Partial attendance (left early) is kept with
    the time of leaving; only full attendance completes the training."""

    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        PARTIAL = "partial", _("left early")
        ABSENT = "absent", _("absent")

    class Method(models.TextChoices):
        TRAINER = "trainer", _("marked by the trainer")
        CODE = "code", _("attendance code scanned")

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    left_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="partial") | Q(left_at__isnull=False),
                name="partial_attendance_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status} ({self.registration_id})"


class TrainingCompletion(models.Model):
    """Links the lms Completion a session's attendance produced to that session (the
    Completion itself knows nothing of trainings)."""

    completion = models.OneToOneField(
        "lms.Completion", on_delete=models.PROTECT, related_name="training"
    )
    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="+")
    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="completion_link"
    )

    class Meta:
        verbose_name = _("training completion")
        verbose_name_plural = _("training completions")

    def __str__(self) -> str:
        return f"training completion {self.completion_id}"


class GroupRequest(models.Model):
    """An organisation asks for a training for its own group. The organiser accepts it (a closed
    session with an invitation link is created), proposes another date, or declines it.

    The organisation is named in text: trainings and organisations are independent siblings
    (ADR 0017), and not every requesting organisation (a school, a youth care team) is registered
    as one."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the organiser")
        PROPOSED = "proposed", _("other date proposed")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    training_format = models.ForeignKey(
        TrainingFormat,
        on_delete=models.PROTECT,
        related_name="group_requests",
        verbose_name=_("training"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_group_requests"
    )
    organisation_name = models.CharField(_("organisation"), max_length=200)
    group_size = models.PositiveSmallIntegerField(_("number of participants"))
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    preferred_dates = models.CharField(
        _("preferred dates"), max_length=300, help_text=_("For example: Tuesday mornings in March.")
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    proposed_starts_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    session = models.OneToOneField(
        TrainingSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_request",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("group request")
        verbose_name_plural = _("group requests")

    def __str__(self) -> str:
        return f"{self.organisation_name} ({self.status})"


def _scale_field(label):
    return models.PositiveSmallIntegerField(
        label,
        validators=[
            MinValueValidator(rules.EVALUATION_SCALE_MIN),
            MaxValueValidator(rules.EVALUATION_SCALE_MAX),
        ],
    )


class SessionEvaluation(models.Model):
    """One participant's anonymous answers about a session. Deliberately without a person, a
    registration or a time: who answered is only the `Registration.evaluated` flag, which is
    not linked to this row (ADR 0017, Evaluation)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="evaluations"
    )
    usefulness = _scale_field(_("usefulness"))
    trainer_clarity = _scale_field(_("clarity of the trainer"))
    confidence = _scale_field(_("confidence to recognise signals"))
    would_recommend = models.BooleanField(_("would recommend"))
    comment = models.TextField(
        _("comment"),
        blank=True,
        max_length=rules.EVALUATION_COMMENT_MAX_LENGTH,
        validators=[validate_plain_text],
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{field}__gte": rules.EVALUATION_SCALE_MIN})
                & Q(**{f"{field}__lte": rules.EVALUATION_SCALE_MAX}),
                name=f"evaluation_{field}_on_scale",
            )
            for field in rules.EVALUATION_SCALE_QUESTIONS
        ]

    def __str__(self) -> str:
        return f"evaluation {self.pk}"
