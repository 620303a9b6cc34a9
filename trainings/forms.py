from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from accounts.plain_text import validate_plain_text

from .models import GroupRequest, TrainingFormat
from .rules import EVALUATION_COMMENT_MAX_LENGTH, EVALUATION_SCALE_MAX, EVALUATION_SCALE_MIN
from .selectors import formats_requestable, trainer_choices

_SCALE = range(EVALUATION_SCALE_MIN, EVALUATION_SCALE_MAX + 1)


class GroupRequestForm(forms.ModelForm):
    training_format = forms.ModelChoiceField(
        queryset=TrainingFormat.objects.none(), label=_("Training")
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # only trainings someone organises: a request for another would go unanswered
        self.fields["training_format"].queryset = formats_requestable()  # type: ignore[attr-defined]


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
    online_url = forms.URLField(
        label=_("Online meeting link"), required=False, assume_scheme="https"
    )
    trainers = forms.ModelMultipleChoiceField(
        label=_("Trainers"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the same choice as in the admin: people with the trainer role, never every account
        self.fields["trainers"].queryset = trainer_choices()  # type: ignore[attr-defined]


class ProposeForm(_DateForm):
    pass


class DeclineForm(forms.Form):
    response = forms.CharField(
        label=_("Reason (sent to the requester)"), max_length=2000, widget=forms.Textarea
    )


def _scale(label, help_text=None):
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text or _("1 = not at all, 5 = very much"),
        choices=[(str(value), str(value)) for value in _SCALE],
        coerce=int,
        widget=forms.RadioSelect,
    )


class EvaluationForm(forms.Form):
    """The participant's evaluation after the session: three questions on a scale of 1 to 5,
    a yes/no and optional free text (ADR 0017, Evaluation)."""

    usefulness = _scale(_("How useful was this training for your work?"))
    trainer_clarity = _scale(_("How clearly did the trainer explain things?"))
    confidence = _scale(
        _("How confident are you now that you will recognise signals of human trafficking?")
    )
    would_recommend = forms.TypedChoiceField(
        label=_("Would you recommend this training to a colleague?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything else you would like to tell the organiser?"),
        help_text=_("Your answers are anonymous: please do not mention names."),
        required=False,
        max_length=EVALUATION_COMMENT_MAX_LENGTH,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
