from datetime import date, timedelta

import pytest
from django.utils import translation
from wagtail.models import Locale

from accounts.models import Region, Sector
from accounts.services import user_anonymise
from organisations.models import Organisation, OrganisationCertificate, StaffMembership
from reporting import selectors
from reporting.demo import SEED_TARGETS, targets_ensure
from reporting.models import ReferencePoint, Target
from reporting.selectors import ReportFilters, target_progress, target_report
from tests.factories import UserFactory, make_course

from .data import at, passed, people_target

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


AS_OF = date(2027, 3, 1)


def achieved(target, as_of=AS_OF, filters=None):
    if filters is None:
        return target_progress(target=target, as_of=as_of).forecast.achieved
    report = target_report(target=target, filters=filters, as_of=as_of)
    return sum(int(r[1]) for r in report.trend.rows if str(r[1]).isdigit())


def rows(table):
    return {row[0]: row[1] for row in table.rows}


def test_people_count_once_across_retakes_renewals_languages_and_deletion():
    course = make_course()
    english = course.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0], copy_parents=True
    )
    assert english.translation_key == course.translation_key
    target = people_target(course)

    retaker, renewer, bilingual, deleted = (UserFactory() for _ in range(4))
    passed(retaker, course, at(2025, 3, 1))
    # a retake after passing improves the same completion (lms); a second attempt row is fine
    passed(renewer, course, at(2025, 4, 1))
    passed(renewer, course, at(2026, 11, 1))  # renewal: cycle 2
    passed(bilingual, course, at(2025, 5, 1))
    passed(bilingual, english, at(2025, 6, 1))  # the English version: cycle 2 of the same key
    passed(deleted, english, at(2025, 7, 1))
    user_anonymise(user=deleted)

    assert achieved(target) == 4


def test_a_person_counts_in_the_period_of_their_first_pass():
    course = make_course()
    target = people_target(course, start=date(2025, 1, 1), end=date(2026, 12, 31))
    early = UserFactory()
    passed(early, course, at(2024, 6, 1))
    passed(early, course, at(2025, 6, 1))  # renewal inside the period: not a new person
    passed(UserFactory(), course, at(2025, 2, 1))
    assert achieved(target) == 1


def test_period_boundaries_in_dutch_time():
    course = make_course()
    target = people_target(course, start=date(2026, 1, 1), end=date(2026, 12, 31))
    passed(UserFactory(), course, at(2025, 12, 31, 23, 59))  # before the start: no
    passed(UserFactory(), course, at(2026, 1, 1, 0, 0))  # first minute: yes
    passed(UserFactory(), course, at(2026, 12, 31, 23, 59))  # last minute: yes
    passed(UserFactory(), course, at(2027, 1, 1, 0, 0))  # after the end: no
    assert achieved(target) == 2
    report = target_report(target=target, as_of=AS_OF)
    assert report.trend.rows[0][0] == "2026-01"
    assert report.trend.rows[-1][0] == "2026-12"
    # 23:59 on 31 December in Amsterdam is 22:59 UTC: it belongs to December, not January
    assert [r[1] for r in report.trend.rows] == ["<5"] + [0] * 10 + ["<5"]


def test_figures_up_to_as_of_only():
    course = make_course()
    target = people_target(course)
    passed(UserFactory(), course, at(2025, 3, 1))
    passed(UserFactory(), course, at(2025, 5, 1))
    assert achieved(target, as_of=date(2025, 4, 30)) == 1
    assert achieved(target, as_of=date(2025, 5, 1)) == 2


def test_target_sector_filter_and_courses_outside_the_target():
    course, other = make_course(), make_course()
    zorg = Sector.objects.get(slug="zorg")
    target = people_target(course, sectors=[zorg])
    passed(UserFactory(sector=zorg), course, at(2025, 3, 1))
    passed(UserFactory(sector=Sector.objects.get(slug="politie")), course, at(2025, 3, 1))
    passed(UserFactory(), course, at(2025, 3, 1))  # no sector
    passed(UserFactory(sector=zorg), other, at(2025, 3, 1))
    assert achieved(target) == 1


def test_several_courses_count_a_person_once_at_the_first_pass():
    m1, m2 = make_course(), make_course()
    target = people_target(m1, m2, start=date(2026, 1, 1))
    both = UserFactory()
    passed(both, m1, at(2025, 6, 1))  # first pass of any of the courses: before the period
    passed(both, m2, at(2026, 2, 1))
    passed(UserFactory(), m2, at(2026, 2, 1))
    assert achieved(target) == 1


def test_breakdowns_by_region_and_sector_with_suppression():
    course = make_course()
    target = people_target(course)
    utrecht = Region.objects.get(slug="utrecht")
    twente = Region.objects.get(slug="twente")
    onderwijs = Sector.objects.get(slug="onderwijs")
    for _ in range(7):
        passed(UserFactory(region=utrecht, sector=onderwijs), course, at(2025, 3, 1))
    for _ in range(2):
        passed(UserFactory(region=twente, sector=onderwijs), course, at(2025, 4, 1))
    for _ in range(6):
        passed(UserFactory(sector=onderwijs), course, at(2025, 4, 1))
    report = target_report(target=target, as_of=AS_OF)
    region, sector, kind = report.tables
    by_region = rows(region)
    # Twente has 2: "<5"; with one small cell the smallest other cell (unknown: 6) is hidden too
    assert by_region["Twente"] == "<5"
    assert by_region["Utrecht"] == 7
    assert by_region["Unknown"] == "≥5"
    assert region.rows[-1][1] == 15
    assert rows(sector) == {"Education": 15, "Total": 15}
    # nobody works for an organisation here
    assert rows(kind) == {"No organisation": 15, "Total": 15}


def test_dashboard_filters_narrow_the_tables():
    course = make_course()
    target = people_target(course)
    utrecht = Region.objects.get(slug="utrecht")
    for _ in range(6):
        passed(UserFactory(region=utrecht), course, at(2025, 3, 1))
    for _ in range(5):
        passed(UserFactory(), course, at(2025, 6, 1))
    assert achieved(target, filters=ReportFilters(region_id=utrecht.pk)) == 6
    assert achieved(target, filters=ReportFilters(date_from=date(2025, 5, 1))) == 5
    report = target_report(target=target, filters=ReportFilters(region_id=utrecht.pk), as_of=AS_OF)
    assert report.selection_total == 6
    assert report.progress.forecast.achieved == 11  # the headline stays national
    small = target_report(
        target=target, filters=ReportFilters(date_to=date(2025, 1, 31)), as_of=AS_OF
    )
    assert small.selection_total == 0


def test_people_by_organisation_kind():
    course = make_course()
    target = people_target(course)
    hotel = Organisation.objects.create(name="Hotel", municipality="Utrecht", kind="hotel")
    park = Organisation.objects.create(name="Park", municipality="Ede", kind="vakantiepark")
    people = [UserFactory() for _ in range(12)]
    for person in people:
        passed(person, course, at(2025, 3, 1))
    for person in people[:6]:
        StaffMembership.objects.create(user=person, organisation=hotel, joined_at=at(2025, 1, 1))
    for person in people[:5]:
        StaffMembership.objects.create(user=person, organisation=park, joined_at=at(2025, 1, 1))
    left = people[6]
    StaffMembership.objects.create(
        user=left, organisation=hotel, joined_at=at(2024, 1, 1), left_at=at(2024, 6, 1)
    )
    kind = target_report(target=target, as_of=AS_OF).tables[2]
    values = [row[1] for row in kind.rows]
    assert values == [6, 5, 6, 12]  # hotel, holiday park, no organisation, total


def _organisation(name, kind="hotel", created=None, region=None):
    organisation = Organisation.objects.create(
        name=name, municipality="Utrecht", kind=kind, region=region
    )
    if created:
        Organisation.objects.filter(pk=organisation.pk).update(created_at=created)
    return organisation


def _certificate(organisation, awarded, period=1, status="valid"):
    return OrganisationCertificate.objects.create(
        organisation=organisation,
        period=period,
        code=f"code-{organisation.pk}-{period}",
        awarded_at=awarded,
        valid_until=awarded + timedelta(days=365),
        status=status,
        passed_count=3,
        staff_count=5,
    )


def _organisation_target(unit):
    return Target.objects.create(
        code=f"org-{unit}",
        title="Hotels",
        unit=unit,
        goal=Target.Goal.ALL_OF_N,
        population=20,
        organisation_scope="hotel_vakantiepark",
        period_start=date(2025, 1, 1),
        period_end=date(2026, 12, 31),
    )


def test_certified_and_registered_organisations():
    certified = _organisation_target(Target.Unit.ORGANISATIONS_CERTIFIED)
    registered = _organisation_target(Target.Unit.ORGANISATIONS_REGISTERED)
    a = _organisation("A", created=at(2025, 2, 1))
    b = _organisation("B", kind="vakantiepark", created=at(2025, 3, 1))
    c = _organisation("C", created=at(2025, 4, 1))
    other = _organisation("Other", kind="other", created=at(2025, 4, 1))
    _organisation("Old", created=at(2024, 4, 1))
    _certificate(a, at(2025, 5, 1))
    _certificate(a, at(2026, 5, 1), period=2, status="expired")  # renewal: counts once
    _certificate(b, at(2025, 6, 1), status="revoked")  # revoked: never counts
    _certificate(other, at(2025, 6, 1))  # not a hotel or park
    Organisation.objects.filter(pk=a.pk).update(certification_status="certified")

    progress = target_progress(target=certified, as_of=AS_OF)
    assert progress.forecast.achieved == 1
    assert progress.forecast.percentage == 5
    assert progress.organisations.registered == 4
    assert progress.organisations.ever_certified == 1
    assert progress.organisations.currently_certified == 1
    assert target_progress(target=registered, as_of=AS_OF).forecast.achieved == 3
    kind = target_report(target=registered, as_of=AS_OF).tables[1]
    assert rows(kind) == {"hotel": "<5", "holiday park": "<5", "Total": "<5"}
    assert c.certificates.count() == 0


def test_reference_points_next_to_own_figures():
    target = _organisation_target(Target.Unit.ORGANISATIONS_CERTIFIED)
    ReferencePoint.objects.create(
        target=target, measure="organisations_registered", value=351, on_date=date(2024, 7, 15)
    )
    _organisation("A", created=at(2025, 2, 1))
    progress = selectors.targets_overview(as_of=AS_OF)[0]
    assert [(p.value, own) for p, own in progress.reference_rows] == [(351, 1)]


def test_targets_ensure_is_idempotent_and_finds_courses_by_slug():
    course = make_course()
    course.slug = "signaleren-uitbuiting-minderjarigen"
    course.save()
    targets = targets_ensure()
    assert len(targets) == len(SEED_TARGETS) == 6
    module_1 = Target.objects.get(code="module-1-basiskennis")
    assert [c.course_key for c in module_1.courses.all()] == [course.translation_key]
    assert module_1.goal_value == 20000
    hotels = Target.objects.get(code="hotels-vakantieparken-gecertificeerd")
    assert sorted(p.value for p in hotels.reference_points.all()) == [172, 351]
    assert hotels.goal_value is None
    module_1.target_number = 21000
    module_1.save()
    targets_ensure()
    assert Target.objects.count() == 6
    assert ReferencePoint.objects.count() == 2
    assert Target.objects.get(code="module-1-basiskennis").target_number == 21000


def test_targets_ensure_links_courses_loaded_later_and_counts_every_language():
    targets_ensure()
    module_3 = Target.objects.get(code="module-3-reclassering")
    assert not module_3.courses.exists()
    course = make_course()
    course.slug = "mensenhandel-herkennen-reclassering"
    course.save()
    english = course.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0], copy_parents=True
    )
    targets_ensure()
    assert [c.course_key for c in module_3.courses.all()] == [course.translation_key]
    passed(UserFactory(), english, at(2025, 9, 1))
    passed(UserFactory(), course, at(2025, 9, 2))
    module_3 = selectors.targets_queryset().get(pk=module_3.pk)
    assert target_progress(target=module_3, as_of=AS_OF).forecast.achieved == 2
