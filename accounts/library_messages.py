"""Messages from Django and allauth that people see on our pages but that the installed
libraries' catalogues do not translate (ADR 0015). `make messages` extracts them from here into
locale/, and our catalogues (LOCALE_PATHS) take precedence over the libraries' own.

Django 5.2 changed the password-length message to a positional `%d`; its Dutch catalogue still
has only the older `%(min_length)d` text, so Dutch pages said "This password is too short" in
English. Other library texts are here because their Dutch or Spanish translation addresses the
reader formally ("Uw wachtwoord", "regístrese") where every page of ours says "je" / "tú", or
is misspelt ("Bevestigings e-mail"). tests/test_translations.py checks every password message in every site language, so a
library upgrade that drops another translation shows up there and is added here."""

from django.utils.translation import gettext_lazy, ngettext_lazy

MESSAGES = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
    # Django's password validators' help texts
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    gettext_lazy("Your password can’t be too similar to your other personal information."),
    gettext_lazy("Your password can’t be a commonly used password."),
    gettext_lazy("Your password can’t be entirely numeric."),
    # allauth
    gettext_lazy("Confirmation email sent to %(email)s."),
    gettext_lazy(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."
    ),
    # allauth's password check before an account's sensitive actions (ADR 0003): formal in
    # Spanish, misspelt in Polish ("Wprowadż")
    gettext_lazy("Please reauthenticate to safeguard your account."),
    gettext_lazy("Enter your password:"),
    gettext_lazy("Forgot your password?"),
)
