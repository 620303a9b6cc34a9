"""Signal receivers connected in CertificatesConfig.ready."""

from django.db import transaction


def on_course_passed(sender, completion, **kwargs) -> None:
    """lms sends course_passed after its commit; enqueue the issue after ours as well."""
    from .tasks import certificate_issue

    completion_id = completion.pk
    transaction.on_commit(lambda: certificate_issue.delay(completion_id))


def on_account_anonymised(sender, user, **kwargs) -> None:
    from .services import certificates_anonymise

    certificates_anonymise(user=user)
