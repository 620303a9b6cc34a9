"""Who may use which address: one generic check over every URL the project defines and every
API operation with a path parameter.

Every route whose view lives in the project's apps (the admin-mounted ones included) is listed
in `ROUTES` with the people who may use it; a route missing from the table fails
`test_every_route_is_classified`, so no view is added without that decision. One small world
(built once per module) belongs to "A": a learner with an attempt, a certificate, a ZIP of it
and an access token; an organisation with a manager, staff, invitations and a location; a
training with its organiser, a session with its trainer and A's registration; a group
request; targets, an outside-count file and outbox work; a translated course. Then every route
is filled with A's objects and asked by strangers (anonymous, learner B, the manager, the
organiser and the trainer of other things, a regional coordinator of another region, and, for
staff pages, A's own people without that role): never a 5xx, never A's data, anonymous sent to
log in, strangers refused (403/404 or a redirect elsewhere), and a refused POST changes none of
A's rows. The rightful person gets 200/302 on every route (a broken world would otherwise let
every refusal pass). Staff personas have their second factor, so they are refused by
permission, not by the second-factor gate (`test_a_role_without_a_second_factor_is_sent_to_set_one_up`
checks that gate once).

The API has its table too, `API_ROUTES`: every operation of the served OpenAPI document with a
path parameter is called with A's ids without credentials (401 unless documented public), as
learner B and as role holders of other objects (403/404, none of A's data, no change).

A new route: add it to `ROUTES` with its class (and `kwargs` for its parameters, a plausible
`body` when it takes a form); a route deliberately open says why in a comment."""

from __future__ import annotations

import functools
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

#: the apps whose views the matrix covers (Wagtail's, allauth's, Django's and ninja's are not)
PROJECT_APPS = (
    "accounts",
    "lms",
    "courses",
    "certificates",
    "organisations",
    "trainings",
    "reporting",
    "cms",
    "outbox",
    "config",
)


# ----------------------------------------------------------------------------- the routes


def _project_view(callback) -> str | None:
    """The dotted name of the project's view behind `callback`, looking through decorators
    (`functools.wraps` and closures such as Wagtail's `require_admin_access`), or None."""
    seen: set[int] = set()
    todo = [callback]
    while todo:
        fn = todo.pop(0)
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        if isinstance(fn, functools.partial):
            todo.append(fn.func)
            continue
        target = getattr(fn, "view_class", fn)
        module = getattr(target, "__module__", "") or ""
        if module.split(".")[0] in PROJECT_APPS:
            return f"{module}.{getattr(target, '__qualname__', type(target).__name__)}"
        if wrapped := getattr(fn, "__wrapped__", None):
            todo.append(wrapped)
        for cell in getattr(fn, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if callable(value):
                todo.append(value)
    return None


@dataclass(frozen=True)
class Found:
    key: str  # "namespace:name", or the pattern for an unnamed route
    pattern: str
    lookup_str: str
    view: str  # the project's view (through decorators)


def _walk(resolver, prefix: str = "", namespace: str | None = None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield prefix + str(entry.pattern), name, entry


def project_routes() -> list[Found]:
    """Every URL pattern whose view is one of the project's, minus the API (django-ninja's
    routes, covered by the API part below)."""
    found: dict[str, Found] = {}
    for pattern, name, entry in _walk(get_resolver()):
        view = _project_view(entry.callback)
        if view is None or pattern.startswith("api/v1/"):
            continue
        key = name or pattern
        found.setdefault(key, Found(key, pattern, entry.lookup_str, view))
    return sorted(found.values(), key=lambda f: f.key)


# ----------------------------------------------------------------------------- who may use it

PUBLIC = "public"  # anyone
TOKEN = "token"  # anyone holding the secret in the URL (the token is the permission)
SIGNED_IN = "signed in"  # any signed-in person, on their own data only
OWNER = "owner"  # learner A's own objects
ORG_MANAGER = "organisation manager"  # managers of A's organisation (programme staff look)
TRAINER = "trainer"  # trainers of the session, organisers of its format, programme staff
ORGANISER = "organiser"  # organisers of the training format (and programme staff)
PROGRAMME = "programme"  # programme staff
REGIONAL = "regional"  # programme staff, regional coordinators within their own regions
ADMIN_SELF = "admin, own"  # anyone with admin access, on their own account/scope
EDITOR = "editor"  # course editors (who may edit the page / submit translations)
REVIEWER = "reviewer"  # course reviewers (who may publish the page)

#: who is asked to be refused, per class; the base strangers are refused everywhere but on
#: public and token pages (where they are only checked for 5xx and changed rows)
BASE_STRANGERS = ("anon", "B", "M2", "O2", "T2", "R2")
STRANGERS = {
    PUBLIC: BASE_STRANGERS,
    TOKEN: BASE_STRANGERS,
    SIGNED_IN: BASE_STRANGERS,
    # A's manager and programme staff see A's certificates (`insiders` of those routes), no
    # more: not A's attempts, tokens or name
    OWNER: (*BASE_STRANGERS, "MA", "P"),
    ORG_MANAGER: (*BASE_STRANGERS, "A"),
    TRAINER: (*BASE_STRANGERS, "A"),
    ORGANISER: (*BASE_STRANGERS, "A", "TA"),
    PROGRAMME: (*BASE_STRANGERS, "A", "MA", "OA", "TA", "E"),
    # R2 may read the programme pages of their own region: asked separately (`_regional_check`)
    REGIONAL: ("anon", "B", "M2", "O2", "T2", "A", "MA", "OA", "TA", "E"),
    ADMIN_SELF: ("anon", "B", "M2", "T2", "R2", "A"),
    EDITOR: (*BASE_STRANGERS, "A", "OA", "P"),
    REVIEWER: (*BASE_STRANGERS, "A", "OA", "E"),
}
#: people who get in but must see only their own (admin access, another organiser's scope)
SCOPED = {ADMIN_SELF: ("O2",)}
#: who must get in (the positive control)
RIGHTFUL = {
    PUBLIC: "anon",
    TOKEN: "anon",
    SIGNED_IN: "A",
    OWNER: "A",
    ORG_MANAGER: "MA",
    TRAINER: "TA",
    ORGANISER: "OA",
    PROGRAMME: "P",
    REGIONAL: "P",
    ADMIN_SELF: "E",
    EDITOR: "E",
    REVIEWER: "RV",
}
#: classes whose strangers must be refused (on the others they act on their own data)
REFUSING = {
    OWNER,
    ORG_MANAGER,
    TRAINER,
    ORGANISER,
    PROGRAMME,
    REGIONAL,
    ADMIN_SELF,
    EDITOR,
    REVIEWER,
}

W = SimpleNamespace
Kwargs = Callable[[W], dict[str, Any]]
Body = Callable[[W], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    cls: str
    #: "G", "P" or "GP": the methods the view answers
    methods: str = "G"
    kwargs: Kwargs | None = None
    #: a plausible POST body (besides the empty one)
    body: Body | None = None
    #: who must get in, when not the class's rightful person
    rightful: str | None = None
    #: strangers of the class who may use this route (e.g. programme staff read certificates)
    insiders: tuple[str, ...] = ()
    #: more strangers for this route (e.g. programme staff, who look at an organisation but
    #: do not change it)
    outsiders: tuple[str, ...] = ()
    #: a stranger on a public/token/signed-in route may add rows to A's world here (joining
    #: A's organisation through its join link, registering for A's public session)
    adds_rows: bool = False
    #: statuses the view answers by design besides the usual ones (e.g. healthz's 503)
    also: tuple[int, ...] = ()
    #: a query string for the request (e.g. the ids a chooser returns)
    query: Callable[[W], str] | None = None
    #: more of A's data that must not show here, though it is public elsewhere
    markers: tuple[str, ...] = ()


def _org(w):
    return {"pk": w.org.pk}


def _session(w):
    return {"public_id": w.session_a.public_id}


def _next_session(w):
    return {"public_id": w.session_next.public_id}


def _attempt(w):
    return {"attempt_id": w.attempt.public_id}


def _code(w):
    return {"code": w.certificate.code}


def _admin_session(w):
    return {"pk": w.session_a.pk}


def _session_form(w):
    from tests.trainings.conftest import admin_session_data

    return admin_session_data(w.session_a, venue="Overgenomen zaal")


#: the attendance code of A's session
ATTENDANCE_CODE = "KWD7PX"
#: where A's closed session is: no public list or feed names it
CLOSED_VENUE = "Besloten zaal Eigenaarshof"
#: A's training format: public on the session pages, but no other organiser's admin lists it
FORMAT_A = "Training Eigenaarsformat"

#: programme staff look at an organisation; only its managers change it
MANAGERS_ONLY = ("P",)
#: A's certificate is seen by A's manager (A works there) and by programme staff
CERTIFICATE_VIEWERS = ("MA", "P")

ROUTES: dict[str, Route] = {
    # --- public -----------------------------------------------------------------------------
    # 503 is its answer while the database or the broker is down
    "healthz": Route(PUBLIC, also=(503,)),
    "set_language": Route(PUBLIC, "P", body=lambda w: {"language": "en", "next": "/"}),
    # the JSON 404 of every unknown API address
    "^api/": Route(PUBLIC, "GP", also=(404,)),
    "courses_catalogue": Route(PUBLIC),
    "organisations:public_list": Route(PUBLIC),
    "trainings:list": Route(PUBLIC),
    "trainings:region_ics": Route(PUBLIC, kwargs=lambda w: {"slug": "utrecht"}),
    # A published session is public (an unpublished one needs its invitation token).
    "trainings:session": Route(PUBLIC, kwargs=_session),
    "trainings:session_ics": Route(PUBLIC, kwargs=_session),
    "verify_lookup": Route(PUBLIC),
    # The code printed on a certificate is the permission to check it (public facts only).
    "verify": Route(PUBLIC, kwargs=_code),
    "verify/<str:code>/": Route(PUBLIC, kwargs=_code),
    # --- a secret in the URL is the permission ------------------------------------------------
    # The join link of the staff-room poster: whoever has it may join (as staff, counted once
    # the manager sees them); joining adds a membership to A's organisation by design.
    "organisations:join": Route(
        TOKEN,
        "GP",
        kwargs=lambda w: {"token": w.org.join_token},
        body=lambda w: {"role": "reception"},
        adds_rows=True,
    ),
    # A personal invitation: anyone with the link sees it, only the invited address accepts.
    "organisations:invitation_accept": Route(
        TOKEN, "GP", kwargs=lambda w: {"token": w.invitation.token}
    ),
    "organisations:manager_invitation_accept": Route(
        TOKEN, "GP", kwargs=lambda w: {"token": w.manager_invitation.token}, rightful="CM"
    ),
    # --- any signed-in person, their own data -------------------------------------------------
    "accounts:settings": Route(SIGNED_IN, "GP"),
    "accounts:export": Route(SIGNED_IN),
    "accounts:delete": Route(SIGNED_IN, "GP"),
    "accounts:token_create": Route(SIGNED_IN, "P"),
    "lms:my_learning": Route(SIGNED_IN),
    # A course is public; enrolling and starting make the person's own enrolment.
    "lms:enrol": Route(SIGNED_IN, "GP", kwargs=lambda w: {"course_id": w.course1.pk}),
    "lms:start": Route(SIGNED_IN, "GP", kwargs=lambda w: {"course_id": w.course1.pk}),
    "organisations:list": Route(SIGNED_IN),
    "organisations:register": Route(SIGNED_IN, "GP"),
    "trainings:mine": Route(SIGNED_IN),
    "trainings:check_in": Route(SIGNED_IN, "GP", body=lambda w: {"code": ATTENDANCE_CODE}),
    "trainings:group_requests": Route(SIGNED_IN),
    "trainings:group_request_new": Route(SIGNED_IN, "GP"),
    # Registering for a public session makes the person's own registration.
    "trainings:register": Route(SIGNED_IN, "P", kwargs=_next_session, adds_rows=True),
    "trainings:cancel": Route(SIGNED_IN, "P", kwargs=_next_session),
    "certificate_list": Route(SIGNED_IN),
    # --- learner A's own objects --------------------------------------------------------------
    "accounts:token_revoke": Route(OWNER, "P", kwargs=lambda w: {"pk": w.token.pk}),
    # A lesson is content, but its page is the learner's attempt: strangers are sent away.
    "lms:lesson": Route(OWNER, kwargs=lambda w: {"lesson_id": w.lesson.pk}),
    "lms:lesson_done": Route(OWNER, "P", kwargs=lambda w: {"lesson_id": w.lesson.pk}),
    "lms:attempt": Route(OWNER, kwargs=_attempt),
    "lms:storyline_choose": Route(OWNER, "GP", kwargs=_attempt),
    "lms:attempt_submit": Route(OWNER, "P", kwargs=_attempt),
    "lms:answer": Route(
        OWNER,
        "GP",
        kwargs=lambda w: {**_attempt(w), "question_id": w.question_id},
        body=lambda w: {"option": w.right_option},
    ),
    "lms:scenario_choice": Route(
        OWNER, "GP", kwargs=lambda w: {**_attempt(w), "question_id": w.scenario_id}
    ),
    # Codes posted: only certificates the person may see go into a ZIP.
    "certificate_archive_create": Route(
        OWNER, "P", body=lambda w: {"code": w.certificate.code}, insiders=CERTIFICATE_VIEWERS
    ),
    "certificate_archive": Route(OWNER, kwargs=lambda w: {"public_id": w.archive.public_id}),
    "certificate_archive_download": Route(
        OWNER, kwargs=lambda w: {"public_id": w.archive.public_id}
    ),
    "certificate_detail": Route(OWNER, kwargs=_code, insiders=CERTIFICATE_VIEWERS),
    "certificate_pdf": Route(OWNER, kwargs=_code, insiders=CERTIFICATE_VIEWERS),
    "certificate_name_correct": Route(
        OWNER, "GP", kwargs=_code, body=lambda w: {"name": "Overgenomen Naam"}
    ),
    "trainings:evaluation": Route(OWNER, "GP", kwargs=_session),
    # the requester's request (and the format's organisers')
    "trainings:group_request": Route(
        OWNER,
        "GP",
        kwargs=lambda w: {"pk": w.group_request.pk},
        body=lambda w: {"action": "decline", "decline-response": "Nee"},
        insiders=("P",),  # programme staff answer every group request
    ),
    # --- the managers of A's organisation -----------------------------------------------------
    "organisations:dashboard": Route(ORG_MANAGER, kwargs=_org),
    "organisations:edit": Route(
        ORG_MANAGER,
        "GP",
        outsiders=MANAGERS_ONLY,
        kwargs=_org,
        body=lambda w: {"name": "Overgenomen", "municipality": "Ede", "declared_staff": 3},
    ),
    "organisations:manager_add": Route(
        ORG_MANAGER,
        "P",
        outsiders=MANAGERS_ONLY,
        kwargs=_org,
        body=lambda w: {"manager-email": "kwaad@example.org"},
    ),
    "organisations:manager_remove": Route(
        ORG_MANAGER,
        "P",
        outsiders=MANAGERS_ONLY,
        kwargs=lambda w: {"pk": w.org.pk, "user_id": w.MA.pk},
    ),
    "organisations:location_add": Route(
        ORG_MANAGER,
        "P",
        outsiders=MANAGERS_ONLY,
        kwargs=_org,
        body=lambda w: {"location-name": "Kelder", "location-municipality": "Ede"},
    ),
    "organisations:location_remove": Route(
        ORG_MANAGER,
        "P",
        outsiders=MANAGERS_ONLY,
        kwargs=lambda w: {"pk": w.org.pk, "location_id": w.location.pk},
    ),
    "organisations:invite": Route(
        ORG_MANAGER,
        "P",
        outsiders=MANAGERS_ONLY,
        kwargs=_org,
        body=lambda w: {"email": "kwaad@example.org", "role": "other"},
    ),
    "organisations:invitation_resend": Route(
        ORG_MANAGER,
        "P",
        outsiders=MANAGERS_ONLY,
        kwargs=lambda w: {"pk": w.org.pk, "invitation_id": w.invitation.pk},
    ),
    "organisations:invitation_withdraw": Route(
        ORG_MANAGER,
        "GP",
        outsiders=MANAGERS_ONLY,
        kwargs=lambda w: {"pk": w.org.pk, "invitation_id": w.invitation.pk},
    ),
    "organisations:import": Route(ORG_MANAGER, "P", outsiders=MANAGERS_ONLY, kwargs=_org),
    "organisations:export": Route(ORG_MANAGER, kwargs=_org),
    "organisations:import_template": Route(ORG_MANAGER, outsiders=MANAGERS_ONLY, kwargs=_org),
    "organisations:reminders": Route(ORG_MANAGER, "P", outsiders=MANAGERS_ONLY, kwargs=_org),
    "organisations:member_remove": Route(
        ORG_MANAGER,
        "GP",
        outsiders=MANAGERS_ONLY,
        kwargs=lambda w: {"pk": w.org.pk, "membership_id": w.membership.pk},
        body=lambda w: {"confirm": "on"},
    ),
    "organisations:certificate_pdf": Route(ORG_MANAGER, kwargs=_org),
    "organisations:sticker_pdf": Route(ORG_MANAGER, kwargs=_org),
    "organisations:join_poster": Route(ORG_MANAGER, kwargs=_org),
    "organisations:join_link_rotate": Route(ORG_MANAGER, "P", outsiders=MANAGERS_ONLY, kwargs=_org),
    # --- programme staff --------------------------------------------------------------------
    "organisations:counting_courses": Route(
        PROGRAMME, "GP", kwargs=_org, body=lambda w: {"courses": [str(w.course1.translation_key)]}
    ),
    "organisations:registration_review": Route(
        PROGRAMME, "GP", kwargs=_org, body=lambda w: {"decision": "approve", "kvk_checked": "on"}
    ),
    "reporting:quarterly_report": Route(PROGRAMME),
    "reporting:outside_counts": Route(PROGRAMME, "GP"),
    "reporting:outside_counts_template": Route(PROGRAMME),
    "reporting:outside_count_file_withdraw": Route(
        PROGRAMME, "GP", kwargs=lambda w: {"pk": w.outside_file.pk}
    ),
    "reporting:target_population": Route(
        PROGRAMME,
        "P",
        kwargs=lambda w: {"pk": w.target_n.pk},
        body=lambda w: {"population": "100", "source": "kwaad", "on_date": "2025-01-01"},
    ),
    "certificates_admin": Route(PROGRAMME),
    "certificates_admin_reissue": Route(PROGRAMME, "P"),
    "certificates_admin_job": Route(PROGRAMME, kwargs=lambda w: {"pk": w.reissue_job.pk}),
    "certificates_admin_detail": Route(PROGRAMME, kwargs=_code),
    "certificates_admin_revoke": Route(
        PROGRAMME, "P", kwargs=_code, body=lambda w: {"reason": "Kwaad opzet"}
    ),
    "outbox_stuck": Route(PROGRAMME),
    "outbox_retry": Route(PROGRAMME, "P", kwargs=lambda w: {"pk": w.outbox_message.pk}),
    # --- programme staff, regional coordinators within their regions --------------------------
    "reporting:dashboard": Route(REGIONAL),
    "reporting:overview_export": Route(REGIONAL, kwargs=lambda w: {"fmt": "csv"}),
    "reporting:full_export": Route(REGIONAL, kwargs=lambda w: {"fmt": "csv"}),
    "reporting:target": Route(REGIONAL, kwargs=lambda w: {"pk": w.target.pk}),
    "reporting:table_export": Route(
        REGIONAL, kwargs=lambda w: {"pk": w.target.pk, "table": "all", "fmt": "csv"}
    ),
    # --- trainers of the session, organisers of its format ------------------------------------
    "trainings:attendance": Route(
        TRAINER,
        "GP",
        kwargs=_session,
        body=lambda w: {"registration": w.registration.pk, "status": "absent"},
    ),
    "trainings:evaluation_results": Route(TRAINER, kwargs=_session),
    "trainings:evaluation_export": Route(TRAINER, kwargs=_session),
    "trainings:format_evaluation_results": Route(ORGANISER, kwargs=lambda w: {"pk": w.format_a.pk}),
    "trainings:format_evaluation_export": Route(ORGANISER, kwargs=lambda w: {"pk": w.format_a.pk}),
    # The admin's session views: only sessions of formats the person organises (others 404).
    "wagtailsnippets_trainings_trainingsession:edit": Route(
        ORGANISER, "GP", kwargs=_admin_session, body=_session_form
    ),
    "wagtailsnippets_trainings_trainingsession:delete": Route(
        ORGANISER, "GP", kwargs=_admin_session
    ),
    "wagtailsnippets_trainings_trainingsession:usage": Route(ORGANISER, kwargs=_admin_session),
    "wagtailsnippets_trainings_trainingsession:history": Route(ORGANISER, kwargs=_admin_session),
    "wagtailsnippets_trainings_trainingsession:history_results": Route(
        ORGANISER, kwargs=_admin_session
    ),
    "wagtailsnippets_trainings_trainingsession:copy": Route(ORGANISER, kwargs=_admin_session),
    "wagtailsnippetchoosers_trainings_trainingsession:chosen": Route(
        ORGANISER, kwargs=lambda w: {"pk": str(w.session_a.pk)}
    ),
    # The session chooser lists only the person's own sessions (checked: A's are not listed).
    "wagtailsnippetchoosers_trainings_trainingsession:choose": Route(
        ADMIN_SELF, rightful="OA", markers=(FORMAT_A,)
    ),
    "wagtailsnippetchoosers_trainings_trainingsession:choose_results": Route(
        ADMIN_SELF, rightful="OA", markers=(FORMAT_A,)
    ),
    "wagtailsnippetchoosers_trainings_trainingsession:chosen_multiple": Route(
        ADMIN_SELF,
        rightful="OA",
        query=lambda w: f"id={w.session_a.pk}",
        markers=(FORMAT_A,),
    ),
    # --- the admin's own pages ----------------------------------------------------------------
    "admin/account/": Route(ADMIN_SELF, "GP"),
    # lists the courses the person may edit
    "course_sources": Route(ADMIN_SELF),
    "admin/localize/update/<int:translation_source_id>/": Route(
        EDITOR,
        "GP",
        kwargs=lambda w: {"translation_source_id": w.translation_source.pk},
        body=lambda w: {"publish_translations": "on"},
    ),
    "cms_submit_translation_for_review": Route(
        EDITOR, "GP", kwargs=lambda w: {"page_id": w.translated_course.pk}
    ),
    "admin/localize/page/<int:page_id>/convert_to_alias/": Route(
        REVIEWER, "GP", kwargs=lambda w: {"page_id": w.translated_course.pk}
    ),
}


# ----------------------------------------------------------------------------- the world

#: A's private data: none of it may appear in what a stranger gets on a non-public page
MARKERS = {
    "A's name": "Aafke Eigenaarsdochter",
    "A's e-mail": "aafke.eigenaar@example.org",
    "A's manager's e-mail": "manager.eigenaar@example.org",
    "the organisation": "Hotel Eigenaarshof",
    "the invitation's address": "uitgenodigd.eigenaar@example.org",
    "the location": "Dependance Eigenaarshof",
    "the group request": "School Eigenaarshof",
    "the outside-count file": "buitentelling-eigenaarshof.csv",
}


def _build_world() -> W:
    from wagtail.models import Locale
    from wagtail_localize.models import TranslationSource

    from accounts import roles
    from accounts.models import CoordinatorScope, Region
    from accounts.services import access_token_create
    from certificates import services as certificate_services
    from cms.roles import ensure_roles
    from courses.models import LessonPage
    from organisations.services import certification, registration, staff
    from outbox.models import OutboxMessage
    from reporting.models import Target
    from reporting.services import outside_counts_import
    from tests.cms.test_translation_review import course_catalogues_in
    from tests.factories import (
        AttemptFactory,
        CertificateFactory,
        CompletionFactory,
        MembershipFactory,
        OrganisationFactory,
        TargetFactory,
        UserFactory,
        make_course,
    )
    from tests.trainings.conftest import attended, make_format, make_session
    from trainings import services as training_services
    from trainings.models import Registration

    ensure_roles()
    utrecht = Region.objects.get(slug="utrecht")
    groningen = Region.objects.get(slug="groningen")
    course_catalogues_in("en")
    w = W()
    w.course1 = make_course(title="Module in uitvoering")
    w.course2 = make_course(title="Hotelmodule")

    # learner A and their own things
    w.A = UserFactory(email=MARKERS["A's e-mail"], full_name=MARKERS["A's name"], region=utrecht)
    w.attempt = AttemptFactory(enrolment__user=w.A, enrolment__course=w.course1)
    w.lesson = LessonPage.objects.get(pk=w.attempt.snapshot["lesson_ids"][0])
    graded = w.attempt.graded_questions[0]
    w.question_id = graded["id"]
    w.right_option = [o["id"] for o in graded["options"] if o["correct"]]
    w.scenario_id = next(q["id"] for q in w.attempt.questions if q["type"] == "scenario")
    w.certificate = CertificateFactory(completion=CompletionFactory(user=w.A, course=w.course2))
    w.token, _raw = access_token_create(user=w.A, name="A's token")
    w.archive = certificate_services.archive_create(user=w.A, codes=[w.certificate.code])
    w.archive = certificate_services.archive_build(archive=w.archive)
    w.certificate.refresh_from_db()

    # A's organisation: manager, A on its staff, invitations, a location, its certificate
    w.MA = UserFactory(email=MARKERS["A's manager's e-mail"], role=roles.ORGANISATION_MANAGER)
    w.org = OrganisationFactory(
        manager=w.MA, name=MARKERS["the organisation"], declared_staff=1, counting_course=w.course2
    )
    w.membership = MembershipFactory(organisation=w.org, user=w.A)
    certification.organisation_evaluate(organisation=w.org)
    w.invitation = staff.staff_invite(
        organisation=w.org, email=MARKERS["the invitation's address"], invited_by=w.MA
    )
    w.CM = UserFactory(email="co.manager.eigenaar@example.org")
    w.manager_invitation = staff.manager_invite(
        organisation=w.org, email=w.CM.email, invited_by=w.MA
    )
    w.location = registration.location_add(
        organisation=w.org, name=MARKERS["the location"], municipality="Utrecht"
    )
    w.org.refresh_from_db()
    w.M2 = UserFactory(role=roles.ORGANISATION_MANAGER)
    w.org2 = OrganisationFactory(manager=w.M2, name="Hotel Anderman")

    # A's training: its organiser, a session that has been given by its trainer, A attended
    w.OA = UserFactory(role=roles.TRAINING_ORGANISER)
    w.format_a = make_format(title=FORMAT_A)
    w.format_a.organisers.add(w.OA)
    now = timezone.now()
    w.session_a = make_session(
        w.format_a, starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1)
    )
    w.TA = UserFactory(role=roles.TRAINER)
    w.session_a.trainers.add(w.TA)
    w.registration = attended(w.session_a, w.A)
    # the code the trainer shows in the room: B, not registered, cannot check in with it
    w.session_a.attendance_code = ATTENDANCE_CODE
    w.session_a.attendance_code_expires_at = now + timedelta(minutes=10)
    w.session_a.save(update_fields=["attendance_code", "attendance_code_expires_at"])
    # a session still to come, A registered: what registering and cancelling are about
    w.session_next = make_session(w.format_a, days=10)
    w.session_next.trainers.add(w.TA)
    Registration.objects.create(session=w.session_next, user=w.A, status="registered")
    # a closed session (by invitation only), A registered: hidden from everyone else
    w.session_closed = make_session(w.format_a, days=12, is_closed=True, venue=CLOSED_VENUE)
    Registration.objects.create(session=w.session_closed, user=w.A, status="registered")
    w.group_request = training_services.group_request_create(
        user=w.A,
        training_format=w.format_a,
        organisation_name=MARKERS["the group request"],
        group_size=30,
        region=utrecht,
        preferred_dates="dinsdagochtend",
    )
    w.O2 = UserFactory(role=roles.TRAINING_ORGANISER)
    w.format_b = make_format(title="Ander format")
    w.format_b.organisers.add(w.O2)
    w.session_b = make_session(w.format_b)
    w.T2 = UserFactory(role=roles.TRAINER)
    w.session_b.trainers.add(w.T2)

    # the programme: staff, targets, an outside-count file, outbox work, a reissue job
    w.P = UserFactory(role=roles.PROGRAMME_STAFF)
    w.target = TargetFactory(course=w.course2)
    w.target_n = Target.objects.create(
        code="alle-hotels",
        title="Alle hotels",
        unit=Target.Unit.ORGANISATIONS_CERTIFIED,
        goal=Target.Goal.ALL_OF_N,
        period_start=date(2024, 1, 1),
        period_end=date(2030, 12, 31),
    )
    w.outside_file = outside_counts_import(
        content=b"date,source,count,email_sha256,region\n2025-03-01,campaign,4,,utrecht\n",
        filename=MARKERS["the outside-count file"],
        by=w.P,
    )
    w.reissue_job = certificate_services.reissue_job_create(actor=w.P)
    w.outbox_message = OutboxMessage.objects.filter(done_at__isnull=True).order_by("pk").first()
    assert w.outbox_message is not None
    w.R2 = UserFactory(role=roles.REGIONAL_COORDINATOR)
    CoordinatorScope.objects.create(user=w.R2).regions.set([groningen])

    # the admin: an editor, a reviewer, course1 translated into English by the editor
    w.E = UserFactory(role=roles.COURSE_EDITOR)
    w.RV = UserFactory(role=roles.COURSE_REVIEWER)
    editor = Client()
    editor.force_login(w.E)
    english = Locale.objects.get(language_code="en")
    response = editor.post(
        reverse("wagtail_localize:submit_page_translation", args=[w.course1.pk]),
        {"locales": [english.pk], "include_subtree": "on"},
    )
    assert response.status_code == 302, response
    w.translation_source = TranslationSource.objects.get(
        object_id=w.course1.translation_key, locale=w.course1.locale
    )
    w.translated_course = type(w.course1).objects.get(
        translation_key=w.course1.translation_key, locale=english
    )

    w.B = UserFactory()
    assert not Group.objects.filter(user=w.B).exists()
    return w


PERSONAS = ("A", "B", "CM", "MA", "M2", "OA", "O2", "TA", "T2", "P", "R2", "E", "RV")


def _snapshot_queries(w: W) -> dict[str, Any]:
    """The rows of A's world, per model: cheap `values()` queries, ordered."""
    from wagtail.models import Page, Revision, WorkflowState
    from wagtail_localize.models import Translation

    from accounts.models import PersonalAccessToken, User
    from certificates.models import Certificate, CertificateArchive, CertificateEvent, ReissueJob
    from lms.models import Answer, Attempt, Completion, Enrolment, LessonProgress
    from organisations.models import (
        Invitation,
        Location,
        ManagerInvitation,
        Organisation,
        OrganisationCertificate,
        StaffMembership,
    )
    from outbox.models import OutboxMessage
    from reporting.models import OutsideCount, OutsideCountFile, Target
    from trainings.models import (
        Attendance,
        GroupRequest,
        Registration,
        SessionEvaluation,
        TrainingFormat,
        TrainingSession,
    )

    a = w.A
    pages = [w.course1.pk, w.course2.pk, w.translated_course.pk]
    return {
        "users": User.objects.filter(pk__in=[getattr(w, p).pk for p in PERSONAS if p != "B"]),
        "tokens": PersonalAccessToken.objects.filter(user=a),
        "enrolments": Enrolment.objects.filter(user=a),
        "lesson progress": LessonProgress.objects.filter(enrolment__user=a),
        "attempts": Attempt.objects.filter(enrolment__user=a),
        "answers": Answer.objects.filter(attempt__enrolment__user=a),
        "completions": Completion.objects.filter(user=a),
        "certificates": Certificate.objects.all(),
        "certificate events": CertificateEvent.objects.filter(certificate__user=a),
        "archives": CertificateArchive.objects.all(),
        "reissue jobs": ReissueJob.objects.all(),
        "organisations": Organisation.objects.filter(pk=w.org.pk),
        "managers": Organisation.managers.through.objects.filter(organisation=w.org),
        "memberships": StaffMembership.objects.filter(organisation=w.org),
        "invitations": Invitation.objects.filter(organisation=w.org),
        "manager invitations": ManagerInvitation.objects.filter(organisation=w.org),
        "locations": Location.objects.filter(organisation=w.org),
        "organisation certificates": OrganisationCertificate.objects.filter(organisation=w.org),
        "formats": TrainingFormat.objects.filter(pk=w.format_a.pk),
        "sessions": TrainingSession.objects.all(),
        "trainers": TrainingSession.trainers.through.objects.filter(trainingsession=w.session_a),
        "registrations": Registration.objects.filter(session__training_format=w.format_a),
        "attendance": Attendance.objects.filter(registration__session=w.session_a),
        "evaluations": SessionEvaluation.objects.filter(session=w.session_a),
        "group requests": GroupRequest.objects.filter(pk=w.group_request.pk),
        "targets": Target.objects.all(),
        "outside files": OutsideCountFile.objects.all(),
        "outside counts": OutsideCount.objects.filter(file=w.outside_file),
        "outbox": OutboxMessage.objects.all(),
        "pages": Page.objects.filter(pk__in=pages),
        "revisions": Revision.page_revisions.filter(object_id__in=[str(pk) for pk in pages]),
        "workflow states": WorkflowState.objects.all(),
        "translations": Translation.objects.filter(source=w.translation_source),
    }


def _values_pk(row: dict) -> Any:
    return row.get("id", row.get("pk"))


def snapshot_rows(w: W) -> dict[str, dict[Any, dict]]:
    """{model: {pk: row}} of A's world."""
    return {
        label: {_values_pk(row): row for row in queryset.order_by("pk").values()}
        for label, queryset in _snapshot_queries(w).items()
    }


def write_count(w: W) -> int:
    """How many rows this transaction has written to the tables of the snapshot so far
    (PostgreSQL's per-transaction counters, one cheap query): when it has not moved, nothing
    of A's world changed and the snapshot need not be read. -1 elsewhere (always read)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return -1
    if not hasattr(w, "tables"):
        w.tables = sorted({qs.model._meta.db_table for qs in _snapshot_queries(w).values()})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
            " FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
            [w.tables],
        )
        return int(cursor.fetchone()[0])


def fingerprint(w: W) -> tuple:
    """A hash of every table of the snapshot, in one query (PostgreSQL): cheap enough to take
    after every POST; the rows themselves are read only when it changed."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return tuple(sorted((k, repr(v)) for k, v in snapshot_rows(w).items()))
    parts, params = [], []
    for label, queryset in _snapshot_queries(w).items():
        sql, sql_params = queryset.order_by().values().query.sql_with_params()
        # `sql` is the ORM's own query of the snapshot, its values passed as parameters
        digest = "SELECT %s AS label, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
        parts.append(f"{digest} FROM ({sql}) AS t")
        params.extend([label, *sql_params])
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return tuple(cursor.fetchall())


def changes(before, after, *, new_rows_allowed: bool) -> list[str]:
    found = []
    for label, rows in before.items():
        now = after[label]
        for pk, row in rows.items():
            if pk not in now:
                found.append(f"{label} #{pk} deleted")
            elif now[pk] != row:
                changed = sorted(k for k in row if row[k] != now[pk].get(k))
                found.append(f"{label} #{pk} changed: {changed}")
        if not new_rows_allowed:
            found.extend(f"{label} #{pk} added" for pk in now.keys() - rows.keys())
    return found


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """A's world, built once for the module inside a transaction that is rolled back at its
    end; each test runs in a savepoint inside it (pytest-django's `db`). Personas sign in once:
    their session cookie is reused by every test's clients."""
    media = tmp_path_factory.mktemp("media")
    from accounts.services import access_token_create

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        w = _build_world()
        w.media = media
        w.cookies = {}
        for persona in PERSONAS:
            client = Client()
            client.force_login(getattr(w, persona))
            w.cookies[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
        _token, w.b_token = access_token_create(user=w.B, name="B's token")
        w.api_tokens = {
            persona: access_token_create(user=getattr(w, persona), name="API")[1]
            for persona in API_TOKEN_PERSONAS
        }
        w.fingerprint, w.rows = fingerprint(w), snapshot_rows(w)
        yield w
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_root(settings, world):
    """The world's files (the certificate PDF, the ZIP) stay where the world put them."""
    settings.MEDIA_ROOT = world.media


def client_for(w: W, persona: str) -> Client:
    client = Client()
    if persona != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = w.cookies[persona]
    return client


# ----------------------------------------------------------------------------- the checks


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", "replace")


def leaked_markers(response, extra: tuple[str, ...] = ()) -> list[str]:
    text = body_of(response)
    found = [what for what, marker in MARKERS.items() if marker in text]
    return found + [marker for marker in extra if marker in text]


def _location(response) -> str:
    return response.get("Location", "")


def _describe(route_key, persona, method, response) -> str:
    return f"{route_key}: {persona} {method} -> {response.status_code} {_location(response)}"


def _is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303) and "/login/" in _location(response)


class Matrix:
    """The requests of one route and what went wrong with them."""

    def __init__(self, w: W, key: str, route: Route, url: str):
        self.w, self.key, self.route, self.url = w, key, route, url
        self.problems: list[str] = []
        # every test starts from the world as built (its changes are rolled back)
        self.baseline, self.rows = w.fingerprint, w.rows
        self.written = write_count(w)
        self.factor_setup = reverse("mfa_activate_totp")

    @property
    def private(self) -> bool:
        return self.route.cls not in (PUBLIC, TOKEN)

    @property
    def new_rows_allowed(self) -> bool:
        return self.route.adds_rows and self.route.cls not in REFUSING

    def compare(self, what: str) -> None:
        """Nothing of A's world changed (rows added too, unless the route adds them by design);
        the new state is the baseline of the next request."""
        written = write_count(self.w)
        if written == self.written and written >= 0:
            return  # nothing written to A's tables at all
        self.written = written
        now = fingerprint(self.w)
        if now == self.baseline:
            return
        rows = snapshot_rows(self.w)
        found = changes(self.rows, rows, new_rows_allowed=self.new_rows_allowed)
        if found:
            self.problems.append(f"{what}: changed A's data: {found}")
        self.baseline, self.rows = now, rows

    def ask(self, persona: str, method: str, data: dict | None = None, *, scoped=False):
        client = client_for(self.w, persona)
        response = client.post(self.url, data or {}) if method == "POST" else client.get(self.url)
        what = _describe(self.key, persona, method, response) + (f" {data}" if data else "")
        self.judge(persona, response, what, client, scoped=scoped)
        self.compare(what)
        return response

    def judge(self, persona: str, response, what: str, client, *, scoped=False) -> None:
        status = response.status_code
        if status >= 500 and status not in self.route.also:
            self.problems.append(f"{what}: a server error")
        location = _location(response)
        if persona != "anon" and location.startswith(self.factor_setup):
            self.problems.append(f"{what}: refused by the second-factor gate, not by permission")
        if not self.private:
            return
        if leaked := leaked_markers(response, self.route.markers):
            self.problems.append(f"{what}: shows {leaked}")
        if persona == "anon":
            if not (_is_login_redirect(response) or status in (401, 403, 404, 405)):
                self.problems.append(f"{what}: anonymous is not sent to log in")
            return
        if self.route.cls not in REFUSING or scoped:
            return
        if status in (301, 302, 303):
            if not location or location.split("?")[0] == self.url.split("?")[0]:
                self.problems.append(f"{what}: redirected to the object itself")
            # where the redirect leads must not show A's data either
            followed = client.get(location)
            if followed.status_code >= 500:
                self.problems.append(f"{what}: the redirect leads to a server error")
            if leaked := leaked_markers(followed, self.route.markers):
                self.problems.append(f"{what}: the redirect leads to {leaked}")
        elif status not in (403, 404, 405):
            self.problems.append(f"{what}: a stranger is not refused")


def _route_url(key: str, found: Found, route: Route, w: W) -> str:
    kwargs = route.kwargs(w) if route.kwargs else {}
    if found.key != found.pattern:  # a named route
        return reverse(key, kwargs=kwargs)
    # an unnamed route: its pattern filled in
    path = found.pattern
    for name, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
    assert "<" not in path, f"{key}: parameters left in {path}"
    return "/" + path.lstrip("^")


def route_url(found: Found, route: Route, w: W) -> str:
    url = _route_url(found.key, found, route, w)
    return f"{url}?{route.query(w)}" if route.query else url


ALL_ROUTES = project_routes()


def test_every_route_is_classified():
    """A new view cannot be added without deciding who may use it (and a removed one leaves
    no stale entry)."""
    keys = {found.key for found in ALL_ROUTES}
    missing = sorted(
        f"{f.key} ({f.pattern} -> {f.view})" for f in ALL_ROUTES if f.key not in ROUTES
    )
    assert not missing, "routes without a decision who may use them (add them to ROUTES):\n" + (
        "\n".join(missing)
    )
    stale = sorted(set(ROUTES) - keys)
    assert not stale, f"ROUTES names routes that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("found", ALL_ROUTES, ids=lambda f: f.key)
def test_strangers_are_refused_and_the_rightful_person_gets_in(world, found):
    route = ROUTES.get(found.key)
    assert route is not None, f"{found.key} ({found.pattern}) is not classified in ROUTES"
    w = world
    url = route_url(found, route, w)
    matrix = Matrix(w, found.key, route, url)
    bodies = [{}] + ([route.body(w)] if route.body else [])
    strangers = [p for p in STRANGERS[route.cls] if p not in route.insiders]
    personas = [(p, False) for p in (*strangers, *route.outsiders)]
    personas += [(p, True) for p in SCOPED.get(route.cls, ())]
    for persona, scoped in personas:
        matrix.ask(persona, "GET", scoped=scoped)
        if "P" in route.methods:
            for data in bodies:
                matrix.ask(persona, "POST", data, scoped=scoped)
    matrix.compare(f"{found.key}: the strangers' requests")
    if route.cls == REGIONAL:
        _regional_check(matrix, url)
    _rightful_check(matrix, route, url)
    _made_up_values_check(matrix, found, route)
    assert not matrix.problems, "\n".join(matrix.problems)


def _made_up_values_check(matrix: Matrix, found: Found, route: Route) -> None:
    """A text parameter (a code, a token, an id the chooser reads from the address) that is
    made up, or a number too large for an id, is not found, never a server error."""
    texts = re.findall(r"<(?:str|slug):(\w+)>", found.pattern)
    if not texts:
        return
    client = client_for(matrix.w, route.rightful or RIGHTFUL[route.cls])
    for value in ("abc", "99999999999999999999"):
        kwargs = {**(route.kwargs(matrix.w) if route.kwargs else {}), **dict.fromkeys(texts, value)}
        url = _route_url(found.key, found, replace(route, kwargs=lambda w, k=kwargs: k), matrix.w)
        response = client.get(url)
        if response.status_code >= 500:
            matrix.problems.append(f"{_describe(found.key, 'rightful', 'GET', response)}: a 5xx")


def _regional_check(matrix: Matrix, url: str) -> None:
    """R2 (a coordinator of Groningen) reads their own region, never A's (Utrecht)."""
    client = client_for(matrix.w, "R2")
    own = client.get(url)
    what = _describe(matrix.key, "R2", "GET", own)
    if own.status_code != 200:
        matrix.problems.append(f"{what}: a coordinator cannot read their own region")
    if leaked := leaked_markers(own, matrix.route.markers):
        matrix.problems.append(f"{what}: shows {leaked}")
    other = client.get(f"{url}?region=utrecht")
    if other.status_code != 404:
        matrix.problems.append(
            f"{_describe(matrix.key, 'R2', 'GET', other)} ?region=utrecht: another region is not 404"
        )


def _rightful_check(matrix: Matrix, route: Route, url: str) -> None:
    """The positive control: the rightful person gets in (GET 200/302; a POST-only route
    answers their empty POST without refusing them)."""
    persona = route.rightful or RIGHTFUL[route.cls]
    client = client_for(matrix.w, persona)
    if "G" in route.methods:
        response, allowed = client.get(url), (200, 302, 303)
    else:
        response, allowed = client.post(url, {}), (200, 302, 303, 400, 409)
    status = response.status_code
    what = _describe(matrix.key, persona, "GET" if "G" in route.methods else "POST", response)
    refused = (
        status not in allowed
        or (persona != "anon" and _is_login_redirect(response))
        or _location(response).startswith(matrix.factor_setup)
    )
    if status in route.also:
        refused = False
    if refused:
        matrix.problems.append(f"{what}: the rightful person does not get in (positive control)")
    elif missing := [m for m in route.markers if m not in body_of(response)]:
        # the markers a stranger must not see are there for the rightful person
        matrix.problems.append(f"{what}: the rightful person does not see {missing}")
    if route.methods == "GP":
        # an empty form from the rightful person is a clear error or done, never a 5xx (last:
        # it may change A's world, which the test's rollback restores)
        posted = client.post(url, {})
        if posted.status_code >= 500 and posted.status_code not in route.also:
            matrix.problems.append(f"{_describe(matrix.key, persona, 'POST', posted)}: a 5xx")


@pytest.mark.django_db
def test_a_role_without_a_second_factor_is_sent_to_set_one_up(world):
    """The second-factor gate still stands in front of the staff areas (the strangers above
    have their factor, so they meet the permission checks instead)."""
    from accounts import roles
    from tests.factories import UserFactory

    manager = UserFactory(role=roles.ORGANISATION_MANAGER, second_factor=False)
    world.org.managers.add(manager)
    client = Client()
    client.force_login(manager)
    response = client.get(reverse("organisations:dashboard", args=[world.org.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    programme = UserFactory(role=roles.PROGRAMME_STAFF, second_factor=False)
    client.force_login(programme)
    response = client.get(reverse("reporting:dashboard"))
    assert response["Location"] == reverse("mfa_activate_totp")


# ----------------------------------------------------------------------------- the API

API_PUBLIC = "public"  # documented without security
API_SELF = "self"  # a signed-in person acts on a public object for themselves
API_OWNED = "owned"  # A's object (or A's people's): B is refused

#: every API operation with a path parameter: its class, the persona who may use it (the
#: positive control of a GET), and which of A's objects fill its parameters
API_ROUTES: dict[str, tuple[str, str | None]] = {
    "courses_api_get_course": (API_PUBLIC, None),
    "certificates_api_certificate_verify": (API_PUBLIC, None),
    "trainings_api_session_detail": (API_PUBLIC, None),
    # enrolling in and starting a public course make B's own enrolment and attempt
    "lms_api_enrol": (API_SELF, None),
    "lms_api_start_attempt": (API_SELF, None),
    # registering for / cancelling at a public session: B's own registration
    "trainings_api_register": (API_SELF, None),
    "trainings_api_cancel": (API_SELF, None),
    "lms_api_get_attempt": (API_OWNED, "A"),
    "lms_api_choose_storyline": (API_OWNED, None),
    "lms_api_answer": (API_OWNED, None),
    "lms_api_choose": (API_OWNED, None),
    "lms_api_submit": (API_OWNED, None),
    # the lesson is content; the visit is recorded on the caller's own enrolment (B, who has
    # none, is told to enrol first: 409)
    "lms_api_visit_lesson": (API_SELF, None),
    "organisations_api_organisation_detail": (API_OWNED, "MA"),
    "organisations_api_organisation_patch": (API_OWNED, None),
    "organisations_api_organisation_member_list": (API_OWNED, "MA"),
    "organisations_api_organisation_invite": (API_OWNED, None),
    "organisations_api_organisation_manager_invite": (API_OWNED, None),
    "organisations_api_organisation_members_import": (API_OWNED, None),
    "organisations_api_organisation_certification": (API_OWNED, "MA"),
    "organisations_api_organisation_counting_courses": (API_OWNED, None),
    "organisations_api_organisation_join_link": (API_OWNED, "MA"),
    "organisations_api_organisation_join_link_rotate": (API_OWNED, None),
    "trainings_api_participants": (API_OWNED, "TA"),
    "trainings_api_attendance_mark": (API_OWNED, None),
    "trainings_api_evaluation_submit": (API_OWNED, None),
    "trainings_api_evaluation_results": (API_OWNED, "TA"),
    "trainings_api_format_evaluation_results": (API_OWNED, "OA"),
    "reporting_api_target_timeseries": (API_OWNED, "P"),
}
#: operations whose session is the one still to come (registering, cancelling)
API_NEXT_SESSION = {"trainings_api_register", "trainings_api_cancel"}
API_TOKEN_PERSONAS = ("A", "MA", "TA", "OA", "P", "M2", "O2", "T2")
#: role holders of other objects, asked with A's ids besides B (by operation id prefix)
API_ROLE_STRANGERS = {
    "organisations_api_": ("M2",),
    "trainings_api_participants": ("O2", "T2"),
    "trainings_api_attendance_mark": ("O2", "T2"),
    "trainings_api_evaluation_results": ("O2", "T2"),
    "trainings_api_format_evaluation_results": ("O2",),
}


def _api_parameter(w: W, operation_id: str, name: str) -> str:
    if name == "session_id":
        session = w.session_next if operation_id in API_NEXT_SESSION else w.session_a
        return str(session.public_id)
    values = {
        "slug": lambda: w.course1.slug,
        "attempt_id": lambda: w.attempt.public_id,
        "lesson_id": lambda: w.lesson.pk,
        "organisation_id": lambda: w.org.pk,
        "code": lambda: w.certificate.code,
        "training_key": lambda: w.format_a.translation_key,
        "target_id": lambda: w.target.pk,
    }
    assert name in values, f"{operation_id}: no value of A's for the path parameter {name!r}"
    return str(values[name]())


def _example(schema: dict, components: dict, w: W, depth: int = 0) -> Any:
    """A plausible value of `schema` (required fields only), aimed at A's objects."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _example(options[0], components, w, depth) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        # the required fields; a body of optional fields only (a PATCH) changes the name
        wanted = schema.get("required") or ([] if depth else ["name"])
        return {
            name: _example(properties[name], components, w, depth + 1)
            for name in wanted
            if name in properties
        }
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    fmt = schema.get("format", "")
    if fmt == "email":
        return "kwaad@example.org"
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date":
        return "2025-01-01"
    if fmt == "date-time":
        return "2025-01-01T10:00:00+01:00"
    return "Overgenomen"


@functools.cache
def _api_document() -> dict:
    from config.api import api

    return api.get_openapi_schema()


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    secured: bool
    parameters: tuple[str, ...]
    body: str  # "", "json" or "multipart"
    schema: dict = field(default_factory=dict, compare=False, hash=False)


def api_operations() -> list[Operation]:
    document = _api_document()
    operations = []
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            parameters = tuple(p["name"] for p in spec.get("parameters", []) if p["in"] == "path")
            if not parameters:
                continue
            content = spec.get("requestBody", {}).get("content", {})
            body = "multipart" if "multipart/form-data" in content else "json" if content else ""
            schema = content.get("application/json", {}).get("schema", {})
            operations.append(
                Operation(
                    spec["operationId"],
                    method.upper(),
                    path,
                    bool(spec.get("security")),
                    parameters,
                    body,
                    schema,
                )
            )
    return sorted(operations, key=lambda o: o.operation_id)


API_OPERATIONS = api_operations()


def test_every_api_operation_with_a_path_parameter_is_classified(client):
    """The document the project serves is the one the matrix walks, and every operation in it
    that names an object has a decision who may use it."""
    served = client.get("/api/v1/openapi.json").json()
    assert served["paths"] == json.loads(json.dumps(_api_document()["paths"]))
    missing = sorted(o.operation_id for o in API_OPERATIONS if o.operation_id not in API_ROUTES)
    assert not missing, f"API operations without a decision who may use them: {missing}"
    stale = sorted(set(API_ROUTES) - {o.operation_id for o in API_OPERATIONS})
    assert not stale, f"API_ROUTES names operations that no longer exist: {stale}"


def _api_call(w: W, client: Client, operation: Operation):
    path = operation.path
    for name in operation.parameters:
        path = path.replace(f"{{{name}}}", _api_parameter(w, operation.operation_id, name))
    if operation.method == "GET":
        return client.get(path)
    if operation.body == "multipart":
        from django.core.files.uploadedfile import SimpleUploadedFile

        csv = b"name,email,role,language\nKwaad,kwaad@example.org,reception,nl\n"
        return client.post(path, {"file": SimpleUploadedFile("staff.csv", csv, "text/csv")})
    document = _api_document()
    components = document.get("components", {}).get("schemas", {})
    body = _example(operation.schema, components, w) if operation.body else {}
    return client.generic(operation.method, path, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("operation", API_OPERATIONS, ids=lambda o: o.operation_id)
def test_api_refuses_strangers(world, operation):
    w = world
    kind, rightful = API_ROUTES.get(operation.operation_id, (None, None))
    assert kind is not None, f"{operation.operation_id} is not classified in API_ROUTES"
    problems: list[str] = []
    written = write_count(w)
    name = f"{operation.method} {operation.path} ({operation.operation_id})"

    anonymous = _api_call(w, Client(), operation)
    if anonymous.status_code >= 500:
        problems.append(f"{name}: anonymous -> {anonymous.status_code}")
    if operation.secured and anonymous.status_code != 401:
        problems.append(f"{name}: anonymous -> {anonymous.status_code}, not 401")

    tokens = {"B": w.b_token} | {
        persona: w.api_tokens[persona]
        for prefix, personas in API_ROLE_STRANGERS.items()
        if operation.operation_id.startswith(prefix)
        for persona in personas
    }
    for persona, token in tokens.items():
        answer = _api_call(w, Client(HTTP_AUTHORIZATION=f"Bearer {token}"), operation)
        status = answer.status_code
        if status >= 500:
            problems.append(f"{name}: {persona} -> {status}")
        if kind == API_OWNED and status not in (403, 404):
            problems.append(f"{name}: {persona} -> {status} {body_of(answer)[:200]}, not 403/404")
        if kind != API_PUBLIC and (leaked := leaked_markers(answer)):
            problems.append(f"{name}: {persona} gets {leaked}")

    if (write_count(w) != written or written < 0) and fingerprint(w) != w.fingerprint:
        found = changes(
            w.rows,
            snapshot_rows(w),
            new_rows_allowed=operation.operation_id == "trainings_api_register",
        )
        if found:
            problems.append(f"{name}: a refused call changed A's data: {found}")

    if rightful and operation.method == "GET":
        own = _api_call(w, Client(HTTP_AUTHORIZATION=f"Bearer {w.api_tokens[rightful]}"), operation)
        if own.status_code != 200:
            problems.append(f"{name}: {rightful} -> {own.status_code} (positive control)")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- mixed ids

#: A stranger's own object in the URL with one of A's inside it (the classic mix-up of ids):
#: (route, persona, URL parameters, POST body). Nothing of A's may change or show.
MIXED: list[tuple[str, str, Kwargs, Body | None]] = [
    (
        "organisations:manager_remove",
        "M2",
        lambda w: {"pk": w.org2.pk, "user_id": w.MA.pk},
        None,
    ),
    (
        "organisations:location_remove",
        "M2",
        lambda w: {"pk": w.org2.pk, "location_id": w.location.pk},
        None,
    ),
    (
        "organisations:invitation_resend",
        "M2",
        lambda w: {"pk": w.org2.pk, "invitation_id": w.invitation.pk},
        None,
    ),
    (
        "organisations:invitation_withdraw",
        "M2",
        lambda w: {"pk": w.org2.pk, "invitation_id": w.invitation.pk},
        None,
    ),
    (
        "organisations:member_remove",
        "M2",
        lambda w: {"pk": w.org2.pk, "membership_id": w.membership.pk},
        lambda w: {"confirm": "on"},
    ),
    (
        "trainings:attendance",
        "T2",
        lambda w: {"public_id": w.session_b.public_id},
        lambda w: {"registration": w.registration.pk, "status": "absent"},
    ),
    (
        "trainings:attendance",
        "O2",
        lambda w: {"public_id": w.session_b.public_id},
        lambda w: {"registration": w.registration.pk, "status": "absent"},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "persona", "kwargs", "body"), MIXED, ids=[f"{m[0]}-{m[1]}" for m in MIXED]
)
def test_a_strangers_own_object_does_not_reach_As(world, key, persona, kwargs, body):
    w = world
    url = reverse(key, kwargs=kwargs(w))
    client = client_for(w, persona)
    problems = []
    for data in ({}, body(w) if body else None):
        if data is None:
            continue
        for response in (client.get(url), client.post(url, data)):
            what = _describe(key, persona, response.request["REQUEST_METHOD"], response)
            if response.status_code >= 500:
                problems.append(f"{what}: a server error")
            if leaked := leaked_markers(response):
                problems.append(f"{what}: shows {leaked}")
    if fingerprint(w) != w.fingerprint:
        found = changes(w.rows, snapshot_rows(w), new_rows_allowed=False)
        if found:
            problems.append(f"{key} as {persona}: changed A's data: {found}")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- closed session


@pytest.mark.django_db
def test_a_closed_session_is_hidden_from_strangers(world):
    """A session by invitation only: its participant (A) sees it, strangers get 404 on its
    pages and cannot register, and the public list and calendar feed do not name it."""
    w = world
    session = {"public_id": w.session_closed.public_id}
    problems = []
    for persona in ("anon", "B", "M2", "O2", "T2"):
        client = client_for(w, persona)
        for key in ("trainings:session", "trainings:session_ics"):
            response = client.get(reverse(key, kwargs=session))
            if response.status_code != 404:
                problems.append(_describe(key, persona, "GET", response) + ": not 404")
        if persona != "anon":
            response = client.post(reverse("trainings:register", kwargs=session))
            if response.status_code != 404:
                problems.append(_describe("trainings:register", persona, "POST", response))
        for key, kwargs in (("trainings:list", {}), ("trainings:region_ics", {"slug": "utrecht"})):
            response = client.get(reverse(key, kwargs=kwargs))
            if CLOSED_VENUE in body_of(response):
                problems.append(_describe(key, persona, "GET", response) + ": names it")
    if fingerprint(w) != w.fingerprint:
        problems.append(
            f"changed A's data: {changes(w.rows, snapshot_rows(w), new_rows_allowed=False)}"
        )
    own = client_for(w, "A").get(reverse("trainings:session", kwargs=session))
    assert own.status_code == 200 and CLOSED_VENUE in body_of(own)
    assert not problems, "\n".join(problems)
