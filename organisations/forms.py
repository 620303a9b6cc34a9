from typing import cast

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import language_choices

from .models import Location, Organisation, StaffMembership
from .services.registration import EDITABLE_FIELDS


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = list(EDITABLE_FIELDS)
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "kvk_number": _("8 digits, from the Chamber of Commerce register."),
            "public_listing": _(
                "Once certified, your establishment appears in the public list with a link to "
                "verify the certificate."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = Organisation.Kind.choices
        cast(forms.ModelChoiceField, self.fields["region"]).empty_label = _("(choose the region)")
        # An establishment has at least one person working there; no pre-filled 0.
        staff = cast(forms.IntegerField, self.fields["declared_staff"])
        staff.min_value = 1
        staff.validators = [
            *(v for v in staff.validators if not isinstance(v, MinValueValidator)),
            MinValueValidator(1),
        ]
        staff.widget.attrs["min"] = 1
        staff.error_messages["min_value"] = _("Enter the number of staff: at least 1.")
        staff.initial = None
        if self.instance.pk is None:
            self.initial.pop("declared_staff", None)


def invitation_language_field(label, help_text) -> forms.ChoiceField:
    """The language of an invitation's e-mail and page; left out, the manager's language."""
    return forms.ChoiceField(
        label=label, help_text=help_text, choices=language_choices, required=False
    )


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=StaffMembership.Role.choices, initial="other")
    language = invitation_language_field(
        _("Language of the invitation"),
        _("The e-mail and the page it links to are in this language."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: name, e-mail address, role, language. Download the template for the "
            "column names and roles. Rows without a language are invited in the language you "
            "choose below. Nothing is imported if one row is wrong."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    language = invitation_language_field(
        _("Language of the invitations"), _("For rows that do not name a language.")
    )


class MemberRemoveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, this person no longer works here"),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class ReasonField(forms.CharField):
    """Required for one decision only (the form checks it): its label says when, so the page
    does not add "(optional)" to it."""

    def validate(self, value):
        pass


class RegistrationReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    kvk_checked = forms.BooleanField(
        label=_("I checked this KvK number in the Chamber of Commerce register"),
        required=False,
    )
    note = ReasonField(
        label=_("Reason (required when you reject)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # the note is needed for one decision only: no browser "required" on it
    use_required_attribute = False

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "reject" and not cleaned.get("note"):
            self.add_error("note", _("Give the reason for rejecting the registration."))
        return cleaned


class JoinForm(forms.Form):
    role = forms.ChoiceField(
        label=_("What is your role?"),
        choices=StaffMembership.Role.choices,
        widget=forms.RadioSelect,
        initial="other",
    )


class PublicSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=100, required=False)
    municipality = forms.CharField(label=_("Municipality"), max_length=100, required=False)


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "address", "municipality"]


class ManagerForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the new manager"),
        help_text=_("They get an invitation by e-mail and become a manager once they accept it."),
    )
    language = invitation_language_field(
        _("Language of the invitation"),
        _("The e-mail and the page it links to are in this language."),
    )


class CountingCoursesForm(forms.Form):
    courses = forms.MultipleChoiceField(
        label=_("Courses that count for certification"),
        help_text=_(
            "A member counts toward the 60% with a valid certificate for one of these courses, "
            "in any language."
        ),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one course.")},
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["courses"]).choices = choices
