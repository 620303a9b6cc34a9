from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .models import TrainingFormat, TrainingSession
from .selectors import sessions_for_admin


class TrainingFormatViewSet(SnippetViewSet):
    model = TrainingFormat
    icon = "group"
    menu_label = _("Training formats")
    list_display = ["title", "delivery", "organiser", "locale"]
    search_fields = ["title", "description", "organiser"]


class TrainingSessionViewSet(SnippetViewSet):
    model = TrainingSession
    icon = "date"
    menu_label = _("Sessions")
    list_display = [
        "__str__",
        "region",
        "capacity",
        admin_views.YesNoColumn(TrainingSession, "is_published"),
        admin_views.YesNoColumn(TrainingSession, "is_closed"),
    ]
    list_filter = ["is_published", "is_closed", "region"]
    ordering = ["-starts_at"]
    # every view of one session is limited to the sessions the person may manage
    edit_view_class = admin_views.SessionEditView
    copy_view_class = admin_views.SessionCopyView
    delete_view_class = admin_views.SessionDeleteView
    usage_view_class = admin_views.SessionUsageView
    history_view_class = admin_views.SessionHistoryView
    inspect_view_class = admin_views.SessionInspectView
    chooser_viewset_class = admin_views.SessionChooserViewSet

    def get_queryset(self, request):
        """Organisers see the sessions of their own formats only."""
        return sessions_for_admin(user=request.user).select_related("training_format", "region")


class TrainingsGroup(SnippetViewSetGroup):
    items = (TrainingFormatViewSet, TrainingSessionViewSet)
    menu_icon = "group"
    menu_label = _("Trainings")
    menu_order = 240


register_snippet(TrainingsGroup)
