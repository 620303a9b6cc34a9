"""Organisations in the JSON API (/api/v1/organisations). A manager reaches only their own
organisations (other ids are 404); programme staff reach all. An operation that is refused
raises a DomainError (accounts.errors, or OrganisationError); the API's one handler for them
(config/api_errors.py) answers with its status and body."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from accounts.api_auth import AUTH
from accounts.api_schema import (
    AUTHENTICATED,
    WITH_BODY,
    BodyIn,
    Id64,
    PlainStr,
    responses,
)
from accounts.models import Region

from . import selectors
from .errors import OrganisationError
from .models import Organisation
from .services import registration, staff, staff_csv

organisations_router = Router(tags=["organisations"], auth=AUTH)


#: Besides success: a path id that is not one (400), no login (401), not allowed (403), an
#: organisation the caller may not see (404), the request does not fit (422), wrong tokens (429).
READ = (400, *AUTHENTICATED, 404, 422)
#: … and with a body: not JSON (400), too large (413), a conflict (409).
WRITE = (*READ, *WITH_BODY, 409)


class OrganisationIn(BodyIn):
    name: PlainStr = Field(min_length=1, max_length=200)
    kind: Organisation.Kind = Organisation.Kind.HOTEL
    address: PlainStr = Field("", max_length=250)
    municipality: PlainStr = Field(min_length=1, max_length=120)
    region: PlainStr | None = Field(
        None, max_length=100, description="region code (slug), e.g. 'utrecht'"
    )
    kvk_number: PlainStr = Field("", max_length=8)
    declared_staff: int = Field(0, ge=0, le=1_000_000)
    public_listing: bool = False


class OrganisationPatch(BodyIn):
    name: PlainStr | None = Field(None, min_length=1, max_length=200)
    kind: Organisation.Kind | None = None
    address: PlainStr | None = Field(None, max_length=250)
    municipality: PlainStr | None = Field(None, min_length=1, max_length=120)
    region: PlainStr | None = Field(None, max_length=100)
    kvk_number: PlainStr | None = Field(None, max_length=8)
    declared_staff: int | None = Field(None, ge=0, le=1_000_000)
    public_listing: bool | None = None


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    address: str
    municipality: str
    region: str | None
    kvk_number: str
    declared_staff: int
    public_listing: bool
    certification_status: str
    counting_course_keys: list[str]

    @staticmethod
    def resolve_region(obj) -> str | None:
        return obj.region.slug if obj.region_id else None

    @staticmethod
    def resolve_counting_course_keys(obj) -> list[str]:
        return [str(key) for key in selectors.counting_course_keys(organisation=obj)]


class CountingCoursesIn(BodyIn):
    course_keys: list[PlainStr] = Field(
        description="translation keys of the courses (each counts in all its languages)",
        max_length=100,
    )


class JoinLinkOut(Schema):
    url: str
    urls: dict[str, str] = Field(
        default_factory=dict,
        description="the join link in each language (the plain `url` follows the browser)",
    )


class MemberOut(Schema):
    id: int
    name: str
    email: str
    role: str
    joined_at: datetime
    status: str

    @staticmethod
    def resolve_name(obj) -> str:
        return selectors.member_display_name(user=obj.user)

    @staticmethod
    def resolve_email(obj) -> str:
        # a deleted account's placeholder address is no address
        return "" if selectors.account_deleted(user=obj.user) else obj.user.email

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.member_status


class ManagerInvitationIn(BodyIn):
    email: PlainStr = Field(max_length=254)
    language: PlainStr = Field(
        "",
        max_length=5,
        description="language of the e-mail and the page it links to (nl, en, pl, es); "
        "empty: the language of the request",
    )


class InvitationIn(ManagerInvitationIn):
    """A staff invitation: the co-manager invitation's fields, plus name and role."""

    full_name: PlainStr = Field("", max_length=150)
    role: PlainStr = Field("other", max_length=50)


class AcceptedOut(Schema):
    detail: str


class InvitationOut(Schema):
    id: int
    email: str
    full_name: str
    role: str
    language: str
    created_at: datetime
    accepted: bool


class ImportOut(Schema):
    invited: int
    already_invited: int
    already_member: int


class HistoryOut(Schema):
    from_status: str
    to_status: str
    cause: str
    passed_count: int
    staff_count: int
    created_at: datetime


class CertificateOut(Schema):
    code: str
    period: int
    awarded_at: datetime
    valid_until: datetime
    status: str


class CertificationOut(Schema):
    declared_staff: int
    members: int
    passed: int
    staff_count: int
    rate: Decimal
    qualifies: bool
    certified: bool
    needed: int
    status: str
    certificate: CertificateOut | None
    history: list[HistoryOut]


def _region(slug: str | None):
    if not slug:
        return None
    region = Region.objects.filter(slug=slug).first()
    if region is None:
        raise OrganisationError(_("Unknown region."), code="invalid_region")
    return region


def _organisation(request: HttpRequest, organisation_id: int, **rights):
    return selectors.organisation_for_user(
        user=request.user, organisation_id=organisation_id, **rights
    )


@organisations_router.post("", response=responses({201: OrganisationOut}, *WRITE))
def organisation_create(request: HttpRequest, payload: OrganisationIn):
    data = payload.dict()
    data["region"] = _region(data["region"])
    organisation = registration.organisation_register(user=request.user, **data)
    return Status(201, organisation)


@organisations_router.get("/{organisation_id}", response=responses({200: OrganisationOut}, *READ))
def organisation_detail(request: HttpRequest, organisation_id: Id64):
    return Status(200, _organisation(request, organisation_id))


@organisations_router.patch(
    "/{organisation_id}", response=responses({200: OrganisationOut}, *WRITE)
)
def organisation_patch(request: HttpRequest, organisation_id: Id64, payload: OrganisationPatch):
    organisation = _organisation(request, organisation_id, manage=True)
    data = payload.dict(exclude_unset=True)
    if "region" in data:
        data["region"] = _region(data["region"])
    for field in ("name", "kind", "municipality", "declared_staff", "public_listing"):
        if field in data and data[field] is None:
            raise OrganisationError(
                _("%(field)s cannot be empty.") % {"field": field}, code="invalid"
            )
    for field in ("address", "kvk_number"):
        if field in data and data[field] is None:
            data[field] = ""
    return Status(200, registration.organisation_update(organisation=organisation, data=data))


@organisations_router.get(
    "/{organisation_id}/members", response=responses({200: list[MemberOut]}, *READ)
)
def organisation_member_list(request: HttpRequest, organisation_id: Id64):
    organisation = _organisation(request, organisation_id)
    return Status(200, selectors.organisation_members(organisation=organisation))


@organisations_router.post(
    "/{organisation_id}/invitations", response=responses({201: InvitationOut}, *WRITE)
)
def organisation_invite(request: HttpRequest, organisation_id: Id64, payload: InvitationIn):
    organisation = _organisation(request, organisation_id, manage=True)
    data = payload.dict()
    data["language"] = data["language"] or (get_language() or "")[:2]
    invitation = staff.staff_invite(organisation=organisation, invited_by=request.user, **data)
    return Status(201, invitation)


@organisations_router.post(
    "/{organisation_id}/managers", response=responses({202: AcceptedOut}, *WRITE)
)
def organisation_manager_invite(
    request: HttpRequest, organisation_id: Id64, payload: ManagerInvitationIn
):
    """Invite a co-manager by e-mail. The answer is the same whether or not the address has an
    account; the person becomes a manager only by accepting the e-mailed invitation."""
    organisation = _organisation(request, organisation_id, manage=True)
    staff.manager_invite(
        organisation=organisation,
        email=payload.email,
        language=payload.language or (get_language() or "")[:2],
        invited_by=request.user,
    )
    return Status(
        202,
        {
            "detail": _(
                "We sent an invitation to %(email)s. The person becomes a manager after "
                "accepting it with that e-mail address."
            )
            % {"email": payload.email.strip().lower()}
        },
    )


@organisations_router.post(
    "/{organisation_id}/members/import", response=responses({200: ImportOut}, *WRITE)
)
def organisation_members_import(
    request: HttpRequest,
    organisation_id: Id64,
    file: UploadedFile | None = File(None),  # noqa: B008 - ninja declares parameters this way
):
    """Upload a CSV (name, email, role, language) as multipart field `file`, or send it as the
    body with `Content-Type: text/csv`. Headers and role names may be in any interface language;
    a row without a language is invited in the language of the request. One bad row rejects the
    file; `errors` lists every bad row."""
    organisation = _organisation(request, organisation_id, manage=True)
    if file is not None:
        content = file.read(staff_csv.MAX_IMPORT_BYTES + 1)
    elif (request.content_type or "").startswith("multipart/"):
        raise OrganisationError(_("Send the CSV in the form field “file”."), code="file_missing")
    else:
        content = request.body
    result = staff_csv.members_import(
        organisation=organisation,
        content=content,
        invited_by=request.user,
        default_language=(get_language() or "")[:2],
    )
    return Status(
        200,
        {
            "invited": result.invited,
            "already_invited": result.already_invited,
            "already_member": result.already_member,
        },
    )


@organisations_router.get(
    "/{organisation_id}/certification", response=responses({200: CertificationOut}, *READ)
)
def organisation_certification(request: HttpRequest, organisation_id: Id64):
    organisation = _organisation(request, organisation_id)
    summary = selectors.certification_summary(organisation=organisation)
    return Status(
        200,
        {
            "declared_staff": summary.declared_staff,
            "members": summary.members,
            "passed": summary.passed,
            "staff_count": summary.staff_count,
            "rate": summary.rate.quantize(Decimal("0.0001")),
            "qualifies": summary.qualifies,
            "certified": summary.certificate is not None,
            "needed": summary.needed,
            "status": summary.status,
            "certificate": summary.certificate,
            "history": list(selectors.certification_history(organisation=organisation)[:100]),
        },
    )


@organisations_router.put(
    "/{organisation_id}/counting-courses", response=responses({200: OrganisationOut}, *WRITE)
)
def organisation_counting_courses(
    request: HttpRequest, organisation_id: Id64, payload: CountingCoursesIn
):
    """Programme staff choose the courses whose certificates count toward the 60%."""
    organisation = _organisation(request, organisation_id, choose_courses=True)
    return Status(
        200,
        registration.counting_courses_set(
            organisation=organisation, course_keys=payload.course_keys
        ),
    )


@organisations_router.get(
    "/{organisation_id}/join-link", response=responses({200: JoinLinkOut}, *READ)
)
def organisation_join_link(request: HttpRequest, organisation_id: Id64):
    """The link (and QR code target) through which staff join."""
    organisation = _organisation(request, organisation_id)
    return Status(200, _join_links(organisation))


def _join_links(organisation: Organisation) -> dict:
    return {
        "url": registration.join_url(organisation),
        "urls": {
            code: registration.join_url(organisation, language=code)
            for code, _n in settings.LANGUAGES
        },
    }


@organisations_router.post(
    "/{organisation_id}/join-link", response=responses({200: JoinLinkOut}, *READ)
)
def organisation_join_link_rotate(request: HttpRequest, organisation_id: Id64):
    """A new join link; the old one stops working. Managers only."""
    organisation = _organisation(request, organisation_id, manage=True)
    registration.join_link_rotate(organisation=organisation)
    return Status(200, _join_links(organisation))
