"""The admin's own account page (/admin/account/) with the project's one name field.

Wagtail's "Name and Email" panel asks for a first and a last name, both required, but the user
model keeps one `full_name` (the name on certificates): the fields were always empty, what was
typed was dropped, and no other preference (language, notifications) could be saved without
them. Wagtail has no setting or hook to replace that panel, so its account view is served with
the panel swapped for a full-name panel (config/urls.py, ahead of the admin's own URLs). The
e-mail address is changed under "Mijn account", where it is confirmed (allauth)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.account import AccountView, BaseSettingsPanel, NameEmailSettingsPanel

from accounts.models import User


class FullNameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name"]

    def clean_full_name(self) -> str:
        # Left empty keeps the name: a certificate always has one.
        return self.cleaned_data["full_name"].strip() or self.instance.full_name


class FullNameSettingsPanel(BaseSettingsPanel):
    name = "full_name"
    title = _("Full name")
    order = NameEmailSettingsPanel.order
    form_class = FullNameForm


class ProjectAccountView(AccountView):
    def get_panels(self):
        return [
            FullNameSettingsPanel(panel.request, panel.user, panel.profile)
            if isinstance(panel, NameEmailSettingsPanel)
            else panel
            for panel in super().get_panels()
        ]
