from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


@hooks.register("register_admin_urls")
def register_sources_url():
    return [path("course-sources/", views.sources_review, name="course_sources")]


class SourcesMenuItem(MenuItem):
    def is_shown(self, request):
        from .selectors import courses_editable_by

        return bool(courses_editable_by(user=request.user))


@hooks.register("register_admin_menu_item")
def register_sources_menu_item():
    return SourcesMenuItem(
        _("Course sources"), reverse("course_sources"), icon_name="doc-full", order=250
    )
