"""Programme dashboard, exports and the quarterly report: programme staff see the whole
country, regional coordinators their own regions (ADR 0023).

Anonymous visitors are sent to the login page; anyone else without access gets 403. Every view
takes the reader's scope from `selectors.report_scope` (one function) and counts within it; a
region outside it named in the URL gives 404."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.downloads import attachment, file_name

from . import charts
from .exports import tables_csv, tables_csv_international, tables_xlsx
from .forms import (
    OutsideCountsForm,
    ReportFilterForm,
    TargetPopulationForm,
    parse_quarter,
    recent_quarters,
)
from .models import OutsideCountFile, Target
from .pdf import quarterly_report_pdf
from .presentation import overview_table, target_report
from .selectors import (
    NATIONAL,
    PERMISSION,
    ReportScope,
    outside_count_files,
    report_scope,
    targets_overview,
    targets_queryset,
)
from .services import (
    MAX_OUTSIDE_BYTES,
    OUTSIDE_COLUMN_LABELS,
    OUTSIDE_COLUMNS,
    OutsideCountsRejected,
    RowProblem,
    outside_count_file_withdraw,
    outside_counts_import,
    outside_counts_template,
    target_population_set,
)

#: entering N of an "all of N" target changes the target: the role that edits targets (programme
#: staff), not everyone who may read the dashboard (site admins read it too)
TARGET_CHANGE_PERMISSION = "reporting.change_target"
FORMATS = {
    # for Dutch spreadsheets (semicolons, decimal commas); intl.csv: plain international CSV
    "csv": ("text/csv; charset=utf-8", tables_csv),
    "intl.csv": ("text/csv; charset=utf-8", tables_csv_international),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        tables_xlsx,
    ),
}


def programme_staff_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def report_reader_required(view):
    """Programme staff (the whole country) and regional coordinators (their regions): the view
    gets the reader's `scope`. A coordinator without regions is told so and sees nothing."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        scope = report_scope(user=request.user)
        if scope is None:
            raise PermissionDenied
        if scope.regions == ():
            return render(request, "reporting/no_regions.html", status=403)
        return view(request, *args, scope=scope, **kwargs)

    return wrapped


def _filter_form(request, scope: ReportScope) -> ReportFilterForm:
    """The GET filters within the reader's scope; a region outside it is not found (404)."""
    region = request.GET.get("region", "")
    if region and not scope.covers(region):
        raise Http404
    return ReportFilterForm(request.GET, scope=scope)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    return attachment(response, filename)


def _format(fmt: str):
    if fmt not in FORMATS:
        raise Http404
    return FORMATS[fmt]


@report_reader_required
def dashboard(request, scope: ReportScope):
    today = timezone.localdate()
    form = _filter_form(request, scope)
    context = {"form": form, "as_of": today, "quarters": recent_quarters(), "scope": scope}
    if not form.is_valid():
        return render(request, "reporting/dashboard.html", context, status=400)
    filters = form.filters()
    context.update(
        progress_list=targets_overview(as_of=today, filters=filters),
        filters=filters,
        query=urlencode(request_params(form)),
    )
    return render(request, "reporting/dashboard.html", context)


def _target_and_filters(request, pk: int, scope: ReportScope):
    target = get_object_or_404(targets_queryset(), pk=pk)
    form = _filter_form(request, scope)
    return target, form


@report_reader_required
def target_detail(request, pk: int, scope: ReportScope):
    target, form = _target_and_filters(request, pk, scope)
    if not form.is_valid():
        return render(
            request,
            "reporting/target_detail.html",
            {"target": target, "form": form, "scope": scope},
            status=400,
        )
    filters = form.filters()
    report = target_report(target=target, filters=filters)
    query = urlencode(request_params(form))
    drawn = charts.target_charts(report)
    # a table of several columns (by region and source) has its table only
    sections = [{"table": t, "chart": drawn.breakdowns.get(t.key)} for t in report.tables]
    return render(
        request,
        "reporting/target_detail.html",
        {
            "target": target,
            "form": form,
            "report": report,
            "progress": report.progress,
            "trend_chart": drawn.trend,
            "sections": sections,
            "query": query,
            "scope": scope,
        },
    )


def request_params(form: ReportFilterForm) -> dict[str, str]:
    """The valid filters as URL parameters (slugs for region and sector)."""
    data = form.cleaned_data
    params = {}
    if data.get("date_from"):
        params["from"] = data["date_from"].isoformat()
    if data.get("date_to"):
        params["to"] = data["date_to"].isoformat()
    if data.get("region"):
        params["region"] = data["region"].slug
    if data.get("sector"):
        params["sector"] = data["sector"].slug
    return params


@report_reader_required
def table_export(request, pk: int, table: str, fmt: str, scope: ReportScope):
    content_type, render_tables = _format(fmt)
    target, form = _target_and_filters(request, pk, scope)
    if not form.is_valid():
        return _bad_filters(form)
    report = target_report(target=target, filters=form.filters())
    tables = {t.key: t for t in report.all_tables}
    if table == "all":
        chosen = report.all_tables
    elif table in tables:
        chosen = [tables[table]]
    else:
        raise Http404
    content = render_tables([(target.local_title, t) for t in chosen])
    return _download(content, content_type, file_name(target.code, _table_word(table), suffix=fmt))


def _table_word(key: str) -> str:
    """A table's word in the export's file name, in the reader's language (the target's code
    before it is a stable identifier, like the one in the URL)."""
    words = {
        "all": pgettext("file name", "all-tables"),
        "trend": pgettext("file name", "trend"),
        "trend-quarter": pgettext("file name", "trend-per-quarter"),
        "source": pgettext("file name", "by-source"),
        "region": pgettext("file name", "by-region"),
        "sector": pgettext("file name", "by-sector"),
        "kind": pgettext("file name", "by-organisation-kind"),
    }
    return words.get(key, key)


def _bad_filters(form: ReportFilterForm) -> HttpResponse:
    return HttpResponse(
        "; ".join(str(e) for errors in form.errors.values() for e in errors),
        status=400,
        content_type="text/plain; charset=utf-8",
    )


@report_reader_required
def overview_export(request, fmt: str, scope: ReportScope):
    content_type, render_tables = _format(fmt)
    form = _filter_form(request, scope)
    if not form.is_valid():
        return _bad_filters(form)
    filters = form.filters()
    table = overview_table(targets_overview(filters=filters), filters)
    return _download(
        render_tables([(_("Targets"), table)]),
        content_type,
        file_name(pgettext("file name", "targets"), suffix=fmt),
    )


@report_reader_required
def full_export(request, fmt: str, scope: ReportScope):
    """Every table of every target (the full breakdown) in one file."""
    content_type, render_tables = _format(fmt)
    form = _filter_form(request, scope)
    if not form.is_valid():
        return _bad_filters(form)
    filters = form.filters()
    reports = [target_report(target=t, filters=filters) for t in targets_queryset()]
    progress_list = [r.progress for r in reports]
    for report in reports:
        report.progress.selection = report.selection_total
    sections = [(_("Targets"), overview_table(progress_list, filters))]
    for report in reports:
        sections.extend((report.progress.target.local_title, t) for t in report.all_tables)
    stamp = timezone.localdate().isoformat()
    return _download(
        render_tables(sections),
        content_type,
        file_name(pgettext("file name", "programme-report"), stamp, suffix=fmt),
    )


@programme_staff_required
def quarterly_report(request):
    """The whole country's report for the programme (not scoped to regions: regional
    coordinators use the exports of their regions instead, ADR 0023)."""
    quarter = request.GET.get("quarter", "")
    try:
        start, end = parse_quarter(quarter)
    except ValidationError as exc:
        return HttpResponse(
            " ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8"
        )
    label = quarter or f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    content = quarterly_report_pdf(quarter=label, start=start, end=end)
    return _download(
        content,
        "application/pdf",
        file_name(pgettext("file name", "quarterly-report"), label, suffix="pdf"),
    )


@require_POST
@programme_staff_required
def target_population(request, pk: int):
    """Programme staff (who may change targets) enter N of an "all of N" target on the
    dashboard; a wrong entry shows the dashboard again with the form's errors (400)."""
    if not request.user.has_perm(TARGET_CHANGE_PERMISSION):
        raise PermissionDenied
    target = get_object_or_404(Target, pk=pk, goal=Target.Goal.ALL_OF_N)
    form = TargetPopulationForm(request.POST)
    if not form.is_valid():
        today = timezone.localdate()
        progress_list = targets_overview(as_of=today)
        for progress in progress_list:
            if progress.target.pk == target.pk:
                progress.population_form = form
        return render(
            request,
            "reporting/dashboard.html",
            {
                "form": ReportFilterForm({}),
                "as_of": today,
                "quarters": recent_quarters(),
                "progress_list": progress_list,
                "scope": NATIONAL,
            },
            status=400,
        )
    target_population_set(
        target=target,
        population=form.cleaned_data["population"],
        source=form.cleaned_data["source"],
        on_date=form.cleaned_data["on_date"],
    )
    messages.success(request, _("N is saved: %(title)s.") % {"title": target.local_title})
    return redirect(f"{reverse('reporting:dashboard')}#target-{target.pk}")


def _outside_staff_required(view):
    """Importing and withdrawing outside counts changes what the targets count: programme
    staff who may change targets, like entering N."""

    @wraps(view)
    @programme_staff_required
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(TARGET_CHANGE_PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _outside_page(request, form, *, problems=None, status=200):
    return render(
        request,
        "reporting/outside_counts.html",
        {
            "form": form,
            "problems": problems or [],
            "files": outside_count_files(),
            "columns": [(c, OUTSIDE_COLUMN_LABELS[c]) for c in OUTSIDE_COLUMNS],
            "max_megabytes": MAX_OUTSIDE_BYTES // 1_000_000,
        },
        status=status,
    )


@_outside_staff_required
def outside_counts(request):
    """The imported files of outside counts, and a form to import one (all rows or none; every
    bad row is reported on the page with its line, column and message)."""
    if request.method != "POST":
        return _outside_page(request, OutsideCountsForm())
    form = OutsideCountsForm(request.POST, request.FILES)
    if not form.is_valid():
        return _outside_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_OUTSIDE_BYTES:
        # refused before reading it into memory
        problems = [
            RowProblem(
                0,
                "",
                _("The file is larger than %(size)s MB.")
                % {"size": MAX_OUTSIDE_BYTES // 1_000_000},
            )
        ]
        return _outside_page(request, form, problems=problems, status=400)
    try:
        imported = outside_counts_import(
            content=upload.read(), filename=upload.name or "", by=request.user
        )
    except OutsideCountsRejected as exc:
        return _outside_page(request, form, problems=exc.problems, status=400)
    messages.success(
        request,
        ngettext(
            "Imported: %(rows)s row, %(total)s in total.",
            "Imported: %(rows)s rows, %(total)s in total.",
            imported.rows,
        )
        % {
            "rows": number_format(imported.rows, force_grouping=True),
            "total": number_format(imported.total, force_grouping=True),
        },
    )
    return redirect("reporting:outside_counts")


@_outside_staff_required
def outside_counts_template_download(request):
    """The CSV template, its header in the page's language."""
    return _download(
        ("\ufeff" + outside_counts_template()).encode("utf-8"),
        "text/csv; charset=utf-8",
        file_name(pgettext("file name", "outside-counts-template"), suffix="csv"),
    )


@require_http_methods(["GET", "POST"])
@_outside_staff_required
def outside_count_file_withdrawal(request, pk: int):
    """Withdraw a whole imported file after a confirmation page (works without JavaScript):
    its rows count nowhere from then on."""
    upload = get_object_or_404(OutsideCountFile, pk=pk)
    if request.method == "GET":
        if upload.withdrawn_at is not None:
            messages.info(request, _("This file was withdrawn already."))
            return redirect("reporting:outside_counts")
        return render(request, "reporting/outside_count_withdraw.html", {"file": upload})
    try:
        outside_count_file_withdraw(upload=upload, by=request.user)
    except ValueError:
        messages.error(request, _("This file was withdrawn already."))
        return redirect("reporting:outside_counts")
    messages.success(request, _("Withdrawn: %(name)s.") % {"name": upload.filename})
    return redirect("reporting:outside_counts")
