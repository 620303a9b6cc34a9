from django.dispatch import Signal

#: Sent inside the transaction that creates a Completion, so receivers record the work the pass
#: sets off (a certificate, its outbox rows) atomically with it; they must not call out (no
#: broker, no e-mail) before the commit. kwargs: completion.
course_passed = Signal()
