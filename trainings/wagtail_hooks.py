from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from .models import TrainingFormat, TrainingSession
from .selectors import sessions_for_admin


class TrainingSessionEditView(EditView):
    """Wagtail checks the change permission per model; an organiser may only open the sessions
    of their own formats (others: 404, so ids are not confirmed)."""

    def get_object(self, queryset=None):
        session = super().get_object(queryset)
        if not sessions_for_admin(user=self.request.user).filter(pk=session.pk).exists():
            raise Http404
        return session


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
    list_display = ["__str__", "region", "capacity", "is_published", "is_closed"]
    list_filter = ["is_published", "is_closed", "region"]
    ordering = ["-starts_at"]
    edit_view_class = TrainingSessionEditView

    def get_queryset(self, request):
        """Organisers see the sessions of their own formats only."""
        return sessions_for_admin(user=request.user).select_related("training_format", "region")


class TrainingsGroup(SnippetViewSetGroup):
    items = (TrainingFormatViewSet, TrainingSessionViewSet)
    menu_icon = "group"
    menu_label = _("Trainings")
    menu_order = 240


register_snippet(TrainingsGroup)
