"""Personal certificates: one per Completion, with a public code, a life cycle and an audit log."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .codes import code_display

#: Bump when the certificate template changes in a way that should reach already issued PDFs
#: (see services.certificates_reissue_all).
TEMPLATE_VERSION = 1


class CertificateQuerySet(models.QuerySet):
    def currently_valid(self):
        """Status valid and not past its expiry (also before the nightly expiry task ran)."""
        now = timezone.now()
        return self.filter(status=Certificate.Status.VALID).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


def _pdf_path(instance: "Certificate", filename: str) -> str:
    return f"certificates/{instance.code}.pdf"


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")
        SUPERSEDED = "superseded", _("superseded")

    code = models.CharField(_("code"), max_length=32, unique=True, editable=False)
    # PROTECT: accounts anonymises people instead of deleting them, so the row and the count stay.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    completion = models.OneToOneField(
        "lms.Completion", on_delete=models.PROTECT, related_name="certificate"
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the language version that was taken (none for a training on location)",
    )
    course_key = models.UUIDField(db_index=True)
    course_title = models.CharField(_("course"), max_length=255)
    holder_name = models.CharField(_("name on the certificate"), max_length=200)
    language = models.CharField(_("language"), max_length=10)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    issued_at = models.DateTimeField(_("issued on"))
    expires_at = models.DateTimeField(_("expires on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.VALID
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    template_version = models.PositiveSmallIntegerField(default=TEMPLATE_VERSION)
    pdf = models.FileField(upload_to=_pdf_path, max_length=255, blank=True, null=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    email_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_60_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_14_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        permissions = [("revoke_certificate", _("Can revoke certificates"))]
        indexes = [
            models.Index(fields=["user", "course_key"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("issued_at")),
                name="certificate_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | Q(revoked_at__isnull=False),
                name="certificate_revoked_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        return code_display(self.code)

    @property
    def is_currently_valid(self) -> bool:
        return self.status == self.Status.VALID and (
            self.expires_at is None or self.expires_at > timezone.now()
        )

    @property
    def effective_status(self) -> str:
        """The status as of now: a valid certificate past its date is expired even before the
        nightly task has recorded it."""
        if self.status == self.Status.VALID and not self.is_currently_valid:
            return self.Status.EXPIRED
        return self.status


class CertificateEvent(models.Model):
    """Audit log of a certificate's life. `reason` is what staff typed (revocation) or a short
    fixed note; names are never written here, so the log holds no personal data."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("issued")
        PDF_RENDERED = "pdf_rendered", _("PDF rendered")
        EMAILED = "emailed", _("e-mailed")
        EXPIRED = "expired", _("expired")
        REMINDED = "reminded", _("expiry reminder sent")
        REVOKED = "revoked", _("revoked")
        SUPERSEDED = "superseded", _("superseded")
        NAME_CORRECTED = "name_corrected", _("name corrected")
        REISSUED = "reissued", _("reissued")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")
        indexes = [models.Index(fields=["certificate", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.certificate_id}"


class ReissueJob(models.Model):
    """A bulk re-render of PDFs after a template change, with progress for the admin."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    template_version = models.PositiveSmallIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    #: the id of the last certificate handled: the job runs in slices, one outbox message each,
    #: and a message for any other position is a stale copy (services.reissue_job_ensure)
    cursor = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reissue job")
        verbose_name_plural = _("reissue jobs")

    def __str__(self) -> str:
        return f"reissue {self.pk} (v{self.template_version})"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return int(100 * (self.done + self.failed) / self.total)


def _archive_path(instance: "CertificateArchive", filename: str) -> str:
    return f"certificate-archives/{instance.public_id}.zip"


class CertificateArchive(models.Model):
    """A ZIP of selected certificate PDFs, built by a task for the person who asked for it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("being prepared")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    certificates = models.ManyToManyField(Certificate, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=_archive_path, max_length=255, blank=True, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("certificate archive")
        verbose_name_plural = _("certificate archives")

    def __str__(self) -> str:
        return f"archive {self.public_id}"
