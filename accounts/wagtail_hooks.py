from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import ProfessionalRole, Region, Sector


class SectorViewSet(SnippetViewSet):
    model = Sector
    icon = "group"
    list_display = ["name", "name_en", "slug", "sort_order"]
    search_fields = ["name", "name_en"]


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "site"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]


class ProfessionalRoleViewSet(SnippetViewSet):
    model = ProfessionalRole
    icon = "user"
    list_display = ["name", "name_en", "slug", "sort_order"]
    search_fields = ["name", "name_en"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = _("Sectors, roles and regions")
    menu_icon = "list-ul"
    items = (SectorViewSet, ProfessionalRoleViewSet, RegionViewSet)


register_snippet(TaxonomyGroup)
