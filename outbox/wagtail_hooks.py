from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views import PERMISSION


class StuckWorkMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_menu_item")
def register_stuck_work_menu_item():
    return StuckWorkMenuItem(
        _("Stuck work"), reverse("outbox_stuck"), icon_name="warning", order=290
    )
