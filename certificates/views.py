"""Learner pages (my certificates, certificate, PDF, name correction), the public verification
page and the programme staff pages (search, revoke, bulk reissue)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.downloads import attachment, file_name
from accounts.qr import qr_svg

from . import selectors, services, verification
from .codes import code_normalise
from .errors import CertificateError
from .forms import NameCorrectionForm, RevokeForm, StaffSearchForm, VerifyLookupForm
from .models import Certificate, CertificateArchive, ReissueJob
from .permissions import can_view

REVOKE_PERMISSION = "certificates.revoke_certificate"
STAFF_VIEW_PERMISSION = "certificates.view_certificate"


def _viewable(request, code: str) -> Certificate:
    """The certificate for `code` if this person may see it; anyone else gets 404."""
    certificate = (
        Certificate.objects.select_related("user").filter(code=code_normalise(code)).first()
    )
    if certificate is None or not can_view(request.user, certificate):
        raise Http404(_("Certificate not found."))
    return certificate


def linkedin_url(certificate: Certificate) -> str:
    """LinkedIn's "add to profile" link, prefilled (no API key needed)."""
    issued = certificate.issued_at
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.course_title,
        "organizationName": "Samen tegen mensenhandel",
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": services.verify_url(certificate),
        "certId": certificate.display_code,
    }
    if certificate.expires_at:
        params["expirationYear"] = certificate.expires_at.year
        params["expirationMonth"] = certificate.expires_at.month
    return f"https://www.linkedin.com/profile/add?{urlencode(params)}"


def _sheet_context(certificate: Certificate) -> dict:
    url = services.verify_url(certificate)
    return {
        "certificate": certificate,
        "verify_url": url,
        "qr": qr_svg(url),
        "name_class": services.name_size_class(certificate.holder_name),
    }


@login_required
@require_GET
def certificate_list(request):
    certificates = selectors.certificates_for_user(user=request.user)
    pending = selectors.completions_awaiting_certificate(user=request.user)
    return render(
        request, "certificates/list.html", {"certificates": certificates, "pending": pending}
    )


@login_required
@require_GET
def certificate_detail(request, code: str):
    certificate = _viewable(request, code)
    context = _sheet_context(certificate)
    context.update(
        {
            "is_owner": certificate.user_id == request.user.pk,
            "linkedin_url": linkedin_url(certificate),
            "pdf_ready": bool(certificate.pdf),
        }
    )
    return render(request, "certificates/detail.html", context)


@login_required
@require_GET
def certificate_pdf(request, code: str):
    certificate = _viewable(request, code)
    filename = file_name(
        pgettext("file name", "certificate"), certificate.display_code, suffix="pdf"
    )
    stored = certificate.pdf.name if certificate.pdf else None
    if stored and default_storage.exists(stored):
        return attachment(
            FileResponse(default_storage.open(stored, "rb"), content_type="application/pdf"),
            filename,
        )
    # not rendered yet (the queue is behind): render now rather than make the person wait
    content = services.certificate_pdf_bytes(certificate=certificate)
    response = HttpResponse(content, content_type="application/pdf")
    return attachment(response, filename)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_name_correct(request, code: str):
    certificate = _viewable(request, code)
    if certificate.user_id != request.user.pk:
        raise Http404(_("Certificate not found."))
    form = NameCorrectionForm(request.POST or None, initial={"name": certificate.holder_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_name_correct(
                certificate=certificate, actor=request.user, name=form.cleaned_data["name"]
            )
        except CertificateError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(request, _("The name on your certificate has been corrected."))
            return redirect("certificate_detail", code=certificate.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "certificates/name_correct.html",
        {"certificate": certificate, "form": form},
        status=status,
    )


def _rate_limited(request) -> HttpResponse | None:
    if verification.rate_limit_exceeded(request, channel="page"):
        message, seconds = verification.RATE_LIMITS["page"].refusal(
            _("You have checked many certificates in a short time.")
        )
        response = render(
            request, "429.html", {"heading": _("Too many look-ups"), "message": message}, status=429
        )
        response["Retry-After"] = str(seconds)
        return response
    return None


@require_GET
def verify_lookup(request):
    """A form to type a code; submits to /verify/<code>."""
    form = VerifyLookupForm(request.GET or None)
    if request.GET and form.is_valid():
        normalised = code_normalise(form.cleaned_data["code"])
        if normalised:
            return redirect("verify", code=normalised)
        form.add_error("code", _("Enter the code printed on the certificate."))
    return render(
        request,
        "certificates/verify_lookup.html",
        {"form": form},
        status=400 if request.GET and form.errors else 200,
    )


@require_GET
def verify(request, code: str):
    limited = _rate_limited(request)
    if limited is not None:
        return limited
    result = verification.lookup(code)
    if result is None:
        return render(
            request,
            "certificates/verify_unknown.html",
            {"form": VerifyLookupForm(initial={"code": code[:64]})},
            status=404,
        )
    return render(request, "certificates/verify.html", {"result": result})


# --- programme staff -------------------------------------------------------------------------


@login_required
@permission_required(STAFF_VIEW_PERMISSION, raise_exception=True)
@require_GET
def staff_search(request):
    form = StaffSearchForm(request.GET or None)
    certificate = None
    searched = False
    if request.GET and form.is_valid() and form.cleaned_data["code"]:
        searched = True
        certificate = Certificate.objects.filter(
            code=code_normalise(form.cleaned_data["code"])
        ).first()
        if certificate is not None:
            return redirect("certificates_admin_detail", code=certificate.code)
    return render(
        request,
        "certificates/admin/search.html",
        {
            "form": form,
            "searched": searched,
            "jobs": ReissueJob.objects.all()[:5],
            "can_reissue": request.user.has_perm(REVOKE_PERMISSION),
        },
    )


@login_required
@permission_required(STAFF_VIEW_PERMISSION, raise_exception=True)
@require_GET
def staff_detail(request, code: str):
    certificate = get_object_or_404(Certificate, code=code_normalise(code))
    return render(
        request,
        "certificates/admin/detail.html",
        {
            "certificate": certificate,
            "events": certificate.events.select_related("actor"),
            "form": RevokeForm(),
            "can_revoke": request.user.has_perm(REVOKE_PERMISSION),
        },
    )


@login_required
@permission_required(REVOKE_PERMISSION, raise_exception=True)
@require_POST
def staff_revoke(request, code: str):
    certificate = get_object_or_404(Certificate, code=code_normalise(code))
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except CertificateError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, _("The certificate has been revoked."))
            return redirect("certificates_admin_detail", code=certificate.code)
    return render(
        request,
        "certificates/admin/detail.html",
        {
            "certificate": certificate,
            "events": certificate.events.select_related("actor"),
            "form": form,
            "can_revoke": True,
        },
        status=400,
    )


@login_required
@permission_required(REVOKE_PERMISSION, raise_exception=True)
@require_POST
def staff_reissue_start(request):
    job = services.reissue_job_create(actor=request.user)
    messages.success(request, _("Reissuing has started."))
    return redirect("certificates_admin_job", pk=job.pk)


@login_required
@permission_required(STAFF_VIEW_PERMISSION, raise_exception=True)
@require_GET
def staff_job(request, pk: int):
    job = get_object_or_404(ReissueJob, pk=pk)
    return render(request, "certificates/admin/job.html", {"job": job})


@login_required
@require_POST
def archive_create(request):
    """POST one or more `code` fields (from My certificates, or from a manager's staff list):
    a ZIP of those PDFs is built in the background."""
    try:
        archive = services.archive_create(user=request.user, codes=request.POST.getlist("code"))
    except CertificateError as exc:
        messages.error(request, exc.message)
        # Back to the page the selection came from (e.g. a manager's staff list).
        back = request.POST.get("next", "")
        if back and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(back)
        return redirect("certificate_list")
    return redirect("certificate_archive", public_id=archive.public_id)


def _archive(request, public_id) -> CertificateArchive:
    return get_object_or_404(CertificateArchive, public_id=public_id, requested_by=request.user)


@login_required
@require_GET
def archive_detail(request, public_id):
    archive = _archive(request, public_id)
    return render(
        request,
        "certificates/archive.html",
        {"archive": archive, "count": archive.certificates.count()},
    )


@login_required
@require_GET
def archive_download(request, public_id):
    archive = _archive(request, public_id)
    if archive.status != CertificateArchive.Status.DONE or not archive.file.name:
        raise Http404(_("This download is not ready yet."))
    return attachment(
        FileResponse(default_storage.open(archive.file.name, "rb"), content_type="application/zip"),
        file_name(pgettext("file name", "certificates"), suffix="zip"),
    )
