from django.dispatch import Signal

#: Sent after the transaction that created a Completion commits. kwargs: completion.
course_passed = Signal()
