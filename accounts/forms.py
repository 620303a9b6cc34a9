import unicodedata

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .models import ProfessionalRole, Region, Sector, User
from .site_languages import PerLanguageTextsForm, labelled_in, per_language_form


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth adds e-mail and passwords)."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        help_text=_("As it must appear on your certificates."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("(choose your sector)"),
    )
    professional_role = forms.ModelChoiceField(
        label=_("Professional role"),
        queryset=ProfessionalRole.objects.all(),
        required=False,
        empty_label=_("(choose your role)"),
        help_text=User._meta.get_field("professional_role").help_text,
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("(choose your region)"),
    )

    field_order = [
        "full_name",
        "email",
        "password1",
        "password2",
        "sector",
        "professional_role",
        "region",
    ]

    def signup(self, request, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.sector = self.cleaned_data.get("sector")
        user.professional_role = self.cleaned_data.get("professional_role")
        user.region = self.cleaned_data.get("region")
        # The language the person signed up in (e.g. Polish from a join page): their e-mails,
        # starting with the confirmation, and their certificates follow it (ADR 0016).
        language = (getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE)[:2]
        languages = {code for code, _name in settings.LANGUAGES}
        user.preferred_language = language if language in languages else settings.LANGUAGE_CODE
        user.save()


#: The profile's name is required: certificates are issued in it.
NAME_REQUIRED = _("Enter your name as it must appear on certificates.")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language", "sector", "professional_role", "region"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model allows a blank name (anonymised accounts); this form does not, so the label
        # must not say "(optional)".
        name = self.fields["full_name"]
        name.required = True
        name.error_messages["required"] = NAME_REQUIRED

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(NAME_REQUIRED)
        return name


def confirmation_word() -> str:
    """The word a person types to confirm deleting their account, in the page's language."""
    # Translators: typed in capitals to confirm deleting one's account; keep it one short word
    return pgettext("confirmation word", "DELETE")


def _folded(text: str) -> str:
    """Upper case without accents, so "usun" on a phone keyboard confirms "USUŃ"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().upper())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        max_length=20,
        help_text=_("Your account and personal data are removed. This cannot be undone."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _("Type %(word)s to confirm") % {"word": confirmation_word()}

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"]
        # the page's word, and the English and Dutch ones the form always took
        accepted = {_folded(word) for word in (confirmation_word(), "DELETE", "VERWIJDER")}
        if _folded(value) not in accepted:
            raise forms.ValidationError(
                _("Type %(word)s to confirm.") % {"word": confirmation_word()}
            )
        return value.strip()


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What you use it for, e.g. 'LMS koppeling'."),
    )


class _TaxonomyFormBase(PerLanguageTextsForm):
    """A sector, region or role with its name in every site language (`name_<code>`)."""

    per_language = {"name": "names"}


TaxonomyForm = per_language_form(
    "TaxonomyForm",
    _TaxonomyFormBase,
    {
        "name": lambda code: forms.CharField(
            label=labelled_in(_("name ({language})"), code), max_length=120, required=False
        )
    },
)
