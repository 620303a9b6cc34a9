"""Everything that changes a personal certificate: issue, render, e-mail, expire, revoke,
correct the name, reissue. Each step is idempotent so a task may run twice."""

from __future__ import annotations

import io
import logging
import secrets
import time
import zipfile
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    models,
    transaction,
)
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.mail import mail_send, may_email, person_language, site_language
from accounts.pdf import pdf_render
from accounts.qr import qr_img
from lms import selectors as lms_selectors
from outbox.selectors import messages_about
from outbox.services import outbox_add, outbox_add_together, outbox_once_claim

from .codes import code_display, code_generate, code_normalise
from .errors import CertificateError
from .models import (
    TEMPLATE_VERSION,
    Certificate,
    CertificateArchive,
    CertificateEvent,
    ReissueJob,
)
from .permissions import PROGRAMME_PERMISSION, can_view
from .signals import certificate_status_changed

if TYPE_CHECKING:  # lms.models is not public: the type names what lms's signal hands over
    from lms.models import Completion

logger = logging.getLogger(__name__)

PDF_TEMPLATE = "certificates/pdf/certificate.html"
PDF_STYLESHEET = "certificates/certificate.css"
REMINDER_DAYS = (60, 14)
HOLDER_NAME_MAX = 200
REASON_MAX = 1000


def _language(course, user=None) -> str:
    """A certificate speaks the language of the course version that was passed (ADR 0015): the
    PDF, its e-mails and the links in them; someone who passed the Polish course reads Polish.
    A training on location has no course version: its title was taken in the person's language
    (ADR 0017), so the certificate uses that language."""
    if course is None:
        return person_language(user)
    return site_language(course.locale.language_code)


def _holder_name(user) -> str:
    """The name on the certificate; an anonymised account has none (the learner can correct
    it on the certificate page when the account had no full name)."""
    if getattr(user, "anonymised_at", None):
        return ""
    return (user.full_name or user.get_full_name() or "").strip()[:HOLDER_NAME_MAX]


def _send_status_changed(certificate: Certificate, cause: str) -> None:
    """Sent inside the transaction that changes the status, so receivers record their follow-up
    work (the outbox) atomically with it (ADR 0019)."""
    certificate_status_changed.send(sender=Certificate, certificate=certificate, cause=cause)


def _event(certificate: Certificate, kind: str, *, actor=None, reason: str = "") -> None:
    CertificateEvent.objects.create(certificate=certificate, kind=kind, actor=actor, reason=reason)


def absolute_url(path: str) -> str:
    """`path` (from `reverse`, starting with "/") as a full address on this site, for mail, PDFs
    and QR codes, which are read outside a request. The one home of this rule (ADR 0021): the
    lowest layer that needs it; organisations import it from here."""
    return f"{settings.SITE_URL}{path}"


def verify_url(certificate: Certificate) -> str:
    """The public verification address printed on the certificate and encoded in its QR code
    (language neutral: a visitor of /verify/<code> is sent to their own language, ADR 0015)."""
    return absolute_url(f"/verify/{certificate.code}")


def certificate_url(certificate: Certificate, language: str | None = None) -> str:
    with translation.override(language or certificate.language):
        return absolute_url(reverse("certificate_detail", args=[certificate.code]))


def certificate_create(*, completion: Completion) -> Certificate:
    """The certificate of `completion`, created once (the unique completion makes a second call,
    or a concurrent one, return the same row). A newer cycle supersedes the older certificate of
    the same person and course."""
    existing = Certificate.objects.filter(completion=completion).first()
    if existing is not None:
        return existing
    # a training on location has no course page, only the title it was completed for
    course = completion.course.specific if completion.course is not None else None
    user = completion.user
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                code=code_generate(),
                user=user,
                completion=completion,
                course=course,
                course_key=completion.course_key,
                course_title=course.title if course is not None else completion.title,
                holder_name=_holder_name(user),
                language=_language(course, user),
                score=completion.score,
                issued_at=completion.completed_at,
                expires_at=completion.valid_until,
                status=Certificate.Status.VALID,
                status_changed_at=timezone.now(),
                template_version=TEMPLATE_VERSION,
            )
            _event(certificate, CertificateEvent.Kind.ISSUED)
            _supersede_older(user_id=user.pk, course_key=completion.course_key)
            certificate.refresh_from_db()
            if certificate.status == Certificate.Status.VALID:
                _send_status_changed(certificate, CertificateEvent.Kind.ISSUED)
    except IntegrityError:
        # a concurrent run created it first (unique completion); that row is the certificate
        return Certificate.objects.get(completion=completion)
    return certificate


def _supersede_older(*, user_id: int, course_key) -> None:
    """Of one person's certificates for one course, only the newest cycle stays valid."""
    rows = list(
        Certificate.objects.select_for_update()
        .filter(user_id=user_id, course_key=course_key)
        .select_related("completion")
        .order_by("-completion__cycle", "-issued_at")
    )
    if len(rows) < 2:
        return
    newest, now = rows[0], timezone.now()
    for older in rows[1:]:
        if older.status != Certificate.Status.VALID:
            continue
        older.status = Certificate.Status.SUPERSEDED
        older.superseded_by = newest
        older.status_changed_at = now
        older.save(update_fields=["status", "superseded_by", "status_changed_at"])
        _event(older, CertificateEvent.Kind.SUPERSEDED)
        _send_status_changed(older, CertificateEvent.Kind.SUPERSEDED)


def certificate_pdf_context(certificate: Certificate) -> dict:
    """What the certificate's PDF template reads (the benchmark renders the same context)."""
    url = verify_url(certificate)
    with translation.override(certificate.language):
        qr = qr_img(url)  # its alt text speaks the certificate's language
    return {
        "certificate": certificate,
        "verify_url": url,
        "qr": qr,
        "name_size": name_font_size(certificate.holder_name),
    }


def certificate_pdf_bytes(*, certificate: Certificate, tagged: bool = True) -> bytes:
    """The certificate as a PDF (not stored), in the certificate's language; `tagged=False`
    only for the benchmark's comparison of tagged and untagged renders."""
    return pdf_render(
        template_name=PDF_TEMPLATE,
        context=certificate_pdf_context(certificate),
        language=certificate.language,
        stylesheets=(PDF_STYLESHEET,),
        tagged=tagged,
    )


def name_font_size(name: str, *, largest: float = 30.0, unit: str = "pt") -> str:
    """A long name shrinks so it always fits one line of the certificate (A4 landscape): up to
    36 characters print at `largest`, longer names proportionally smaller (the stylesheet
    still wraps and clips a pathological name, so it can never leave the page)."""
    length = len(name)
    if length <= 36:
        return f"{largest:g}{unit}"
    size = max(largest * 0.2, largest * 36 / length)
    return f"{size:.2f}{unit}"


def name_size_class(name: str) -> str:
    """The web page's step-down class for a long name (inline styles are not allowed there)."""
    length = len(name)
    if length <= 36:
        return ""
    if length <= 60:
        return "long"
    if length <= 100:
        return "longer"
    return "longest"


def certificate_pdf_render(*, certificate: Certificate, force: bool = False) -> Certificate:
    """Render and store the PDF unless the stored one is already current."""
    if certificate.pdf and not force and certificate.template_version == TEMPLATE_VERSION:
        return certificate
    content = certificate_pdf_bytes(certificate=certificate)
    old_name = certificate.pdf.name if certificate.pdf else ""
    # a random part keeps the file name from being guessed from the public code
    name = f"certificates/{certificate.code}-{secrets.token_hex(8)}.pdf"
    saved = default_storage.save(name, ContentFile(content))
    now = timezone.now()
    unchanged = Q(pdf=old_name) if old_name else Q(pdf__isnull=True) | Q(pdf="")
    with transaction.atomic():
        # compare-and-set: of two concurrent renders only the first is kept
        updated = (
            Certificate.objects.filter(pk=certificate.pk)
            .filter(unchanged)
            .update(pdf=saved, pdf_rendered_at=now, template_version=TEMPLATE_VERSION)
        )
        if updated:
            _event(certificate, CertificateEvent.Kind.PDF_RENDERED)
    if not updated:
        default_storage.delete(saved)
        return Certificate.objects.get(pk=certificate.pk)
    if old_name and old_name != saved:
        transaction.on_commit(lambda: default_storage.delete(old_name))
    certificate.pdf.name = saved
    certificate.pdf_rendered_at = now
    certificate.template_version = TEMPLATE_VERSION
    return certificate


def certificate_email_send(*, certificate: Certificate) -> bool:
    """E-mail the learner the link to their certificate, once. The row lock makes a concurrent
    second run wait and then find it sent."""
    sent_at = _email_send_once(certificate_id=certificate.pk)
    if sent_at is None:
        return False
    certificate.email_sent_at = sent_at
    return True


def _email_send_once(*, certificate_id: int) -> datetime | None:
    """Send the certificate e-mail unless it was sent (or the certificate is gone or no longer
    valid, or the learner may not be written to); returns when it was sent, or None."""
    sent_at = None
    try:
        with transaction.atomic():
            locked = (
                Certificate.objects.select_for_update()
                .select_related("user")
                .filter(pk=certificate_id)
                .first()
            )
            if (
                locked is None
                or locked.email_sent_at is not None
                or locked.status != Certificate.Status.VALID
            ):
                return None
            user = locked.user
            if not may_email(user):
                return None
            language = locked.language
            mail_send(
                to=user.email,
                language=language,
                template="certificates/email/issued",
                context={
                    "certificate": locked,
                    "certificate_url": certificate_url(locked, language),
                    "verify_url": verify_url(locked),
                },
            )
            sent_at = timezone.now()
            locked.email_sent_at = sent_at
            locked.save(update_fields=["email_sent_at"])
            _event(locked, CertificateEvent.Kind.EMAILED)
    except DatabaseError:
        if sent_at is None:
            raise
        # The e-mail went out but the database lost the record of it (the connection dropped
        # before the commit): write it again on a new connection, or the retry would send a
        # second copy (issue 19's chaos run, ADR 0019).
        _email_sent_record(certificate_id=certificate_id, sent_at=sent_at)
    return sent_at


def _email_sent_record(*, certificate_id: int, sent_at, tries: int = 3) -> None:
    for attempt in range(tries):
        try:
            with transaction.atomic():
                row = Certificate.objects.select_for_update().get(pk=certificate_id)
                if row.email_sent_at is None:
                    row.email_sent_at = sent_at
                    row.save(update_fields=["email_sent_at"])
                    _event(row, CertificateEvent.Kind.EMAILED)
            return
        except (OperationalError, InterfaceError):
            if attempt == tries - 1 or connection.in_atomic_block:
                raise
            connection.close()  # the next query opens a new connection
            time.sleep(0.2 * (attempt + 1))


#: Outbox kinds of the work a certificate needs after its row exists (handlers registered in
#: CertificatesConfig.ready).
PDF_WANTED = "certificates.pdf"
EMAIL_WANTED = "certificates.email"
REISSUE_WANTED = "certificates.reissue"
ARCHIVE_WANTED = "certificates.archive"
NAME_CORRECTED_WANTED = "certificates.name_corrected_email"


def certificate_record(*, completion: Completion) -> Certificate:
    """The pass's certificate row and its wanted PDF and e-mail, written in the caller's
    transaction (the one that records the pass). Idempotent: a second call finds the row and
    writes nothing."""
    with transaction.atomic():
        existing = Certificate.objects.filter(completion=completion).first()
        if existing is not None:
            return existing
        certificate = certificate_create(completion=completion)
        # one task renders the PDF, then sends the e-mail; each row is still done, counted and
        # re-dispatched on its own (ADR 0019, amended: one task per certificate)
        outbox_add_together(
            messages=[
                (PDF_WANTED, {"certificate_id": certificate.pk}),
                (EMAIL_WANTED, {"certificate_id": certificate.pk}),
            ]
        )
    return certificate


def certificate_pdf_ensure(*, certificate_id: int) -> bool:
    """Outbox handler: the stored PDF exists (rendered once; a revoked or missing certificate
    needs none). Returns True when it rendered."""
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None or certificate.status == Certificate.Status.REVOKED:
        return False
    if not certificate.holder_name and certificate.user.anonymised_at is not None:
        return False  # deleted account: no file is kept (certificates_anonymise)
    if certificate.pdf and certificate.template_version == TEMPLATE_VERSION:
        return False
    certificate_pdf_render(certificate=certificate)
    return True


def certificate_email_ensure(*, certificate_id: int) -> bool:
    """Outbox handler: the learner has had the e-mail (sent once, see certificate_email_send).
    The locked read is the only read (a missing certificate needs no e-mail)."""
    return _email_send_once(certificate_id=certificate_id) is not None


def _pending(kind: str):
    return messages_about(
        kind=kind, key="certificate_id", value=models.OuterRef("pk"), pending=True
    )


def certificates_reconcile(*, limit: int = 5000) -> dict[str, int]:
    """The full repair (hourly beat), for whatever the outbox did not cover (rows from before
    it, a message given up and then fixed by hand): completions without a certificate get one
    (with its PDF and e-mail wanted); valid certificates without a PDF, or whose learner never
    had the e-mail, get that work written to the outbox again unless it is already waiting.
    Returns the counts of each."""
    counts = {"certificates": 0, "pdfs": 0, "emails": 0}
    for completion in completions_without_certificate().select_related("user", "course")[:limit]:
        with transaction.atomic():
            certificate_record(completion=completion)
        counts["certificates"] += 1
    valid = Certificate.objects.filter(status=Certificate.Status.VALID)
    without_pdf = (
        valid.filter(Q(pdf__isnull=True) | Q(pdf=""), user__anonymised_at__isnull=True)
        .exclude(models.Exists(_pending(PDF_WANTED)))
        .values_list("pk", flat=True)
    )
    for pk in list(without_pdf[:limit]):
        with transaction.atomic():
            outbox_add(kind=PDF_WANTED, payload={"certificate_id": pk})
        counts["pdfs"] += 1
    # never e-mailed and no e-mail work at all (a finished one that sent nothing decided so:
    # the account is inactive or anonymised)
    ever_wanted = messages_about(
        kind=EMAIL_WANTED, key="certificate_id", value=models.OuterRef("pk")
    )
    without_email = (
        valid.filter(
            email_sent_at__isnull=True,
            user__is_active=True,
            user__anonymised_at__isnull=True,
        )
        .exclude(user__email="")
        .exclude(models.Exists(ever_wanted))
        .values_list("pk", flat=True)
    )
    for pk in list(without_email[:limit]):
        with transaction.atomic():
            outbox_add(kind=EMAIL_WANTED, payload={"certificate_id": pk})
        counts["emails"] += 1
    return counts


def certificate_issue(*, completion: Completion) -> Certificate:
    """Issue the certificate for a completion: the row, the stored PDF and the learner's e-mail.
    Safe to call again: every step that is already done is skipped."""
    certificate = certificate_create(completion=completion)
    if certificate.status in (Certificate.Status.REVOKED,):
        return certificate
    certificate = certificate_pdf_render(certificate=certificate)
    certificate_email_send(certificate=certificate)
    return certificate


def completions_without_certificate():
    return lms_selectors.completions().filter(certificate__isnull=True).order_by("pk")


def certificate_revoke(*, certificate: Certificate, actor, reason: str) -> Certificate:
    """Programme staff revoke a certificate with a reason (kept in the audit log)."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give a reason for revoking this certificate."), code="reason")
    if len(reason) > REASON_MAX:
        raise CertificateError(
            _("Keep the reason under %(n)s characters.") % {"n": REASON_MAX}, code="reason"
        )
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status == Certificate.Status.REVOKED:
            raise CertificateError(_("This certificate is already revoked."), code="revoked")
        now = timezone.now()
        locked.status = Certificate.Status.REVOKED
        locked.revoked_at = now
        locked.revoked_reason = reason
        locked.status_changed_at = now
        locked.save(update_fields=["status", "revoked_at", "revoked_reason", "status_changed_at"])
        _event(locked, CertificateEvent.Kind.REVOKED, actor=actor, reason=reason)
        _send_status_changed(locked, CertificateEvent.Kind.REVOKED)
    return locked


def _programme_staff():
    """Programme staff (and superusers) we may write to, each once, in a stable order."""
    User = get_user_model()
    app_label, codename = PROGRAMME_PERMISSION.split(".")
    permission = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    ) | Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    staff = User.objects.filter(pk__in=User.objects.filter(permission | Q(is_superuser=True)))
    return [person for person in staff.order_by("pk") if may_email(person)]


def certificate_name_correct(*, certificate: Certificate, actor, name: str) -> Certificate:
    """The learner corrects the name on their certificate: same code, new PDF, audit-logged,
    programme staff notified. The names themselves stay out of the log."""
    name = " ".join((name or "").split())
    if not name:
        raise CertificateError(_("Enter the name to print on the certificate."), code="name")
    if len(name) > HOLDER_NAME_MAX:
        raise CertificateError(
            _("Keep the name under %(n)s characters.") % {"n": HOLDER_NAME_MAX}, code="name"
        )
    if certificate.status == Certificate.Status.REVOKED:
        raise CertificateError(_("A revoked certificate cannot be changed."), code="revoked")
    if name == certificate.holder_name:
        return certificate
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        locked.holder_name = name
        locked.save(update_fields=["holder_name"])
        event = CertificateEvent.objects.create(
            certificate=locked, kind=CertificateEvent.Kind.NAME_CORRECTED, actor=actor
        )
        # programme staff are told by the worker: a mail server that does not answer must not
        # fail the learner's correction, which is committed (ADR 0019)
        outbox_add(kind=NAME_CORRECTED_WANTED, payload={"event_id": event.pk})
    # same code, new PDF: rendered now so the download never shows the old name
    return certificate_reissue(certificate=locked)


def name_corrected_email_ensure(*, event_id: int) -> bool:
    """Outbox handler: tell each of programme staff, in their own language, that a learner
    corrected the name on a certificate; once per correction and person (`outbox_once_claim`,
    as for the organisers of a group request), so a run repeated after a mail went out, or
    after a failure half way, writes only to whom it has not written yet. Returns True when a
    mail went out."""
    event = (
        CertificateEvent.objects.select_related("certificate")
        .filter(pk=event_id, kind=CertificateEvent.Kind.NAME_CORRECTED)
        .first()
    )
    if event is None:
        return False
    certificate = event.certificate
    sent = False
    for person in _programme_staff():
        with transaction.atomic():
            if not outbox_once_claim(key=f"certificates.name_corrected:{event.pk}:{person.pk}"):
                continue
            language = person_language(person)
            with translation.override(language):
                admin_url = absolute_url(
                    reverse("certificates_admin_detail", args=[certificate.code])
                )
            mail_send(
                to=person.email,
                language=language,
                template="certificates/email/name_corrected",
                context={"certificate": certificate, "admin_url": admin_url},
            )
            sent = True
    return sent


def certificate_reissue(*, certificate: Certificate) -> Certificate:
    """Render the PDF again (same code), e.g. after a name correction or a template change."""
    certificate = certificate_pdf_render(certificate=certificate, force=True)
    _event(certificate, CertificateEvent.Kind.REISSUED)
    _send_status_changed(certificate, CertificateEvent.Kind.REISSUED)
    return certificate


def certificates_expire(*, now=None) -> int:
    """Mark certificates past their date as expired (once; a second run finds none)."""
    now = now or timezone.now()
    expired = 0
    due = Certificate.objects.filter(status=Certificate.Status.VALID, expires_at__lte=now)
    for pk in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            row = (
                Certificate.objects.select_for_update()
                .filter(pk=pk, status=Certificate.Status.VALID, expires_at__lte=now)
                .first()
            )
            if row is None:
                continue
            row.status = Certificate.Status.EXPIRED
            row.status_changed_at = now
            row.save(update_fields=["status", "status_changed_at"])
            _event(row, CertificateEvent.Kind.EXPIRED)
            _send_status_changed(row, CertificateEvent.Kind.EXPIRED)
            expired += 1
    return expired


def certificates_remind(*, now=None) -> int:
    """E-mail reminders 60 and 14 days before expiry, each at most once per certificate. A
    certificate already renewed (superseded) gets none."""
    now = now or timezone.now()
    sent = 0
    for days in REMINDER_DAYS:
        field = f"reminder_{days}_sent_at"
        due = Certificate.objects.filter(
            status=Certificate.Status.VALID,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=days),
            **{f"{field}__isnull": True},
        )
        if days == 60:
            # inside 14 days the 14-day reminder is the one to send
            due = due.filter(expires_at__gt=now + timedelta(days=14))
        for pk in due.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                row = (
                    Certificate.objects.select_for_update()
                    .select_related("user")
                    .filter(pk=pk, **{f"{field}__isnull": True})
                    .first()
                )
                if row is None:
                    continue
                setattr(row, field, now)
                row.save(update_fields=[field])
                if not may_email(row.user):
                    continue
                language = row.language
                mail_send(
                    to=row.user.email,
                    language=language,
                    template="certificates/email/reminder",
                    context={
                        "certificate": row,
                        "days": days,
                        "certificate_url": certificate_url(row, language),
                    },
                )
                _event(row, CertificateEvent.Kind.REMINDED, reason=f"{days} days")
                sent += 1
    return sent


def reissue_job_create(*, actor) -> ReissueJob:
    """Start a bulk reissue of every PDF rendered with an older template version."""
    outdated = Certificate.objects.filter(pdf__isnull=False).exclude(pdf="")
    outdated = outdated.exclude(template_version=TEMPLATE_VERSION)
    with transaction.atomic():
        job = ReissueJob.objects.create(
            template_version=TEMPLATE_VERSION, requested_by=actor, total=outdated.count()
        )
        outbox_add(kind=REISSUE_WANTED, payload={"job_id": job.pk})
    return job


#: PDFs re-rendered per outbox message of a bulk reissue. One slice stays far inside the outbox
#: task's time limit and the broker's visibility timeout, however many certificates there are;
#: the next slice is a message of its own.
REISSUE_SLICE = 50


def reissue_job_ensure(*, job_id: int, after: int = 0, size: int = REISSUE_SLICE) -> int | None:
    """Outbox handler: re-render the next slice of outdated PDFs (certificates after id `after`)
    and, in the same transaction, queue the slice after it or finish the job. A message whose
    `after` is not the job's cursor is a stale copy (a redelivery of a slice already done) and
    changes nothing, so one chain of slices runs per job. Returns the number re-rendered."""
    with transaction.atomic():
        job = ReissueJob.objects.select_for_update().filter(pk=job_id).first()
        finished = (ReissueJob.Status.DONE, ReissueJob.Status.FAILED)
        if job is None or job.status in finished or job.cursor != after:
            return None
        chunk = list(
            Certificate.objects.filter(pk__gt=after, pdf__isnull=False)
            .exclude(pdf="")
            .exclude(template_version=job.template_version)
            .order_by("pk")[:size]
        )
        done = failed = 0
        for certificate in chunk:
            try:
                # a savepoint each: one certificate's failure leaves the slice's others intact
                with transaction.atomic():
                    certificate_reissue(certificate=certificate)
                done += 1
            except Exception:
                logger.exception("reissue of certificate %s failed", certificate.pk)
                failed += 1
        job.done += done
        job.failed += failed
        if len(chunk) == size:
            job.cursor = chunk[-1].pk
            job.status = ReissueJob.Status.RUNNING
            outbox_add(kind=REISSUE_WANTED, payload={"job_id": job.pk, "after": job.cursor})
        else:
            job.cursor = chunk[-1].pk if chunk else job.cursor
            job.total = max(job.total, job.done + job.failed)
            job.status = ReissueJob.Status.FAILED if job.failed else ReissueJob.Status.DONE
            job.finished_at = timezone.now()
        job.save(update_fields=["done", "failed", "cursor", "status", "total", "finished_at"])
    return done


def certificates_anonymise(*, user) -> int:
    """After an account is deleted: the certificates stay (counts) but carry no name, and no
    stored file carries it either: their PDFs and the ZIP downloads that hold one of them are
    deleted (after the deletion commits). A PDF asked for later is rendered without a name;
    the repair does not render those of an anonymised account again."""
    certificates = Certificate.objects.filter(user=user)
    files = [name for name in certificates.values_list("pdf", flat=True) if name]
    archives = CertificateArchive.objects.filter(
        pk__in=CertificateArchive.objects.filter(certificates__user=user).values("pk")
    )
    files += [name for name in archives.values_list("file", flat=True) if name]
    archives.delete()
    updated = certificates.update(holder_name="", pdf=None, pdf_rendered_at=None)

    def delete_files() -> None:
        for name in files:
            default_storage.delete(name)

    transaction.on_commit(delete_files)
    return updated


def certificates_personal_data(user) -> dict:
    """Registered with accounts.personal_data."""
    return {
        "certificates": [
            {
                "code": c.display_code,
                "holder_name": c.holder_name,
                "course": c.course_title,
                "language": c.language,
                "score": str(c.score) if c.score is not None else None,
                "status": c.status,
                "issued_at": c.issued_at.isoformat(),
                "expires_at": c.expires_at.isoformat() if c.expires_at else None,
                "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
            }
            for c in Certificate.objects.filter(user=user).order_by("issued_at")
        ]
    }


#: Most certificates in one ZIP (a large organisation; the programme exports in batches).
ARCHIVE_MAX = 500


def archive_create(*, user, codes: list[str]) -> CertificateArchive:
    """A ZIP of the selected certificates that `user` may view, built by a task. Codes the person
    may not see are left out exactly like unknown ones (no hint that they exist)."""
    normalised = {code_normalise(c) for c in codes if c}
    normalised.discard("")
    if not normalised:
        raise CertificateError(_("Select at least one certificate."), code="empty")
    if len(normalised) > ARCHIVE_MAX:
        raise CertificateError(
            _("Select at most %(n)s certificates at a time.") % {"n": ARCHIVE_MAX}, code="too_many"
        )
    allowed = [
        c
        for c in Certificate.objects.filter(code__in=normalised).select_related("user")
        if can_view(user, c)
    ]
    if not allowed:
        raise CertificateError(_("None of these certificates can be found."), code="not_found")
    with transaction.atomic():
        archive = CertificateArchive.objects.create(requested_by=user)
        archive.certificates.set(allowed)
        outbox_add(kind=ARCHIVE_WANTED, payload={"archive_id": archive.pk})
    return archive


def archive_ensure(*, archive_id: int) -> bool:
    """Outbox handler: the requested ZIP exists (a finished archive is left alone)."""
    archive = CertificateArchive.objects.filter(pk=archive_id).first()
    if archive is None:
        return False
    return archive_build(archive=archive).status == CertificateArchive.Status.DONE


def archive_build(*, archive: CertificateArchive) -> CertificateArchive:
    """Write the ZIP (rendering PDFs that do not exist yet). Rerunnable: a finished archive is
    left alone."""
    if archive.status == CertificateArchive.Status.DONE:
        return archive
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as bundle:
        for certificate in archive.certificates.order_by("holder_name", "pk"):
            certificate = certificate_pdf_render(certificate=certificate)
            with default_storage.open(str(certificate.pdf.name), "rb") as handle:
                bundle.writestr(f"certificate-{code_display(certificate.code)}.pdf", handle.read())
    saved = default_storage.save(
        f"certificate-archives/{archive.public_id}.zip", ContentFile(buffer.getvalue())
    )
    CertificateArchive.objects.filter(pk=archive.pk).update(
        file=saved, status=CertificateArchive.Status.DONE, finished_at=timezone.now()
    )
    archive.refresh_from_db()
    return archive
