from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Target


class TargetViewSet(SnippetViewSet):
    model = Target
    icon = "pick"
    menu_label = _("Targets")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "unit", "goal", "target_number", "population", "period_end"]
    search_fields = ["title", "description"]
    ordering = ["sort_order", "period_end"]


register_snippet(TargetViewSet)


class ProgrammeDashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("accounts.view_programme_reports")


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return ProgrammeDashboardMenuItem(
        _("Programme dashboard"), reverse("reporting:dashboard"), icon_name="table", order=260
    )


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def rebuild_counts_after_target_edit(request, instance):
    """What a target counts may have changed: rebuild its kept counts after the commit (until
    then its pages count from the raw rows, ADR 0020)."""
    if isinstance(instance, Target) and instance.counts_people:
        from .tasks import target_counts_rebuild

        target_id = instance.pk
        # robust, and no publish retries: with the broker down the edit is saved all the same
        # and the nightly rebuild of stale targets (targets_counts_rebuild_stale) catches up
        transaction.on_commit(
            lambda: target_counts_rebuild.apply_async((target_id,), retry=False), robust=True
        )
