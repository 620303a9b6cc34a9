"""Hand-made reporting data: completions at exact moments (Dutch time), known answers."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from lms.models import Attempt, Completion, Enrolment
from lms.services import completion_create
from reporting.models import Target, TargetCourse
from reporting.services import target_counts_rebuild

AMS = ZoneInfo("Europe/Amsterdam")


def at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS)


def passed(user, course, when: datetime, *, cycle: int | None = None) -> Completion:
    """`user` passed `course` (a CoursePage, any language version) at `when`."""
    enrolment, _created = Enrolment.objects.get_or_create(
        user=user, course=course, defaults={"course_key": course.translation_key}
    )
    attempt = Attempt.objects.create(
        enrolment=enrolment,
        user=user,
        course=course,
        number=enrolment.attempts.count() + 1,
        status=Attempt.Status.SUBMITTED,
        snapshot={"questions": []},
        pass_mark=70,
        submitted_at=when,
        score=Decimal("100.00"),
        passed=True,
    )
    if cycle is None:
        cycle = Completion.objects.filter(user=user, course_key=course.translation_key).count() + 1
    # through the service every pass goes through, so the kept counts follow (ADR 0020)
    return completion_create(attempt=attempt, course=course, cycle=cycle, completed_at=when)


def people_target(
    *courses,
    start=date(2025, 1, 1),
    end=date(2026, 12, 31),
    number=100,
    code="test-target",
    sectors=(),
    professional_roles=(),
    kept: bool = True,
) -> Target:
    """A people target; `kept=False` leaves its kept counts unbuilt (figures are recounted)."""
    target = Target.objects.create(
        code=code,
        title=f"Target {code}",
        unit=Target.Unit.PEOPLE_PASSED,
        goal=Target.Goal.NUMBER,
        target_number=number,
        period_start=start,
        period_end=end,
    )
    for i, course in enumerate(courses):
        TargetCourse(target=target, course=course, sort_order=i).save()
    if sectors:
        target.sectors.set(sectors)
    if professional_roles:
        target.professional_roles.set(professional_roles)
    target.save()  # a ParentalManyToManyField is written on save
    if kept:
        # as after an edit in the admin: later passes are kept as they happen
        target_counts_rebuild(target=target)
    # a fresh row, as the views load it: filters come from the database, not from memory
    return Target.objects.get(pk=target.pk)
