from django.dispatch import Signal

#: Sent after the transaction commits whenever a personal certificate is issued, expires, is
#: revoked or superseded (or reissued after a name correction).
#: kwargs: certificate (Certificate), cause (one of CertificateEvent.Kind values: "issued",
#: "expired", "revoked", "superseded", "reissued").
certificate_status_changed = Signal()

#: Sent INSIDE the transaction that revokes a personal certificate, before it commits: the
#: certificate's completion no longer counts (ADR 0012), and what is kept from completions
#: (reporting's counts) is corrected in the same transaction. kwargs: certificate.
certificate_revoked = Signal()
