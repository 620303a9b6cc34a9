import importlib
from datetime import date, timedelta

import pytest
from django.utils import translation
from wagtail.models import Locale

from accounts.models import ProfessionalRole, Region, Sector
from accounts.services import user_anonymise
from certificates.models import Certificate
from certificates.services import certificate_create, certificate_revoke, certificates_expire
from lms.models import Completion
from organisations.models import Organisation, OrganisationCertificate, StaffMembership
from reporting import presentation, rules, selectors
from reporting.demo import SEED_TARGETS, targets_ensure
from reporting.models import ReferencePoint, Target
from reporting.presentation import target_report
from reporting.selectors import ReportFilters, target_progress
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


def test_target_role_filter_counts_only_people_in_those_roles():
    course = make_course()
    focal = ProfessionalRole.objects.get(slug="aandachtsfunctionaris-mensenhandel")
    director = ProfessionalRole.objects.get(slug="ketenregisseur-mensenhandel")
    gemeente = Sector.objects.get(slug="gemeente")
    for _ in range(6):
        passed(UserFactory(professional_role=focal, sector=gemeente), course, at(2025, 3, 1))
    passed(UserFactory(professional_role=focal), course, at(2025, 4, 1))  # no sector
    passed(UserFactory(professional_role=director, sector=gemeente), course, at(2025, 3, 1))
    passed(UserFactory(sector=gemeente), course, at(2025, 3, 1))  # no role given
    deleted = UserFactory(professional_role=focal)
    passed(deleted, course, at(2025, 5, 1))
    user_anonymise(user=deleted)  # the role stays on the row: still counted

    only_focal = people_target(course, code="focal", professional_roles=[focal])
    assert achieved(only_focal) == 8
    both_roles = people_target(course, code="both", professional_roles=[focal, director])
    assert achieved(both_roles) == 9
    with_sector = people_target(
        course, code="focal-gemeente", sectors=[gemeente], professional_roles=[focal]
    )
    assert achieved(with_sector) == 6
    assert achieved(people_target(course, code="everyone")) == 10

    # the breakdowns, the kind table and the dashboard's selection use the same filter
    report = target_report(target=only_focal, as_of=AS_OF)
    region, sector, kind, _sources = report.tables
    assert region.rows[-1] == ["Total", 8]
    assert rows(sector) == {"Municipality": "≥5", "Unknown": "<5", "Total": 8}
    assert rows(kind) == {"No organisation": 8, "Total": 8}
    assert achieved(only_focal, filters=ReportFilters(sector_id=gemeente.pk)) == 6
    assert (
        selectors.selection_count(
            target=only_focal, filters=ReportFilters(date_from=date(2025, 4, 1)), as_of=AS_OF
        )
        == 2
    )
    assert presentation.target_scope_note(with_sector) == (
        "Only people in these sectors: Municipality. Only people in these professional roles: "
        "Human trafficking focal point (municipality)."
    )
    assert presentation.target_scope_note(people_target(course, code="plain")) == ""


def _revoke(completion: Completion) -> Certificate:
    return certificate_revoke(
        certificate=certificate_create(completion=completion),
        actor=UserFactory(),
        reason="Toets door iemand anders gemaakt",
    )


def test_a_revoked_certificate_takes_its_pass_out_of_the_counts():
    course, second = make_course(), make_course()
    target = people_target(course, second)
    march = date(2025, 3, 1)

    certificate_create(completion=passed(UserFactory(), course, at(2025, 3, 1)))  # valid
    passed(UserFactory(), course, at(2025, 3, 1))  # no certificate yet: counts
    expiring = passed(UserFactory(), course, at(2025, 3, 1))
    # the pass made its certificate in its own transaction (ADR 0019): both end in March 2026
    Completion.objects.filter(pk=expiring.pk).update(valid_until=at(2026, 3, 1))
    expiring.refresh_from_db()
    Certificate.objects.filter(pk=certificate_create(completion=expiring).pk).update(
        expires_at=at(2026, 3, 1)
    )
    assert certificates_expire(now=at(2026, 3, 2)) == 1  # expired: still trained, counts

    # a renewal supersedes the first certificate and is then revoked: the first pass counts
    renewer = UserFactory()
    first = certificate_create(completion=passed(renewer, course, at(2025, 3, 1)))
    _revoke(passed(renewer, course, at(2026, 2, 1)))
    first.refresh_from_db()
    assert first.status == Certificate.Status.SUPERSEDED

    # the only pass is revoked: the person does not count at all
    _revoke(passed(UserFactory(), course, at(2025, 3, 1)))
    # the first pass is revoked, a later one is not: counts from the later pass
    again = UserFactory()
    _revoke(passed(again, course, at(2025, 3, 1)))
    passed(again, course, at(2026, 4, 1))
    # revoked for one course of the target, passed another: counts from that other pass
    other = UserFactory()
    _revoke(passed(other, course, at(2025, 3, 1)))
    passed(other, second, at(2026, 5, 1))

    progress = target_progress(target=target, as_of=AS_OF)
    assert progress.monthly == {march: 4, date(2026, 4, 1): 1, date(2026, 5, 1): 1}
    assert progress.forecast.achieved == 6
    report = target_report(target=target, as_of=AS_OF)
    region, sector, kind, sources = report.tables
    assert [table.rows[-1] for table in (region, sector, kind)] == [["Total", 6]] * 3
    # all six by e-learning: "On location" is 0, the total counts each once
    assert sources.rows[-1] == ["Total", 6, 0, 6]
    # a target that starts in 2026 counts the two whose first valid pass lies in 2026
    in_2026 = people_target(course, second, code="in-2026", start=date(2026, 1, 1))
    assert achieved(in_2026) == 2


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
    region, sector, kind, _sources = report.tables
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
    assert len(targets) == len(SEED_TARGETS) == 7
    module_1 = Target.objects.get(code="module-1-basiskennis")
    assert [c.course_key for c in module_1.courses.all()] == [course.translation_key]
    assert module_1.goal_value == 20000
    hotels = Target.objects.get(code="hotels-vakantieparken-gecertificeerd")
    assert sorted(p.value for p in hotels.reference_points.all()) == [172, 351]
    assert hotels.goal_value is None
    module_1.target_number = 21000
    module_1.save()
    targets_ensure()
    assert Target.objects.count() == 7
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


def test_targets_ensure_gives_the_all_of_n_role_targets_their_role_once():
    targets_ensure()
    roles = {
        t.code: sorted(r.slug for r in t.professional_roles.all()) for t in Target.objects.all()
    }
    assert roles == {
        "module-1-basiskennis": [],
        "module-2-verdieping": [],
        "module-3-reclassering": [],
        "module-4-aandachtsfunctionarissen": ["aandachtsfunctionaris-mensenhandel"],
        "module-5-ketenregisseurs": ["ketenregisseur-mensenhandel"],
        "hotels-vakantieparken-gecertificeerd": [],
        "bereik-professionals-kinderen": [],
    }
    # an editor empties the filter: a later run leaves that choice alone
    module_4 = Target.objects.get(code="module-4-aandachtsfunctionarissen")
    module_4.professional_roles.set([])
    module_4.save()
    targets_ensure()
    assert not Target.objects.get(pk=module_4.pk).professional_roles.exists()


def test_migration_adds_the_role_filter_to_seeded_targets_made_before_it():
    from django.apps import apps

    migration = importlib.import_module("reporting.migrations.0003_seeded_target_role_filters")
    targets_ensure()
    for target in Target.objects.all():  # as they were before the field existed
        target.professional_roles.set([])
        target.save()
    module_5 = Target.objects.get(code="module-5-ketenregisseurs")
    module_5.professional_roles.set(
        [ProfessionalRole.objects.get(slug="zorgcoordinator-mensenhandel")]
    )
    module_5.save()  # a role already chosen is never replaced
    migration.add_role_filters(apps, None)
    migration.add_role_filters(apps, None)
    assert [
        r.slug
        for r in Target.objects.get(
            code="module-4-aandachtsfunctionarissen"
        ).professional_roles.all()
    ] == ["aandachtsfunctionaris-mensenhandel"]
    assert [r.slug for r in Target.objects.get(pk=module_5.pk).professional_roles.all()] == [
        "zorgcoordinator-mensenhandel"
    ]
    assert not Target.objects.get(code="module-1-basiskennis").professional_roles.exists()


@pytest.mark.parametrize(
    ("kwargs", "note"),
    [
        (
            {"monthly_counts": {date(2026, m, 1): 100 for m in (4, 5, 6)}},
            # the date in the page language's SHORT_DATE_FORMAT (English here: month/day/year)
            "At the current rate (average of 3 months) reached on 07/02/2027.",
        ),
        (
            {"period_start": date(2026, 6, 1), "monthly_counts": {date(2026, 6, 1): 400}},
            "At the current rate (average of 1 month) reached on 10/01/2026.",
        ),
        (
            {"period_start": date(2026, 7, 1)},
            "No rate yet: no complete month with figures in the period.",
        ),
        ({}, "No forecast: nobody counted in the last 3 complete months."),
        (
            # a large N at a trickle: the day would lie past the last date there is
            {"goal": 100_000_000, "monthly_counts": {date(2026, 6, 1): 1}},
            "No forecast: at the current rate the target is not reached before the year 9999.",
        ),
        ({"goal": None}, "No forecast: N (the size of the whole group) is not entered yet."),
        ({"achieved": 2000}, "Target reached."),
        ({"today": date(2027, 1, 5)}, "No forecast: the period has ended."),
    ],
)
def test_the_forecast_explains_itself(kwargs, note):
    arguments = {
        "achieved": 800,
        "goal": 2000,
        "monthly_counts": {},
        "today": date(2026, 7, 1),
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 12, 31),
        **kwargs,
    }
    assert presentation.forecast_note(rules.forecast(**arguments)) == note
