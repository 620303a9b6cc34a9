"""A training's completions count toward the targets that list its format, once per person."""

from datetime import date

import pytest
from django.utils import timezone

from reporting.models import Target, TargetCourse
from reporting.selectors import kept_counts_current, target_progress
from reporting.services import target_counts_rebuild
from tests.factories import UserFactory, make_course
from trainings import services
from trainings.models import Registration

from .conftest import make_format, make_session, pass_course

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kept", [False, True], ids=["recounted", "kept-counts"])
def test_training_and_elearning_count_once_per_person(trainer, kept):
    """Both ways the dashboard counts: a full recount, and the kept counts (ADR 0020) that a
    training completion updates in its own transaction like an e-learning pass."""
    course = make_course(title="Verdiepende module")
    training = make_format(title="Kind en Uitbuiting")
    today = timezone.localdate()
    target = Target.objects.create(
        code="verdieping",
        title="1.500 verdiepend getraind",
        unit=Target.Unit.PEOPLE_PASSED,
        goal=Target.Goal.NUMBER,
        target_number=1500,
        period_start=date(today.year - 1, 1, 1),
        period_end=date(today.year + 1, 12, 31),
    )
    TargetCourse(target=target, course=course, sort_order=0).save()
    TargetCourse(target=target, training=training, sort_order=1).save()
    if kept:
        target_counts_rebuild(target=target)
        target.refresh_from_db()
        assert kept_counts_current(target)
    both, only_training = UserFactory(), UserFactory()
    pass_course(both, course)
    assert target_progress(target=target).forecast.achieved == 1
    session = make_session(training, days=-1)
    for person in (both, only_training):
        registration = Registration.objects.create(
            session=session, user=person, status="registered"
        )
        services.attendance_mark(registration=registration, status="present", marked_by=trainer)
    assert target_progress(target=target).forecast.achieved == 2
