from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import TrainingFormat, TrainingSession
from .selectors import MANAGE_ALL_PERMISSION


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

    def get_queryset(self, request):
        """Organisers see (and so edit) the sessions of their own formats only."""
        sessions = TrainingSession.objects.select_related("training_format", "region")
        if request.user.has_perm(MANAGE_ALL_PERMISSION):
            return sessions
        return sessions.filter(
            Q(training_format__organisers=request.user) | Q(trainers=request.user)
        ).distinct()


class TrainingsGroup(SnippetViewSetGroup):
    items = (TrainingFormatViewSet, TrainingSessionViewSet)
    menu_icon = "group"
    menu_label = _("Trainings")
    menu_order = 240


register_snippet(TrainingsGroup)
