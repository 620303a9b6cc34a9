from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import get_language, override, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.downloads import attachment, file_name
from accounts.errors import DomainError, Forbidden, NotFound
from accounts.pdf import pdf_render
from accounts.qr import qr_img, qr_svg
from certificates.codes import code_display
from certificates.services import ARCHIVE_MAX, absolute_url

from . import selectors
from .errors import ImportRejected
from .forms import (
    CountingCoursesForm,
    ImportForm,
    InviteForm,
    JoinForm,
    LocationForm,
    ManagerForm,
    MemberRemoveForm,
    OrganisationForm,
    PublicSearchForm,
    RegistrationReviewForm,
)
from .models import Invitation, Location, ManagerInvitation, Organisation, StaffMembership
from .services import notifications, registration, staff, staff_csv


def _organisation(request, pk: int, **rights) -> Organisation:
    """The organisation `pk` if the user may see it (and has the `rights` of
    `selectors.organisation_for_user`); 404 or 403 otherwise."""
    try:
        return selectors.organisation_for_user(user=request.user, organisation_id=pk, **rights)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc


def _verify_url(code: str) -> str:
    # language neutral, like the personal certificates: /verify/<code> serves the default language
    with override(settings.LANGUAGE_CODE):
        return absolute_url(reverse("verify", args=[code]))


@login_required
def organisation_list(request):
    sees_all = request.user.has_perm(selectors.PROGRAMME_PERMISSION)
    return render(
        request,
        "organisations/list.html",
        {
            "managed": request.user.managed_organisations.select_related("region"),
            "all_organisations": (
                selectors.organisations_visible_to(user=request.user).select_related("region")
                if sees_all
                else None
            ),
            "member_of": selectors.organisations_for_member(user=request.user),
            "pending_registrations": (
                selectors.registrations_to_review()
                if selectors.user_reviews_registrations(user=request.user)
                else None
            ),
        },
    )


@login_required
def organisation_register(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = registration.organisation_register(
                user=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your organisation has been registered."))
            return redirect("organisations:dashboard", pk=organisation.pk)
    return render(
        request,
        "organisations/register.html",
        {"form": form, "email_verified": selectors.email_verified(user=request.user)},
        status=400 if form.errors else 200,
    )


def _dashboard_context(request, organisation: Organisation, **extra) -> dict:
    members = selectors.organisation_members(organisation=organisation)
    codes = [m.certificate_code for m in members if m.certificate_code]  # type: ignore[attr-defined]
    return {
        "organisation": organisation,
        "summary": selectors.certification_summary(organisation=organisation),
        "members": members,
        # The staff's certificates for a ZIP download (one archive holds at most ARCHIVE_MAX).
        "certificate_codes": codes,
        "all_codes_fit": len(codes) <= ARCHIVE_MAX,
        "invitations": selectors.open_invitations(organisation=organisation),
        "history": selectors.certification_history(organisation=organisation)[:20],
        "invite_form": InviteForm(initial={"language": _current_language()}),
        "import_form": ImportForm(initial={"language": _current_language()}),
        "poster_languages": _language_links(
            lambda code: (
                reverse("organisations:join_poster", args=[organisation.pk]) + f"?taal={code}"
            )
        ),
        "join_url": registration.join_url(organisation),
        "locations": organisation.locations.all(),
        "can_manage": selectors.user_manages(user=request.user, organisation=organisation),
        "counting_courses": _counting_course_titles(organisation),
        "can_choose_courses": selectors.user_chooses_courses(user=request.user),
        "can_review": selectors.user_reviews_registrations(user=request.user),
        **extra,
    }


def _current_language() -> str:
    code = (get_language() or settings.LANGUAGE_CODE)[:2]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _language_links(url_for) -> list[dict]:
    """One entry per site language: its code, its own name and `url_for(code)`."""
    return [
        {"code": code, "name": name, "url": url_for(code), "current": code == _current_language()}
        for code, name in settings.LANGUAGES
    ]


def _counting_course_titles(organisation: Organisation) -> list[str]:
    keys = selectors.counting_course_keys(organisation=organisation)
    titles = selectors.course_titles(language=get_language(), keys=keys)
    return [titles.get(str(key), _("(course no longer published)")) for key in keys]


@login_required
def dashboard(request, pk: int):
    organisation = _organisation(request, pk)
    return render(
        request, "organisations/dashboard.html", _dashboard_context(request, organisation)
    )


@login_required
def organisation_edit(request, pk: int):
    organisation = _organisation(request, pk, manage=True)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            registration.organisation_update(
                organisation=organisation,
                data={field: form.cleaned_data[field] for field in form.changed_data},
            )
        except DomainError as exc:
            form.add_error("declared_staff" if "members" in exc.details else None, exc.message)
        else:
            messages.success(request, _("The details have been saved."))
            return redirect("organisations:dashboard", pk=pk)
    return _edit_page(request, organisation, form=form)


def _edit_page(request, organisation, *, form=None, location_form=None, manager_form=None):
    form = form or OrganisationForm(instance=organisation)
    manager_form = manager_form or ManagerForm(
        prefix="manager", initial={"language": _current_language()}
    )
    location_form = location_form or LocationForm(prefix="location")
    return render(
        request,
        "organisations/edit.html",
        {
            "form": form,
            "organisation": organisation,
            "location_form": location_form,
            "locations": organisation.locations.all(),
            "manager_form": manager_form,
            "managers": organisation.managers.order_by("full_name", "email"),
        },
        status=400 if form.errors or location_form.errors or manager_form.errors else 200,
    )


@login_required
@require_POST
def manager_add(request, pk: int):
    organisation = _organisation(request, pk, manage=True)
    form = ManagerForm(request.POST, prefix="manager")
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            staff.manager_invite(
                organisation=organisation,
                email=email,
                language=form.cleaned_data["language"] or _current_language(),
                invited_by=request.user,
            )
        except DomainError as exc:
            form.add_error("email", exc.message)
        else:
            # the same answer whether or not the address has an account (no enumeration)
            messages.success(
                request,
                _(
                    "An invitation is being sent to %(email)s. The person becomes a manager "
                    "after accepting it with that e-mail address."
                )
                % {"email": email},
            )
            return redirect("organisations:edit", pk=pk)
    return _edit_page(request, organisation, manager_form=form)


@login_required
@require_POST
def manager_remove(request, pk: int, user_id: int):
    organisation = _organisation(request, pk, manage=True)
    user = get_object_or_404(organisation.managers, pk=user_id)
    try:
        staff.manager_remove(organisation=organisation, user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is no longer a manager.") % {"name": user})
    if user == request.user and not selectors.user_manages(
        user=request.user, organisation=organisation
    ):
        return redirect("organisations:list")
    return redirect("organisations:edit", pk=pk)


@login_required
@require_POST
def location_add(request, pk: int):
    organisation = _organisation(request, pk, manage=True)
    form = LocationForm(request.POST, prefix="location")
    if form.is_valid():
        try:
            registration.location_add(organisation=organisation, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The location has been added."))
            return redirect("organisations:edit", pk=pk)
    return _edit_page(request, organisation, location_form=form)


@login_required
@require_POST
def location_remove(request, pk: int, location_id: int):
    organisation = _organisation(request, pk, manage=True)
    location = get_object_or_404(Location, pk=location_id, organisation=organisation)
    registration.location_remove(location=location)
    messages.success(request, _("The location has been removed."))
    return redirect("organisations:edit", pk=pk)


@login_required
@require_POST
def invite(request, pk: int):
    organisation = _organisation(request, pk, manage=True)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            staff.staff_invite(
                organisation=organisation,
                invited_by=request.user,
                **{
                    **form.cleaned_data,
                    "language": form.cleaned_data["language"] or _current_language(),
                },
            )
        except DomainError as exc:
            form.add_error("email", exc.message)
        else:
            # handed to the workers through the outbox (ADR 0019): "being sent", as the list of open
            # invitations says until it went out
            messages.success(request, _("The invitation is being sent."))
            return redirect("organisations:dashboard", pk=pk)
    return render(
        request,
        "organisations/dashboard.html",
        _dashboard_context(request, organisation, invite_form=form),
        status=400,
    )


def _open_invitation(request, organisation: Organisation, invitation_id: int):
    """The organisation's open invitation `invitation_id`, or None with a message (it was
    accepted or withdrawn meanwhile: the back button, a second click)."""
    invitation = organisation.invitations.filter(pk=invitation_id, accepted_at__isnull=True).first()
    if invitation is None:
        messages.info(request, _("This invitation is no longer open."))
    return invitation


@login_required
@require_POST
def invitation_resend(request, pk: int, invitation_id: int):
    organisation = _organisation(request, pk, manage=True)
    invitation = _open_invitation(request, organisation, invitation_id)
    if invitation is not None:
        try:
            staff.invitation_resend(invitation=invitation)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The invitation to %(email)s is being sent again.") % {"email": invitation.email},
            )
    return redirect(reverse("organisations:dashboard", args=[pk]) + "#invitations-heading")


@login_required
def invitation_withdraw(request, pk: int, invitation_id: int):
    """Withdraw an open invitation after a confirmation page (works without JavaScript)."""
    organisation = _organisation(request, pk, manage=True)
    invitation = _open_invitation(request, organisation, invitation_id)
    if invitation is None:
        return redirect("organisations:dashboard", pk=pk)
    if request.method == "POST":
        try:
            staff.invitation_withdraw(invitation=invitation)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The invitation to %(email)s has been withdrawn; its link no longer works.")
                % {"email": invitation.email},
            )
        return redirect("organisations:dashboard", pk=pk)
    return render(
        request,
        "organisations/invitation_withdraw.html",
        {"organisation": organisation, "invitation": invitation},
    )


@login_required
@require_POST
def members_import(request, pk: int):
    organisation = _organisation(request, pk, manage=True)
    form = ImportForm(request.POST, request.FILES)
    import_errors = None
    if form.is_valid():
        try:
            result = staff_csv.members_import(
                organisation=organisation,
                content=form.cleaned_data["file"].read(staff_csv.MAX_IMPORT_BYTES + 1),
                invited_by=request.user,
                default_language=form.cleaned_data["language"] or _current_language(),
            )
        except ImportRejected as exc:
            import_errors = exc.errors
            form.add_error("file", exc.message)
        else:
            messages.success(
                request,
                _(
                    "%(invited)s invited; %(invited_before)s already had an invitation; "
                    "%(members)s already work here."
                )
                % {
                    "invited": result.invited,
                    "invited_before": result.already_invited,
                    "members": result.already_member,
                },
            )
            return redirect("organisations:dashboard", pk=pk)
    return render(
        request,
        "organisations/dashboard.html",
        _dashboard_context(request, organisation, import_form=form, import_errors=import_errors),
        status=400,
    )


@login_required
@require_GET
def members_export(request, pk: int):
    organisation = _organisation(request, pk)
    response = HttpResponse(
        staff_csv.members_export_csv(organisation=organisation),
        content_type="text/csv; charset=utf-8",
    )
    attachment(response, file_name(pgettext("file name", "staff"), organisation.pk, suffix="csv"))
    return response


@login_required
@require_GET
def members_template(request, pk: int):
    """The import template: headers and role names in the manager's language."""
    _organisation(request, pk, manage=True)
    response = HttpResponse(
        staff_csv.members_csv_template(), content_type="text/csv; charset=utf-8"
    )
    attachment(response, file_name(pgettext("file name", "staff-template"), pk, suffix="csv"))
    return response


@login_required
def member_remove(request, pk: int, membership_id: int):
    """'No longer works here': a confirmation page (works without JavaScript) that says what
    the change does to the 60% figure, then the change itself."""
    organisation = _organisation(request, pk, manage=True)
    membership = get_object_or_404(
        StaffMembership.objects.select_related("user"), pk=membership_id, organisation=organisation
    )
    if membership.left_at is not None:  # done already: the back button, a second submit
        messages.info(
            request,
            _("%(name)s no longer works here.")
            % {"name": selectors.member_display_name(user=membership.user)},
        )
        return redirect("organisations:dashboard", pk=pk)
    form = MemberRemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        staff.membership_end(membership=membership)
        messages.success(
            request,
            _("%(name)s no longer counts as staff.")
            % {"name": selectors.member_display_name(user=membership.user)},
        )
        return redirect("organisations:dashboard", pk=pk)
    return render(
        request,
        "organisations/member_remove.html",
        {
            "organisation": organisation,
            "membership": membership,
            "name": selectors.member_display_name(user=membership.user),
            "effect": selectors.member_removal_effect(
                organisation=organisation, membership=membership
            ),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def reminders_send(request, pk: int):
    organisation = _organisation(request, pk, manage=True)
    notifications.organisation_reminders_request(organisation=organisation)
    messages.success(
        request,
        _(
            "Reminders are being sent to everyone who has not finished "
            "(at most one per person per week)."
        ),
    )
    return redirect("organisations:dashboard", pk=pk)


def _certificate_pdf(request, pk: int, *, template: str, filename: str):
    organisation = _organisation(request, pk)
    certificate = selectors.current_certificate(organisation=organisation)
    if certificate is None:
        raise Http404(_("This organisation has no valid certificate."))
    verify_url = _verify_url(certificate.code)
    pdf = pdf_render(
        template_name=template,
        context={
            "organisation": organisation,
            "certificate": certificate,
            "verify_url": verify_url,
            "display_code": code_display(certificate.code),
            "qr": qr_img(verify_url),
        },
        language=get_language() or "nl",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    return attachment(response, file_name(filename, organisation.pk, suffix="pdf"))


@login_required
@require_GET
def certificate_pdf(request, pk: int):
    return _certificate_pdf(
        request,
        pk,
        template="organisations/pdf/certificate.html",
        filename=pgettext("file name", "certificate"),
    )


@login_required
@require_GET
def sticker_pdf(request, pk: int):
    return _certificate_pdf(
        request,
        pk,
        template="organisations/pdf/sticker.html",
        filename=pgettext("file name", "window-sticker"),
    )


@login_required
@require_GET
def join_poster(request, pk: int):
    """A printable page for the staff room: join link and QR code, in one language
    (`?taal=pl`) or in all of them (`?taal=all`, a QR code that follows the phone's language).
    What only the manager needs (new link, back link) is not printed."""
    organisation = _organisation(request, pk)
    choice = request.GET.get("taal", "")
    languages = [code for code, _name in settings.LANGUAGES]
    if choice in languages:
        url = registration.join_url(organisation, language=choice)
        poster_languages = [choice]
    else:
        choice = "all"
        url = registration.join_url(organisation)
        poster_languages = languages
    course_titles = {
        code: getattr(
            selectors.counting_course_page(organisation=organisation, language=code), "title", ""
        )
        for code in poster_languages
    }
    return render(
        request,
        "organisations/join_poster.html",
        {
            "organisation": organisation,
            "join_url": url,
            "qr_svg": qr_svg(url),
            "choice": choice,
            "poster_languages": [(code, course_titles[code]) for code in poster_languages],
            "language_links": _language_links(
                lambda code: reverse("organisations:join_poster", args=[pk]) + f"?taal={code}"
            ),
            "all_languages_url": reverse("organisations:join_poster", args=[pk]) + "?taal=all",
            "can_manage": selectors.user_manages(user=request.user, organisation=organisation),
        },
    )


@login_required
@require_POST
def join_link_rotate(request, pk: int):
    organisation = _organisation(request, pk, manage=True)
    registration.join_link_rotate(organisation=organisation)
    messages.success(
        request,
        _(
            "There is a new join link. The old link and the QR codes printed with it no longer "
            "work: print this page again."
        ),
    )
    return redirect("organisations:join_poster", pk=pk)


@login_required
def counting_courses(request, pk: int):
    """Programme staff choose the courses whose certificates count toward the 60%."""
    organisation = _organisation(request, pk, choose_courses=True)
    form = CountingCoursesForm(
        request.POST if request.method == "POST" else None,
        choices=selectors.course_choices(language=get_language()),
        initial={
            "courses": [str(k) for k in selectors.counting_course_keys(organisation=organisation)]
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration.counting_courses_set(
                organisation=organisation, course_keys=form.cleaned_data["courses"]
            )
        except DomainError as exc:
            form.add_error("courses", exc.message)
        else:
            messages.success(request, _("The courses that count have been saved."))
            return redirect("organisations:dashboard", pk=pk)
    return render(
        request,
        "organisations/counting_courses.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )


def _browser_language_redirect(request, url_name: str, token: str, language: str | None = None):
    """A link without a language prefix (the QR code of a multilingual poster, an old link)
    opens in the invitation's language, else in the browser's (its cookie or Accept-Language).
    `?taal=` marks a language the visitor chose on the page, which always wins."""
    if (
        request.method != "GET"
        or request.GET.get("taal")
        or translation.get_language_from_path(request.path_info)
    ):
        return None
    wanted = language or translation.get_language_from_request(request)
    if wanted == settings.LANGUAGE_CODE or wanted not in dict(settings.LANGUAGES):
        return None
    with override(wanted):
        return redirect(reverse(url_name, args=[token]))


def _join_page_links(url_name: str, token: str) -> list[dict]:
    def url_for(code: str) -> str:
        with override(code):
            return reverse(url_name, args=[token]) + f"?taal={code}"

    return _language_links(url_for)


def _landing_url(request, organisation: Organisation) -> str:
    """Where a new member goes: the establishment's counting course in the language of the
    page (else the default language), never the organisations overview."""
    course = selectors.counting_course_page(organisation=organisation, language=_current_language())
    url = course.get_url(request) if course is not None else None
    return url or reverse("courses_catalogue")


def _join_context(request, organisation: Organisation, url_name: str, token: str) -> dict:
    return {
        "organisation": organisation,
        "course": selectors.counting_course_page(
            organisation=organisation, language=_current_language()
        ),
        "language_links": _join_page_links(url_name, token),
    }


def _to_account_page(request, *, action: str, context: dict):
    """Remember what the visitor came to join (for `organisations.receivers`, which turns it
    into a JoinIntent at sign-up) and send them to sign up or log in, coming back here."""
    request.session[staff.JOIN_SESSION_KEY] = {**context, "language": _current_language()}
    target = "account_login" if action == "login" else "account_signup"
    return redirect(f"{reverse(target)}?{urlencode({'next': request.path})}")


def join(request, token: str):
    """The page behind the join link and the poster's QR code: who invites you and to what, in
    your language; then sign up or log in, join, and go straight to the course."""
    organisation = get_object_or_404(Organisation, join_token=token)
    if response := _browser_language_redirect(request, "organisations:join", token):
        return response
    pending = request.session.get(staff.JOIN_SESSION_KEY) or {}
    if request.user.is_authenticated:
        if (
            selectors.current_memberships(organisation=organisation)
            .filter(user=request.user)
            .exists()
        ):
            return redirect(_landing_url(request, organisation))
        if pending.get("join_token") == token and request.method == "GET":
            # They chose their role before logging in: join without asking again.
            request.session.pop(staff.JOIN_SESSION_KEY, None)
            staff.organisation_join(
                organisation=organisation, user=request.user, role=pending.get("role")
            )
            messages.success(
                request, _("You now work for %(name)s on this platform.") % {"name": organisation}
            )
            return redirect(_landing_url(request, organisation))
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.user.is_authenticated:
            return _to_account_page(
                request,
                action=request.POST.get("action", "signup"),
                context={"join_token": token, "role": form.cleaned_data["role"]},
            )
        staff.organisation_join(
            organisation=organisation, user=request.user, role=form.cleaned_data["role"]
        )
        messages.success(
            request, _("You now work for %(name)s on this platform.") % {"name": organisation}
        )
        return redirect(_landing_url(request, organisation))
    return render(
        request,
        "organisations/join.html",
        {**_join_context(request, organisation, "organisations:join", token), "form": form},
        status=400 if form.errors else 200,
    )


def invitation_accept(request, token: str):
    """The page behind an invitation's personal link, in the invitation's language. Only the
    account with the invited address may accept (anyone else sees why and changes nothing);
    the person who already accepted (also in the background, when they confirmed their address
    in another browser) is taken to the course, through the login page if need be."""
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), token=token)
    organisation = invitation.organisation
    if response := _browser_language_redirect(
        request, "organisations:invitation_accept", token, language=invitation.language
    ):
        return response
    context = {
        **_join_context(request, organisation, "organisations:invitation_accept", token),
        "invitation": invitation,
    }
    if not request.user.is_authenticated:
        if invitation.accepted:
            # Likely the invitee, after confirming the address on another device: log in first.
            messages.info(
                request, _("This invitation has been accepted. Log in to go to your training.")
            )
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
        if request.method == "POST":
            return _to_account_page(
                request,
                action=request.POST.get("action", "signup"),
                context={"invitation_token": token},
            )
        return render(request, "organisations/invitation.html", context)
    if invitation.accepted_by_id == request.user.pk or (
        invitation.accepted
        and selectors.current_memberships(organisation=organisation)
        .filter(user=request.user)
        .exists()
    ):
        return _joined(request, organisation)
    pending = request.session.get(staff.JOIN_SESSION_KEY) or {}
    # They chose to accept before logging in: accept without asking again.
    accept_now = pending.get("invitation_token") == token
    if accept_now:
        request.session.pop(staff.JOIN_SESSION_KEY, None)
    try:
        staff.invitation_for_user_check(invitation=invitation, user=request.user)
    except DomainError as exc:
        return render(
            request,
            "organisations/invitation.html",
            {**context, "refusal": exc.message, "refusal_code": exc.code},
            status=exc.status,
        )
    if request.method == "POST" or accept_now:
        try:
            staff.invitation_accept(invitation=invitation, user=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return render(request, "organisations/invitation.html", context, status=exc.status)
        return _joined(request, organisation)
    return render(request, "organisations/invitation.html", context)


def _joined(request, organisation: Organisation):
    messages.success(request, _("You have joined %(name)s.") % {"name": organisation})
    return redirect(_landing_url(request, organisation))


@login_required
def registration_review(request, pk: int):
    """Programme staff approve (KvK number checked) or reject a self-registered establishment;
    only approved ones appear in the public list of certified places."""
    organisation = _organisation(request, pk)
    if not selectors.user_reviews_registrations(user=request.user):
        raise PermissionDenied(_("Only programme staff review registrations."))
    form = RegistrationReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            registration.organisation_registration_review(
                organisation=organisation,
                reviewer=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                kvk_checked=form.cleaned_data["kvk_checked"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The registration has been reviewed."))
            return redirect("organisations:list")
    return render(
        request,
        "organisations/registration_review.html",
        {
            "organisation": organisation,
            "form": form,
            "same_kvk_number": selectors.organisations_with_kvk_number(organisation=organisation),
        },
        status=400 if form.errors else 200,
    )


@login_required
def manager_invitation_accept(request, token: str):
    """The invited person, signed in with the invited address (or after signing up with it),
    accepts and becomes a manager."""
    invitation = get_object_or_404(
        ManagerInvitation.objects.select_related("organisation"), token=token
    )
    if request.method == "POST":
        try:
            staff.manager_invitation_accept(invitation=invitation, user=request.user)
        except DomainError as exc:
            return render(
                request,
                "organisations/manager_invitation.html",
                {"invitation": invitation, "error": exc.message},
                status=exc.status,
            )
        messages.success(
            request,
            _("You are now a manager of %(name)s.") % {"name": invitation.organisation},
        )
        return redirect("organisations:dashboard", pk=invitation.organisation_id)
    return render(request, "organisations/manager_invitation.html", {"invitation": invitation})


@require_GET
def public_list(request):
    form = PublicSearchForm(request.GET or None)
    query = municipality = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        municipality = form.cleaned_data["municipality"]
    organisations = list(
        selectors.public_certified_organisations(query=query, municipality=municipality)[:200]
    )
    for organisation in organisations:
        organisation.verify_url = reverse("verify", args=[organisation.certificate_code])
    return render(
        request,
        "organisations/public_list.html",
        {"form": form, "organisations": organisations, "searched": bool(query or municipality)},
    )
