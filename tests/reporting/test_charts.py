import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from accounts import roles
from reporting.charts import Projection, breakdown_chart, trend_chart
from tests.factories import UserFactory

from .test_views import seeded  # noqa: F401  (the fixture)

ROWS = [["2026-01", 12000, 12000], ["2026-02", "<5", "x"], ["2026-03", 3000, 15004]]
#: the page column at 375 px (1rem padding each side), and the size text must keep there
PHONE_COLUMN_PX = 343
MIN_TEXT_PX = 12


def _trend(projection=None) -> str:
    return trend_chart(
        ROWS,
        title="Module 1",
        unit="People",
        chart_id="c",
        as_of=date(2026, 3, 20),
        projection=projection,
    )


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


@pytest.mark.parametrize("language", ["nl", "en", "pl", "es"])
def test_charts_label_and_group_numbers_in_the_page_language(language):
    with translation.override(language):
        svg = _trend() + breakdown_chart(
            [["Utrecht", 12000], ["Zeeland", "<5"], ["T", 12003]], title="t", chart_id="b"
        )
        grouped = intcomma(12000)
        month = translation.gettext("Month")
    texts = _texts(svg)
    assert grouped in texts  # the bar's label, grouped as the tables group it
    assert "12000" not in svg
    assert month in texts  # the axis title in the page language
    assert "<5" not in svg and "&lt;5" in texts  # a suppressed cell: its label, no bar


def test_a_chart_is_an_accessible_svg_the_csp_allows():
    svg = _trend()
    opening = re.match(r"<svg[^>]*>", svg).group(0)
    assert 'role="img"' in opening and 'aria-labelledby="c-title c-desc"' in opening
    assert '<title id="c-title">Module 1</title>' in svg
    assert re.search(r'<desc id="c-desc">[^<]+</desc>', svg)
    # one image: no role or ARIA label inside it (axe: an inner graphics role needs its own alt)
    assert svg.count("role=") == 1 and "aria-label=" not in svg
    # no script, no inline style (the CSP allows neither), no fetched resource
    assert "<script" not in svg and "style=" not in svg and "<style" not in svg
    assert "href=" not in svg
    assert "<text" in svg  # text stays text: readable, selectable, sized in CSS px


def test_chart_text_is_readable_on_a_375_px_phone():
    svg = _trend() + breakdown_chart([["Utrecht", 12000], ["T", 12000]], title="t", chart_id="b")
    for one in svg.split("</svg>")[:-1]:
        width = float(re.search(r'viewBox="0 0 ([\d.]+) ', one).group(1))
        scale = min(1.0, PHONE_COLUMN_PX / width)
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)px"', one)]
        assert sizes and min(sizes) * scale >= MIN_TEXT_PX, (min(sizes), width)


def test_the_trend_draws_the_target_and_a_dashed_forecast_to_the_end_of_the_period():
    projection = Projection(
        goal=40000,
        achieved=15004,
        actual_rate=Decimal("5000"),
        as_of=date(2026, 3, 20),
        period_end=date(2026, 12, 31),
    )
    with translation.override("en"):
        svg = _trend(projection)
        plain = _trend()
    assert "Target" in _texts(svg) and "Forecast at the current rate" in _texts(svg)
    assert 'stroke-dasharray="6,4"' in svg
    assert "6,4" not in plain and "Target" not in _texts(plain)
    desc = re.search(r"<desc[^>]*>([^<]*)</desc>", svg).group(1)
    assert "40,000" in desc and "Dec. 31, 2026" in desc


def test_a_small_national_total_draws_no_forecast():
    """The forecast line starts at the national total: a total of 1 to 4 is not drawn."""
    projection = Projection(
        goal=100,
        achieved=3,
        actual_rate=Decimal(1),
        as_of=date(2026, 3, 20),
        period_end=date(2026, 12, 31),
    )
    with translation.override("en"):
        svg = _trend(projection)
    assert "6,4" not in svg


def test_a_label_cannot_inject_markup():
    svg = breakdown_chart([["<script>x</script>", 7], ["T", 7]], title="<b>", chart_id="b")
    assert "<script>" not in svg and "<b>" not in svg


def test_a_chart_is_cached_for_the_same_figures_and_language():
    cache.clear()
    first = _trend()
    assert len(cache._cache) == 1  # locmem in tests
    assert _trend() == first
    with translation.override("en"):
        assert _trend() != first
    assert len(cache._cache) == 2


@pytest.mark.django_db
def test_the_target_page_shows_the_charts_without_scripts(client, seeded):  # noqa: F811
    client.force_login(UserFactory(role=roles.PROGRAMME_STAFF))
    page = client.get(reverse("reporting:target", args=[seeded.pk])).content.decode()
    assert page.count('class="report-chart__svg"') == 4  # the trend and three breakdowns
    assert page.count("<table") >= 4  # the tables stay: the accessible alternative
