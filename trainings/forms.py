from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Region

from .models import GroupRequest, TrainingFormat


class GroupRequestForm(forms.ModelForm):
    training_format = forms.ModelChoiceField(
        queryset=TrainingFormat.objects.all(), label=_("Training")
    )
    region = forms.ModelChoiceField(queryset=Region.objects.all(), label=_("Region"))

    class Meta:
        model = GroupRequest
        fields = [
            "training_format",
            "organisation_name",
            "group_size",
            "region",
            "preferred_dates",
            "message",
        ]


class _DateForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and start time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    response = forms.CharField(
        label=_("Message to the requester"), required=False, max_length=2000, widget=forms.Textarea
    )


class AcceptForm(_DateForm):
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online meeting link"), required=False)


class ProposeForm(_DateForm):
    pass


class DeclineForm(forms.Form):
    response = forms.CharField(
        label=_("Reason (sent to the requester)"), max_length=2000, widget=forms.Textarea
    )
