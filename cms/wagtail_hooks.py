from django.urls import path
from wagtail import hooks

from .translation_review import ReviewedUpdateTranslationsView, reviewed_convert_to_alias


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


@hooks.register("construct_page_action_menu")
def hide_convert_to_alias_without_publishing(menu_items, request, context):
    page = context.get("page")
    if page is not None and not page.permissions_for_user(request.user).can_publish():
        menu_items[:] = [item for item in menu_items if item.name != "localize-convert-to-alias"]
