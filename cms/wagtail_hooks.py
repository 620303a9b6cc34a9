from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import Page

from .translation_review import (
    ReviewedUpdateTranslationsView,
    is_translation,
    may_submit_translation_for_review,
    reviewed_convert_to_alias,
    submit_translation_for_review,
)


# Ahead of wagtail-localize's own admin URLs (order -1) at the same addresses, so its links
# (reversed by its URL names) lead here. Only the views that publish are replaced
# (cms.translation_review); without names of their own, so its namespace stays whole.
@hooks.register("register_admin_urls", order=-1)
def register_reviewed_translation_urls():
    return [
        path(
            "localize/update/<int:translation_source_id>/",
            ReviewedUpdateTranslationsView.as_view(),
        ),
        path("localize/page/<int:page_id>/convert_to_alias/", reviewed_convert_to_alias),
    ]


@hooks.register("register_admin_urls")
def register_translation_review_urls():
    return [
        path(
            "translations/page/<int:page_id>/submit-for-review/",
            submit_translation_for_review,
            name="cms_submit_translation_for_review",
        ),
    ]


@hooks.register("construct_page_action_menu")
def hide_convert_to_alias_without_publishing(menu_items, request, context):
    page = context.get("page")
    if page is not None and not page.permissions_for_user(request.user).can_publish():
        menu_items[:] = [item for item in menu_items if item.name != "localize-convert-to-alias"]


class SubmitTranslationForReviewMenuItem(PageMenuItem):
    """ "Submit translation for review" in a translated page's "more" menus (explorer row and
    page header): the translation editor itself has no place for it."""

    label = gettext_lazy("Submit translation for review")
    icon_name = "resubmit"
    url_name = "cms_submit_translation_for_review"

    def is_shown(self, user):
        return may_submit_translation_for_review(page=self.page, user=user)


@hooks.register("register_page_listing_more_buttons")
def submit_translation_for_review_listing_button(page, user, next_url=None):
    yield SubmitTranslationForReviewMenuItem(page=page, next_url=next_url, priority=45)


@hooks.register("register_page_header_buttons")
def submit_translation_for_review_header_button(page, user, view_name, next_url=None):
    yield SubmitTranslationForReviewMenuItem(page=page, next_url=next_url, priority=55)


# Before wagtail-localize's own `before_edit_page`, which answers with its translation editor:
# this one only adds a message (with the action) to the page it renders.
@hooks.register("before_edit_page", order=-1)
def offer_submitting_translation_for_review(request: HttpRequest, page: Page):
    if request.method != "GET" or page.permissions_for_user(request.user).can_publish():
        return None  # people who may publish have "Publish" in the translation editor
    if may_submit_translation_for_review(page=page, user=request.user):
        url = reverse("cms_submit_translation_for_review", args=[page.pk])
        messages.info(
            request,
            _(
                "This translation has unpublished changes. When it is ready, submit it for "
                "review: a course reviewer checks it and publishes it."
            ),
            buttons=[messages.button(url, _("Submit translation for review"))],
        )
    elif page.workflow_in_progress and is_translation(page):
        messages.info(request, _("This translation is awaiting review."))
    return None
