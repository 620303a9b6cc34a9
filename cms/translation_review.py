"""Translations are reviewed like every other page change (ADR 0007, amended).

`WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False` makes every translation wagtail-localize
creates a draft. Two of its views still publish without asking Wagtail whether the person may:
"Sync translations" with "Publish immediately", and "Convert to alias page" (an alias mirrors its
live source). Wagtail offers no hook before publishing, so these two views are wrapped here and
registered at the same addresses ahead of wagtail-localize's own (`cms.wagtail_hooks`).

Its translation editor also has no "Submit for review": `submit_translation_for_review` starts the
page's workflow for the latest draft, offered in the page's menus and in a message in the
translation editor (ADR 0007, amended)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.models import DraftStateMixin, Page, WorkflowState
from wagtail.snippets.permissions import get_permission_name
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.views import convert
from wagtail_localize.views.update_translations import UpdateTranslationsView


def may_publish_translations(*, user, source: TranslationSource) -> bool:
    """Whether `user` may publish every translation of `source` (for pages: publish permission
    on each translated page; for snippets with drafts: the model's publish permission)."""
    instance = source.get_source_instance()
    if isinstance(instance, Page):
        pages = []
        for translation in source.translations.filter(enabled=True).select_related("target_locale"):
            try:
                pages.append(translation.get_target_instance())
            except Page.DoesNotExist:
                continue
        return all(page.permissions_for_user(user).can_publish() for page in pages or [instance])
    if isinstance(instance, DraftStateMixin):
        return user.is_superuser or user.has_perm(get_permission_name("publish", type(instance)))
    return True


class ReviewedUpdateTranslationsView(UpdateTranslationsView):
    """wagtail-localize's "Sync translations", without "Publish immediately" for people who may
    not publish: their sync updates the drafts, which a reviewer publishes."""

    @cached_property
    def may_publish(self) -> bool:
        return may_publish_translations(user=self.request.user, source=self.object)

    def get_form(self):
        form = super().get_form()
        if not self.may_publish:
            form.fields.pop("publish_translations", None)
        return form

    def form_valid(self, form):
        # A ticked box the form does not offer is ignored: the translations stay drafts.
        form.cleaned_data.setdefault("publish_translations", False)
        return super().form_valid(form)


def reviewed_convert_to_alias(request: HttpRequest, page_id: int) -> HttpResponse:
    """wagtail-localize's "Convert to alias page" for people who may publish the page only: the
    alias takes the source's content and live status, so converting publishes it."""
    page = get_object_or_404(Page, id=page_id, alias_of_id__isnull=True)
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    return convert.convert_to_alias(request, page_id)


# Submitting a translation for review ---------------------------------------------------------
# wagtail-localize's translation editor replaces Wagtail's page editor for a translated page and
# has no "Submit for review" action (its React footer offers "Publish" to publishers only). These
# start the page's workflow as the page editor's "Submit for review" does: the latest draft goes
# to the reviewers' dashboard, with Wagtail's own notifications.


class SubmissionRefused(Exception):
    """Why a translation cannot be submitted for review (a message for the person asking)."""


def is_translation(page: Page) -> bool:
    """Whether `page` is edited in wagtail-localize's translation editor (the target of a synced
    translation); other pages are edited in Wagtail's page editor, which has its own action."""
    return Translation.objects.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
    ).exists()


def translation_review_refusal(*, page: Page, user) -> str | None:
    """Why `user` may not submit the translation `page` for review, or None if they may. The
    person must be able to edit the page (callers answer 404 otherwise)."""
    title = page.get_admin_display_title()
    perms = page.permissions_for_user(user)
    if not is_translation(page):
        return _(
            "'%(title)s' is not a translation made in the translation editor: submit it for "
            "review from the page editor."
        ) % {"title": title}
    if page.workflow_in_progress:
        return _("'%(title)s' is already awaiting review.") % {"title": title}
    if not page.has_unpublished_changes or page.latest_revision_id is None:
        return _("'%(title)s' has no unpublished draft to submit for review.") % {"title": title}
    if perms.page_locked():
        return _("'%(title)s' is locked, so it cannot be submitted for review.") % {"title": title}
    if not page.has_workflow:
        return _(
            "No review workflow applies to '%(title)s'. Ask a site administrator to set one up."
        ) % {"title": title}
    if not perms.can_submit_for_moderation():
        return _("You may not submit '%(title)s' for review.") % {"title": title}
    return None


def may_submit_translation_for_review(*, page: Page, user) -> bool:
    """Whether the action is offered: a translation `user` may edit and submit (cheap checks
    first, as page listings ask this for every row)."""
    return (
        page.has_unpublished_changes
        and not page.workflow_in_progress
        and page.permissions_for_user(user).can_edit()
        and translation_review_refusal(page=page, user=user) is None
    )


@transaction.atomic
def translation_submit_for_review(*, page: Page, user) -> WorkflowState:
    """Submit the latest draft of the translation `page` for review, as Wagtail's page editor
    does on "Submit for review": a workflow sent back for changes is resumed, otherwise the
    page's workflow starts (Wagtail logs it and notifies the reviewers). Raises
    `SubmissionRefused` when `translation_review_refusal` gives a reason."""
    # One submission at a time per page: a second, concurrent one sees the first's workflow.
    page = Page.objects.select_for_update().get(pk=page.pk).specific
    refusal = translation_review_refusal(page=page, user=user)
    if refusal is not None:
        raise SubmissionRefused(refusal)
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
        return state
    workflow = page.get_workflow()
    assert workflow is not None  # translation_review_refusal checked page.has_workflow
    return workflow.start(page, user)


def translated_subpages_to_review(*, page: Page, user) -> list[Page]:
    """The pages below `page` that `user` may submit for review now (a course translated with
    its subtree: its lessons and storylines, each a draft of its own), in tree order."""
    return [
        subpage
        for subpage in page.get_descendants().filter(locale_id=page.locale_id).specific()
        if may_submit_translation_for_review(page=subpage, user=user)
    ]


@require_http_methods(["GET", "POST"])
def submit_translation_for_review(request: HttpRequest, page_id: int) -> HttpResponse:
    """Ask to confirm (GET), then submit the translation for review (POST)."""
    page = get_object_or_404(Page, id=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise Http404  # pages a person may not edit do not exist for them here
    next_url = get_valid_next_url_from_request(request)
    back_url = next_url or reverse("wagtailadmin_pages:edit", args=[page.pk])
    refusal = translation_review_refusal(page=page, user=request.user)
    if refusal is None and request.method == "POST":
        try:
            with transaction.atomic():
                translation_submit_for_review(page=page, user=request.user)
                subpages = 0
                if request.POST.get("include_subpages"):
                    for subpage in translated_subpages_to_review(page=page, user=request.user):
                        try:
                            translation_submit_for_review(page=subpage, user=request.user)
                        except SubmissionRefused:
                            continue  # submitted or published by someone else meanwhile
                        subpages += 1
        except SubmissionRefused as refused:
            refusal = str(refused)
        else:
            message = _("'%(title)s' (%(language)s) has been submitted for review.") % {
                "title": page.get_admin_display_title(),
                "language": page.locale.get_display_name(),
            }
            if subpages:
                message += " " + ngettext(
                    "%(count)s translated subpage has been submitted too.",
                    "%(count)s translated subpages have been submitted too.",
                    subpages,
                ) % {"count": subpages}
            messages.success(
                request,
                message,
                buttons=[
                    messages.button(
                        reverse("wagtailadmin_pages:edit", args=[page.pk]), _("Edit translation")
                    )
                ],
            )
            return redirect(
                next_url or reverse("wagtailadmin_explore", args=[page.get_parent().pk])
            )
    if refusal is not None:
        messages.error(request, refusal)
        return redirect(back_url)
    return TemplateResponse(
        request,
        "cms/admin/submit_translation_for_review.html",
        {
            "page": page,
            "workflow": page.get_workflow(),
            "subpage_count": len(translated_subpages_to_review(page=page, user=request.user)),
            "next": next_url,
            "back_url": back_url,
        },
    )
