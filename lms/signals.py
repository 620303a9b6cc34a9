from django.dispatch import Signal

#: Sent INSIDE the transaction that creates a Completion, before it commits: by
#: `services.completion_create` for an e-learning pass, and by `trainings.services` right after
#: `services.completion_create_training` for a training on location. Receivers record the work
#: the pass sets off atomically with it: certificates its certificate row and outbox rows (ADR
#: 0019), reporting its kept counts (ADR 0020); if one fails, the pass is rolled back too. They
#: must not call out (no broker, no e-mail) before the commit. kwargs: completion.
course_passed = Signal()
