"""Translations are reviewed like every other page change (ADR 0007, amended).

`WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False` makes every translation wagtail-localize
creates a draft. Two of its views still publish without asking Wagtail whether the person may:
"Sync translations" with "Publish immediately", and "Convert to alias page" (an alias mirrors its
live source). Wagtail offers no hook before publishing, so these two views are wrapped here and
registered at the same addresses ahead of wagtail-localize's own (`cms.wagtail_hooks`)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from wagtail.models import DraftStateMixin, Page
from wagtail.snippets.permissions import get_permission_name
from wagtail_localize.models import TranslationSource
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
