import io
from datetime import timedelta

import pypdf
import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.personal_data import exporters
from accounts.services import user_anonymise
from certificates import services
from certificates.errors import CertificateError
from certificates.models import TEMPLATE_VERSION, Certificate, CertificateEvent, ReissueJob
from certificates.signals import certificate_status_changed
from lms.models import Completion
from outbox.models import OutboxMessage
from outbox.services import outbox_message_run
from tests.certificates.conftest import pass_course, pass_course_without_certificate
from tests.factories import UserFactory, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def status_changes():
    received = []

    def receiver(certificate, cause, **kwargs):
        received.append((certificate.pk, cause))

    certificate_status_changed.connect(receiver, weak=False, dispatch_uid="test-status")
    yield received
    certificate_status_changed.disconnect(dispatch_uid="test-status")


def _text(certificate) -> str:
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return reader.pages[0].extract_text()


def test_issue_creates_certificate_pdf_and_email_once(
    user, completion, status_changes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(completion=completion)
    assert certificate.status == Certificate.Status.VALID
    assert certificate.user == user
    assert certificate.course_key == completion.course_key
    assert certificate.holder_name == user.full_name
    assert certificate.score == completion.score
    assert certificate.issued_at == completion.completed_at
    assert certificate.expires_at == completion.valid_until
    assert certificate.template_version == TEMPLATE_VERSION
    assert certificate.pdf and default_storage.exists(certificate.pdf.name)
    assert certificate.code not in certificate.pdf.name.split("/")[-1][-20:]  # random suffix
    assert user.full_name in _text(certificate)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "BUIT voor professionals" in message.subject
    assert f"/certificaten/{certificate.code}/" in message.body
    assert f"/verify/{certificate.code}" in message.body
    assert status_changes == [(certificate.pk, "issued")]

    # a second run (a redelivered task) changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        again = services.certificate_issue(completion=completion)
    assert again.pk == certificate.pk
    assert Certificate.objects.count() == 1
    assert len(mail.outbox) == 1
    assert again.pdf.name == certificate.pdf.name
    assert status_changes == [(certificate.pk, "issued")]
    kinds = list(certificate.events.values_list("kind", flat=True))
    assert kinds == ["issued", "pdf_rendered", "emailed"]


def test_email_speaks_the_language_of_the_course_version_passed(user):
    """The certificate e-mail of a Polish pass is Polish, links to the Polish pages and dates
    in Polish, even for someone whose own setting is English (ADR 0015)."""
    polish = make_course(title="Rozpoznawanie wyzysku", locale="pl", validity_months=24)
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    certificate = services.certificate_issue(completion=pass_course(user, polish))
    assert certificate.language == "pl"
    message = mail.outbox[0]
    assert message.subject == "Twój certyfikat za kurs Rozpoznawanie wyzysku"
    assert "Gratulacje: kurs „Rozpoznawanie wyzysku” został zaliczony." in message.body
    assert f"/pl/certificaten/{certificate.code}/" in message.body
    expires = timezone.localtime(certificate.expires_at)
    with translation.override("pl"):
        assert f"ważny do {date_format(expires, 'DATE_FORMAT')}." in message.body
    assert "Your certificate" not in message.body and "Je certificaat" not in message.body


def test_email_sent_but_its_record_lost_to_a_dropped_connection_is_not_sent_again(
    completion, monkeypatch
):
    """The database connection drops after the mail went out, before the commit (issue 19's
    chaos run sent 4 of 200 e-mails twice this way): the record is written again, so the
    retry finds it sent."""
    from django.db import OperationalError

    certificate = services.certificate_create(completion=completion)
    original = services._event
    calls = []

    def drop_once(row, kind, **kwargs):
        calls.append(kind)
        if len(calls) == 1:
            raise OperationalError("terminating connection due to administrator command")
        return original(row, kind, **kwargs)

    monkeypatch.setattr(services, "_event", drop_once)
    mail.outbox.clear()
    assert services.certificate_email_send(certificate=certificate) is True
    certificate.refresh_from_db()
    assert certificate.email_sent_at is not None
    assert len(mail.outbox) == 1
    # the outbox's retry of the same message sends nothing
    assert services.certificate_email_send(certificate=certificate) is False
    assert len(mail.outbox) == 1
    assert (
        CertificateEvent.objects.filter(
            certificate=certificate, kind=CertificateEvent.Kind.EMAILED
        ).count()
        == 1
    )


def test_a_failed_send_is_not_recorded_as_sent(completion, monkeypatch):
    certificate = services.certificate_create(completion=completion)

    def refuse(**kwargs):
        raise OSError("SMTP server unavailable")

    monkeypatch.setattr(services, "mail_send", refuse)
    with pytest.raises(OSError):
        services.certificate_email_send(certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.email_sent_at is None


def test_no_email_to_an_anonymised_account(user, completion):
    user_anonymise(user=user)
    completion.refresh_from_db()
    certificate = services.certificate_issue(completion=completion)
    assert certificate.holder_name == ""
    assert mail.outbox == []


def test_renewal_supersedes_the_older_certificate(
    user, course, status_changes, django_capture_on_commit_callbacks
):
    first = services.certificate_create(completion=pass_course(user, course))
    # a later cycle (the renewal window opened): a second completion for the same course
    Completion.objects.filter(pk=first.completion_id).update(
        valid_until=timezone.now() + timedelta(days=10)
    )
    second_completion = pass_course(user, course)
    assert second_completion is not None and second_completion.cycle == 2
    with django_capture_on_commit_callbacks(execute=True):
        second = services.certificate_create(completion=second_completion)
    first.refresh_from_db()
    assert first.status == Certificate.Status.SUPERSEDED
    assert first.superseded_by == second
    assert second.status == Certificate.Status.VALID
    assert list(Certificate.objects.currently_valid().filter(user=user)) == [second]
    assert (first.pk, "superseded") in status_changes


def test_an_older_cycle_issued_late_is_superseded_at_once(user, course):
    from tests.reporting.data import passed

    now = timezone.now()
    old = passed(user, course, now - timedelta(days=800), cycle=1)
    new = passed(user, course, now - timedelta(days=10), cycle=2)
    newest = services.certificate_create(completion=new)
    late = services.certificate_create(completion=old)
    late.refresh_from_db()
    assert late.status == Certificate.Status.SUPERSEDED
    assert late.superseded_by == newest
    newest.refresh_from_db()
    assert newest.status == Certificate.Status.VALID


def test_currently_valid_excludes_past_expiry_before_the_task_ran(user, completion):
    certificate = services.certificate_create(completion=completion)
    assert Certificate.objects.currently_valid().count() == 1
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=timezone.now() - timedelta(days=30), expires_at=timezone.now() - timedelta(days=1)
    )
    assert Certificate.objects.currently_valid().count() == 0
    certificate.refresh_from_db()
    assert certificate.effective_status == Certificate.Status.EXPIRED


def _age(certificate, *, expires_in: timedelta):
    now = timezone.now()
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=now - timedelta(days=700), expires_at=now + expires_in
    )
    certificate.refresh_from_db()
    return certificate


def test_expire_marks_once_and_signals(
    user, completion, status_changes, django_capture_on_commit_callbacks
):
    certificate = _age(
        services.certificate_create(completion=completion), expires_in=-timedelta(hours=1)
    )
    status_changes.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificates_expire() == 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.EXPIRED
    assert status_changes == [(certificate.pk, "expired")]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificates_expire() == 0
    assert status_changes == [(certificate.pk, "expired")]


def test_reminders_60_and_14_days_before_expiry_once_each(user, completion):
    certificate = _age(
        services.certificate_create(completion=completion), expires_in=timedelta(days=59)
    )
    assert services.certificates_remind() == 1
    assert services.certificates_remind() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == _("Your certificate for %(course)s expires soon") % {
        "course": certificate.course_title
    }
    certificate.refresh_from_db()
    assert certificate.reminder_60_sent_at is not None and certificate.reminder_14_sent_at is None
    # 45 days later
    later = timezone.now() + timedelta(days=46)
    assert services.certificates_remind(now=later) == 1
    assert services.certificates_remind(now=later) == 0
    assert len(mail.outbox) == 2
    certificate.refresh_from_db()
    assert certificate.reminder_14_sent_at is not None


def test_inside_14_days_only_the_14_day_reminder_is_sent(user, completion):
    certificate = _age(
        services.certificate_create(completion=completion), expires_in=timedelta(days=5)
    )
    assert services.certificates_remind() == 1
    certificate.refresh_from_db()
    assert certificate.reminder_60_sent_at is None
    assert certificate.reminder_14_sent_at is not None


def test_no_reminder_for_a_renewed_or_far_away_certificate(user, completion):
    certificate = _age(
        services.certificate_create(completion=completion), expires_in=timedelta(days=200)
    )
    assert services.certificates_remind() == 0
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.SUPERSEDED, expires_at=timezone.now() + timedelta(days=10)
    )
    assert services.certificates_remind() == 0
    assert mail.outbox == []


def test_revoke_needs_a_reason_and_is_audited(
    completion, programme_user, status_changes, django_capture_on_commit_callbacks
):
    certificate = services.certificate_create(completion=completion)
    with pytest.raises(CertificateError):
        services.certificate_revoke(certificate=certificate, actor=programme_user, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        revoked = services.certificate_revoke(
            certificate=certificate, actor=programme_user, reason="Fraude bij de toets"
        )
    assert revoked.status == Certificate.Status.REVOKED and revoked.revoked_at
    event = certificate.events.get(kind=CertificateEvent.Kind.REVOKED)
    assert event.actor == programme_user and event.reason == "Fraude bij de toets"
    assert (certificate.pk, "revoked") in status_changes
    assert not Certificate.objects.currently_valid().exists()
    with pytest.raises(CertificateError):
        services.certificate_revoke(certificate=revoked, actor=programme_user, reason="nogmaals")


def test_name_correction_keeps_the_code_reissues_and_notifies_staff(
    user, completion, programme_user, django_capture_on_commit_callbacks
):
    certificate = services.certificate_issue(completion=completion)
    mail.outbox.clear()
    old_pdf = certificate.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        corrected = services.certificate_name_correct(
            certificate=certificate, actor=user, name="  Fatima   el Amrani "
        )
    assert corrected.code == certificate.code
    assert corrected.holder_name == "Fatima el Amrani"
    assert corrected.pdf.name != old_pdf
    assert not default_storage.exists(old_pdf)
    assert "Fatima el Amrani" in _text(corrected)
    event = corrected.events.get(kind=CertificateEvent.Kind.NAME_CORRECTED)
    assert event.actor == user
    assert "Fatima" not in event.reason  # no names in the audit log
    # programme staff are told by the worker, through the outbox
    assert mail.outbox == []
    (message,) = OutboxMessage.objects.filter(kind=services.NAME_CORRECTED_WANTED)
    assert message.payload == {"event_id": event.pk}
    outbox_message_run(message_id=message.pk)
    assert [m.to for m in mail.outbox] == [[programme_user.email]]
    assert certificate.display_code in mail.outbox[0].subject
    assert "Fatima" not in mail.outbox[0].body
    # once per correction: a repeated run (the relay, a redelivery) sends nothing
    assert services.name_corrected_email_ensure(event_id=event.pk) is False
    assert len(mail.outbox) == 1


def test_name_correction_with_the_mail_server_down_is_kept_and_told_later(
    user, completion, programme_user, settings
):
    """The correction is the learner's and is committed; the staff e-mail waits in the outbox
    while the mail server does not answer (it used to fail the learner's request)."""
    certificate = services.certificate_issue(completion=completion)
    mail.outbox.clear()
    settings.EMAIL_BACKEND = "tests.conftest.RefusingMailServer"
    corrected = services.certificate_name_correct(
        certificate=certificate, actor=user, name="Fatima el Amrani"
    )
    assert corrected.holder_name == "Fatima el Amrani"
    (message,) = OutboxMessage.objects.filter(kind=services.NAME_CORRECTED_WANTED)
    with pytest.raises(OSError):
        outbox_message_run(message_id=message.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox_message_run(message_id=message.pk)
    assert [m.to for m in mail.outbox] == [[programme_user.email]]


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_name_correction_refuses_empty_or_too_long(user, completion, name):
    certificate = services.certificate_create(completion=completion)
    with pytest.raises(CertificateError):
        services.certificate_name_correct(certificate=certificate, actor=user, name=name)


def _reissue_slices(job, *, size):
    """Run a bulk job's slices as the outbox would: each message names the cursor it starts at."""
    after = 0
    while True:
        services.reissue_job_ensure(job_id=job.pk, after=after, size=size)
        job.refresh_from_db()
        if job.status != ReissueJob.Status.RUNNING:
            return job
        after = job.cursor


def test_bulk_reissue_renders_outdated_pdfs_with_progress(user, course, programme_user):
    certificates = [
        services.certificate_issue(completion=pass_course(UserFactory(), course)) for _ in range(3)
    ]
    Certificate.objects.filter(pk__in=[c.pk for c in certificates[:2]]).update(
        template_version=TEMPLATE_VERSION - 1
    )
    old_names = {c.pk: c.pdf.name for c in certificates}
    job = ReissueJob.objects.create(template_version=TEMPLATE_VERSION, total=2)
    job = _reissue_slices(job, size=1)
    assert job.status == ReissueJob.Status.DONE
    assert (job.done, job.failed, job.percent) == (2, 0, 100)
    for certificate in certificates:
        certificate.refresh_from_db()
        assert certificate.template_version == TEMPLATE_VERSION
    changed = {c.pk for c in certificates if c.pdf.name != old_names[c.pk]}
    assert changed == {certificates[0].pk, certificates[1].pk}
    # a second run finds nothing left to do
    again = _reissue_slices(ReissueJob.objects.create(template_version=TEMPLATE_VERSION), size=1)
    assert again.done == 0


def test_bulk_reissue_runs_in_slices_each_its_own_outbox_message(course, programme_user):
    """However many PDFs a job has, one message renders at most one slice (it must finish
    inside the task's time limit and the broker's visibility timeout) and queues the next; a
    redelivered copy of a slice already done changes nothing."""
    from outbox.models import OutboxMessage

    certificates = [
        services.certificate_issue(completion=pass_course(UserFactory(), course)) for _ in range(3)
    ]
    Certificate.objects.update(template_version=TEMPLATE_VERSION - 1)
    job = ReissueJob.objects.create(template_version=TEMPLATE_VERSION, total=3)

    assert services.reissue_job_ensure(job_id=job.pk, size=2) == 2
    job.refresh_from_db()
    assert (job.status, job.done, job.cursor) == (
        ReissueJob.Status.RUNNING,
        2,
        certificates[1].pk,
    )
    following = OutboxMessage.objects.get(kind=services.REISSUE_WANTED)
    assert following.payload == {"job_id": job.pk, "after": certificates[1].pk}

    # the first message delivered again: stale, nothing rendered twice, progress unchanged
    assert services.reissue_job_ensure(job_id=job.pk, size=2) is None
    job.refresh_from_db()
    assert job.done == 2

    assert services.reissue_job_ensure(size=2, **following.payload) == 1
    job.refresh_from_db()
    assert (job.status, job.done, job.percent) == (ReissueJob.Status.DONE, 3, 100)
    assert OutboxMessage.objects.filter(kind=services.REISSUE_WANTED).count() == 1
    # a finished job ignores any later copy
    assert services.reissue_job_ensure(size=2, **following.payload) is None


def test_personal_data_export_and_anonymisation(user, completion):
    certificate = services.certificate_create(completion=completion)
    exported = exporters()["certificates"](user)
    assert exported["certificates"][0]["code"] == certificate.display_code
    assert exported["certificates"][0]["holder_name"] == user.full_name
    user_anonymise(user=user)
    certificate.refresh_from_db()
    assert certificate.holder_name == ""
    assert Certificate.objects.filter(user=user).count() == 1  # still counted


def test_completions_without_certificate(user, course):
    completion = pass_course_without_certificate(user, course)
    other = pass_course_without_certificate(UserFactory(), make_course(title="Tweede"))
    services.certificate_create(completion=completion)
    assert list(services.completions_without_certificate()) == [other]


def test_a_pass_records_its_certificate_and_wanted_work_in_one_transaction(user, course):
    from outbox.models import OutboxMessage

    completion = pass_course(user, course)
    certificate = Certificate.objects.get(completion=completion)
    assert not certificate.pdf and certificate.email_sent_at is None
    rows = OutboxMessage.objects.filter(payload__certificate_id=certificate.pk)
    assert sorted(rows.values_list("kind", flat=True)) == [
        services.EMAIL_WANTED,
        services.PDF_WANTED,
    ]


def test_one_task_renders_the_pdf_then_sends_the_e_mail_once(user, course):
    """The fast path runs a certificate's two rows in one task (PDF first); a second run of
    that task, or of either row on its own (the relay), renders and sends nothing more."""
    from outbox.models import OutboxMessage
    from outbox.services import outbox_message_run, outbox_messages_run

    completion = pass_course(user, course)
    certificate = Certificate.objects.get(completion=completion)
    ids = list(
        OutboxMessage.objects.filter(payload__certificate_id=certificate.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert OutboxMessage.objects.get(pk=ids[0]).kind == services.PDF_WANTED
    assert outbox_messages_run(message_ids=ids) == 2
    certificate.refresh_from_db()
    assert certificate.pdf and certificate.email_sent_at is not None
    assert len(mail.outbox) == 1
    assert outbox_messages_run(message_ids=ids) == 0
    for pk in ids:
        assert outbox_message_run(message_id=pk) is False
    # even a row whose "done" was lost (a worker killed before it was written) changes nothing
    OutboxMessage.objects.filter(pk__in=ids).update(done_at=None)
    assert outbox_messages_run(message_ids=ids) == 2
    assert len(mail.outbox) == 1
    assert certificate.events.filter(kind="pdf_rendered").count() == 1
    assert certificate.events.filter(kind="emailed").count() == 1


def test_reconcile_is_full(user, course):
    """Completions without a certificate, certificates without a PDF and learners never
    e-mailed each get their work written to the outbox, once; what waits is not doubled."""
    from outbox.models import OutboxMessage
    from outbox.services import outbox_message_run

    lost = pass_course_without_certificate(user, course)
    counts = services.certificates_reconcile()
    assert counts == {"certificates": 1, "pdfs": 0, "emails": 0}
    certificate = Certificate.objects.get(completion=lost)
    # the work is waiting: a second run adds nothing
    assert services.certificates_reconcile() == {"certificates": 0, "pdfs": 0, "emails": 0}
    # the PDF row was done but the file is gone (e.g. a row given up and closed by hand)
    for message in OutboxMessage.objects.filter(payload__certificate_id=certificate.pk):
        outbox_message_run(message_id=message.pk)
    assert len(mail.outbox) == 1
    Certificate.objects.filter(pk=certificate.pk).update(pdf="")
    assert services.certificates_reconcile() == {"certificates": 0, "pdfs": 1, "emails": 0}
    # an e-mail never sent and never wanted (a pass from before the outbox)
    other = pass_course_without_certificate(UserFactory(), make_course(title="Tweede"))
    services.certificate_create(completion=other)
    assert services.certificates_reconcile() == {"certificates": 0, "pdfs": 1, "emails": 1}


def test_archive_holds_only_certificates_the_person_may_see(user, course, programme_user):
    import zipfile

    from certificates.models import CertificateArchive

    mine = services.certificate_create(completion=pass_course(user, course))
    other = services.certificate_create(completion=pass_course(UserFactory(), course))
    archive = services.archive_create(user=user, codes=[mine.display_code.lower(), other.code])
    assert list(archive.certificates.all()) == [mine]
    archive = services.archive_build(archive=archive)
    assert archive.status == CertificateArchive.Status.DONE
    with default_storage.open(archive.file.name, "rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert names == [f"certificate-{mine.display_code}.pdf"]
    # programme staff may bundle anyone's
    staff_archive = services.archive_create(user=programme_user, codes=[mine.code, other.code])
    assert staff_archive.certificates.count() == 2
    with pytest.raises(CertificateError):
        services.archive_create(user=user, codes=[other.code])
    with pytest.raises(CertificateError):
        services.archive_create(user=user, codes=["", " "])


@pytest.mark.django_db(transaction=True)
def test_deleting_the_account_deletes_every_stored_file_with_the_name(user, course, programme_user):
    """The name goes from the row and from every stored file: the certificate's PDF and any
    ZIP download that holds it; the repair does not render the PDF again."""
    certificate = services.certificate_issue(completion=pass_course(user, course))
    pdf = certificate.pdf.name
    assert user.full_name in _text(certificate)
    archive = services.archive_build(
        archive=services.archive_create(user=programme_user, codes=[certificate.code])
    )
    zip_name = archive.file.name
    assert default_storage.exists(pdf) and default_storage.exists(zip_name)

    user_anonymise(user=user)

    certificate.refresh_from_db()
    assert certificate.holder_name == "" and not certificate.pdf
    assert not default_storage.exists(pdf)
    assert not default_storage.exists(zip_name)
    assert not type(archive).objects.filter(pk=archive.pk).exists()
    assert services.certificates_reconcile()["pdfs"] == 0
    assert services.certificate_pdf_ensure(certificate_id=certificate.pk) is False
    assert Certificate.objects.filter(user=user).count() == 1  # still counted


def test_email_subjects_show_a_course_title_as_written(user):
    """A subject is plain text: a title with an ampersand or an apostrophe reads as written in
    the mail client, not as the HTML entities &amp; and &#x27;."""
    title = 'Hotels & B&B\'s: "herken" uitbuiting'
    certificate = services.certificate_issue(
        completion=pass_course(user, make_course(title=title, validity_months=24))
    )
    _age(certificate, expires_in=timedelta(days=59))
    assert services.certificates_remind() == 1
    issued, reminder = mail.outbox
    assert issued.subject == f"Je certificaat voor {title}"
    assert reminder.subject == f"Je certificaat voor {title} verloopt binnenkort"


def test_name_correction_notice_goes_to_each_of_programme_staff_in_their_language(
    user, completion, programme_user
):
    """Each gets their own mail (not everyone's addresses in one), in their own language, with
    the link to the certificate's administration page in that language."""
    from accounts import roles

    english = UserFactory(role=roles.PROGRAMME_STAFF, preferred_language="en")
    programme_user.preferred_language = "nl"
    programme_user.save(update_fields=["preferred_language"])
    certificate = services.certificate_issue(completion=completion)
    mail.outbox.clear()
    services.certificate_name_correct(certificate=certificate, actor=user, name="Fatima Amrani")
    event = certificate.events.get(kind=CertificateEvent.Kind.NAME_CORRECTED)
    assert services.name_corrected_email_ensure(event_id=event.pk) is True
    by_address = {tuple(m.to): m for m in mail.outbox}
    assert set(by_address) == {(programme_user.email,), (english.email,)}
    to_english = by_address[(english.email,)]
    assert to_english.subject == f"Name corrected on certificate {certificate.display_code}"
    assert f"/en/certificaten/beheer/{certificate.code}/" in to_english.body
    to_dutch = by_address[(programme_user.email,)]
    assert to_dutch.subject.startswith("Naam gecorrigeerd")
    assert "/en/certificaten/" not in to_dutch.body
    assert services.name_corrected_email_ensure(event_id=event.pk) is False
    assert len(mail.outbox) == 2


def test_the_e_mail_for_a_training_on_location_says_the_person_took_part(user, course):
    """Attending a training on location is not "passing" it."""
    completion = Completion.objects.create(
        user=user,
        source="training",
        course_key=course.translation_key,
        title="Kind en Uitbuiting",
        completed_at=timezone.now(),
    )
    certificate = services.certificate_issue(completion=completion)
    with translation.override("nl"):
        took_part = _('You took part in the training "%(course)s". Your certificate is ready:') % {
            "course": certificate.course_title
        }
    body = mail.outbox[-1].body
    assert took_part in body and "gehaald" not in body
