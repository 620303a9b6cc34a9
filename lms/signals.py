from django.dispatch import Signal

#: Sent INSIDE the transaction that creates a Completion (by `services.completion_create`, the
#: one place an e-learning pass creates one), before it commits. Receivers record the work the
#: pass sets off atomically with it: certificates its certificate row and outbox rows (ADR 0019),
#: reporting its kept counts (ADR 0020); if one fails, the pass is rolled back too. They must
#: not call out (no broker, no e-mail) before the commit. A training's attendance
#: (`trainings.services`) still sends it after its own commit. kwargs: completion.
course_passed = Signal()
