"""Programme staff's tables and charts on a 375 px phone (the audit of 2026-12-07): the
reference points and the outside-count files and problems were wide tables that scrolled
sideways inside themselves, which a keyboard could not reach (axe: scrollable-region-focusable);
they are a card per row now. And a bar chart's figure after its longest bar was cut off."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from accounts import roles
from reporting.charts import breakdown_chart
from reporting.models import ReferencePoint
from reporting.services import outside_counts_import
from tests import factories
from tests.e2e.checks import axe_violations
from tests.e2e.conftest import MOBILE

#: the tables of these pages that are one card per row on a phone
CARDS = """(selector) => [...document.querySelectorAll(selector)].map((table) => {
    const cells = [...table.querySelectorAll('tbody tr:first-child > *')]
        .map((cell) => cell.getBoundingClientRect())
        .filter((r) => r.height > 0);
    return {
        id: table.id || table.querySelector('caption').textContent,
        scrolls: table.scrollWidth > table.clientWidth,
        // each cell below the one before it, not beside it
        stacked: cells.length > 1
            && cells.every((c, i) => i === 0 || c.top >= cells[i - 1].bottom - 0.5),
    };
})"""


@pytest.mark.django_db(transaction=True)
def test_reference_points_and_outside_count_tables_are_cards_on_a_phone(new_page, e2e_content):
    staff = factories.UserFactory(full_name="Pim Programma", role=roles.PROGRAMME_STAFF)
    ReferencePoint.objects.create(
        target=e2e_content.target,
        measure=ReferencePoint.Measure.PEOPLE_PASSED,
        value=17250,
        on_date=date(2024, 7, 15),
        source_note="Nationaal Programma Samen tegen Mensenhandel, voortgangsrapportage",
    )
    outside_counts_import(
        content=b"date;source;count\n2025-03-31;campaign;1200\n",
        filename="campagnebereik-maart-2025-definitief.csv",
        by=staff,
    )
    page = new_page(viewport=MOBILE, user=staff)
    problems = []

    page.goto(reverse("reporting:target", args=[e2e_content.target.pk]))
    assert page.locator("caption", has_text="Referentiepunten").count() == 1
    problems += axe_violations(page)
    tables = page.evaluate(CARDS, "table.utrecht-table--stacked")

    page.goto(reverse("reporting:outside_counts"))
    # a bad file: the page lists its problems
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "fout.csv",
                "mimeType": "text/csv",
                "buffer": b"datum;bron;aantal\n2025-02-30;buit;5\n",
            }
        ],
    )
    page.locator("main form button[type=submit]").first.click()
    page.locator("#import-problems").wait_for()
    problems += axe_violations(page)
    tables += page.evaluate(CARDS, "#import-problems, #outside-files")

    assert {t["id"] for t in tables} >= {"Referentiepunten", "import-problems", "outside-files"}
    assert all(t["stacked"] and not t["scrolls"] for t in tables), tables
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "rows",
    [
        [["Onderwijs", 43], ["Zorg", 34], ["Welzijn en sociaal werk", 22], ["Totaal", 99]],
        [["Groningen", 19999], ["Utrecht", "<5"], ["Totaal", 20004]],
        [["Hotel", 987654], ["Overig", 5], ["Totaal", 987659]],
    ],
)
def test_a_bar_charts_figures_stay_inside_the_chart_at_375_px(browser, rows, settings):
    """The figure after the longest bar ("43") lost its last digit: Vega clips what lies past
    the plot."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with translation.override("nl"):
        svg = breakdown_chart(rows, title="Per sector", chart_id="chart")
    page = browser.new_page(viewport=MOBILE)
    # the page column at 375 px is 343 px wide (reporting.css: .report-chart__svg)
    page.set_content(
        "<style>svg { display: block; width: 343px; height: auto; }</style>" + str(svg)
    )
    outside = page.evaluate(
        """() => {
            const chart = document.querySelector('svg').getBoundingClientRect();
            return [...document.querySelectorAll('svg text')]
                .map((text) => [text.textContent, text.getBoundingClientRect()])
                .filter(([_, r]) => r.right > chart.right + 0.5 || r.left < chart.left - 0.5)
                .map(([text, r]) => `${text}: ${Math.round(r.left)}-${Math.round(r.right)}`);
        }"""
    )
    page.close()
    assert not outside, outside
