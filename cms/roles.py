"""The role groups and their permissions, kept in sync after every migrate (idempotent)."""

import logging

from django.contrib.auth.models import Group, Permission
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts import roles

logger = logging.getLogger(__name__)

ADMIN_ACCESS = "wagtailadmin.access_admin"
MEDIA_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]

#: organisers plan sessions of their own formats (the admin form and list are limited to them)
TRAINING_PERMISSIONS = [
    "trainings.add_trainingsession",
    "trainings.change_trainingsession",
    "trainings.view_trainingsession",
    "trainings.view_trainingformat",
]

#: which regions a regional coordinator covers: programme staff and site admins assign them
COORDINATOR_SCOPE_PERMISSIONS = [
    "accounts.add_coordinatorscope",
    "accounts.change_coordinatorscope",
    "accounts.delete_coordinatorscope",
    "accounts.view_coordinatorscope",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.LEARNER: [],
    roles.ORGANISATION_MANAGER: [],
    roles.COURSE_EDITOR: [
        ADMIN_ACCESS,
        "wagtail_localize.submit_translation",
        *MEDIA_PERMISSIONS,
    ],
    roles.COURSE_REVIEWER: [
        ADMIN_ACCESS,
        "wagtail_localize.submit_translation",
        *MEDIA_PERMISSIONS,
    ],
    roles.PROGRAMME_STAFF: [
        ADMIN_ACCESS,
        "accounts.view_programme_reports",
        "certificates.revoke_certificate",
        "certificates.view_certificate",
        "organisations.change_counting_courses",
        "organisations.review_registration",
        "outbox.retry_outboxmessage",
        "reporting.add_target",
        "reporting.change_target",
        "reporting.view_target",
        *COORDINATOR_SCOPE_PERMISSIONS,
        *TRAINING_PERMISSIONS,
        "trainings.add_trainingformat",
        "trainings.change_trainingformat",
        "trainings.manage_all_sessions",
    ],
    roles.TRAINING_ORGANISER: [ADMIN_ACCESS, *TRAINING_PERMISSIONS],
    # trainers record attendance on the site; which sessions is data (TrainingSession.trainers)
    roles.TRAINER: [],
    # which regions is data (accounts.CoordinatorScope); the figures are read on the site only
    roles.REGIONAL_COORDINATOR: [],
    roles.SITE_ADMIN: [
        ADMIN_ACCESS,
        "accounts.view_programme_reports",
        "organisations.change_counting_courses",
        "organisations.review_registration",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "auth.add_group",
        "auth.change_group",
        "auth.view_group",
        "accounts.add_sector",
        "accounts.change_sector",
        "accounts.delete_sector",
        "accounts.add_professionalrole",
        "accounts.change_professionalrole",
        "accounts.delete_professionalrole",
        *COORDINATOR_SCOPE_PERMISSIONS,
        "accounts.add_region",
        "accounts.change_region",
        "accounts.delete_region",
        "wagtailcore.add_site",
        "wagtailcore.change_site",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
        *MEDIA_PERMISSIONS,
    ],
}

#: What course editors may do with course pages: they write and submit for review, but do not
#: publish (Wagtail shows them no "Publish" action). Course reviewers also publish.
COURSE_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page", "unlock_page"]
REVIEWER_PAGE_PERMISSIONS = [*COURSE_PAGE_PERMISSIONS, "publish_page"]


def _permission(dotted: str) -> Permission | None:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


def ensure_roles() -> dict[str, Group]:
    """Create the role groups and give each exactly its listed permissions (that exist)."""
    groups = {}
    for name, dotted_permissions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [p for p in (_permission(d) for d in dotted_permissions) if p is not None]
        group.permissions.add(*wanted)
        groups[name] = group
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for name in (roles.COURSE_EDITOR, roles.COURSE_REVIEWER, roles.SITE_ADMIN):
            for dotted in MEDIA_PERMISSIONS:
                permission = _permission(dotted)
                if permission is not None:
                    GroupCollectionPermission.objects.get_or_create(
                        group=groups[name], collection=root_collection, permission=permission
                    )
    return groups


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def grant_course_editing(*, page: Page) -> None:
    """Below `page` (a course catalogue) course editors may add and edit pages and submit them
    for review; course reviewers may also publish. A publish permission editors held before
    is taken away (idempotent, so a deploy's `seed`/set-up corrects older databases)."""
    editors, _ = Group.objects.get_or_create(name=roles.COURSE_EDITOR)
    reviewers, _ = Group.objects.get_or_create(name=roles.COURSE_REVIEWER)
    for group, codenames in (
        (editors, COURSE_PAGE_PERMISSIONS),
        (reviewers, REVIEWER_PAGE_PERMISSIONS),
    ):
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=_page_permission(codename)
            )
    GroupPagePermission.objects.filter(
        group=editors, permission=_page_permission("publish_page")
    ).delete()


REVIEW_WORKFLOW = "Inhoudelijke review"


def ensure_course_review_workflow(*, page: Page) -> Workflow:
    """Changes to courses are reviewed before they go live: a Wagtail workflow on the course
    catalogue whose one task is approved by a course reviewer (approving publishes)."""
    reviewers, _ = Group.objects.get_or_create(name=roles.COURSE_REVIEWER)
    workflow, _ = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW)
    task = GroupApprovalTask.objects.filter(name="Review door redactie").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="Review door redactie")
    task.groups.set([reviewers])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow


def grant_site_editing(*, page: Page) -> None:
    """Site admins manage the whole page tree."""
    group, _ = Group.objects.get_or_create(name=roles.SITE_ADMIN)
    for codename in [*REVIEWER_PAGE_PERMISSIONS, "delete_page"]:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_page_permission(codename)
        )


def ensure_roles_after_migrate(**kwargs) -> None:
    if kwargs.get("plan") is None:
        # `flush` also sends post_migrate (without a plan): the database is empty then, and
        # tests that restore the migrated rows afterwards would collide with new groups.
        return
    ensure_roles()
