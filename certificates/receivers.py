"""Signal receivers connected in CertificatesConfig.ready."""


def on_course_passed(sender, completion, **kwargs) -> None:
    """lms sends course_passed inside the transaction that records the pass: the certificate
    row and its wanted PDF and e-mail are committed with it, or not at all (ADR 0019)."""
    from .services import certificate_record

    certificate_record(completion=completion)


def on_account_anonymised(sender, user, **kwargs) -> None:
    from .services import certificates_anonymise

    certificates_anonymise(user=user)
