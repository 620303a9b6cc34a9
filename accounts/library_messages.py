"""Messages from Django and allauth that people see on our pages but that the installed
libraries' catalogues do not translate (ADR 0015). `make messages` extracts them from here into
locale/, and our catalogues (LOCALE_PATHS) take precedence over the libraries' own.

Django 5.2 changed the password-length message to a positional `%d`; its Dutch catalogue still
has only the older `%(min_length)d` text, so Dutch pages said "This password is too short" in
English. tests/test_translations.py checks every password message in every site language, so a
library upgrade that drops another translation shows up there and is added here."""

from django.utils.translation import ngettext_lazy

MESSAGES = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
)
