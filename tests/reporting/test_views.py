import csv
import io
import shutil
from datetime import date

import pytest
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts import roles
from accounts.models import ProfessionalRole, Region, Sector
from certificates.services import certificate_create, certificate_revoke
from reporting.demo import targets_ensure
from reporting.models import Target, TargetCourse
from reporting.pdf import quarterly_report_context
from reporting.presentation import target_scope_note
from tests.factories import UserFactory, answer_all_right, make_course
from tests.pdf_structure import last_lines, overlapping_words, pdf_structure, words_off_the_page

from .data import at, passed

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(role=roles.PROGRAMME_STAFF))
    return client


@pytest.fixture
def seeded():
    """The six seeded targets; module 1 has 9 known people in Utrecht/onderwijs and 3 elsewhere."""
    course = make_course(title="Module 1")
    course.slug = "signaleren-uitbuiting-minderjarigen"
    course.save()
    targets_ensure()
    utrecht = Region.objects.get(slug="utrecht")
    onderwijs = Sector.objects.get(slug="onderwijs")
    today = timezone.localdate()
    this_year = max(today.year, 2024)
    for i in range(9):
        passed(
            UserFactory(region=utrecht, sector=onderwijs, full_name=f"Geheime Naam {i}"),
            course,
            at(min(this_year, 2026), 1, 10),
        )
    for _ in range(3):
        passed(UserFactory(), course, at(2024, 6, 1))
    return Target.objects.get(code="module-1-basiskennis")


@pytest.fixture
def focal_points():
    """Module 4 ("all aandachtsfunctionarissen") counts that role only: 6 aandachtsfunctionarissen
    in Utrecht passed, one of whom had the certificate revoked; 2 ketenregisseurs and 3 people
    without a role passed the same course."""
    course = make_course(title="Module 4")
    course.slug = "basistraining-aandachtsfunctionaris-mensenhandel"
    course.save()
    targets_ensure()
    focal = ProfessionalRole.objects.get(slug="aandachtsfunctionaris-mensenhandel")
    director = ProfessionalRole.objects.get(slug="ketenregisseur-mensenhandel")
    utrecht = Region.objects.get(slug="utrecht")
    completions = [
        passed(UserFactory(professional_role=focal, region=utrecht), course, at(2026, 1, 10))
        for _ in range(6)
    ]
    certificate_revoke(
        certificate=certificate_create(completion=completions[0]),
        actor=UserFactory(role=roles.PROGRAMME_STAFF),
        reason="Toets door iemand anders gemaakt",
    )
    for _ in range(2):
        passed(UserFactory(professional_role=director), course, at(2026, 1, 10))
    for _ in range(3):
        passed(UserFactory(), course, at(2026, 1, 10))
    return Target.objects.get(code="module-4-aandachtsfunctionarissen")


def urls(target):
    return [
        reverse("reporting:dashboard"),
        reverse("reporting:target", args=[target.pk]),
        reverse("reporting:table_export", args=[target.pk, "region", "csv"]),
        reverse("reporting:table_export", args=[target.pk, "all", "xlsx"]),
        reverse("reporting:overview_export", args=["csv"]),
        reverse("reporting:full_export", args=["xlsx"]),
        reverse("reporting:quarterly_report"),
    ]


@pytest.mark.parametrize("role", [roles.LEARNER, roles.ORGANISATION_MANAGER, roles.COURSE_EDITOR])
def test_others_get_403(client, seeded, role):
    client.force_login(UserFactory(role=role))
    for url in urls(seeded):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/v1/reports/targets").status_code == 403
    assert client.get(f"/api/v1/reports/targets/{seeded.pk}/timeseries").status_code == 403


def test_anonymous_goes_to_login(client, seeded):
    for url in urls(seeded):
        response = client.get(url)
        assert response.status_code == 302
        assert "/account/login/" in response["Location"]
    assert client.get("/api/v1/reports/targets").status_code == 401


def test_nav_link_only_for_programme_staff(client, seeded):
    dashboard = reverse("reporting:dashboard").encode()
    client.force_login(UserFactory(role=roles.LEARNER))
    assert dashboard not in client.get(reverse("accounts:settings")).content
    client.force_login(UserFactory(role=roles.PROGRAMME_STAFF))
    assert dashboard in client.get(reverse("accounts:settings")).content


def test_dashboard_shows_every_seeded_target(staff_client, seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = staff_client.get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    for target in Target.objects.all():
        assert target.title in page
    assert 'max="20000"' in page and "<progress" in page
    assert "Geheime Naam" not in page


def test_dashboard_filters_show_the_selection(staff_client, seeded, django_assert_max_num_queries):
    url = reverse("reporting:dashboard")
    with django_assert_max_num_queries(20):
        response = staff_client.get(url, {"region": "utrecht", "sector": "onderwijs"})
    assert response.status_code == 200
    by_code = {p.target.code: p for p in response.context["progress_list"]}
    assert by_code["module-1-basiskennis"].selection == 9
    assert by_code["module-1-basiskennis"].forecast.achieved == 12  # the headline stays national
    assert by_code["module-2-verdieping"].selection == 0
    # organisations have no sector: the filter does not apply to them
    assert by_code["hotels-vakantieparken-gecertificeerd"].selection is None
    page = response.content.decode()
    assert "?region=utrecht&amp;sector=onderwijs" in page
    assert staff_client.get(url, {"sector": "geen"}).status_code == 400
    only_period = staff_client.get(url, {"from": "2024-01-01", "to": "2024-12-31"})
    by_code = {p.target.code: p for p in only_period.context["progress_list"]}
    assert by_code["module-1-basiskennis"].selection == "<5"


def test_filtered_overview_export_has_the_selection_column(staff_client, seeded):
    with translation.override("en"):
        response = staff_client.get(
            reverse("reporting:overview_export", args=["csv"]), {"region": "utrecht"}
        )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    # the selection, then the four per-source columns (ADR 0024)
    assert rows[0][-5:] == [
        "In selection",
        "E-learning",
        "On location",
        "BUIT e-learning (imported)",
        "Campaign reach (imported)",
    ]
    by_title = {r[0]: r for r in rows[1:]}  # titles in the export's language
    assert by_title[seeded.titles["en"]][-5:] == ["9", "12", "0", "0", ""]
    assert by_title[seeded.titles["en"]][1] == "12"
    workbook = load_workbook(
        io.BytesIO(
            staff_client.get(
                reverse("reporting:full_export", args=["xlsx"]), {"region": "utrecht"}
            ).content
        )
    )
    first = [c for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert any(str(c).startswith("Selection:") or str(c).startswith("Selectie:") for c in first)
    assert (
        staff_client.get(
            reverse("reporting:full_export", args=["csv"]), {"from": "nope"}
        ).status_code
        == 400
    )


def test_months_read_as_the_page_language_writes_them(staff_client, seeded):
    """The per-month table names months in words ("juni 2024"), not "2024-06", which broke over
    two lines at 375 px; the exports keep the sortable "2024-06"."""
    page = staff_client.get(reverse("reporting:target", args=[seeded.pk])).content.decode()
    from django.utils import formats

    with translation.override("nl"):
        june = formats.date_format(date(2024, 6, 1), "YEAR_MONTH_FORMAT")
    assert june == "juni 2024"
    assert f'scope="row">{june}</th>' in page
    assert 'scope="row">2024-06</th>' not in page


def test_target_page_with_filters(staff_client, seeded, django_assert_max_num_queries):
    url = reverse("reporting:target", args=[seeded.pk])
    filters = {"region": "utrecht", "sector": "onderwijs"}
    # The goal (<= 20 queries, benchmarks/reporting.py) is a page in use: what every page
    # reads once a minute per process (the footer's pages) is read by a first visit.
    staff_client.get(url, filters)
    with django_assert_max_num_queries(20):
        response = staff_client.get(url, filters)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert response.context["report"].selection_total == 9
    assert response.context["query"] == "region=utrecht&sector=onderwijs"
    assert "table_export" not in page
    assert "?region=utrecht&amp;sector=onderwijs" in page


def test_bad_filters_are_a_400(staff_client, seeded):
    url = reverse("reporting:target", args=[seeded.pk])
    assert staff_client.get(url, {"from": "gisteren"}).status_code == 400
    assert staff_client.get(url, {"region": "atlantis"}).status_code == 400
    assert staff_client.get(url, {"from": "2026-05-01", "to": "2026-01-01"}).status_code == 400
    export = reverse("reporting:table_export", args=[seeded.pk, "region", "csv"])
    assert staff_client.get(export, {"to": "x"}).status_code == 400
    assert (
        staff_client.get(reverse("reporting:quarterly_report"), {"quarter": "Q9"}).status_code
        == 400
    )
    bad_table = reverse("reporting:table_export", args=[seeded.pk, "names", "csv"])
    assert staff_client.get(bad_table).status_code == 404
    assert staff_client.get(reverse("reporting:overview_export", args=["exe"])).status_code == 404
    assert staff_client.get(reverse("reporting:target", args=[99999])).status_code == 404


def test_csv_export_parses_and_suppresses(staff_client, seeded):
    with translation.override("en"):
        url = reverse("reporting:table_export", args=[seeded.pk, "region", "csv"])
        response = staff_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Region", "Number"]
    body = {r[0]: r[1] for r in rows[1:]}
    assert body == {"Utrecht": "9", "Unknown": "<5", "Total": "12"} or body == {
        "Utrecht": "≥5",
        "Unknown": "<5",
        "Total": "12",
    }
    assert "@example.org" not in response.content.decode("utf-8-sig")


def test_xlsx_exports_open_in_openpyxl(staff_client, seeded):
    for url in (
        reverse("reporting:table_export", args=[seeded.pk, "all", "xlsx"]),
        reverse("reporting:full_export", args=["xlsx"]),
        reverse("reporting:overview_export", args=["xlsx"]),
    ):
        response = staff_client.get(url)
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.content))
        values = [
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        ]
        assert not any("@" in v and "example.org" in v for v in values)
        assert not any("Geheime Naam" in v for v in values)
    full = load_workbook(io.BytesIO(staff_client.get(urls(seeded)[5]).content))
    # overview + (trend, region, sector, kind, source) for six people targets + (trend, region,
    # kind) for the organisation target
    assert len(full.worksheets) == 1 + 6 * 5 + 3


def test_full_csv_export_long_format(staff_client, seeded):
    response = staff_client.get(reverse("reporting:full_export", args=["csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    # a Dutch reader's file speaks Dutch, the table named by its title as on the page
    with translation.override("nl"):
        header = {
            translation.pgettext("long export column", word)
            for word in ("section", "table", "row", "column", "value")
        }
        titles = {
            gettext(title)
            for title in (
                "Targets",
                "Per month",
                "By region",
                "By sector",
                "By organisation kind",
                "By region and source",
            )
        }
    assert header != {"section", "table", "row", "column", "value"}
    assert set(rows[0]) == header
    (table_column,) = header & {translation.pgettext("long export column", "table")}
    assert {r[table_column] for r in rows} == titles
    full = load_workbook(io.BytesIO(staff_client.get(urls(seeded)[5]).content))
    assert {name.split(" ", 1)[1] for name in full.sheetnames} <= titles


def test_a_formula_in_a_title_is_not_run_by_a_spreadsheet(staff_client, seeded):
    Target.objects.filter(pk=seeded.pk).update(title='=HYPERLINK("http://evil")')
    response = staff_client.get(reverse("reporting:overview_export", args=["csv"]))
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


def test_quarterly_report_pdf(staff_client, seeded):
    response = staff_client.get(reverse("reporting:quarterly_report"), {"quarter": "2026-Q1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "2026-Q1" in text
    assert "20.000" in text or "20,000" in text
    assert "Geheime Naam" not in text
    structure = pdf_structure(response.content)
    assert structure.lang == "nl"
    assert {"/H1", "/H2", "/Table", "/TH", "/TD"} <= set(structure.types)
    assert structure.figure_alts and None not in structure.figure_alts  # the charts


def test_a_learner_passing_through_the_lms_appears_on_the_dashboard(staff_client):
    from lms import services

    course = make_course(questions_per_lesson=1)
    today = timezone.localdate()
    target = Target.objects.create(
        code="live",
        title="Live",
        unit=Target.Unit.PEOPLE_PASSED,
        goal=Target.Goal.NUMBER,
        target_number=10,
        period_start=date(today.year, 1, 1),
        period_end=date(today.year, 12, 31),
    )
    TargetCourse(target=target, course=course).save()
    learner = UserFactory()
    attempt = services.attempt_start(
        enrolment=services.enrolment_create(user=learner, course=course)
    )
    answer_all_right(attempt)
    services.attempt_submit(attempt=attempt)
    response = staff_client.get(reverse("reporting:dashboard"))
    assert response.context["progress_list"][0].forecast.achieved == 1


def test_the_role_filter_and_a_revocation_reach_every_report(staff_client, focal_points):
    target = focal_points
    response = staff_client.get(reverse("reporting:dashboard"))
    by_code = {p.target.code: p for p in response.context["progress_list"]}
    assert by_code[target.code].forecast.achieved == 5
    page = response.content.decode()
    assert "Aandachtsfunctionaris mensenhandel" in page  # whom the target counts
    revoked_rule = gettext(
        "A pass whose certificate has been revoked does not count (someone who passed again "
        "later counts from that pass); an expired or renewed certificate still counts."
    )
    assert revoked_rule in page

    detail = staff_client.get(reverse("reporting:target", args=[target.pk]))
    assert target_scope_note(detail.context["progress"].target) in detail.content.decode()
    region = {t.key: t for t in detail.context["report"].tables}["region"]
    assert {row[0]: row[1] for row in region.rows} == {"Utrecht": 5, gettext("Total"): 5}

    overview = staff_client.get(reverse("reporting:overview_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(overview.content.decode("utf-8-sig")), delimiter=";"))
    assert {r[0]: r[1] for r in rows[1:]}[target.title] == "5"

    [item] = [i for i in staff_client.get("/api/v1/reports/targets").json() if i["id"] == target.pk]
    assert item["achieved"] == 5
    assert item["professional_roles"] == ["aandachtsfunctionaris-mensenhandel"]
    assert item["sectors"] == []
    months = staff_client.get(f"/api/v1/reports/targets/{target.pk}/timeseries").json()["months"]
    assert months[0] == {"month": "2026-01", "count": 5, "cumulative": 5}

    pdf = staff_client.get(reverse("reporting:quarterly_report"), {"quarter": "2026-Q1"})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Aandachtsfunctionaris mensenhandel" in " ".join(text.split())


def test_programme_staff_enter_n_of_an_all_of_n_target_on_the_dashboard(staff_client):
    targets_ensure()
    target = Target.objects.get(code="module-4-aandachtsfunctionarissen")
    with translation.override("en"):
        url = reverse("reporting:target_population", args=[target.pk])
        page = staff_client.get(reverse("reporting:dashboard")).content.decode()
        assert "Not entered yet: programme staff enter the number of people" in page
        # the hotels and holiday parks target counts organisations, and says so
        assert "Not entered yet: programme staff enter the number of organisations" in page
        assert "waiting for N: the size of the whole group is not entered yet" in page
        assert f'action="{url}"' in page

        bad = staff_client.post(url, {"population": "0", "source": "", "on_date": "2999-01-01"})
        assert bad.status_code == 400
        text = bad.content.decode()
        assert "Ensure this value is greater than or equal to 1." in text
        assert "The date of N cannot lie in the future." in text
        target.refresh_from_db()
        assert target.population is None

        done = staff_client.post(
            url, {"population": "342", "source": "VNG-enquête", "on_date": "2026-10-01"}
        )
        assert done.status_code == 302
        target.refresh_from_db()
        assert (target.population, target.population_source, target.population_date) == (
            342,
            "VNG-enquête",
            date(2026, 10, 1),
        )
        page = staff_client.get(reverse("reporting:dashboard")).content.decode()
        # dates in the page language's format (English: month/day/year)
        assert "342 (source: VNG-enquête, 10/01/2026)" in page
    # a target with a number has no N to enter; only POST; only with the right to change targets
    number = Target.objects.get(code="module-1-basiskennis")
    assert (
        staff_client.post(reverse("reporting:target_population", args=[number.pk]), {}).status_code
        == 404
    )
    assert staff_client.get(url).status_code == 405


def test_only_programme_staff_enter_n(client):
    targets_ensure()
    target = Target.objects.get(code="module-4-aandachtsfunctionarissen")
    url = reverse("reporting:target_population", args=[target.pk])
    data = {"population": "342", "source": "VNG", "on_date": "2026-10-01"}
    client.force_login(UserFactory(role=roles.ORGANISATION_MANAGER))
    assert client.post(url, data).status_code == 403
    # reading the dashboard is not enough: entering N changes the target
    client.force_login(UserFactory(role=roles.SITE_ADMIN))
    assert client.get(reverse("reporting:dashboard")).status_code == 200
    assert client.post(url, data).status_code == 403
    assert f'action="{url}"' not in client.get(reverse("reporting:dashboard")).content.decode()
    client.logout()
    assert client.post(url, data).status_code == 302  # to the login page
    target.refresh_from_db()
    assert target.population is None


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_pdf_tables_group_whole_people_as_the_text_does(staff_client, seeded, language):
    """The overview table of the quarterly PDF writes a large N as the sentence under it does
    ("2.345.678" in Dutch, "2,345,678" in English), not as "2345678"."""
    Target.objects.filter(pk=seeded.pk).update(target_number=2345678)
    with translation.override(language):
        response = staff_client.get(reverse("reporting:quarterly_report"), {"quarter": "2026-Q1"})
        grouped = intcomma(2345678)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert grouped in {"2.345.678", "2,345,678"}
    assert text.count(grouped) >= 2  # the table and the "Achieved" line
    assert "2345678" not in text
    with translation.override(language):
        headers = [gettext("Target number"), gettext("Percentage"), gettext("Forecast date")]
    words = {word for header in headers for word in header.split()}
    assert words <= set(text.split()), "a header broke inside a word"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")
@pytest.mark.parametrize("language", ["nl", "en", "pl", "es"])
def test_every_word_of_the_quarterly_report_is_on_its_page(staff_client, seeded, language):
    """The overview's last column ("waiting for N: ...", the longest status) once ran off the
    right edge of the page in Dutch, Polish and Spanish: cut off in every viewer, though its text was
    still in the file for extract_text to find. No word lies over another, and no caption is
    parted from its table."""
    with translation.override(language):
        response = staff_client.get(reverse("reporting:quarterly_report"), {"quarter": "2026-Q1"})
        waiting = gettext("waiting for N: the size of the whole group is not entered yet")
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert waiting.split()[0] in text  # the long status is in the report
    # within the report's side margins of 16 mm (45.4 pt), with a point to spare
    assert words_off_the_page(response.content, margin=44.0) == []
    # and no word drawn over another: the charts' axis titles once crossed their tick labels,
    # laid out for a narrower font than the PDF's
    assert overlapping_words(response.content) == []
    # no table's caption is left at the foot of a page, its table on the next one
    with translation.override(language):
        context = quarterly_report_context(
            quarter="2026-Q1", start=date(2026, 1, 1), end=date(2026, 3, 31)
        )
    captions = {table.title for _r, _c, tables in context["reports"] for table in tables}
    assert captions and not captions & set(last_lines(response.content))


def test_the_quarterly_report_writes_dutch_numbers_and_never_a_small_count(staff_client, seeded):
    """Dutch grouping and decimal comma; a target with 3 people says "<5" in its headline and in
    the overview, and no percentage, needed rate or forecast date gives the 3 away."""
    course = make_course(title="Module 2")
    course.slug = "verdiepende-training-mensenhandel-minderjarigen"
    course.save()
    targets_ensure()
    small = Target.objects.get(code="module-2-verdieping")
    for _ in range(3):
        passed(UserFactory(), course, at(2026, 1, 12))
    with translation.override("nl"):
        response = staff_client.get(reverse("reporting:quarterly_report"), {"quarter": "2026-Q1"})
        headers = [
            gettext("Target"),
            gettext("Achieved"),
            gettext("Target number"),
            gettext("Percentage"),
            gettext("Needed per month"),
            gettext("Actual per month (last 3 months)"),
            gettext("Forecast date"),
            gettext("Status"),
        ]
        achieved = gettext("Achieved")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    words = text.split()
    assert "20.000" in words  # module 1's target number, grouped with a dot
    assert "0,1" in words or "0,1%" in " ".join(words)  # 12 of 20.000: a decimal comma
    assert "20,000" not in text and "0.1" not in words
    assert {word for header in headers for word in header.split()} <= set(words)
    flat = " ".join(words)
    section = flat[flat.index(small.title, flat.index(small.title) + 1) :]
    assert f"{achieved}: <5" in section and f"{achieved}: 3" not in section
    overview = flat[: flat.index(small.title, flat.index(small.title) + 1)]
    row = overview[overview.index(small.title) + len(small.title) :].split()[:3]
    assert row[0] == "<5" and "x" in row  # achieved, then the percentage withheld


@pytest.mark.parametrize("language", ["en", "pl", "es"])
def test_targets_read_in_the_pages_language(staff_client, seeded, language):
    """The dashboard, a target page and the quarterly report show the seeded targets' titles
    (and a target page its description) in the page's language: no Dutch title among them."""
    from reporting.demo import SEED_TARGETS, TRANSLATIONS

    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(language):
        dashboard = staff_client.get(reverse("reporting:dashboard")).content.decode()
        target_page = staff_client.get(reverse("reporting:target", args=[seeded.pk]))
        report = staff_client.get(reverse("reporting:quarterly_report"), {"quarter": "2026-Q1"})
    assert f'lang="{language}"' in dashboard
    target_page = target_page.content.decode()
    report_text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(report.content)).pages
    )
    for seed in SEED_TARGETS:
        title = escape(TRANSLATIONS[seed.code][language][0])
        assert title in dashboard
        assert escape(seed.title) not in dashboard
        assert set(TRANSLATIONS[seed.code][language][0].split()) <= set(report_text.split())
        assert seed.title not in report_text
    own_title, own_description = TRANSLATIONS[seeded.code][language]
    assert escape(own_title) in target_page
    assert escape(own_description) in target_page
    assert escape(seeded.title) not in target_page
    assert escape(seeded.description) not in target_page


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("nl", ("per-regio", "alle-tabellen", "kwartaalrapportage-2026-Q1")),
        ("pl", ("wg-regionu", "wszystkie-tabele", "raport-kwartalny-2026-Q1")),
        ("es", ("por-region", "todas-las-tablas", "informe-trimestral-2026-Q1")),
    ],
)
def test_exports_are_named_in_the_readers_language(staff_client, seeded, language, names):
    """The target's code (a stable identifier) and the table's word in the reader's language."""
    region, every_table, quarterly = names
    with translation.override(language):
        downloads = [
            (reverse("reporting:table_export", args=[seeded.pk, "region", "csv"]), {}),
            (reverse("reporting:table_export", args=[seeded.pk, "all", "xlsx"]), {}),
            (reverse("reporting:quarterly_report"), {"quarter": "2026-Q1"}),
        ]
        expected = [
            f"{seeded.code}-{region}.csv",
            f"{seeded.code}-{every_table}.xlsx",
            f"{quarterly}.pdf",
        ]
        for (url, query), name in zip(downloads, expected, strict=True):
            response = staff_client.get(url, query)
            assert response.status_code == 200, url
            assert response["Content-Disposition"] == f'attachment; filename="{name}"'
