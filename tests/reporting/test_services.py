"""Kept counts (ADR 0020): written in the transaction of the pass, the revocation and the
profile change; equal to a full recount; rebuilt by a command; not read while stale."""

import random
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import translation

from accounts.models import ProfessionalRole, Region, Sector
from certificates.services import certificate_create, certificate_revoke
from organisations.models import Organisation, StaffMembership
from organisations.services.staff import membership_end, organisation_join
from reporting.models import CountedCell, CountedMonth, CountedPerson, TargetCourse
from reporting.presentation import target_report
from reporting.selectors import (
    KIND_BITS,
    ReportFilters,
    kept_counts_check,
    kept_counts_current,
    target_counts,
    targets_queryset,
)
from reporting.services import target_counts_rebuild
from tests.factories import UserFactory, make_course
from tests.trainings.conftest import make_format, make_session
from trainings import services as training_services
from trainings.models import Registration

from .data import at, passed, people_target

pytestmark = pytest.mark.django_db
AS_OF = date(2027, 3, 1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def fresh(target):
    return targets_queryset().get(pk=target.pk)


def kept_people(target) -> dict[int, tuple]:
    return {
        p.user_id: (p.first_counted_at, p.month, p.region_key, p.sector_key)
        for p in CountedPerson.objects.filter(target=target)
    }


def assert_equal_to_recount(target):
    check = kept_counts_check(target=fresh(target))
    assert check.kept == check.recounted, (check.kept, check.recounted)
    assert check.kept_months == check.recounted_months, check.kept_months
    assert check.equal
    return check


def test_a_pass_is_kept_in_its_own_transaction_and_a_rollback_keeps_nothing():
    course = make_course()
    target = people_target(course)
    region = Region.objects.first()
    learner = UserFactory(region=region)

    passed(learner, course, at(2025, 3, 31, 23, 30))  # Dutch time: still March
    assert kept_people(target) == {
        learner.pk: (at(2025, 3, 31, 23, 30), date(2025, 3, 1), region.pk, 0)
    }
    passed(learner, course, at(2026, 5, 1))  # a renewal does not count again
    assert CountedCell.objects.get(target=target).people == 1

    other = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        passed(other, course, at(2025, 4, 1))
        assert other.pk in kept_people(target)  # written inside the pass's transaction
        raise RuntimeError("the pass fails after the completion was written")
    assert other.pk not in kept_people(target)
    assert assert_equal_to_recount(target).kept_total == 1


def test_a_revocation_takes_the_pass_out_and_a_later_pass_counts_in_its_month():
    course, second = make_course(), make_course()
    target = people_target(course, second)
    learner = UserFactory()
    first = passed(learner, course, at(2025, 3, 1))
    passed(learner, second, at(2025, 6, 1))
    assert kept_people(target)[learner.pk][1] == date(2025, 3, 1)

    certificate_revoke(
        certificate=certificate_create(completion=first), actor=UserFactory(), reason="fraude"
    )
    assert kept_people(target)[learner.pk][1] == date(2025, 6, 1)
    assert_equal_to_recount(target)

    lone = UserFactory()
    only = passed(lone, course, at(2025, 3, 1))
    certificate_revoke(
        certificate=certificate_create(completion=only), actor=UserFactory(), reason="fraude"
    )
    assert lone.pk not in kept_people(target)
    assert not CountedCell.objects.filter(target=target, people=0).exists()
    assert assert_equal_to_recount(target).kept_total == 1


def test_a_profile_change_moves_the_person_and_a_role_filter_follows_the_profile():
    course = make_course()
    focal = ProfessionalRole.objects.get(slug="aandachtsfunctionaris-mensenhandel")
    everyone = people_target(course, code="everyone")
    only_focal = people_target(course, code="focal", professional_roles=[focal])
    utrecht, other_region = Region.objects.all()[:2]
    sector = Sector.objects.first()
    learner = UserFactory(region=utrecht, professional_role=None)
    passed(learner, course, at(2025, 3, 1))
    assert learner.pk not in kept_people(only_focal)

    learner.region = other_region
    learner.sector = sector
    learner.professional_role = focal
    learner.save()
    assert kept_people(everyone)[learner.pk][2:] == (other_region.pk, sector.pk)
    assert learner.pk in kept_people(only_focal)
    assert CountedCell.objects.filter(target=everyone, region_key=utrecht.pk).count() == 0
    for target in (everyone, only_focal):
        assert_equal_to_recount(target)

    learner.save(update_fields=["last_login"])  # a login changes nothing that counts
    assert_equal_to_recount(everyone)


def test_a_save_that_changes_no_counted_field_refreshes_nothing(django_assert_max_num_queries):
    course = make_course()
    target = people_target(course)
    region, other_region = Region.objects.all()[:2]
    learner = UserFactory(region=region)
    passed(learner, course, at(2025, 3, 1))
    # kept rows that a refresh would mend show whether one ran
    CountedPerson.objects.filter(user=learner).update(sector_key=99)
    CountedCell.objects.filter(target=target).update(sector_key=99)

    learner.full_name = "Corrected Name"
    with django_assert_max_num_queries(2):  # the comparison and the UPDATE
        learner.save()
    with django_assert_max_num_queries(1):
        learner.save(update_fields=["last_login"])
    assert kept_people(target)[learner.pk][3] == 99

    learner.region = other_region
    learner.save()
    assert kept_people(target)[learner.pk][2:] == (other_region.pk, 0)
    assert_equal_to_recount(target)


def test_kept_figures_equal_the_recount_for_any_window_and_filter():
    """The same passes counted by a target with kept counts and one recounting from the raw
    rows: every table of the target page agrees, for whole and partial months."""
    course = make_course()
    kept = people_target(course, code="kept")
    recounted = people_target(course, code="recounted", kept=False)
    rng = random.Random(21)
    regions = [*Region.objects.all()[:3], None]
    sectors = [*Sector.objects.all()[:3], None]
    organisations = [
        Organisation.objects.create(name=f"Org {kind}", municipality="Utrecht", kind=kind)
        for kind in ("hotel", "vakantiepark", "other")
    ]
    for _ in range(60):
        user = UserFactory(region=rng.choice(regions), sector=rng.choice(sectors))
        month = rng.randint(1, 12)
        passed(user, course, at(rng.choice([2024, 2025, 2026]), month, rng.randint(1, 28)))
        # some work for one or two organisations, and some of those left one again
        for organisation in rng.sample(organisations, rng.choice([0, 0, 1, 2])):
            membership = organisation_join(organisation=organisation, user=user)
            if rng.random() < 0.2:
                membership_end(membership=membership)
    kept, recounted = fresh(kept), fresh(recounted)
    assert kept_counts_current(kept) and not kept_counts_current(recounted)
    region, sector = regions[0], sectors[1]
    for filters in (
        ReportFilters(),
        ReportFilters(date_from=date(2025, 3, 1), date_to=date(2025, 8, 31)),
        ReportFilters(date_from=date(2025, 3, 17), date_to=date(2025, 3, 20)),
        ReportFilters(date_from=date(2025, 2, 10), date_to=date(2026, 4, 3)),
        ReportFilters(region_id=region.pk, date_from=date(2025, 5, 5)),
        ReportFilters(sector_id=sector.pk),
    ):
        for as_of in (AS_OF, date(2026, 6, 15)):
            a = target_report(target=kept, filters=filters, as_of=as_of)
            b = target_report(target=recounted, filters=filters, as_of=as_of)
            assert [t.rows for t in a.all_tables] == [t.rows for t in b.all_tables], filters
            assert a.progress.forecast == b.progress.forecast
    assert assert_equal_to_recount(kept).kept_total == 60  # every person passed once


def test_a_changed_definition_is_recounted_until_rebuilt(capsys):
    course, added = make_course(), make_course()
    target = people_target(course)
    learner = UserFactory()
    passed(learner, added, at(2025, 3, 1))
    TargetCourse(target=target, course=added, sort_order=1).save()
    target = fresh(target)
    assert not kept_counts_current(target)
    # the page counts from the raw rows meanwhile: right figures, nothing read from kept rows
    assert target_report(target=target, as_of=AS_OF).progress.forecast.achieved == 1

    with pytest.raises(CommandError):
        call_command("reporting_counts_rebuild", "--check")
    assert "STALE" in capsys.readouterr().out
    call_command("reporting_counts_rebuild", "--stale")
    target = fresh(target)
    assert kept_counts_current(target)
    assert kept_people(target).keys() == {learner.pk}
    call_command("reporting_counts_rebuild", "--check")
    assert "kept 1, recounted 1: equal" in capsys.readouterr().out


def test_the_check_finds_a_kept_count_that_went_wrong_and_a_rebuild_mends_it(capsys):
    course = make_course()
    target = people_target(course, code="mended")
    passed(UserFactory(), course, at(2025, 3, 1))
    CountedCell.objects.filter(target=target).update(people=5)
    with pytest.raises(CommandError, match="1 target"):
        call_command("reporting_counts_rebuild", "--check", "--target", "mended")
    assert "kept 5, recounted 1: DIFFERENT" in capsys.readouterr().out
    assert target_counts_rebuild(target=target) == 1
    call_command("reporting_counts_rebuild", "--check", "--target", "mended")
    # the months the headline figures read are checked as well
    CountedMonth.objects.filter(target=target).update(people=3)
    with pytest.raises(CommandError, match="1 target"):
        call_command("reporting_counts_rebuild", "--check", "--target", "mended")
    assert "kept 1, recounted 1: DIFFERENT" in capsys.readouterr().out
    assert target_counts_rebuild(target=target) == 1
    call_command("reporting_counts_rebuild", "--check", "--target", "mended")
    with pytest.raises(CommandError, match="no people target"):
        call_command("reporting_counts_rebuild", "--target", "nope")


def test_a_training_on_location_is_kept_like_an_e_learning_pass(
    django_capture_on_commit_callbacks,
):
    training = make_format(title="Kind en Uitbuiting")
    target = people_target(code="training")
    TargetCourse(target=target, training=training, sort_order=0).save()
    target_counts_rebuild(target=target)  # as after the edit in the admin
    registration = Registration.objects.create(
        session=make_session(training, days=-1), user=UserFactory(), status="registered"
    )
    with django_capture_on_commit_callbacks(execute=True):
        training_services.attendance_mark(
            registration=registration, status="present", marked_by=UserFactory()
        )
    assert kept_people(target).keys() == {registration.user_id}
    assert assert_equal_to_recount(target).kept_total == 1


def test_a_pass_keeps_its_counts_in_the_same_few_queries_for_any_number_of_targets(
    django_assert_max_num_queries,
):
    """The refresh runs in every pass's transaction: a fixed number of queries (no query per
    target), however many targets count the course."""
    course = make_course()
    people_target(course, code="first")
    passed(UserFactory(), course, at(2025, 3, 1))  # warm caches (content types, site)

    def kept_queries(learner) -> list[str]:
        with django_assert_max_num_queries(60) as captured:
            passed(learner, course, at(2025, 3, 2))
        return [q["sql"] for q in captured.captured_queries if "reporting_" in q["sql"]]

    one = kept_queries(UserFactory())
    for i in range(3):
        people_target(course, code=f"more-{i}")
    learner = UserFactory()
    four = kept_queries(learner)
    # targets and their filters (4), the person (with their organisation kinds), their rows, the
    # new rows, the cells, the cells' months; on PostgreSQL also the table lock that keeps a
    # pass out of a running rebuild
    limit = 8 + (connection.vendor == "postgresql")
    assert len(one) == len(four) <= limit, four
    assert CountedPerson.objects.filter(user=learner).count() == 4


def kinds_of(target, user) -> int:
    return CountedPerson.objects.get(target=target, user=user).kinds


def by_kind(target) -> dict[str, int]:
    """The "by organisation kind" figures before suppression; a target with kept counts reads
    them from its cells, one without recounts them from the current memberships."""
    return target_counts(target=fresh(target), filters=ReportFilters(), as_of=AS_OF).by_kind


def test_joining_leaving_and_a_changed_kind_move_the_person_between_organisation_kinds():
    """The "by organisation kind" table reads kept cells (ADR 0020): every event that changes
    where a counted person works now moves them, in its own transaction, and the table stays
    equal to one recounted from the current memberships."""
    course = make_course()
    kept = people_target(course, code="kept")
    recounted = people_target(course, code="recounted", kept=False)
    hotel = Organisation.objects.create(name="Hotel", municipality="Utrecht", kind="hotel")
    park = Organisation.objects.create(name="Park", municipality="Ede", kind="vakantiepark")
    learners = [UserFactory() for _ in range(6)]
    for learner in learners:
        passed(learner, course, at(2025, 3, 1))
    learner = learners[0]
    assert kinds_of(kept, learner) == 0

    organisation_join(organisation=hotel, user=learner)
    assert kinds_of(kept, learner) == KIND_BITS["hotel"]
    staying = organisation_join(organisation=park, user=learner)
    assert kinds_of(kept, learner) == KIND_BITS["hotel"] | KIND_BITS["vakantiepark"]
    for other in learners[1:]:
        organisation_join(organisation=hotel, user=other)
    membership_end(membership=StaffMembership.objects.get(organisation=hotel, user=learner))
    assert kinds_of(kept, learner) == KIND_BITS["vakantiepark"]
    assert by_kind(kept) == by_kind(recounted) == {"hotel": 5, "vakantiepark": 1}
    assert_equal_to_recount(kept)

    staying.role = StaffMembership.Role.MANAGEMENT
    staying.save(update_fields=["role"])  # names no field that counts: no refresh
    park.name = "Park aan het water"
    park.save()
    park.kind = "hotel"
    park.save()
    assert kinds_of(kept, learner) == KIND_BITS["hotel"]
    assert by_kind(kept) == by_kind(recounted) == {"hotel": 6}

    with transaction.atomic():
        hotel.delete()  # its memberships go with it
    assert [kinds_of(kept, person) for person in learners] == [KIND_BITS["hotel"]] + [0] * 5
    assert by_kind(kept) == by_kind(recounted) == {"hotel": 1, "unknown": 5}
    assert not CountedCell.objects.filter(people=0).exists()
    assert_equal_to_recount(kept)


def test_an_organisation_changing_kind_or_deleted_moves_all_its_people_in_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    """A holiday park with hundreds of staff changes kind or is deleted: one refresh for all
    its people (no queries per person or per kept cell), and the table stays equal to one
    recounted from the current memberships."""
    course = make_course()
    kept = people_target(course, code="kept")
    recounted = people_target(course, code="recounted", kept=False)

    def hotel_with(staff: int, name: str) -> Organisation:
        hotel = Organisation.objects.create(name=name, municipality="Utrecht", kind="hotel")
        for i in range(staff):
            learner = UserFactory()
            passed(learner, course, at(2025, 1 + i % 6, 1))  # people in several kept cells
            organisation_join(organisation=hotel, user=learner)
        return hotel

    def queries(action) -> int:
        with django_assert_max_num_queries(60) as captured:
            action()
        return len(captured.captured_queries)

    def change_kind(hotel: Organisation) -> None:
        hotel.kind = "vakantiepark"
        hotel.save()

    small, big = hotel_with(2, "Klein"), hotel_with(12, "Groot")
    assert queries(lambda: change_kind(small)) == queries(lambda: change_kind(big))
    assert by_kind(kept) == by_kind(recounted) == {"vakantiepark": 14}
    assert_equal_to_recount(kept)

    def delete(hotel: Organisation) -> None:
        with transaction.atomic():
            Organisation.objects.filter(pk=hotel.pk).delete()  # as the admin's bulk action

    assert queries(lambda: delete(small)) == queries(lambda: delete(big))
    assert by_kind(kept) == by_kind(recounted) == {"unknown": 14}
    assert not CountedCell.objects.filter(people=0).exists()
    assert_equal_to_recount(kept)


def test_someone_who_joins_before_passing_is_kept_with_their_organisation_kind():
    course = make_course()
    target = people_target(course)
    park = Organisation.objects.create(name="Park", municipality="Ede", kind="vakantiepark")
    learner = UserFactory()
    organisation_join(organisation=park, user=learner)  # no pass yet: nothing kept
    assert not CountedPerson.objects.filter(user=learner).exists()
    passed(learner, course, at(2025, 3, 1))
    assert kinds_of(target, learner) == KIND_BITS["vakantiepark"]
    assert CountedCell.objects.get(target=target).kinds == KIND_BITS["vakantiepark"]
    target_counts_rebuild(target=target)  # the rebuild finds the same kinds
    assert kinds_of(target, learner) == KIND_BITS["vakantiepark"]
    assert_equal_to_recount(target)
