from django.dispatch import Signal

#: Sent after the transaction commits whenever a personal certificate is issued, expires, is
#: revoked or superseded (or reissued after a name correction).
#: kwargs: certificate (Certificate), cause (one of CertificateEvent.Kind values: "issued",
#: "expired", "revoked", "superseded", "reissued").
certificate_status_changed = Signal()
