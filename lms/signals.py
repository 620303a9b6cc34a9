from django.dispatch import Signal

#: Sent inside the transaction that creates a Completion, so receivers record the work the pass
#: sets off (a certificate, its outbox rows) atomically with it; they must not call out (no
#: broker, no e-mail) before the commit. kwargs: completion.
course_passed = Signal()

#: Sent INSIDE the transaction that creates a Completion (by `services.completion_create` and
#: `services.completion_create_training`, the only places that create them), before it commits. Receivers that must never disagree with the
#: completions (reporting's kept counts) write in the same transaction: if they fail, the pass
#: is rolled back too. Slow or outside work belongs to `course_passed`. kwargs: completion.
completion_recorded = Signal()
