from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .forms import TaxonomyForm
from .models import CoordinatorScope, ProfessionalRole, Region, Sector
from .site_languages import per_language_field_names


def _taxonomy_edit_handler() -> ObjectList:
    # One plain text field per site language next to the Dutch name (ADR 0015, amended).
    return ObjectList(
        [
            FieldPanel("name"),
            *[FieldPanel(field_name) for field_name in per_language_field_names("name")],
            FieldPanel("slug"),
            FieldPanel("sort_order"),
        ],
        base_form_class=TaxonomyForm,
    )


class SectorViewSet(SnippetViewSet):
    model = Sector
    icon = "group"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "names"]
    edit_handler = _taxonomy_edit_handler()


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "site"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]
    edit_handler = _taxonomy_edit_handler()


class ProfessionalRoleViewSet(SnippetViewSet):
    model = ProfessionalRole
    icon = "user"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "names"]
    edit_handler = _taxonomy_edit_handler()


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = _("Sectors, roles and regions")
    menu_icon = "list-ul"
    items = (SectorViewSet, ProfessionalRoleViewSet, RegionViewSet)


register_snippet(TaxonomyGroup)


class CoordinatorScopeViewSet(SnippetViewSet):
    """Programme staff and site admins assign a regional coordinator their regions (ADR 0023)."""

    model = CoordinatorScope
    icon = "site"
    menu_label = _("Regional coordinators")
    list_display = ["user", "region_names"]
    panels = [
        FieldPanel("user"),
        FieldPanel("regions", widget=forms.CheckboxSelectMultiple),
    ]

    def get_queryset(self, request):
        return CoordinatorScope.objects.select_related("user").prefetch_related("regions")


register_snippet(CoordinatorScopeViewSet)
