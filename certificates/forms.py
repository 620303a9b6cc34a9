from django import forms
from django.utils.translation import gettext_lazy as _

from .services import HOLDER_NAME_MAX, REASON_MAX


class NameCorrectionForm(forms.Form):
    name = forms.CharField(
        label=_("Name on the certificate"),
        max_length=HOLDER_NAME_MAX,
        help_text=_("Your name exactly as it should be printed. The code stays the same."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the audit log. Do not include personal details."),
    )


class VerifyLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=64,
        help_text=_("The code printed on the certificate, for example K7Q4-9XAB-…"),
    )


class StaffSearchForm(forms.Form):
    code = forms.CharField(label=_("Certificate code"), max_length=64, required=False)
