from django.dispatch import Signal

#: Sent inside the transaction that changes a personal certificate's status (issued, expired,
#: revoked, superseded, or reissued after a name correction), so receivers write their follow-up
#: work to the outbox atomically with it (ADR 0019); they must not call out before the commit.
#: kwargs: certificate (Certificate), cause (one of CertificateEvent.Kind values: "issued",
#: "expired", "revoked", "superseded", "reissued").
certificate_status_changed = Signal()
